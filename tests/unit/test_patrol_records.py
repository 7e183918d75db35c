"""Patrol records and the weekly (zero) reports as pure domain rules (004 C17(1), L15(1); C18(1),
L16(1); ``portal.domain.patrols.records``): a patrol's day, a finding added, a village's report
from its own patrols, a township's from its villages' reports and its own patrols."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from portal.domain.errors import DomainError
from portal.domain.patrols.records import (
    PATROL_DAYS_BACK, FindingRef, Patrol, VillageLine, WeeklyReport, check_patrol_day, line_for, township_report,
    village_report,
)
from portal.timeutil import SHANGHAI
from tests.unit.patrols import recorded_patrol

WEEK = "2026-W12"
VILLAGE, NEIGHBOUR, THIRD = "430225100202", "430225100203", "430225100204"
DUE = datetime(2026, 3, 19, 16, 0, tzinfo=SHANGHAI)  # Thursday 16:00
TOWNSHIP_DUE = DUE + timedelta(days=1)
S = timedelta(seconds=1)


def patrol(pid="P1", kind="village", unit=VILLAGE, week=WEEK, findings=0) -> Patrol:
    p = recorded_patrol(id=pid, kind=kind, unit=unit, patrolled_on=date(2026, 3, 17), week=week,
                        recorded_at=DUE - timedelta(days=2))
    for n in range(findings):
        p.add_finding(FindingRef(ticket=f"{pid}-T{n}", category="c", found_at=DUE - timedelta(days=1)), "x")
    return p


def report(unit=VILLAGE, filed_at=DUE, findings=0, patrols=("P1",)) -> WeeklyReport:
    return WeeklyReport(county="430225", week=WEEK, level="village", unit=unit, township="xiayang", filed_at=filed_at,
                        filed_by="v", due_at=DUE, patrols=list(patrols), findings=findings, zero=findings == 0)


def test_a_patrol_is_recorded_for_a_day_that_has_come_within_the_last_week():
    today = date(2026, 3, 20)
    check_patrol_day(today, today)
    check_patrol_day(today - timedelta(days=PATROL_DAYS_BACK), today)
    for day, params in ((today + timedelta(days=1), {}), (today - timedelta(days=PATROL_DAYS_BACK + 1), {"n": 7})):
        with pytest.raises(DomainError) as error:
            check_patrol_day(day, today)
        assert (error.value.field, error.value.params) == ("patrolled_on", params)


def test_004_c18_2_a_finding_added_to_a_patrol_ends_its_nothing_found_and_is_in_its_history():
    p = patrol()
    ref = FindingRef(ticket="T9", category="c", found_at=DUE, stopped_on_spot=True)
    p.add_finding(ref, "cun.wang")
    assert p.findings == [ref] and p.nothing_found is False
    event = p.history[-1]
    assert (event.at, event.kind, event.actor, event.data) == (
        DUE, "finding_added", "cun.wang", {"ticket": "T9", "stopped_on_spot": True})


def test_004_c18_1_a_report_filed_at_its_deadline_is_on_time_one_second_later_late():
    assert report(filed_at=DUE).on_time and report(filed_at=DUE).status == "on_time"
    assert not report(filed_at=DUE + S).on_time and report(filed_at=DUE + S).status == "late"


def test_004_c18_1_l16_1_a_village_reports_its_own_patrols_of_the_week_zero_when_nothing_was_found():
    patrols = [patrol("P1"), patrol("P2"), patrol("OTHER_WEEK", week="2026-W11"),
               patrol("NEIGHBOURS", unit=NEIGHBOUR), patrol("TOWNSHIPS", kind="township", unit=VILLAGE)]
    r = village_report("430225", WEEK, VILLAGE, "xiayang", patrols, DUE - S, DUE, "cun.wang", "本周无违建")
    assert (r.county, r.week, r.level, r.unit, r.township, r.filed_at, r.filed_by, r.due_at, r.note) == (
        "430225", WEEK, "village", VILLAGE, "xiayang", DUE - S, "cun.wang", DUE, "本周无违建")
    assert (r.patrols, r.findings, r.zero, r.villages) == (["P1", "P2"], 0, True, [])


def test_004_c18_1_a_village_report_with_findings_is_not_a_zero_report():
    r = village_report("430225", WEEK, VILLAGE, "xiayang", [patrol("P1", findings=2), patrol("P2", findings=1)],
                       DUE, DUE, "v", "")
    assert (r.findings, r.zero) == (3, False)


def test_004_c18_1_without_a_patrol_of_its_own_that_week_a_village_has_nothing_to_report():
    others = [patrol(unit=NEIGHBOUR), patrol(week="2026-W11"), patrol(kind="township")]
    with pytest.raises(DomainError) as error:
        village_report("430225", WEEK, VILLAGE, "xiayang", others, DUE, DUE, "v", "")
    assert error.value.field == "form"


def test_004_c17_1_a_village_line_missing_only_once_its_deadline_has_passed():
    assert line_for(VILLAGE, None, DUE, DUE) == VillageLine(village=VILLAGE, status="not_yet")
    assert line_for(VILLAGE, None, DUE, DUE + S) == VillageLine(village=VILLAGE, status="missing")
    late = line_for(VILLAGE, report(filed_at=DUE + S, findings=2, patrols=("P1", "P2")), DUE, DUE + S)
    assert late == VillageLine(village=VILLAGE, status="late", zero=False, findings=2, patrols=2)
    assert line_for(VILLAGE, report(), DUE, DUE + S) == VillageLine(village=VILLAGE, status="on_time", zero=True,
                                                                   findings=0, patrols=1)


def test_004_c17_1_l15_1_a_townships_report_states_each_village_and_counts_its_own_patrols():
    own = [patrol("T1", kind="township", unit="xiayang"), patrol("T2", kind="township", unit="xiayang", findings=1),
           patrol("T_OLD", kind="township", unit="xiayang", week="2026-W11"),
           patrol("T_OTHER", kind="township", unit="longxi", findings=5), patrol("V", findings=7)]
    village_reports = {VILLAGE: report(findings=2), NEIGHBOUR: report(unit=NEIGHBOUR, filed_at=DUE + S)}
    now = TOWNSHIP_DUE - S
    r = township_report("430225", WEEK, "xiayang", [VILLAGE, NEIGHBOUR, THIRD], village_reports, own, now, DUE,
                        TOWNSHIP_DUE, "xiang.zhao", "见附件")
    assert (r.county, r.week, r.level, r.unit, r.township, r.filed_at, r.filed_by, r.due_at, r.note) == (
        "430225", WEEK, "township", "xiayang", "xiayang", now, "xiang.zhao", TOWNSHIP_DUE, "见附件")
    assert r.patrols == ["T1", "T2"] and r.findings == 3 and r.zero is False
    assert [(v.village, v.status, v.zero) for v in r.villages] == [
        (VILLAGE, "on_time", False), (NEIGHBOUR, "late", True), (THIRD, "missing", None)]


def test_004_c17_1_a_township_zero_report_only_when_nothing_was_found_and_no_village_is_missing():
    own = [patrol("T1", kind="township", unit="xiayang")]
    complete = township_report("430225", WEEK, "xiayang", [VILLAGE], {VILLAGE: report()}, own, DUE + S, DUE,
                               TOWNSHIP_DUE, "t", "")
    assert (complete.findings, complete.zero) == (0, True)
    missing = township_report("430225", WEEK, "xiayang", [VILLAGE, NEIGHBOUR], {VILLAGE: report()}, own, DUE + S,
                              DUE, TOWNSHIP_DUE, "t", "")
    assert (missing.findings, missing.zero) == (0, False)


def test_004_c17_1_a_township_reports_on_its_villages_reports_alone_but_not_on_nothing():
    only_villages = township_report("430225", WEEK, "xiayang", [VILLAGE], {VILLAGE: report()}, [], DUE, DUE,
                                    TOWNSHIP_DUE, "t", "")
    assert only_villages.patrols == [] and only_villages.zero is True
    with pytest.raises(DomainError) as error:
        township_report("430225", WEEK, "xiayang", [VILLAGE], {}, [patrol("V")], DUE, DUE, TOWNSHIP_DUE, "t", "")
    assert error.value.field == "form"
