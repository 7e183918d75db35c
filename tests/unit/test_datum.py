"""One datum: WGS84 is stored and routed; a point from a GCJ-02 basemap is converted in one
place (``portal.domain.datum``), checked against published reference pairs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.config import DEMO_COUNTY_FILE
from portal.counties import load_county
from portal.domain import datum
from portal.domain.geo import Point, area_bounds, distance_m

COUNTY = load_county(DEMO_COUNTY_FILE)

#: (WGS84 lat, lng, GCJ-02 lat, lng), published with the eviltransform library's tests
#: (github.com/googollee/eviltransform, go/transform_test.go and python/test.py)
EVILTRANSFORM = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]
#: GCJ-02 (lng, lat) -> WGS84 (lng, lat), published with gcoord's tests
#: (github.com/hujiulong/gcoord, test/unit/crs/GCJ02.spec.js: to 5 decimal places)
GCOORD = [((123.0, 45.0), (122.99395597, 44.99804071))]


@pytest.mark.parametrize("wgs_lat,wgs_lng,gcj_lat,gcj_lng", EVILTRANSFORM)
def test_wgs84_to_gcj02_matches_the_published_pairs(wgs_lat, wgs_lng, gcj_lat, gcj_lng):
    lng, lat = datum.wgs84_to_gcj02(wgs_lng, wgs_lat)
    assert lat == pytest.approx(gcj_lat, abs=1e-7) and lng == pytest.approx(gcj_lng, abs=1e-7)


@pytest.mark.parametrize("wgs_lat,wgs_lng,gcj_lat,gcj_lng", EVILTRANSFORM)
def test_gcj02_to_wgs84_comes_back_within_a_tenth_of_a_metre(wgs_lat, wgs_lng, gcj_lat, gcj_lng):
    lng, lat = datum.gcj02_to_wgs84(gcj_lng, gcj_lat)
    assert distance_m(Point(lng, lat), Point(wgs_lng, wgs_lat)) < 0.1


@pytest.mark.parametrize("gcj,wgs", GCOORD)
def test_gcj02_to_wgs84_matches_gcoord(gcj, wgs):
    lng, lat = datum.gcj02_to_wgs84(*gcj)
    assert lng == pytest.approx(wgs[0], abs=5e-6) and lat == pytest.approx(wgs[1], abs=5e-6)


def test_the_offset_in_yanling_is_hundreds_of_metres_and_outside_china_none():
    seat = Point(113.770, 26.492)
    shifted = datum.from_wgs84(seat, datum.GCJ02)
    assert 200 < distance_m(seat, shifted) < 800  # why a pin on an AMap-style basemap must be converted
    assert datum.from_wgs84(seat, datum.CGCS2000) == seat == datum.to_wgs84(seat, datum.WGS84)
    assert datum.wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)  # Paris


WEST, SOUTH, EAST, NORTH = area_bounds(COUNTY.boundary)


@settings(max_examples=300, deadline=None)
@given(st.floats(WEST, EAST), st.floats(SOUTH, NORTH))
def test_a_pin_on_a_gcj02_basemap_routes_like_its_gps_twin(lng, lat):
    gps = Point(lng, lat)
    on_the_basemap = datum.from_wgs84(gps, datum.GCJ02)  # where the same spot is drawn on the map
    back = datum.to_wgs84(on_the_basemap, datum.GCJ02)
    assert distance_m(back, gps) < 0.01
    town = COUNTY.township_at(gps)
    assert COUNTY.township_at(back) == town


def test_an_unknown_datum_is_refused():
    with pytest.raises(ValueError):
        datum.to_wgs84(Point(113.77, 26.49), "bd09")
    assert datum.check(None) == datum.WGS84 and datum.check(" GCJ02 ") == datum.GCJ02


@pytest.mark.parametrize("inside,outside", [
    ((72.004, 30.0), (72.0039, 30.0)), ((137.8347, 30.0), (137.8348, 30.0)),  # west and east edges
    ((100.0, 0.8293), (100.0, 0.8292)), ((100.0, 55.8271), (100.0, 55.8272)),  # south and north edges
])
def test_the_published_box_is_shifted_up_to_its_edges_and_not_beyond(inside, outside):
    """The GCJ-02 formula shifts points inside its rough box of China (edges included) and
    leaves every other point as it is, both ways (the way back at an edge itself is moot:
    the shifted point may leave the box)."""
    assert datum.wgs84_to_gcj02(*inside) != inside
    assert datum.wgs84_to_gcj02(*outside) == outside and datum.gcj02_to_wgs84(*outside) == outside


def test_an_unknown_datum_is_named_in_the_refusal():
    with pytest.raises(ValueError, match="^unknown datum 'bd09'$"):
        datum.check("bd09")
