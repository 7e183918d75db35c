"""The county's own layers drawn into a 256-pixel PNG tile with Pillow: the land inside the
outline, the built-up area, township lines and the outline, in the datum of the map the tile
stands in for.

Every source's stand-in while its upstream is down (the map script draws the names over it,
as it draws them over any basemap), and ``/tiles/county/...``. Drawn at twice the size and
scaled down, for smooth lines.
"""

from __future__ import annotations

import io
from typing import Callable

from PIL import Image, ImageDraw

from portal.domain.basemap import TILE_SIZE, Tile, world_pixel
from portal.domain.county import County
from portal.domain.datum import wgs84_to_gcj02
from portal.domain.geo import Area, Ring

SCALE = 2
OUTSIDE = (226, 224, 219)
LAND = (248, 246, 240)
BUILT_UP = (244, 214, 208)
BUILT_UP_EDGE = (196, 92, 80)
TOWNSHIP_EDGE = (128, 136, 144)
OUTLINE = (84, 70, 60)

#: (lng, lat) in WGS84 -> (lng, lat) in the datum of the map the tile is drawn for
Transform = Callable[[float, float], tuple[float, float]]


def _same(lng: float, lat: float) -> tuple[float, float]:
    return lng, lat


def datum_transform(datum: str) -> Transform:
    """County data is WGS84; CGCS2000 is the same within centimetres; a GCJ-02 map (AMap,
    Tencent) has its tiles shifted, so the county's layers are shifted with them."""
    return wgs84_to_gcj02 if datum == "gcj02" else _same


def county_tile(county: County, tile: Tile, datum: str = "wgs84") -> bytes:
    to_map = datum_transform(datum)
    size = TILE_SIZE * SCALE
    image = Image.new("RGB", (size, size), OUTSIDE)
    draw = ImageDraw.Draw(image)
    ox, oy = tile.x * TILE_SIZE, tile.y * TILE_SIZE
    west, south, east, north = tile.bounds()
    pad = (east - west) * 0.1

    def pixels(ring: Ring) -> list[tuple[float, float]]:
        out = []
        for lng, lat in ring:
            x, y = world_pixel(*to_map(lng, lat), tile.z)
            out.append(((x - ox) * SCALE, (y - oy) * SCALE))
        return out

    def near(area: Area) -> list[list[list[tuple[float, float]]]]:
        """The area's polygons (outer ring, then holes) that reach this tile, in pixels."""
        return [[pixels(ring) for ring in polygon] for polygon in area
                if _overlaps(polygon[0], west - pad, south - pad, east + pad, north + pad)]

    for outer, *holes in near(county.boundary):
        draw.polygon(outer, fill=LAND)
        for hole in holes:
            draw.polygon(hole, fill=OUTSIDE)
    for outer, *_ in near(county.built_up_area):
        draw.polygon(outer, fill=BUILT_UP)
        draw.line(outer, fill=BUILT_UP_EDGE, width=SCALE)
    for township in county.townships:
        for polygon in near(township.polygons):
            for ring in polygon:
                draw.line(ring, fill=TOWNSHIP_EDGE, width=SCALE, joint="curve")
    for polygon in near(county.boundary):
        for ring in polygon:
            draw.line(ring, fill=OUTLINE, width=3 * SCALE, joint="curve")
    image = image.resize((TILE_SIZE, TILE_SIZE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.quantize(colors=64).save(out, "PNG", optimize=True)
    return out.getvalue()


def _overlaps(ring: Ring, west: float, south: float, east: float, north: float) -> bool:
    xs = [p[0] for p in ring]
    ys = [p[1] for p in ring]
    return min(xs) < east and max(xs) > west and min(ys) < north and max(ys) > south
