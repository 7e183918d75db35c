"""The county's own layers drawn by the portal: land inside the real outline, the outside
dimmed, the outline and township lines, seamless across tiles, and shifted with a GCJ-02 map."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from portal.config import DEMO_COUNTY_FILE
from portal.counties import load_county
from portal.domain.basemap import Tile, world_pixel
from portal.domain.datum import wgs84_to_gcj02
from portal.services.tiles import render


def tile_at(lng, lat, z) -> Tile:
    x, y = world_pixel(lng, lat, z)
    return Tile(z, int(x // 256), int(y // 256))


def image(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("RGB")


def colours(data: bytes) -> set[tuple[int, int, int]]:
    return {c for _, c in image(data).getcolors(65536)}


def near(colour, target, tolerance=8) -> bool:
    return sum(abs(a - b) for a, b in zip(colour, target)) <= tolerance


@pytest.fixture(scope="module")
def county():
    return load_county(DEMO_COUNTY_FILE)


def test_inside_the_county_is_land_and_outside_is_dimmed(county):
    seat = county.map_center
    inside = image(render.county_tile(county, tile_at(seat[0], seat[1] - 0.05, 13)))
    assert any(near(c, render.LAND) for _, c in inside.getcolors(65536))
    far_outside = render.county_tile(county, tile_at(113.0, 26.4, 13))  # 70 km west of the county
    assert colours(far_outside) == {render.OUTSIDE}


def test_the_outline_is_drawn_where_it_runs(county):
    """A tile on the outline holds the land, the outside and the outline's own colour."""
    lng, lat = county.boundary[0][0][0]
    found = colours(render.county_tile(county, tile_at(lng, lat, 12)))
    assert any(near(c, render.OUTLINE, 60) for c in found)
    assert any(near(c, render.OUTSIDE) for c in found) and any(near(c, render.LAND) for c in found)


def test_neighbouring_tiles_meet_without_a_seam(county):
    """A tile drawn from the county's layers continues exactly where its neighbour stops."""
    lng, lat = county.boundary[0][0][0]
    left = tile_at(lng, lat, 11)
    right = Tile(left.z, left.x + 1, left.y)
    a, b = image(render.county_tile(county, left)), image(render.county_tile(county, right))
    edge_a = [a.getpixel((255, y)) for y in range(256)]
    edge_b = [b.getpixel((0, y)) for y in range(256)]
    assert sum(near(p, q, 30) for p, q in zip(edge_a, edge_b)) >= 250


def test_for_a_gcj02_map_the_layers_are_shifted_as_its_tiles_are(county):
    """The outline's vertex lands on its GCJ-02 position on a GCJ-02 stand-in tile."""
    lng, lat = county.boundary[0][0][0]
    gcj = wgs84_to_gcj02(lng, lat)
    z = 16
    x, y = world_pixel(*gcj, z)
    tile = Tile(z, int(x // 256), int(y // 256))
    px, py = int(x % 256), int(y % 256)
    drawn_gcj = image(render.county_tile(county, tile, datum="gcj02")).getpixel((px, py))
    drawn_wgs = image(render.county_tile(county, tile, datum="wgs84")).getpixel((px, py))
    assert near(drawn_gcj, render.OUTLINE, 120)
    assert not near(drawn_wgs, render.OUTLINE, 120)  # hundreds of metres away unshifted


def test_cgcs2000_is_drawn_as_wgs84(county):
    tile = tile_at(*county.map_center, 14)
    assert render.county_tile(county, tile, datum="cgcs2000") == render.county_tile(county, tile)
