"""The county's own layers drawn into a 256-pixel PNG tile with Pillow: the land inside the
outline, the built-up area, township lines, the outline, and the names of the townships.

This is the demo's basemap (no upstream, no third party), and every source's stand-in while
its upstream is down. Drawn at twice the size and scaled down, for smooth lines. Names need a
font with Chinese glyphs: the portal ships a small one made from the county files
(``scripts/label_font.py``); without it the tile is drawn without names.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Sequence

from PIL import Image, ImageDraw, ImageFont

from portal.domain.basemap import TILE_SIZE, Tile, world_pixel
from portal.domain.county import County
from portal.domain.geo import Point, Ring, centroid, polygons_contain, ring_area_deg2

SCALE = 2
OUTSIDE = (226, 224, 219)
LAND = (248, 246, 240)
BUILT_UP = (244, 214, 208)
BUILT_UP_EDGE = (196, 92, 80)
TOWNSHIP_EDGE = (128, 136, 144)
OUTLINE = (84, 70, 60)
LABEL = (40, 40, 40)
HALO = (255, 255, 255)

FONT_FILE = Path(__file__).with_name("labels.otf")
#: zoom levels from which names are drawn: townships, then the small management areas inside them
TOWNSHIP_NAMES_FROM = 10
AREA_NAMES_FROM = 12

#: (lng, lat) in WGS84 -> (lng, lat) in the datum of the map the tile is drawn for
Transform = Callable[[float, float], tuple[float, float]]


def _same(lng: float, lat: float) -> tuple[float, float]:
    return lng, lat


def datum_transform(datum: str) -> Transform:
    """County data is WGS84; CGCS2000 is the same within centimetres. A GCJ-02 map needs the
    county's layers shifted as its tiles are: until the domain's conversion is wired here, they
    are drawn unshifted (an offset of a few hundred metres on the stand-in tile)."""
    return _same


@lru_cache(maxsize=4)
def _font(size: int):
    if not FONT_FILE.is_file():
        return None
    return ImageFont.truetype(str(FONT_FILE), size)


def county_tile(county: County, tile: Tile, datum: str = "wgs84") -> bytes:
    to_map = datum_transform(datum)
    size = TILE_SIZE * SCALE
    image = Image.new("RGB", (size, size), OUTSIDE)
    draw = ImageDraw.Draw(image)
    origin = (tile.x * TILE_SIZE, tile.y * TILE_SIZE)

    def pixels(ring: Ring) -> list[tuple[float, float]]:
        out = []
        for lng, lat in ring:
            x, y = world_pixel(*to_map(lng, lat), tile.z)
            out.append(((x - origin[0]) * SCALE, (y - origin[1]) * SCALE))
        return out

    west, south, east, north = tile.bounds()
    pad = (east - west) * 0.1

    def near(rings: Iterable[Ring]) -> list[list[tuple[float, float]]]:
        return [pixels(r) for r in rings if _box_overlaps(r, west - pad, south - pad, east + pad, north + pad)]

    for ring in near(county.boundary):
        draw.polygon(ring, fill=LAND)
    for ring in near(county.built_up_area):
        draw.polygon(ring, fill=BUILT_UP)
        draw.line(ring, fill=BUILT_UP_EDGE, width=SCALE)
    for township in county.townships:
        for ring in near(township.polygons):
            draw.line(ring, fill=TOWNSHIP_EDGE, width=SCALE, joint="curve")
    for ring in near(county.boundary):
        draw.line(ring, fill=OUTLINE, width=3 * SCALE, joint="curve")
    if tile.z >= TOWNSHIP_NAMES_FROM:
        font = _font(13 * SCALE)
        if font is not None:
            for name, point in _labels(county, tile.z):
                x, y = world_pixel(*to_map(point.lng, point.lat), tile.z)
                _label(draw, font, name, ((x - origin[0]) * SCALE, (y - origin[1]) * SCALE), size)
    image = image.resize((TILE_SIZE, TILE_SIZE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.quantize(colors=64).save(out, "PNG", optimize=True)
    return out.getvalue()


def _box_overlaps(ring: Sequence[tuple[float, float]], west, south, east, north) -> bool:
    xs = [p[0] for p in ring]
    ys = [p[1] for p in ring]
    return min(xs) < east and max(xs) > west and min(ys) < north and max(ys) > south


def _labels(county: County, z: int) -> list[tuple[str, Point]]:
    """Township names at the centre of each township's largest part (when it lies inside)."""
    out = []
    for township in county.townships:
        if township.kind == "management_area" and z < AREA_NAMES_FROM:
            continue
        point = centroid(max(township.polygons, key=ring_area_deg2))
        if polygons_contain(township.polygons, point):
            out.append((township.name, point))
    return out


def _label(draw: ImageDraw.ImageDraw, font, text: str, at: tuple[float, float], size: int) -> None:
    """A name centred on ``at`` with a white halo; drawn by every tile it overlaps, so a name
    across a tile edge is whole on the map."""
    left, top, right, bottom = draw.textbbox(at, text, font=font, anchor="mm", stroke_width=2 * SCALE)
    if right < 0 or bottom < 0 or left > size or top > size:
        return
    draw.text(at, text, font=font, anchor="mm", fill=LABEL, stroke_width=2 * SCALE, stroke_fill=HALO)
