"""``BandedArea`` (a county's or township's outline with its edges sorted into latitude bands,
for placing points fast in a deployment of many counties) answers exactly as the plain
even-odd rule, ``area_contains``: inside, outside, in a hole, on a vertex, on a shared edge."""

from __future__ import annotations

import random

from portal.counties import load_county
from portal.county_registry import CountyRegistry
from portal.domain.geo import BandedArea, Point, area_bounds, area_contains
from portal.snapshots import COUNTIES

SQUARE_WITH_HOLE = [[[(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0)], [(1.0, 1.0), (2.0, 1.0), (2.0, 2.0), (1.0, 2.0)]]]


def sample(area, count: int, seed: int) -> list[Point]:
    """Random points over the area's box and a margin around it, its vertices, and the
    midpoints of its edges."""
    rng = random.Random(seed)
    west, south, east, north = area_bounds(area)
    dx, dy = (east - west) * 0.1, (north - south) * 0.1
    points = [Point(rng.uniform(west - dx, east + dx), rng.uniform(south - dy, north + dy)) for _ in range(count)]
    for polygon in area:
        for ring in polygon:
            for i, (x, y) in enumerate(ring):
                x2, y2 = ring[(i + 1) % len(ring)]
                points += [Point(x, y), Point((x + x2) / 2, (y + y2) / 2)]
    return points


def test_a_banded_area_answers_as_the_even_odd_rule_with_holes_vertices_and_edges():
    banded = BandedArea(SQUARE_WITH_HOLE)
    for point in sample(SQUARE_WITH_HOLE, 2000, seed=1):
        assert banded.contains(point) == area_contains(SQUARE_WITH_HOLE, point), point
    assert banded.contains(Point(3.0, 3.0)) and not banded.contains(Point(1.5, 1.5))  # the hole
    assert not banded.contains(Point(5.0, 2.0)) and not BandedArea([]).contains(Point(1.0, 1.0))


def test_the_demo_county_and_each_township_place_points_as_before():
    county = load_county(COUNTIES / "yanling.yaml")
    for point in sample(county.boundary, 3000, seed=2):
        assert county.contains(point) == area_contains(county.boundary, point), point
        plain = next((t for t in county.townships if area_contains(t.polygons, point)), None)
        assert county.township_at(point) == plain, point
    for township in county.townships:  # their shared edges and vertices: one owner, as before
        for point in sample(township.polygons, 0, seed=3):
            assert township.contains(point) == area_contains(township.polygons, point), point
    registry = CountyRegistry([county])
    assert registry.county_at(Point(*county.map_center)) == county
