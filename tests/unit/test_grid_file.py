"""004 C17(1), C18(1): the county's grid table is checked at start-up against its villages;
every village has exactly one entry with responsible persons and phones (the demo's marked
placeholders); an error names the bad entry. 004 C19: the professional patrol's units exist."""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from portal.config import DEMO_COUNTY_FILE
from portal.counties import CountyFileError, load_county, parse_county

RAW = yaml.safe_load(DEMO_COUNTY_FILE.read_text(encoding="utf-8"))
PLACES = json.loads(DEMO_COUNTY_FILE.with_name(RAW["places"]).read_text(encoding="utf-8"))
GRIDS = yaml.safe_load(DEMO_COUNTY_FILE.with_name(RAW["grids"]).read_text(encoding="utf-8"))


def parse(grids=None, raw=None):
    return parse_county(raw or RAW, places=PLACES, grids=grids or GRIDS)


def changed(mutate, source=GRIDS):
    data = copy.deepcopy(source)
    mutate(data)
    return data


def test_004_c17_1_the_demo_grid_table_covers_every_village_with_placeholder_phones():
    county = load_county(DEMO_COUNTY_FILE)
    table = county.grids
    assert set(table.villages) == {v.code for v in county.villages} and table.demo
    assert all(g.persons and all(p.placeholder for p in g.persons) for g in table.grids)
    groups = [g for g in table.grids if g.is_group]
    assert groups and all(g.code.startswith(g.village + "-") for g in groups)  # 004 C18(1): village groups


@pytest.mark.parametrize("mutate,message", [
    (lambda g: g["grids"][3]["persons"][0].update(phone="call me"), "grids.grids.3.persons.0.phone: not a phone number"),
    (lambda g: g["grids"][3].update(persons=[]), "grids.grids.3.persons"),
    (lambda g: g["grids"][0].update(village="430225999999"), "no village 430225999999 in the place file"),
    (lambda g: g["grids"].append(copy.deepcopy(g["grids"][0])), "listed twice"),
    (lambda g: g["grids"].pop(), "no grid for villages"),
    (lambda g: g["grids"][5]["groups"].append(copy.deepcopy(g["grids"][5]["groups"][0])), "group 第一村民小组 listed twice"),
])
def test_a_bad_grid_file_is_refused_naming_the_entry(mutate, message):
    with pytest.raises(CountyFileError) as error:
        parse(changed(mutate))
    assert message in str(error.value)


def test_004_c19_the_professional_patrol_names_units_of_the_county_and_its_lead_among_them():
    with pytest.raises(CountyFileError, match="professional_patrol.members.1: unknown unit 'nowhere'"):
        parse(raw=changed(lambda r: r["professional_patrol"]["members"].__setitem__(1, "nowhere"), RAW))
    with pytest.raises(CountyFileError, match="professional_patrol.lead: the lead must be one of the members"):
        parse(raw=changed(lambda r: r["professional_patrol"].update(lead="water"), RAW))


def test_a_county_without_a_grid_file_has_no_grids_and_no_weekly_reports():
    raw = changed(lambda r: (r.pop("grids"), r.pop("professional_patrol")), RAW)
    county = parse_county(raw, places=PLACES)
    assert county.grids.grids == () and county.professional_patrol is None
