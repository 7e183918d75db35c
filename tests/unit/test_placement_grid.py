"""A county's placement grid (``portal.domain.placement_grid``) answers from a lookup only
where the outlines' answer cannot differ inside the cell or sub-cell: every point, of the demo
county (random, on and beside the townships' shared edges, on every cell's and sub-cell's
border) and of a shape with a sliver thinner than a sub-cell, gets the plain even-odd rule's
answer; every cell an edge passes through is marked."""

from __future__ import annotations

import random

from portal.counties import load_county
from portal.domain.geo import Point, area_bounds, area_contains
from portal.domain.placement_grid import BOUNDARY, PlacementGrid, decode, encode, fill_answers, mark_edges
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
    assert grid.share_answered > 0.95  # the cells edges cross are cut again: few points tested
    rng = random.Random(3)
    west, south, east, north = area_bounds(county.boundary)
    for _ in range(20000):
        point = Point(rng.uniform(west - 0.02, east + 0.02), rng.uniform(south - 0.02, north + 0.02))
        township = next((t for t in county.townships if area_contains(t.polygons, point)), None)
        assert county.contains(point) == area_contains(county.boundary, point), point
        assert county.township_at(point) == township, point


def plain_demo(county, point: Point) -> int:
    township = next((k for k, t in enumerate(county.townships) if area_contains(t.polygons, point)), None)
    return encode(area_contains(county.boundary, point), township)


def test_every_lookup_of_the_demo_county_agrees_with_the_outlines_near_the_townships_shared_edges():
    county = load_county(COUNTIES / "yanling.yaml")
    grid = county._placement_grid
    rng = random.Random(11)
    points = []
    for township in county.townships:  # on, and a hair to either side of, every shared edge
        for polygon in township.polygons:
            for ring in polygon:
                for k in range(len(ring)):
                    (x1, y1), (x2, y2) = ring[k], ring[(k + 1) % len(ring)]
                    t = rng.random()
                    x, y = x1 + t * (x2 - x1), y1 + t * (y2 - y1)
                    points += [Point(x, y), Point(x1, y1)]
                    points += [Point(x + rng.uniform(-1e-5, 1e-5), y + rng.uniform(-1e-5, 1e-5)) for _ in range(3)]
    n = grid.CELLS * grid.SUB  # on the borders of cells and sub-cells
    points += [Point(grid.west + (i + rng.choice((0.0, 0.5))) * (grid.east - grid.west) / n,
                     grid.south + rng.randrange(n) * (grid.north - grid.south) / n) for i in range(n) for _ in range(4)]
    looked_up = 0
    for point in points:
        code = grid.code(point)
        if code != BOUNDARY:
            looked_up += 1
            assert code == plain_demo(county, point), point
    assert looked_up > len(points) // 3  # many of them answered by the lookup, not the test


def test_every_cell_an_edge_passes_through_is_marked():
    rng = random.Random(5)
    ring = [(rng.uniform(0.0, 1.0), rng.uniform(0.0, 1.0)) for _ in range(40)]  # long, crossing edges
    ring += [(0.2, 0.5), (0.9, 0.5000001), (0.3, 0.1)]  # and a nearly level one
    for cells in (8, 64, 512):
        touched = mark_edges([ring], cells, (0.0, 0.0, 1.0, 1.0), 1e-9)
        for k in range(len(ring)):
            (x1, y1), (x2, y2) = ring[k], ring[(k + 1) % len(ring)]
            for step in range(201):
                t = step / 200
                x, y = x1 + t * (x2 - x1), y1 + t * (y2 - y1)
                i, j = min(cells - 1, int(x * cells)), min(cells - 1, int(y * cells))
                assert touched[j * cells + i], (cells, k, t)
        assert sum(touched) < cells * cells // 2 or cells == 8  # the edges' cells, not their boxes


def test_a_run_of_unmarked_cells_takes_one_answer_and_marked_cells_none():
    touched = bytearray(b"\x00\x00\x01\x00" b"\x00\x01\x01\x00" b"\x01\x00\x00\x00" b"\x00\x00\x00\x00")
    asked = []

    def answer_at(i, j):
        asked.append((i, j))
        return len(asked) * 2

    values = fill_answers(touched, 4, answer_at)
    # rows from the south: the runs of row 0 asked; the rest joined to an unmarked cell above
    assert list(values) == [2, 2, -1, 4,  2, -1, -1, 4,  -1, 4, 4, 4,  4, 4, 4, 4]
    assert asked == [(0, 0), (3, 0)]
