"""Who may record, see, file and decide in the control chain (004 C17-C19, C33), written out
in full for every role; deny by default (``portal.domain.patrols.scope``)."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from portal.counties import load_county
from portal.domain.access import Actor, Role
from portal.domain.patrols.records import Patrol
from portal.domain.patrols.scope import (
    can_decide_concealment, can_file, can_record_in, can_see_township, can_view_patrol, status_scope,
)
from tests.unit.patrols import recorded_patrol

COUNTY = load_county("portal/counties/yanling.yaml")
C = COUNTY.code
VILLAGE, NEIGHBOUR, GROUP = "430225100202", "430225100203", "430225100202-01"
BUILT_UP = "430225100001"  # 东区社区, in the county built-up area
LONGXI_VILLAGE = "430225200203"

ACTORS = {
    "village": Actor("v", Role.VILLAGE_GRID, VILLAGE, C),
    "township_patrol": Actor("tp", Role.TOWNSHIP_PATROL, "xiayang", C),
    "township_patrol_longxi": Actor("tl", Role.TOWNSHIP_PATROL, "longxi", C),
    "township": Actor("t", Role.TOWNSHIP, "xiayang", C),
    "professional": Actor("p", Role.PROFESSIONAL_PATROL, "housing", C),
    "professional_outsider": Actor("px", Role.PROFESSIONAL_PATROL, "water", C),  # not one of the C19 units
    "supervisor": Actor("s", Role.SUPERVISOR, "leading_group_office", C),
    "officer": Actor("o", Role.OFFICER, "natural_resources", C),
    "head": Actor("h", Role.HEAD, "natural_resources", C),
    "discipline": Actor("d", Role.DISCIPLINE, "discipline", C),
    "finance": Actor("f", Role.FINANCE, "finance", C),
    "custodian": Actor("c", Role.CUSTODIAN, "leading_group_office", C),
    "admin": Actor("a", Role.ADMIN, "leading_group_office", C),
    "village_other_county": Actor("vx", Role.VILLAGE_GRID, VILLAGE, "430000"),
}

#: grids each actor may record a patrol in (None: the built-up area as a whole)
RECORDS = {
    "village": {VILLAGE, GROUP},
    "township_patrol": {VILLAGE, GROUP, NEIGHBOUR, BUILT_UP},
    "township_patrol_longxi": {LONGXI_VILLAGE},
    "professional": {BUILT_UP, None},
}


def patrol(kind: str, unit: str, township: str = "xiayang") -> Patrol:
    return recorded_patrol(id="01J0000000000000000000000A", county=C, kind=kind, unit=unit, township=township,
                           patrolled_on=date(2026, 11, 23), week="2026-W48",
                           recorded_at=datetime(2026, 11, 23, tzinfo=timezone.utc))


PATROLS = {
    "own_village": patrol("village", VILLAGE),
    "neighbour_village": patrol("village", NEIGHBOUR),
    "township_in_village": patrol("township", "xiayang"),
    "professional": patrol("professional", "natural_resources"),
    "longxi_village": patrol("village", LONGXI_VILLAGE, "longxi"),
}
SEES = {
    "village": {"own_village"},
    "township_patrol": {"own_village", "neighbour_village", "township_in_village", "professional"},
    "township": {"own_village", "neighbour_village", "township_in_village", "professional"},
    "township_patrol_longxi": {"longxi_village"},
    "professional": {"professional"},
    "professional_outsider": {"professional"},
    "supervisor": set(PATROLS),
}
STATUS = {"village": "village", "township_patrol": "township", "township_patrol_longxi": "township",
          "township": "township", "professional": "professional", "professional_outsider": "professional",
          "supervisor": "county", "village_other_county": "village"}
FILES = {"village": {("village", VILLAGE)}, "township_patrol": {("township", "xiayang")},
         "township_patrol_longxi": {("township", "longxi")}, "village_other_county": {("village", VILLAGE)}}
TOWNSHIPS_SEEN = {"township_patrol": {"xiayang"}, "township": {"xiayang"}, "township_patrol_longxi": {"longxi"},
                  "supervisor": {"xiayang", "longxi"}}


@pytest.mark.parametrize("name", list(ACTORS))
def test_004_c17_c19_the_patrol_table(name):
    actor = ACTORS[name]
    grids = [None, *(COUNTY.grids.grid(code) for code in (VILLAGE, GROUP, NEIGHBOUR, BUILT_UP, LONGXI_VILLAGE))]
    recordable = {g.code if g else None for g in grids if can_record_in(actor, COUNTY, g)}
    assert recordable == RECORDS.get(name, set())
    visible = {key for key, p in PATROLS.items() if can_view_patrol(actor, p)}
    assert visible == (SEES.get(name, set()) if actor.county == C else set())
    assert status_scope(actor) == STATUS.get(name)
    filing = {(level, unit) for level in ("village", "township", "professional")
              for unit in (VILLAGE, NEIGHBOUR, "xiayang", "longxi") if can_file(actor, level, unit)}
    assert filing == FILES.get(name, set())
    assert {t for t in ("xiayang", "longxi") if can_see_township(actor, t)} == TOWNSHIPS_SEEN.get(name, set())
    assert can_decide_concealment(actor) == (name == "supervisor")


def test_004_c19_only_the_four_named_units_staff_the_professional_patrol():
    assert COUNTY.professional_patrol.members == ("natural_resources", "housing", "urban_management", "xiayang")
    assert COUNTY.professional_patrol.lead == "natural_resources"


def test_004_c17_c19_each_patrol_role_records_its_own_kind_and_lists_only_the_grids_it_may_record_in():
    from portal.domain.patrols.scope import patrol_kind, recordable_grids, sees_patrols

    kinds = {name: patrol_kind(actor) for name, actor in ACTORS.items() if patrol_kind(actor) is not None}
    assert kinds == {"village": "village", "township_patrol": "township", "township_patrol_longxi": "township",
                     "professional": "professional", "professional_outsider": "professional",
                     "village_other_county": "village"}
    assert {g.code for g in recordable_grids(ACTORS["village"], COUNTY)} == {
        g.code for g in COUNTY.grids.of_village(VILLAGE)}
    assert {g.code for g in recordable_grids(ACTORS["township_patrol_longxi"], COUNTY)} == {
        g.code for g in COUNTY.grids.of_township("longxi")}
    assert recordable_grids(ACTORS["officer"], COUNTY) == [] == recordable_grids(ACTORS["village_other_county"], COUNTY)
    seeing = {name for name, actor in ACTORS.items() if sees_patrols(actor)}
    assert seeing == {name for name in ACTORS if STATUS.get(name)}
    assert not sees_patrols(ACTORS["officer"]) and sees_patrols(ACTORS["supervisor"])
