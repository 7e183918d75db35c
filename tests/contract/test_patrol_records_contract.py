"""The patrol records (portal/store/repositories/patrols.py; 004 C17-C19, C33) on every store adapter:
patrols listed by week (a township's, a village's) and by day, weekly reports and missing
reports written once and listed by week, the missing ones for the unit told of them (newest
first), violations per village week, concealment flags per year, decisions on the version
read, and the deadline schedules in the due index."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.domain.patrols.concealment import Decision, Flag
from portal.domain.patrols.records import MissingReport, Patrol, WeeklyReport
from portal.ids import new_id
from portal.ports import ConditionFailed
from portal.store.repositories import Repositories

C = "430225"


@pytest.fixture
def records(store):
    return Repositories(store, shards=4).patrols


def patrol(now, kind, unit, township, village, day: date, week: str) -> Patrol:
    return Patrol(id=new_id(now), county=C, kind=kind, unit=unit, township=township, village=village,
                  grid=village, patrolled_on=day, week=week, route="r", nothing_found=True, recorded_by="u",
                  recorded_at=now)


def test_004_c18_patrols_by_week_township_village_and_by_day(records, contract_clock):
    now = contract_clock.now()
    rows = [patrol(now, "village", "V1", "xiayang", "V1", date(2026, 11, 23), "2026-W48"),
            patrol(now, "township", "xiayang", "xiayang", "V2", date(2026, 11, 24), "2026-W48"),
            patrol(now, "professional", "housing", "xiayang", None, date(2026, 11, 25), "2026-W48"),
            patrol(now, "village", "L1", "longxi", "L1", date(2026, 11, 23), "2026-W48"),
            patrol(now, "village", "V1", "xiayang", "V1", date(2026, 11, 30), "2026-W49")]
    records.store.write([records.patrol_op(p) for p in rows])
    week = {p.id for p in records.of_week(C, "2026-W48")}
    assert week == {p.id for p in rows[:4]}
    assert {p.id for p in records.of_week(C, "2026-W48", "xiayang")} == {p.id for p in rows[:3]}
    assert [p.id for p in records.of_week(C, "2026-W48", "xiayang", "V1")] == [rows[0].id]
    assert {p.id for p in records.between(C, date(2026, 11, 24), date(2026, 11, 30))} == {
        rows[1].id, rows[2].id, rows[4].id}
    stored = records.patrol(rows[0].id)
    assert stored.patrolled_on == date(2026, 11, 23) and stored.version == 1
    with pytest.raises(ConditionFailed):  # a write on a stale version changes nothing
        records.store.write([records.patrol_op(rows[0])])


def test_004_c17_1_reports_and_missing_reports_are_written_once_and_listed_by_week(records, contract_clock):
    now = contract_clock.now()

    def report(week, level, unit):
        return WeeklyReport(county=C, week=week, level=level, unit=unit, township="xiayang", filed_at=now,
                            filed_by="u", due_at=now, patrols=[], findings=0, zero=True)

    def missing(week, level, unit, minutes, notified="xiayang"):
        return MissingReport(county=C, week=week, level=level, unit=unit, township="xiayang", due_at=now,
                             flagged_at=now + timedelta(minutes=minutes), notified=notified)

    records.store.write([records.report_op(report("2026-W47", "village", "V1")),
                         records.report_op(report("2026-W48", "village", "V1")),
                         records.report_op(report("2026-W48", "township", "xiayang"))])
    with pytest.raises(ConditionFailed):
        records.store.write([records.report_op(report("2026-W48", "village", "V1"))])
    assert records.write_once([records.missing_op(missing("2026-W48", "village", "V2", 1))])
    assert not records.write_once([records.missing_op(missing("2026-W48", "village", "V2", 2))])  # once
    assert records.write_once([records.missing_op(missing("2026-W49", "village", "V2", 3))])
    assert records.write_once([records.missing_op(missing("2026-W49", "township", "xiayang", 4, "office"))])
    reports, flagged = records.week(C, "2026-W48")
    assert {(r.level, r.unit) for r in reports} == {("village", "V1"), ("township", "xiayang")}
    assert [(m.level, m.unit) for m in flagged] == [("village", "V2")]
    assert records.report(C, "2026-W48", "village", "V1").zero and records.report(C, "2026-W48", "village", "V9") is None
    reports, flagged = records.weeks(C, "2026-W48", "2026-W49")
    assert len(reports) == 2 and len(flagged) == 3
    assert [m.week for m in records.notices(C, "xiayang")] == ["2026-W49", "2026-W48"]  # newest first
    assert [m.unit for m in records.notices(C, "office")] == ["xiayang"]


def test_004_c33_violations_flags_by_year_and_decisions_on_the_version_read(records, contract_clock):
    now = contract_clock.now()
    records.store.write([records.violation_op(C, "2026-W48", "V1", "T1", "citizen", now),
                         records.violation_op(C, "2026-W48", "V1", "T2", "patrol", now),
                         records.violation_op(C, "2026-W48", "V2", "T3", "citizen", now)])
    assert [v["ticket"] for v in records.violations(C, "2026-W48", "V1")] == ["T1", "T2"]
    flags = [Flag(C, week, "V1", "xiayang", ticket, "citizen", now)
             for week, ticket in (("2025-W52", "T0"), ("2026-W48", "T1"), ("2026-W48", "T2"))]
    records.store.write([records.flag_op(f) for f in flags])
    with pytest.raises(ConditionFailed):
        records.store.write([records.flag_op(flags[1])])
    assert [f.ticket for f in records.flags(C, "2026")] == ["T1", "T2"]
    assert len(records.flags(C)) == 3
    decision = Decision(C, "2026-W48", "V1", "xiayang", "dismissed", "r", "s", now)
    records.store.write([records.decision_op(decision)])
    stored = records.decision(C, "2026-W48", "V1")
    assert stored.version == 1 and [d.week for d in records.decisions(C, "2026")] == ["2026-W48"]
    with pytest.raises(ConditionFailed):  # a decision on what was read before the other one
        records.store.write([records.decision_op(decision)])


def test_the_weekly_deadline_schedules_are_in_the_due_index(records, contract_clock):
    from portal.store.repositories import DueIndex

    due = DueIndex(records.store, 4)
    wake = contract_clock.now() + timedelta(days=2)
    records.store.write([records.schedule_op(C, "village", "2026-W48", wake, 0),
                         records.schedule_op(C, "township", "2026-W48", wake + timedelta(days=1), 0)])
    assert [r.sk for r in due.due(wake)] == ["SCHEDULE#village"]
    item = records.schedule(C, "village")
    records.store.write([records.schedule_op(C, "village", "2026-W49", wake + timedelta(days=7), item.version)])
    assert [r.sk for r in due.due(wake + timedelta(days=1))] == ["SCHEDULE#township"]
    with pytest.raises(ConditionFailed):
        records.store.write([records.schedule_op(C, "village", "2026-W50", wake, item.version)])
