"""The plane geometry routing and merging rest on (``portal.domain.geo``): which township's
polygon holds a point (004 C17(2), L15(2): the township of the place co-handles; 004 C10: the
built-up line), how far apart two reports are (duplicates merged into one case, 004 C20: the
first reporter), and the middle of a ring."""

from __future__ import annotations

import math

import pytest

from portal.domain.geo import EARTH_RADIUS_M, Point, area_contains, centroid, distance_m, offset, ring_area_deg2, \
    ring_contains

SQUARE = [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0), (0.0, 0.0)]
EAST = [(2.0, 0.0), (4.0, 0.0), (4.0, 2.0), (2.0, 2.0), (2.0, 0.0)]  # shares the edge x = 2
NORTH = [(0.0, 2.0), (2.0, 2.0), (2.0, 4.0), (0.0, 4.0), (0.0, 2.0)]  # shares the edge y = 2
#: a U open to the north: the notch x in (1, 3), y in (1, 3) is outside
U_SHAPE = [(0, 0), (4, 0), (4, 3), (3, 3), (3, 1), (1, 1), (1, 3), (0, 3), (0, 0)]


@pytest.mark.parametrize("lng,lat", [(-180.0, -90.0), (180.0, 90.0), (0.0, 0.0), (113.77, 26.49)])
def test_004_c17_2_coordinates_on_the_globe_are_accepted(lng, lat):
    assert (Point(lng, lat).lng, Point(lng, lat).lat) == (lng, lat)


@pytest.mark.parametrize("lng,lat", [(-180.001, 0.0), (180.001, 0.0), (0.0, -90.001), (0.0, 90.001)])
def test_004_c17_2_coordinates_off_the_globe_are_refused(lng, lat):
    with pytest.raises(ValueError):
        Point(lng, lat)


def test_004_c20_rounding_a_public_place_keeps_longitude_and_latitude_apart():
    assert Point(113.77149, 26.49251).rounded(3) == Point(113.771, 26.493)


@pytest.mark.parametrize("x,y,inside", [
    (1.0, 1.0, True), (0.5, 1.9, True), (3.0, 1.0, False), (-0.1, 1.0, False), (1.0, 2.5, False), (1.0, -0.5, False),
])
def test_004_c17_2_a_point_is_inside_a_square_or_not(x, y, inside):
    assert ring_contains(SQUARE, Point(x, y)) is inside


@pytest.mark.parametrize("x,y,inside", [
    (0.5, 2.0, True), (2.0, 0.5, True),  # in the arms
    (2.0, 2.0, False), (2.0, 1.5, False),  # in the notch: two edges crossed on the way out
    (3.5, 2.5, True), (0.5, 0.5, True), (2.0, 3.5, False),
])
def test_004_c17_2_the_even_odd_rule_leaves_a_notch_outside(x, y, inside):
    assert ring_contains(U_SHAPE, Point(x, y)) is inside


@pytest.mark.parametrize("point", [Point(2.0, 1.0), Point(1.0, 2.0)])
def test_004_c17_2_a_point_on_a_shared_edge_belongs_to_exactly_one_neighbour(point):
    assert len([ring for ring in (SQUARE, EAST, NORTH) if ring_contains(ring, point)]) == 1
    # a shared corner goes to at most one of them (here to the square north-east of it)
    assert len([ring for ring in (SQUARE, EAST, NORTH) if ring_contains(ring, Point(2.0, 2.0))]) == 0


def test_004_c17_2_the_east_and_north_edges_go_to_the_neighbour_the_west_and_south_edges_stay():
    """Half-open in latitude and longitude: a square owns its west and south edges."""
    assert ring_contains(EAST, Point(2.0, 1.0)) and not ring_contains(SQUARE, Point(2.0, 1.0))
    assert ring_contains(SQUARE, Point(1.0, 0.0)) and not ring_contains(SQUARE, Point(1.0, 2.0))
    assert ring_contains(SQUARE, Point(0.0, 1.0))
    assert ring_contains(NORTH, Point(1.0, 2.0))


