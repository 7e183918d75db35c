"""Routing, table-driven over every category of the demo county, on both sides of the
county built-up area line (RULES.md §2; 004 C9-C14, C10, L8-L12; 003 §2; 000 §4)."""

from __future__ import annotations

import pytest

from portal.counties import load_county
from portal.config import DEMO_COUNTY_FILE
from portal.domain.errors import DomainError
from portal.domain.geo import Point
from portal.domain.routing import route

COUNTY = load_county(DEMO_COUNTY_FILE)
INSIDE = Point(113.770, 26.492)  # county seat, inside the built-up area, 霞阳镇
OUTSIDE_SAME_TOWN = Point(113.850, 26.550)  # 霞阳镇, outside the built-up area
FAR_TOWNSHIP = Point(113.780, 26.120)  # 垄溪乡

#: category -> (lead inside the built-up area, lead outside it); "township" = the point's township
EXPECTED = {
    "c1-no-planning-permit": ("natural_resources", "natural_resources"),  # 004 C3(1), C9
    "c2-no-rural-planning-permit": ("natural_resources", "natural_resources"),  # 004 C3(2), C9
    "c3-temporary-building": ("natural_resources", "natural_resources"),  # 004 C3(3), C9
    "c4-no-work-permit": ("housing", "housing"),  # 004 C3(4), C11
    "c5-no-completion-acceptance": ("housing", "housing"),  # 004 C3(5), C11
    "c6-road-control-zone": ("transport", "transport"),  # 004 C3(6), C14(5)
    "c6-river-control-zone": ("water", "water"),  # 004 C3(6), C14(3)
    "c6-nature-reserve": ("forestry", "forestry"),  # 004 C3(6), C14(3)
    "c6-water-source-zone": ("ecology", "ecology"),  # 004 C3(6), C14(3)
    "c6-public-forest": ("forestry", "forestry"),  # 004 C3(6), C14(3)
    "c7-other-construction": ("natural_resources", "natural_resources"),  # 004 C3(7)
    "c8-outdoor-signs": ("urban_management", "township"),  # 004 C10 inside; township outside
    "c9-load-bearing-structure": ("housing", "housing"),  # 004 C11
    "c10-business-in-illegal-building": ("market", "market"),  # 004 C14(4)
    "c11-fire-hazard-gathering-place": ("fire", "fire"),  # 004 C14(6)
    "l1-occupy-land": ("natural_resources", "natural_resources"),  # 004 L3(1), L8
    "l2-illegal-land-transfer": ("natural_resources", "natural_resources"),  # 004 L3(2), L8
    "l3-wrong-land-purpose": ("natural_resources", "natural_resources"),  # 004 L3(3), L8
    "l4-farmland-damage": ("natural_resources", "natural_resources"),  # 004 L3(4), L8
    "l5-villager-house-without-approval": ("agriculture", "agriculture"),  # 004 L3(5), L9
    "l6-temporary-land-use": ("natural_resources", "natural_resources"),  # 004 L3(6), L8
    "l7-other-land": ("natural_resources", "natural_resources"),  # 004 L3(7)
    "m1-illegal-mining": ("natural_resources", "natural_resources"),  # 003 §2(1)
    "m2-unapproved-shaft": ("emergency", "emergency"),  # 003 §2(2)
    "h1-small-property-housing": ("natural_resources", "natural_resources"),  # 000 §4(3)1
    "h2-presale-without-permit": ("housing", "housing"),  # 000 §4(3)2
    "o1-public-official": ("discipline", "discipline"),  # 000 §2(3), §4(2)4; 004 C36
}


def test_the_table_covers_every_category_of_the_county():
    assert set(EXPECTED) == {c.code for c in COUNTY.categories}


def test_the_catalog_has_every_kind_rules_md_lists():
    groups = [c.group for c in COUNTY.categories]
    assert groups.count("land") == 7  # 004 L3 (1)-(7)
    construction = {c.code for c in COUNTY.categories if c.group == "houses"}
    assert {f"c{n}" for n in (1, 2, 3, 4, 5, 7)} <= {code.split("-")[0] for code in construction}
    zones = {c for c in construction if c.startswith("c6-")}  # 004 C3(6): each control zone
    assert zones == {"c6-road-control-zone", "c6-river-control-zone", "c6-nature-reserve",
                     "c6-water-source-zone", "c6-public-forest"}
    assert "mining" in groups and "officials" in groups and "h1-small-property-housing" in EXPECTED
    assert {c.group for c in COUNTY.categories} == {"houses", "land", "mining", "officials"}  # a villager's four
    for category in COUNTY.categories:
        assert category.title and category.legal and category.example, category.code
        assert len(category.title) <= 24 and len(category.legal) > len(category.title)  # a villager's words, then the law's


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_inside_the_built_up_area(code):
    routing = route(COUNTY, code, INSIDE)
    expected = EXPECTED[code][0]
    assert routing.in_built_up_area is True
    assert routing.township == "xiayang"
    assert routing.lead == ("xiayang" if expected == "township" else expected)
    if code == "o1-public-official":
        assert routing.discipline_only and routing.co_handler is None
    else:
        assert routing.co_handler == "xiayang" and not routing.discipline_only


@pytest.mark.parametrize("code", sorted(EXPECTED))
@pytest.mark.parametrize("point,township", [(OUTSIDE_SAME_TOWN, "xiayang"), (FAR_TOWNSHIP, "longxi")])
def test_outside_the_built_up_area(code, point, township):
    routing = route(COUNTY, code, point)
    expected = EXPECTED[code][1]
    assert routing.in_built_up_area is False
    assert routing.township == township
    assert routing.lead == (township if expected == "township" else expected)
    if code == "o1-public-official":
        assert routing.discipline_only and routing.co_handler is None
    else:
        assert routing.co_handler == township


def test_004_c10_outdoor_signs_follow_the_built_up_line():
    assert route(COUNTY, "c8-outdoor-signs", INSIDE).lead == "urban_management"
    assert route(COUNTY, "c8-outdoor-signs", OUTSIDE_SAME_TOWN).lead == "xiayang"


def test_004_c8_a_management_area_stands_for_the_township():
    hitech = Point(113.815, 26.462)
    routing = route(COUNTY, "l1-occupy-land", hitech)
    assert (routing.township, routing.co_handler) == ("hitech", "hitech")


def test_a_point_outside_the_county_is_refused():
    with pytest.raises(DomainError) as refused:
        route(COUNTY, "l1-occupy-land", Point(116.40, 39.90))  # Beijing
    assert refused.value.field == "location"
    assert "不在" in str(refused.value)


def test_without_a_point_the_chosen_township_co_handles():
    routing = route(COUNTY, "l1-occupy-land", None, "longxi")
    assert (routing.lead, routing.co_handler, routing.in_built_up_area) == ("natural_resources", "longxi", False)
    # the built-up township's reports go to the inside department, which can transfer
    assert route(COUNTY, "c8-outdoor-signs", None, "xiayang").lead == "urban_management"


@pytest.mark.parametrize("category,point,township,field", [
    ("nonsense", INSIDE, None, "category"),
    ("l1-occupy-land", None, None, "location"),
    ("l1-occupy-land", None, "atlantis", "township"),
])
def test_bad_routing_input_names_its_field(category, point, township, field):
    with pytest.raises(DomainError) as refused:
        route(COUNTY, category, point, township)
    assert refused.value.field == field
