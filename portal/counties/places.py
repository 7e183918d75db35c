"""A county's place file (``<county>.places.json``, written by ``scripts/geodata.sh``): the
outline, the townships' areas, the built-up area, villages and landmarks, with their sources.

Read at every cold start, so it is JSON (parsed in about a millisecond) and checked by plain
loops rather than a field-per-coordinate schema; an error names the bad entry like the county
file's do (``places.townships.units.xiayang.polygons.0.0: ...``). That every point of the
county lies in exactly one township is a property the generator builds and the tests check
(``tests/unit/test_county_geometry.py``); at start-up only cheap checks run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from portal.domain.gazetteer import LANDMARK_KIND, VILLAGE_KINDS, Place
from portal.domain.geo import Area, Point, area_bounds

#: the most an outline may be simplified by, in metres (issue 19: at most 20 m)
MAX_TOLERANCE_M = 20.0


class PlacesError(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class TownshipPlace:
    area: Area
    point: Point
    division_code: str | None
    pinyin: tuple[str, ...]
    initials: tuple[str, ...]


@dataclass(frozen=True)
class CountyPlaces:
    outline: Area
    outline_source: dict
    townships: dict[str, TownshipPlace]
    built_up_area: Area
    villages: tuple[Place, ...]
    landmarks: tuple[Place, ...]
    demo: bool


def read(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PlacesError({"places": f"{path.name}: file not found"}) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PlacesError({"places": f"{path.name}: not valid JSON ({exc})"}) from None


def _area(raw, path: str, errors: dict) -> Area:
    if not isinstance(raw, list) or not raw:
        errors[path] = "must be a list of polygons, each a list of rings"
        return ()
    area = []
    for i, polygon in enumerate(raw):
        if not isinstance(polygon, list) or not polygon:
            errors[f"{path}.{i}"] = "a polygon is a list of rings (outer ring first, then holes)"
            continue
        rings = []
        for j, ring in enumerate(polygon):
            ring_path = f"{path}.{i}.{j}"
            try:
                coords = tuple((float(p[0]), float(p[1])) for p in ring if len(p) == 2)
            except (TypeError, ValueError, IndexError, KeyError):
                coords = ()
            if len(coords) < 4 or len(coords) != len(ring):
                errors[ring_path] = "a ring needs at least 4 [longitude, latitude] pairs"
            elif not all(-180 <= x <= 180 and -90 <= y <= 90 for x, y in coords):
                errors[ring_path] = "coordinates must be [longitude, latitude] in range"
            elif coords[0] != coords[-1]:
                errors[ring_path] = "a ring must end where it starts"
            else:
                rings.append(coords)
        if rings:
            area.append(tuple(rings))
    return tuple(area)


def _point(raw, path: str, errors: dict) -> Point | None:
    try:
        return Point(float(raw[0]), float(raw[1]))
    except (TypeError, ValueError, IndexError, KeyError):
        errors[path] = "must be [longitude, latitude] in range"
        return None


def _within(bounds, point: Point) -> bool:
    west, south, east, north = bounds
    return west <= point.lng <= east and south <= point.lat <= north


def _keys(raw: dict) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return tuple(str(k) for k in raw.get("pinyin", ())), tuple(str(k) for k in raw.get("initials", ()))


def parse(raw, township_codes: list[str]) -> CountyPlaces:
    """The place file's contents, checked; ``PlacesError`` naming every bad entry."""
    errors: dict[str, str] = {}
    if not isinstance(raw, dict):
        raise PlacesError({"places": "expected a JSON object"})
    if raw.get("datum") != "wgs84":
        errors["places.datum"] = "must be wgs84 (convert the sources when generating the file)"
    outline_raw = raw.get("outline") or {}
    for key in ("source", "licence", "source_datum", "tolerance_m"):
        if outline_raw.get(key) in (None, ""):
            errors[f"places.outline.{key}"] = "missing: the outline must say where it comes from"
    tolerance = outline_raw.get("tolerance_m")
    if isinstance(tolerance, (int, float)) and not 0 <= tolerance <= MAX_TOLERANCE_M:
        errors["places.outline.tolerance_m"] = f"must be at most {MAX_TOLERANCE_M:g} m"
    outline = _area(outline_raw.get("polygons"), "places.outline.polygons", errors)
    bounds = area_bounds(outline) if outline else (-180, -90, 180, 90)
    # a hair of slack: vertices on the outline round to the same 6 decimals
    bounds = (bounds[0] - 1e-6, bounds[1] - 1e-6, bounds[2] + 1e-6, bounds[3] + 1e-6)

    units = (raw.get("townships") or {}).get("units") or {}
    townships: dict[str, TownshipPlace] = {}
    for code in township_codes:
        path = f"places.townships.units.{code}"
        unit = units.get(code)
        if not isinstance(unit, dict):
            errors[path] = "missing: every township of the county file needs its area here"
            continue
        area = _area(unit.get("polygons"), f"{path}.polygons", errors)
        for i, polygon in enumerate(area):
            if not all(_within(bounds, Point(*p)) for p in polygon[0]):
                errors[f"{path}.polygons.{i}.0"] = "polygon reaches outside the county outline"
        point = _point(unit.get("point"), f"{path}.point", errors)
        if area and point is not None:
            townships[code] = TownshipPlace(area, point, unit.get("division_code"), *_keys(unit))
    for code in units:
        if code not in township_codes:
            errors[f"places.townships.units.{code}"] = "no such township in the county file"

    built_up = _area((raw.get("built_up_area") or {}).get("polygons"), "places.built_up_area.polygons", errors) \
        if (raw.get("built_up_area") or {}).get("polygons") else ()

    villages = []
    codes_seen = set()
    for i, item in enumerate((raw.get("villages") or {}).get("items") or []):
        path = f"places.villages.items.{i}"
        point = _point(item.get("point"), f"{path}.point", errors)
        if item.get("township") not in township_codes:
            errors[f"{path}.township"] = f"unknown township {item.get('township')!r}"
        elif item.get("kind") not in VILLAGE_KINDS:
            errors[f"{path}.kind"] = f"must be one of {', '.join(VILLAGE_KINDS)}"
        elif not item.get("name") or not str(item.get("code", "")).isdigit() or item["code"] in codes_seen:
            errors[f"{path}.code"] = "each village needs a name and its own numeric division code"
        elif point is not None and not _within(bounds, point):
            errors[f"{path}.point"] = "outside the county outline"
        elif point is not None:
            codes_seen.add(item["code"])
            pinyin_keys, initials = _keys(item)
            villages.append(Place(kind=item["kind"], name=item["name"], point=point, code=item["code"],
                                  township=item["township"], demo=bool(item.get("demo", True)),
                                  pinyin=pinyin_keys, initials=initials))
    landmarks = []
    for i, item in enumerate((raw.get("landmarks") or {}).get("items") or []):
        point = _point(item.get("point"), f"places.landmarks.items.{i}.point", errors)
        if point is not None and item.get("name"):
            pinyin_keys, initials = _keys(item)
            landmarks.append(Place(kind=LANDMARK_KIND, name=item["name"], point=point,
                                   demo=bool(item.get("demo", True)), pinyin=pinyin_keys, initials=initials))
    if errors:
        raise PlacesError(errors)
    demo = bool((raw.get("townships") or {}).get("demo", True) or (raw.get("built_up_area") or {}).get("demo", True))
    source = {k: outline_raw[k] for k in ("source", "licence", "source_datum", "tolerance_m")}
    return CountyPlaces(outline=outline, outline_source=source, townships=townships, built_up_area=built_up,
                        villages=tuple(villages), landmarks=tuple(landmarks), demo=demo)
