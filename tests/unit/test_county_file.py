"""The county data file is validated at start-up; an error names the bad field."""

from __future__ import annotations

import copy

import pytest
import yaml

from portal.config import DEMO_COUNTY_FILE
from portal.counties import CountyFileError, load_county, parse_county

RAW = yaml.safe_load(DEMO_COUNTY_FILE.read_text(encoding="utf-8"))


def broken(mutate):
    raw = copy.deepcopy(RAW)
    mutate(raw)
    return raw


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
    (lambda r: r["townships"][5].update(polygons=[[[113.7, 26.4], [113.8, 26.4]]]), "townships.5.polygons.0"),
    (lambda r: r["categories"][0].update(lead="ministry_of_magic"), "categories.0.lead"),
    (lambda r: r.update(code="43"), "code"),
    (lambda r: r["categories"][2].pop("example"), "categories.2.example"),
    (lambda r: r["townships"][0].update(code="natural_resources"), "townships.0.code"),
    (lambda r: r["townships"][4]["polygons"][0].__setitem__(1, [120.0, 26.45]), "townships.4.polygons.0"),
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
