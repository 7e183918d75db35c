"""The county's own lookups (004 C4-C14, L4-L12: the departments and townships that handle
reports; 004 C20, L17: the reward bands), on the demo county: names shown for unit codes,
which units a ticket may go to, the commission, and the reward band of a category."""

from __future__ import annotations

from dataclasses import replace

import pytest

from portal.config import DEMO_COUNTY_FILE
from portal.counties import load_county
from portal.domain.county import RewardBand, RewardRules
from portal.domain.geo import Point, centroid

COUNTY = load_county(DEMO_COUNTY_FILE)


def test_004_c4_unit_names_for_department_and_township_codes_and_the_code_itself_otherwise():
    assert COUNTY.unit_name("natural_resources") == COUNTY.department("natural_resources").name
    assert COUNTY.unit_name("xiayang") == COUNTY.township("xiayang").name
    assert COUNTY.unit_name("atlantis") == "atlantis"
    assert COUNTY.unit_name(None) == "" and COUNTY.unit_name("") == ""


def test_004_c4_only_departments_and_townships_of_the_county_are_units():
    assert COUNTY.is_unit("natural_resources") and COUNTY.is_unit("xiayang")
    assert not COUNTY.is_unit("atlantis")
    assert COUNTY.department("xiayang") is None and COUNTY.township("natural_resources") is None
    assert COUNTY.category("l1-occupy-land").code == "l1-occupy-land" and COUNTY.category("x") is None


def test_000_s2_3_the_discipline_commission_and_the_units_a_ticket_may_be_routed_to():
    assert COUNTY.department(COUNTY.discipline_department).kind == "discipline"
    kinds = {d.kind for d in COUNTY.handling_departments}
    assert kinds == {"bureau", "discipline"}
    assert {d.code for d in COUNTY.handling_departments} == {
        d.code for d in COUNTY.departments if d.kind in ("bureau", "discipline")}
    assert "leading_group_office" not in {d.code for d in COUNTY.handling_departments}


def test_004_c10_a_category_differs_by_area_when_its_two_leads_differ():
    assert COUNTY.category("c8-outdoor-signs").differs_by_area
    assert not COUNTY.category("l1-occupy-land").differs_by_area


def test_004_c17_2_townships_and_the_built_up_area_hold_their_points():
    seat = centroid(COUNTY.built_up_area[0][0])
    assert COUNTY.contains(seat) and COUNTY.in_built_up_area(seat)
    assert COUNTY.township_at(seat).contains(seat)
    far = Point(116.4, 39.9)
    assert not COUNTY.contains(far) and not COUNTY.in_built_up_area(far) and COUNTY.township_at(far) is None
    assert not replace(COUNTY, built_up_area=()).in_built_up_area(seat)


def test_004_c20_a_category_s_reward_band_or_the_county_default():
    rules = RewardRules(claim_window_days=180, currency="CNY", default=RewardBand(200, 2000),
                        by_category={"m1": RewardBand(500, 5000)})
    assert rules.band("m1") == RewardBand(500, 5000) and rules.band("l1") == RewardBand(200, 2000)
    assert (rules.flag_after_rewards, rules.flag_period_days) == (2, 365)


@pytest.mark.parametrize("code", ["hitech", "yandiling"])
def test_004_c8_a_management_area_listed_first_is_the_unit_inside_a_township(code):
    area = COUNTY.township(code)
    middle = centroid(area.polygons[0][0])
    assert COUNTY.township_at(middle).code == code