def test_004_c8_a_township_of_several_polygons_holds_a_point_in_any_of_them():
    assert area_contains([[SQUARE], [[(10, 10), (11, 10), (11, 11), (10, 11), (10, 10)]]], Point(10.5, 10.5))
    assert area_contains([[SQUARE]], Point(1, 1)) and not area_contains([[SQUARE]], Point(5, 5))
    assert not area_contains([], Point(1, 1))


def test_004_c20_one_degree_of_latitude_is_the_earth_radius_times_pi_over_180():
    one_degree = EARTH_RADIUS_M * math.pi / 180
    assert distance_m(Point(113.0, 26.0), Point(113.0, 27.0)) == pytest.approx(one_degree, rel=1e-12)
    assert distance_m(Point(0.0, 0.0), Point(1.0, 0.0)) == pytest.approx(one_degree, rel=1e-12)  # on the equator


def test_004_c20_a_degree_of_longitude_shrinks_with_the_cosine_of_the_latitude():
    at_60 = distance_m(Point(10.0, 60.0), Point(10.001, 60.0))
    at_equator = distance_m(Point(10.0, 0.0), Point(10.001, 0.0))
    assert at_60 == pytest.approx(at_equator / 2, rel=1e-4)


def test_004_c20_distances_are_symmetric_zero_for_one_place_and_mix_both_directions():
    a, b = Point(113.770, 26.492), Point(113.775, 26.488)
    assert distance_m(a, a) == 0.0
    assert distance_m(a, b) == pytest.approx(distance_m(b, a), rel=1e-12)
    north = distance_m(a, Point(a.lng, b.lat))
    east = distance_m(Point(a.lng, b.lat), b)
    assert distance_m(a, b) == pytest.approx(math.hypot(north, east), rel=1e-3)  # about 640 m, locally flat
    assert 600 < distance_m(a, b) < 700


def test_004_c10_the_area_of_a_ring_in_square_degrees_whatever_its_orientation():
    assert ring_area_deg2(SQUARE) == 4.0
    assert ring_area_deg2(list(reversed(SQUARE))) == 4.0
    assert ring_area_deg2([(0, 0), (3, 0), (0, 6), (0, 0)]) == 9.0


def test_004_c10_the_middle_of_a_closed_ring_leaves_out_the_repeated_first_point():
    assert centroid([(0, 0), (3, 0), (0, 6), (0, 0)]) == Point(1, 2)
    assert centroid(SQUARE) == Point(1, 1)
    assert centroid([(5, 7)]) == Point(5, 7)  # a ring of one point is its own middle


#: a right triangle off the origin with a slanted edge from (4, 1) to (0, 5): x + y = 5
SLANTED = [(0.0, 1.0), (4.0, 1.0), (0.0, 5.0), (0.0, 1.0)]


@pytest.mark.parametrize("x,y,inside", [(1.9, 3.0, True), (2.1, 3.0, False), (2.3, 3.0, False), (0.5, 4.4, True),
                                        (3.4, 1.5, True), (3.6, 1.5, False)])
def test_004_c17_2_a_slanted_edge_is_crossed_where_the_line_runs(x, y, inside):
    assert ring_contains(SLANTED, Point(x, y)) is inside


def test_004_c10_the_area_of_a_ring_away_from_the_origin():
    assert ring_area_deg2([(1, 1), (3, 1), (3, 3), (1, 3), (1, 1)]) == 4.0
    assert ring_area_deg2(SLANTED) == 8.0


@pytest.mark.parametrize("east,north", [(1000, 0), (0, 1000), (-2500, 0), (0, -2500), (600, 800)])
def test_a_point_moved_by_metres_lies_that_far_away_in_that_direction(east, north):
    """The nearby-reports radius and the tests' points: a move of d metres east or north is d
    metres by the haversine distance, to a decimetre within a county."""
    start = Point(113.77, 26.49)
    moved = offset(start, east, north)
    assert distance_m(start, moved) == pytest.approx(math.hypot(east, north), abs=0.1)
    assert distance_m(start, Point(moved.lng, start.lat)) == pytest.approx(abs(east), abs=0.1)
    assert distance_m(start, Point(start.lng, moved.lat)) == pytest.approx(abs(north), abs=0.1)
    assert (moved.lng > start.lng, moved.lat > start.lat) == (east > 0, north > 0)
