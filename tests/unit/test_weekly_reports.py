"""The weekly reports' pure rules (004 C18(1), L16(1): the village's report of its week's
patrols; 004 C17(1), L15(1): the township's, built from its villages' and its own patrols;
``portal.domain.patrols.records``): a week with nothing found is an explicit zero report, a
report filed at the deadline's very instant is on time, and a patrol is recorded for a day
of the last week."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from itertools import count

import pytest

from portal.domain.errors import DomainError
from portal.domain.patrols.records import (
    PATROL_DAYS_BACK, FindingRef, Patrol, check_patrol_day, line_for, township_report, village_report,
)

VILLAGE, NEIGHBOUR, TOWNSHIP = "430225100202", "430225100203", "xiayang"
DUE = datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc)  # Thursday 16:00 Asia/Shanghai
TOWNSHIP_DUE = DUE + timedelta(days=1)
BEFORE = DUE - timedelta(hours=3)
IDS = count(1)


def patrol(unit=VILLAGE, kind="village", week="2026-W48", findings=0) -> Patrol:
    n = next(IDS)
    p = Patrol(id=f"p{n}", county="430225", kind=kind, unit=unit, township=TOWNSHIP,
               village=unit if kind == "village" else VILLAGE, grid=unit if kind == "village" else VILLAGE,
               patrolled_on=date(2026, 11, 23), week=week, route="沿村道", nothing_found=True, recorded_by="u",
               recorded_at=BEFORE)
    for i in range(findings):
        p.add_finding(FindingRef(ticket=f"t{n}-{i}", category="l1-occupy-land", found_at=BEFORE), "u")
    return p


def report(patrols, now=BEFORE, village=VILLAGE):
    return village_report("430225", "2026-W48", village, TOWNSHIP, patrols, now, DUE, "cun.wang", "")


def test_004_c18_1_a_village_reports_its_own_patrols_of_the_week_and_nothing_found_is_a_zero_report():
    mine = patrol()
    others = [patrol(unit=NEIGHBOUR), patrol(week="2026-W47"), patrol(unit=TOWNSHIP, kind="township", findings=1)]
    zero = report([mine, *others])
    assert zero.zero and zero.findings == 0 and zero.patrols == [mine.id] and zero.level == "village"
    assert (zero.unit, zero.township, zero.filed_by, zero.due_at) == (VILLAGE, TOWNSHIP, "cun.wang", DUE)
    found = report([mine, patrol(findings=2)])
    assert not found.zero and found.findings == 2 and len(found.patrols) == 2
    with pytest.raises(DomainError) as refused:
        report(others)  # nothing of its own this week: silence is no zero report
    assert refused.value.field == "form"


def test_004_c18_1_filed_at_the_deadline_s_instant_is_on_time_a_moment_later_is_late():
    assert report([patrol()], now=DUE).status == "on_time"
    late = report([patrol()], now=DUE + timedelta(seconds=1))
    assert late.status == "late" and not late.on_time


def test_004_c18_1_a_village_not_filed_is_not_yet_due_at_the_deadline_and_missing_after_it():
    assert line_for(VILLAGE, None, DUE, DUE).status == "not_yet"
    missing = line_for(VILLAGE, None, DUE, DUE + timedelta(seconds=1))
    assert (missing.status, missing.zero, missing.findings, missing.patrols) == ("missing", None, 0, 0)
    filed = line_for(VILLAGE, report([patrol(findings=1), patrol()]), DUE, DUE + timedelta(days=1))
    assert (filed.status, filed.zero, filed.findings, filed.patrols) == ("on_time", False, 1, 2)


def township(villages, reports, patrols, now=TOWNSHIP_DUE - timedelta(hours=1)):
    return township_report("430225", "2026-W48", TOWNSHIP, villages, reports, patrols, now, DUE, TOWNSHIP_DUE,
                           "xiang.zhao", "")


def test_004_c17_1_the_township_report_is_built_from_its_villages_and_its_own_patrols():
    reports = {VILLAGE: report([patrol()]), NEIGHBOUR: report([patrol(unit=NEIGHBOUR, findings=1)], village=NEIGHBOUR)}
    own = patrol(unit=TOWNSHIP, kind="township", findings=2)
    built = township([VILLAGE, NEIGHBOUR], reports, [own, patrol(unit="longxi", kind="township", findings=5),
                                                     patrol(unit=TOWNSHIP, kind="township", week="2026-W47")])
    assert built.level == "township" and built.unit == built.township == TOWNSHIP and built.due_at == TOWNSHIP_DUE
    assert built.patrols == [own.id] and built.findings == 3 and not built.zero
    assert [(v.village, v.status, v.zero) for v in built.villages] == [(VILLAGE, "on_time", True),
                                                                       (NEIGHBOUR, "on_time", False)]


def test_004_c17_1_the_township_reports_zero_only_when_everything_it_holds_found_nothing_and_no_village_is_missing():
    all_zero = {VILLAGE: report([patrol()]), NEIGHBOUR: report([patrol(unit=NEIGHBOUR)], village=NEIGHBOUR)}
    assert township([VILLAGE, NEIGHBOUR], all_zero, []).zero  # from its villages' zero reports alone
    one_missing = township([VILLAGE, NEIGHBOUR], {VILLAGE: all_zero[VILLAGE]}, [patrol(unit=TOWNSHIP, kind="township")])
    assert not one_missing.zero and one_missing.findings == 0
    assert [v.status for v in one_missing.villages] == ["on_time", "missing"]
    own_finding = township([VILLAGE, NEIGHBOUR], all_zero, [patrol(unit=TOWNSHIP, kind="township", findings=1)])
    assert not own_finding.zero and own_finding.findings == 1
    with pytest.raises(DomainError):
        township([VILLAGE, NEIGHBOUR], {}, [patrol(unit="longxi", kind="township")])  # nothing of its own


def test_004_c18_a_patrol_is_recorded_for_a_day_that_has_come_within_the_last_week():
    today = date(2026, 11, 26)
    check_patrol_day(today, today)
    check_patrol_day(today - timedelta(days=PATROL_DAYS_BACK), today)
    for bad in (today + timedelta(days=1), today - timedelta(days=PATROL_DAYS_BACK + 1)):
        with pytest.raises(DomainError) as refused:
            check_patrol_day(bad, today)
        assert refused.value.field == "patrolled_on"


def test_a_finding_added_later_turns_a_nothing_found_patrol_into_one_with_findings_in_its_history():
    p = patrol()
    assert p.nothing_found and p.history == []
    p.add_finding(FindingRef(ticket="t", category="l1-occupy-land", found_at=DUE, stopped_on_spot=True), "xiang.zhao")
    assert not p.nothing_found and [f.ticket for f in p.findings] == ["t"]
    [event] = p.history
    assert (event.kind, event.actor, event.at, event.data) == ("finding_added", "xiang.zhao", DUE,
                                                               {"ticket": "t", "stopped_on_spot": True})
