"""A county's placement grid (``portal.domain.placement_grid``) answers from a lookup only
where the outlines' answer cannot differ inside the cell: every point, of the demo county
and of a shape with a sliver thinner than a cell, gets the plain even-odd rule's answer."""

from __future__ import annotations

import random

from portal.counties import load_county
from portal.domain.geo import Point, area_bounds, area_contains
from portal.domain.placement_grid import BOUNDARY, PlacementGrid, decode, encode
from portal.snapshots import COUNTIES

#: a 4 x 4 square holding a sliver township far thinner than one of the grid's cells
OUTLINE = [[[(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0)]]]
SLIVER = [[[(1.0, 1.0), (3.0, 1.0001), (3.0, 1.0002)]]]


def plain(point: Point) -> int:
    return encode(area_contains(OUTLINE, point), 0 if area_contains(SLIVER, point) else None)


def test_codes_keep_whether_inside_and_which_township():
    for inside in (True, False):
        for township in (None, 0, 1, 30):
            assert decode(encode(inside, township)) == (inside, township)


def test_a_sliver_thinner_than_a_cell_is_never_answered_from_the_grid():
    grid = PlacementGrid(area_bounds(OUTLINE), [OUTLINE, SLIVER], plain)
    assert 0.5 < grid.share_answered < 1.0  # most cells answered, the sliver's cells tested
    rng = random.Random(7)
    points = [Point(rng.uniform(-0.5, 4.5), rng.uniform(-0.5, 4.5)) for _ in range(5000)]
    points += [Point(rng.uniform(1.0, 3.0), 1.0 + rng.uniform(0.0, 0.0002)) for _ in range(2000)]  # in and by it
    points += [Point(x / 16, y / 16) for x in range(-2, 68) for y in range(-2, 68)]  # on cell borders
    for point in points:
        code = grid.code(point)
        assert code == BOUNDARY or code == plain(point), point
    assert grid.code(Point(2.0, 1.00005)) == BOUNDARY  # inside the sliver: tested, not looked up
    assert grid.code(Point(2.0, 3.0)) == encode(True, None) and grid.code(Point(9.0, 9.0)) == BOUNDARY


def test_the_demo_county_places_every_point_as_the_outlines_do():
    county = load_county(COUNTIES / "yanling.yaml")
    grid = county._placement_grid
    assert grid.share_answered > 0.7
    rng = random.Random(3)
    west, south, east, north = area_bounds(county.boundary)
    for _ in range(20000):
        point = Point(rng.uniform(west - 0.02, east + 0.02), rng.uniform(south - 0.02, north + 0.02))
        township = next((t for t in county.townships if area_contains(t.polygons, point)), None)
        assert county.contains(point) == area_contains(county.boundary, point), point
        assert county.township_at(point) == township, point
