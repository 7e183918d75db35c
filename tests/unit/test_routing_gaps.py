"""Routing where the county's data has gaps (004 C17(2), L15(2): a township must co-handle
every report; 004 C10: the built-up line): a point inside the county that no township polygon
holds, a county without a built-up area, and a built-up area whose middle lies in no township.
The counties are the demo county with parts taken away, so the tests do not depend on its
geometry."""

from __future__ import annotations

from dataclasses import replace

import pytest

from portal.config import DEMO_COUNTY_FILE
from portal.counties import load_county
from portal.domain.errors import DomainError
from portal.domain.geo import Point, centroid
from portal.domain.routing import built_up_township, route

COUNTY = load_county(DEMO_COUNTY_FILE)
SEAT = centroid(COUNTY.built_up_area[0][0])  # inside the county and its built-up area
SEAT_TOWNSHIP = COUNTY.township_at(SEAT).code
WITHOUT_THE_SEAT_TOWNSHIP = replace(COUNTY, townships=tuple(t for t in COUNTY.townships if not t.contains(SEAT)))
WITHOUT_BUILT_UP_AREA = replace(COUNTY, built_up_area=())
#: outdoor signs: urban management inside the built-up area, the township outside (004 C10)
SIGNS = "c8-outdoor-signs"


def test_004_c17_2_a_point_inside_the_county_but_in_no_township_asks_for_the_township():
    """A data gap (the boundary holds the point, no township polygon does): refused with a
    request to choose the township, never routed to nobody or to a wrong one."""
    assert WITHOUT_THE_SEAT_TOWNSHIP.contains(SEAT) and WITHOUT_THE_SEAT_TOWNSHIP.township_at(SEAT) is None
    with pytest.raises(DomainError) as refused:
        route(WITHOUT_THE_SEAT_TOWNSHIP, "l1-occupy-land", SEAT)
    assert refused.value.field == "township"
    assert refused.value.message == "无法确定这个位置属于哪个乡镇，请在下拉框中选择乡镇。"
    # the township chosen instead routes it
    other = WITHOUT_THE_SEAT_TOWNSHIP.townships[0].code
    assert route(WITHOUT_THE_SEAT_TOWNSHIP, "l1-occupy-land", None, other).co_handler == other


def test_004_c10_the_built_up_township_is_the_one_holding_the_middle_of_the_built_up_area():
    assert built_up_township(COUNTY) == SEAT_TOWNSHIP


def test_004_c10_a_county_without_a_built_up_area_has_no_built_up_township_and_routes_every_place_outside():
    assert built_up_township(WITHOUT_BUILT_UP_AREA) is None
    by_point = route(WITHOUT_BUILT_UP_AREA, SIGNS, SEAT)
    by_township = route(WITHOUT_BUILT_UP_AREA, SIGNS, None, SEAT_TOWNSHIP)
    for routing in (by_point, by_township):
        assert (routing.in_built_up_area, routing.lead, routing.co_handler) == (False, SEAT_TOWNSHIP, SEAT_TOWNSHIP)


def test_004_c10_a_built_up_area_whose_middle_is_in_no_township_makes_no_township_the_built_up_one():
    assert built_up_township(WITHOUT_THE_SEAT_TOWNSHIP) is None
    for township in WITHOUT_THE_SEAT_TOWNSHIP.townships:
        routing = route(WITHOUT_THE_SEAT_TOWNSHIP, SIGNS, None, township.code)
        assert (routing.in_built_up_area, routing.lead) == (False, township.code)


def test_004_c10_without_a_point_the_built_up_township_goes_to_the_inside_department():
    routing = route(COUNTY, SIGNS, None, SEAT_TOWNSHIP)
    assert (routing.in_built_up_area, routing.lead, routing.township, routing.co_handler) == (
        True, "urban_management", SEAT_TOWNSHIP, SEAT_TOWNSHIP)
    assert routing.discipline_only is False


def test_000_s2_3_a_report_about_an_official_routes_to_the_commission_alone_wherever_it_is():
    for routing in (route(COUNTY, "o1-public-official", SEAT), route(COUNTY, "o1-public-official", None,
                                                                       SEAT_TOWNSHIP)):
        assert (routing.lead, routing.co_handler, routing.discipline_only) == (COUNTY.discipline_department, None,
                                                                                True)
        assert (routing.township, routing.in_built_up_area) == (SEAT_TOWNSHIP, True)


def test_004_c17_2_a_point_outside_the_county_is_refused_naming_the_county():
    with pytest.raises(DomainError) as refused:
        route(COUNTY, "l1-occupy-land", Point(116.40, 39.90))
    assert (refused.value.field, refused.value.params) == ("location", {"county": COUNTY.name})
