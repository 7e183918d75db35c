"""The length of every clock a filed complaint carries, pinned to the instant (RULES.md §1, §3).

Each test fails if a length changes in either direction: one second past the due instant is a
breach, the due instant itself is not. The other tests of these clocks check the behaviour
around them (who is alerted, what meets them); these check the numbers the seeds set.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from portal.domain.calendar import WorkingCalendar
from portal.domain.complaint import Complaint, Finding, Measures
from portal.domain.deadlines import ClockKind
from portal.domain.geo import Point
from tests.unit.tickets import filed_ticket
from portal.timeutil import iso_local

CAL = WorkingCalendar({})
T0 = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)  # Monday 10:00 in Asia/Shanghai
ONE_SECOND = timedelta(seconds=1)


def ticket(received_at: datetime = T0, discipline_only: bool = False) -> Complaint:
    return filed_ticket(received_at, id="01CLOCKCLOCKCLOCKCLOCKCLOC", category="l1-occupy-land",
                        description="耕地上建房", point=Point(113.78, 26.12), township="longxi",
                        discipline_only=discipline_only, calendar=CAL, quiet=False)


def due(c: Complaint, kind: ClockKind) -> str:
    return iso_local(c.clock(kind).due_at)


def test_004_c20_l17_acceptance_is_due_at_the_end_of_the_3rd_working_day_after_receipt():
    # received Monday 10:00; National Day 2026 is crossed by the second case
    assert due(ticket(), ClockKind.ACCEPTANCE) == "2026-11-26T23:59:59+08:00"
    national_day = datetime(2026, 9, 29, 7, 0, tzinfo=timezone.utc)  # Tuesday 15:00, before 1-7 October
    assert due(ticket(national_day), ClockKind.ACCEPTANCE) == "2026-10-09T23:59:59+08:00"


def test_004_c20_l17_the_result_notice_is_due_at_the_end_of_the_7th_working_day_after_the_conclusion():
    c = ticket()
    c.accept(T0, "off", "natural_resources")
    concluded = datetime(2026, 11, 25, 8, 0, tzinfo=timezone.utc)  # Wednesday 16:00
    c.conclude(concluded, "off", "natural_resources", Finding.NOT_SUBSTANTIATED, Measures(), "经核查不属实", CAL)
    assert due(c, ClockKind.RESULT_NOTICE) == "2026-12-04T23:59:59+08:00"  # Wed + 7 working days = next Fri


@pytest.mark.parametrize("arrived_after,breached", [
    (timedelta(hours=1, minutes=59), False),
    (timedelta(hours=2), False),
    (timedelta(hours=2) + ONE_SECOND, True),
])
def test_004_c17_l15_the_township_team_is_on_site_within_2_hours_of_the_report(arrived_after, breached):
    """004 C17(2), L15(2): 2 hours, clock time (not working time), from the report."""
    c = ticket()
    assert c.clock(ClockKind.ONSITE).due_at == T0 + timedelta(hours=2)
    arrived = T0 + arrived_after
    c.record_onsite(arrived, "tw", "longxi", arrived, "已到场", [])  # recorded on arrival (a later record is late)
    assert c.clock(ClockKind.ONSITE).is_breached is breached


def test_004_c17_l15_a_stop_order_gives_5_calendar_days_to_rectify():
    """004 C17(2), L15(2): rectification ordered within 5 days: calendar days, to the end of the 5th
    day after the order (a weekend does not stretch it)."""
    c = ticket()
    ordered = datetime(2026, 11, 25, 1, 0, tzinfo=timezone.utc)  # Wednesday 09:00
    c.issue_stop_order(ordered, "tw", "longxi", "当场责令停工")
    clock = c.clock(ClockKind.RECTIFICATION)
    assert iso_local(clock.due_at) == "2026-11-30T23:59:59+08:00"  # Monday: Sat and Sun count
    late = ticket()
    late.issue_stop_order(ordered, "tw", "longxi", "当场责令停工")
    late.record_rectified(clock.due_at + ONE_SECOND, "tw", "longxi", "已拆除")
    assert late.clock(ClockKind.RECTIFICATION).is_breached
    c.record_rectified(clock.due_at, "tw", "longxi", "已拆除")
    assert not c.clock(ClockKind.RECTIFICATION).is_breached


def test_004_c34_l30_a_new_violation_not_stopped_brings_the_ladder_at_1_week_1_month_3_months():
    c = ticket()
    assert due(c, ClockKind.LADDER_WARNING) == "2026-11-30T10:00:00+08:00"
    assert due(c, ClockKind.LADDER_ACCOUNTABILITY) == "2026-12-23T10:00:00+08:00"
    assert due(c, ClockKind.LADDER_DISMISSAL) == "2027-02-23T10:00:00+08:00"
    alerts = c.sweep(datetime(2026, 12, 23, 2, 0, 1, tzinfo=timezone.utc))  # one month and a second
    assert sorted(a.clock.value for a in alerts if a.kind == "breach") == ["acceptance", "ladder_accountability",
                                                                          "ladder_warning", "onsite"]


def test_000_s2_3_a_report_about_an_official_gets_no_township_visit_and_no_township_ladder():
    """000 §2(3), §4(2)4: only the discipline commission hears of it, so no township is sent on
    site (which would tell the official's colleagues) and the township ladder does not run."""
    c = ticket(discipline_only=True)
    assert set(c.clocks) == {ClockKind.ACCEPTANCE.value}
