"""The box index (``portal.domain.box_index``) names exactly the counties whose box covers a
point, and the registry's ``county_at`` built on it places every point as testing every
county's outline in turn would: on either side of two counties' shared edge, on the edge, in
a gap, outside every box. One county or many, the same path."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from portal.counties import load_county
from portal.county_registry import CountyRegistry
from portal.domain.box_index import BoxIndex
from portal.domain.geo import Point, area_contains
from portal.snapshots import COUNTIES

#: overlapping boxes, one inside another, one far away, a county without an outline (None)
BOXES = [(113.0, 26.0, 113.55, 26.6), (113.5, 26.5, 114.0, 27.1), (113.2, 26.2, 113.3, 26.3),
         (115.0, 28.0, 115.4, 28.3), None]


def covering(boxes, point: Point) -> tuple[int, ...]:
    return tuple(o for o, box in enumerate(boxes)
                 if box is not None and box[0] <= point.lng <= box[2] and box[1] <= point.lat <= box[3])


def test_the_candidates_are_exactly_the_boxes_covering_the_point():
    index = BoxIndex(BOXES)
    rng = random.Random(21)
    points = [Point(rng.uniform(112.8, 115.6), rng.uniform(25.8, 28.5)) for _ in range(20000)]
    for box in filter(None, BOXES):  # on the boxes' edges and corners, and a hair beside them
        for x in (box[0], box[2]):
            for y in (box[1], box[3], (box[1] + box[3]) / 2):
                points += [Point(x, y), Point(x - 1e-12, y), Point(x + 1e-12, y), Point(x, y + 1e-12)]
    for point in points:
        assert index.candidates(point) == covering(BOXES, point), point


def test_most_cells_of_a_lone_box_name_their_county_without_a_box_compared():
    index = BoxIndex([(113.0, 26.0, 113.55, 26.6)])
    assert sum(1 for k in index.cells if k > 0) >= 4 * 5  # the interior cells
    assert all(k != 0 for k in index.cells)  # every cell meets the box


def test_a_county_without_an_outline_does_not_stretch_the_grid_to_0_0():
    assert BoxIndex([(113.0, 26.0, 113.5, 26.5), None]).columns == BoxIndex([(113.0, 26.0, 113.5, 26.5)]).columns
    assert BoxIndex([None]).candidates(Point(0.0, 0.0)) == ()


def test_a_deployment_over_the_whole_country_gets_coarser_cells_not_a_huge_grid():
    index = BoxIndex([(73.5, 18.0, 74.0, 18.5), (134.5, 53.0, 135.0, 53.5)])
    assert index.columns * index.rows <= 1 << 20
    assert index.candidates(Point(134.7, 53.2)) == (1,) and index.candidates(Point(100.0, 30.0)) == ()


#: two counties sharing a zig-zag edge (west and east of it), a third with a gap between
WEST_OUTLINE = [[[(113.0, 26.0), (113.31, 26.0), (113.27, 26.2), (113.33, 26.4), (113.29, 26.6), (113.0, 26.6)]]]
EAST_OUTLINE = [[[(113.31, 26.0), (113.6, 26.0), (113.6, 26.6), (113.29, 26.6), (113.33, 26.4), (113.27, 26.2)]]]
APART_OUTLINE = [[[(113.65, 26.0), (114.0, 26.1), (113.9, 26.5)]]]


@pytest.fixture(scope="module")
def counties():
    demo = load_county(COUNTIES / "yanling.yaml")
    return [replace(demo, code=code, hosts=(), boundary=outline, townships=())
            for code, outline in (("439991", WEST_OUTLINE), ("439992", EAST_OUTLINE), ("439993", APART_OUTLINE))]


def near_the_shared_edge(rng: random.Random, count: int) -> list[Point]:
    ring = WEST_OUTLINE[0][0]
    found = []
    for _ in range(count):
        k = rng.randrange(1, 5)  # the shared edges: vertices 1..5
        (x1, y1), (x2, y2) = ring[k], ring[k + 1]
        t = rng.random()
        found.append(Point(x1 + t * (x2 - x1) + rng.uniform(-1e-6, 1e-6), y1 + t * (y2 - y1)))
    return found + [Point(x, y) for x, y in ring]  # and the vertices themselves


def test_county_at_places_every_point_as_testing_every_outline_does(counties):
    registry = CountyRegistry(counties)
    rng = random.Random(4)
    points = [Point(rng.uniform(112.9, 114.1), rng.uniform(25.9, 26.7)) for _ in range(20000)]
    points += near_the_shared_edge(rng, 5000)
    claimed = 0
    for point in points:
        holders = [c for c in counties if area_contains(c.boundary, point)]
        assert len(holders) <= 1, point  # the even-odd rule gives a shared edge to one side only
        found = registry.county_at(point)
        assert (found.code if found else None) == (holders[0].code if holders else None), point
        claimed += found is not None
    assert 0 < claimed < len(points)  # inside and outside both seen


def test_one_county_or_three_the_answer_is_the_same_and_outside_every_county_is_none(counties):
    alone = CountyRegistry(counties[:1])
    together = CountyRegistry(counties)
    rng = random.Random(9)
    for point in [Point(rng.uniform(112.9, 113.4), rng.uniform(25.9, 26.7)) for _ in range(5000)]:
        if alone.county_at(point) is not None:
            assert together.county_at(point) == alone.county_at(point), point
    assert together.county_at(Point(113.62, 26.55)) is None  # between the east county and the third
    assert together.county_at(Point(120.0, 30.0)) is None  # far from every box
