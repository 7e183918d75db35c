"""The demo county's geometry (issue 19): the real outline decides what is in the county, and
every point in it lies in exactly one township (004 C17(2), L15(2): the township whose area
holds the point checks on site within 2 hours, so a gap or an overlap loses or doubles it)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.config import DEMO_COUNTY_FILE
from portal.counties import load_county
from portal.domain.errors import DomainError
from portal.domain.geo import Point, area_bounds, distance_m, offset
from portal.domain.routing import route

COUNTY = load_county(DEMO_COUNTY_FILE)
OUTLINE = COUNTY.boundary[0][0]  #: one polygon, no holes
WEST, SOUTH, EAST, NORTH = area_bounds(COUNTY.boundary)
M_PER_DEG = math.pi * 6_371_008.8 / 180
COS = math.cos(math.radians((SOUTH + NORTH) / 2))


def metres(p) -> tuple[float, float]:
    return p[0] * M_PER_DEG * COS, p[1] * M_PER_DEG


def distance_to_outline(point: Point) -> float:
    """Metres from the point to the nearest edge of the outline (flat, fine at county scale)."""
    px, py = metres((point.lng, point.lat))
    best = math.inf
    for a, b in zip(OUTLINE, OUTLINE[1:]):
        ax, ay = metres(a)
        bx, by = metres(b)
        dx, dy = bx - ax, by - ay
        t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy or 1)))
        best = min(best, math.hypot(px - ax - t * dx, py - ay - t * dy))
    return best


def moved_from_vertices(distance: float) -> list[tuple[Point, Point]]:
    """For each vertex of the outline: (the point ``distance`` m inward, the point outward) along
    the bisector of its two edges. The side that is inward comes from the ring's orientation
    (its signed area), not from the containment test under test."""
    ring = [metres(p) for p in OUTLINE[:-1]]
    signed = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1])) / 2
    left_is_inside = signed > 0  # counter-clockwise: the interior is on the left of each edge
    pairs = []
    n = len(ring)
    for i in range(n):
        (ax, ay), (vx, vy), (bx, by) = ring[i - 1], ring[i], ring[(i + 1) % n]
        normals = []
        for (x1, y1), (x2, y2) in (((ax, ay), (vx, vy)), ((vx, vy), (bx, by))):
            length = math.hypot(x2 - x1, y2 - y1)
            normals.append((-(y2 - y1) / length, (x2 - x1) / length))  # left normal
        nx, ny = normals[0][0] + normals[1][0], normals[0][1] + normals[1][1]
        norm = math.hypot(nx, ny)
        if norm < 1e-9:
            continue  # a spike folding back on itself: no bisector
        nx, ny = nx / norm, ny / norm
        if not left_is_inside:
            nx, ny = -nx, -ny
        vertex = Point(*OUTLINE[i])
        pairs.append((offset(vertex, nx * distance, ny * distance), offset(vertex, -nx * distance, -ny * distance)))
    return pairs


def test_points_50_m_inside_the_outline_vertices_are_routed_and_50_m_outside_refused():
    pairs = moved_from_vertices(50.0)
    clean = [(inner, outer) for inner, outer in pairs
             if distance_to_outline(inner) > 40 and distance_to_outline(outer) > 40]
    # a few sharp corners put the moved point near another edge: those prove nothing either way
    assert len(clean) >= 0.9 * len(OUTLINE[:-1]), (len(clean), len(OUTLINE))
    for inner, outer in clean:
        routing = route(COUNTY, "l1-occupy-land", inner)
        assert routing.co_handler == routing.township and COUNTY.township(routing.township).contains(inner)
        with pytest.raises(DomainError) as refused:
            route(COUNTY, "l1-occupy-land", outer)
        assert refused.value.field == "location"


@settings(max_examples=400, deadline=None)
@given(st.floats(WEST, EAST), st.floats(SOUTH, NORTH))
def test_every_point_of_the_county_lies_in_exactly_one_township(lng, lat):
    point = Point(lng, lat)
    holders = [t.code for t in COUNTY.townships if t.contains(point)]
    if COUNTY.contains(point):
        assert len(holders) == 1, (point, holders)
        assert route(COUNTY, "c1-no-planning-permit", point).co_handler == holders[0]
    else:
        assert holders == [], (point, holders)


def test_a_regular_grid_over_the_county_lies_in_exactly_one_township_each():
    """The property test's random points, and a dense grid besides (about 600 m apart)."""
    inside = 0
    steps = 100
    for i in range(steps + 1):
        for j in range(steps + 1):
            point = Point(WEST + (EAST - WEST) * i / steps, SOUTH + (NORTH - SOUTH) * j / steps)
            holders = sum(t.contains(point) for t in COUNTY.townships)
            if COUNTY.contains(point):
                inside += 1
                assert holders == 1, point
            else:
                assert holders == 0, point
    assert inside > 4000  # the county covers a good part of its bounding box


@pytest.mark.parametrize("lat,lng,inside", [
    (26.138, 113.82, True),  # a real spot in the south of Yanling, about 4 km inside the county
    (26.59, 113.68, False),  # a spot about 8 km outside it, north-west of 鹿原镇
])
def test_the_two_spots_issue_19_names_get_the_right_answer(lat, lng, inside):
    point = Point(lng, lat)
    assert COUNTY.contains(point) is inside
    if inside:
        assert route(COUNTY, "l1-occupy-land", point).township == "longxi"
        assert distance_to_outline(point) > 2000
    else:
        with pytest.raises(DomainError):
            route(COUNTY, "l1-occupy-land", point)
        assert distance_to_outline(point) > 5000


def test_every_village_point_lies_in_its_own_township_and_landmarks_in_the_county():
    for village in COUNTY.villages:
        assert COUNTY.township_at(village.point).code == village.township, village.name
    for township in COUNTY.townships:
        assert COUNTY.township_at(township.point).code == township.code
    for landmark in COUNTY.landmarks:
        assert COUNTY.contains(landmark.point)


def test_the_built_up_area_lies_in_the_county_seat_and_management_areas_are_cut_out_of_towns():
    """004 C10, C25: the built-up area is inside 霞阳镇; 004 C8: inside a management area the
    area, not the town around it, is the unit."""
    assert all(COUNTY.township_at(Point(*p)).code == "xiayang" for p in COUNTY.built_up_area[0][0][:-1])
    hitech = Point(113.815, 26.462)
    assert [t.code for t in COUNTY.townships if t.contains(hitech)] == ["hitech"]
    assert distance_m(hitech, COUNTY.township("xiayang").point) > 0
