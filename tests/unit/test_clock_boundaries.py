"""Every clock at its edges (issue #16): exactly at its warn and due instants, one second before
and one second after, on working days and across weekends and holidays (the real 2026
arrangement: National Day 1-7 October with make-up Saturday 10 October, Spring Festival 15-23
February with make-up Saturdays 14 and 28 February).

At each instant, on a fresh ticket: what the clock's state says, what the sweeper does (remind
or warn from the warn instant on, record a breach only after the due instant), what oversight
counts, and whether the step that meets the clock, taken at that instant, is on time. The due
instant itself is on time (``now > due_at`` is the breach); the warn instant itself warns.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from datetime import datetime, timedelta
from typing import Callable

import pytest

from portal.domain.calendar import WorkingCalendar
from portal.domain.channels import Intake
from portal.domain.complaint import Complaint, Finding, Measures
from portal.domain.deadlines import ClockKind
from portal.domain.geo import Point
from portal.domain.oversight import clock_outcome
from portal.timeutil import SHANGHAI, iso_local
from tests.unit.tickets import filed_ticket

CAL = WorkingCalendar()  # the holidays package's official arrangement (2026 is official)
SECOND = timedelta(seconds=1)
URBAN = "urban_management"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


# --- tickets with the clock under test open -----------------------------------------------------
def received(start: datetime) -> Complaint:
    return filed_ticket(start, calendar=CAL, point=Point(113.77, 26.49), in_built_up_area=True)


def accepted(start: datetime) -> Complaint:
    c = received(start - timedelta(hours=1))
    c.accept(start - timedelta(hours=1), "off", c.lead)
    return c


def stop_ordered(start: datetime) -> Complaint:
    c = accepted(start)
    c.issue_stop_order(start, "tw", "xiayang", "责令停工")
    return c


def concluded(start: datetime) -> Complaint:
    c = accepted(start)
    c.conclude(start, "off", c.lead, Finding.NOT_SUBSTANTIATED, Measures(), "经核查不属实", CAL)
    return c


def handed_down(start: datetime, days: int) -> Complaint:
    """A report handed down by a higher level or transferred by a department, received at
    ``start``, answered to its sender within ``days`` working days; accepted and concluded at
    once, so that the feedback can be recorded at any instant of the test."""
    intake = Intake(channel="transferred", source="department", from_unit="housing", received_by="natural_resources",
                    registered_by="off", registered_at=start)
    c = filed_ticket(start, calendar=CAL, intake=intake, feedback_days=days)
    c.accept(start, "off", c.lead)
    c.conclude(start, "off", c.lead, Finding.NOT_SUBSTANTIATED, Measures(), "经核查不属实", CAL)
    return c


def handed_over(start: datetime) -> Complaint:
    c = accepted(start)
    c.hand_over_demolition(start, "off", c.lead, start, "炎自然罚〔2026〕8号", "逾期未拆除", URBAN, CAL)
    return c


# --- the step that meets each clock, taken at ``t`` -------------------------------------------------
def meet_acceptance(c: Complaint, t: datetime) -> None:
    c.accept(t, "off", c.lead)


def meet_onsite(c: Complaint, t: datetime) -> None:
    c.record_onsite(t, "tw", "xiayang", t, "已到场核查", [])


def meet_rectified(c: Complaint, t: datetime) -> None:
    c.record_rectified(t, "tw", "xiayang", "已拆除")


def meet_written_notice(c: Complaint, t: datetime) -> None:
    c.record_written_notice(t, "off", c.lead, "书面告知")


def meet_feedback(c: Complaint, t: datetime) -> None:
    c.record_feedback(t, "off", c.lead, t.astimezone(SHANGHAI).date(), "已向移交部门反馈")


def meet_plan(c: Complaint, t: datetime) -> None:
    c.record_demolition_plan(t, "u1", URBAN, t, "拆除方案要点")


@dataclass(frozen=True)
class Case:
    name: str
    kind: ClockKind
    start: str  #: the clock's start, local time
    make: Callable[[datetime], Complaint]
    meet: Callable[[Complaint, datetime], None]
    due: str  #: the due instant the rules give, local
    warn: str | None  #: the warn instant, local (None: the clock does not warn)
    warning: str | None = None  #: the alert the warn instant raises: reminder | at_risk

    def ticket(self) -> Complaint:
        return self.make(at(self.start))


CASES = [
    # 004 C20, L17: accept or decline within 3 working days; the department is reminded at 08:00
    # of the working day before
    Case("004 C20 acceptance, working days", ClockKind.ACCEPTANCE, "2026-11-23T10:00", received, meet_acceptance,
         "2026-11-26T23:59:59", "2026-11-25T08:00:00", "reminder"),
    Case("004 C20 acceptance, across a weekend", ClockKind.ACCEPTANCE, "2026-11-25T10:00", received,
         meet_acceptance, "2026-11-30T23:59:59", "2026-11-27T08:00:00", "reminder"),
    Case("004 C20 acceptance, across National Day", ClockKind.ACCEPTANCE, "2026-09-28T10:00", received,
         meet_acceptance, "2026-10-08T23:59:59", "2026-09-30T08:00:00", "reminder"),
    # 004 C20, L17: the result told within 7 working days of the conclusion; at risk the day before
    Case("004 C20 result notice, working days", ClockKind.RESULT_NOTICE, "2026-11-18T16:00", concluded,
         meet_written_notice, "2026-11-27T23:59:59", "2026-11-26T08:00:00", "at_risk"),
    Case("004 C20 result notice, across Spring Festival to a make-up Saturday", ClockKind.RESULT_NOTICE,
         "2026-02-06T16:00", concluded, meet_written_notice, "2026-02-24T23:59:59", "2026-02-14T08:00:00", "at_risk"),
    # 004 C25: the demolition plan within 3 working days of the handover; urban management reminded
    Case("004 C25 demolition plan, working days", ClockKind.DEMOLITION_PLAN, "2026-11-24T15:00", handed_over,
         meet_plan, "2026-11-27T23:59:59", "2026-11-26T08:00:00", "reminder"),
    Case("004 C25 demolition plan, across National Day", ClockKind.DEMOLITION_PLAN, "2026-09-28T15:00",
         handed_over, meet_plan, "2026-10-08T23:59:59", "2026-09-30T08:00:00", "reminder"),
    # 004 C9, C14(1), L8: the result fed back to the sender within the county file's working days
    # (here 5 and 10, counted from receipt); at risk from 08:00 of the working day before
    Case("004 C9 hand-over feedback, working days", ClockKind.HANDOVER_FEEDBACK, "2026-11-23T10:00",
         partial(handed_down, days=5), meet_feedback, "2026-11-30T23:59:59", "2026-11-27T08:00:00", "at_risk"),
    Case("004 C9 hand-over feedback, across National Day to a make-up Saturday", ClockKind.HANDOVER_FEEDBACK,
         "2026-09-28T10:00", partial(handed_down, days=5), meet_feedback, "2026-10-10T23:59:59",
         "2026-10-09T08:00:00", "at_risk"),
    Case("004 C9 hand-over feedback, across Spring Festival, warned on a make-up Saturday",
         ClockKind.HANDOVER_FEEDBACK, "2026-02-10T10:00", partial(handed_down, days=10), meet_feedback,
         "2026-03-02T23:59:59", "2026-02-28T08:00:00", "at_risk"),
    # 004 C17(2), L15(2): on site within 2 hours, clock time: a holiday does not stretch it
    Case("004 C17(2) on site, working day", ClockKind.ONSITE, "2026-11-23T10:00", received, meet_onsite,
         "2026-11-23T12:00:00", None),
    Case("004 C17(2) on site, on a holiday", ClockKind.ONSITE, "2026-10-03T10:00", received, meet_onsite,
         "2026-10-03T12:00:00", None),
    # 004 C17(2), L15(2): rectification within 5 calendar days of the stop order
    Case("004 C17(2) rectification, working days", ClockKind.RECTIFICATION, "2026-11-25T09:00", stop_ordered,
         meet_rectified, "2026-11-30T23:59:59", None),
    Case("004 C17(2) rectification, into National Day", ClockKind.RECTIFICATION, "2026-09-30T09:00",
         stop_ordered, meet_rectified, "2026-10-05T23:59:59", None),
    # 004 C34, L30: a new violation not stopped within 1 week / 1 month / 3 months
    Case("004 C34 ladder warning, working days", ClockKind.LADDER_WARNING, "2026-11-23T10:00", received,
         meet_rectified, "2026-11-30T10:00:00", None),
    Case("004 C34 ladder warning, into National Day", ClockKind.LADDER_WARNING, "2026-09-28T10:00", received,
         meet_rectified, "2026-10-05T10:00:00", None),
    Case("004 C34 ladder accountability", ClockKind.LADDER_ACCOUNTABILITY, "2026-09-28T10:00", received,
         meet_rectified, "2026-10-28T10:00:00", None),
    Case("004 C34 ladder dismissal", ClockKind.LADDER_DISMISSAL, "2026-11-23T10:00", received, meet_rectified,
         "2027-02-23T10:00:00", None),
]
IDS = [case.name for case in CASES]


def alerts_for(c: Complaint, kind: ClockKind, t: datetime) -> list[str]:
    return [a.kind for a in c.sweep(t) if a.clock == kind]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_004_c20_c17_c25_c34_the_clock_ends_and_warns_at_the_instants_the_rules_give(case):
    clock = case.ticket().clock(case.kind)
    assert iso_local(clock.due_at) == at(case.due).isoformat()
    assert (iso_local(clock.warn_at) if clock.warn_at else None) == (at(case.warn).isoformat() if case.warn else None)


@pytest.mark.parametrize("offset", [-1, 0, 1])
@pytest.mark.parametrize("case", [c for c in CASES if c.warn], ids=[c.name for c in CASES if c.warn])
def test_004_c20_c25_around_the_warn_instant(case, offset):
    """One second before the warn instant the clock runs and nothing is said; at it and after
    it, the sweeper reminds the unit (or warns that the result is at risk), once."""
    t = at(case.warn) + offset * SECOND
    c = case.ticket()
    clock = c.clock(case.kind)
    assert clock.state(t) == ("running" if offset < 0 else "due_soon")
    assert alerts_for(c, case.kind, t) == ([] if offset < 0 else [case.warning])
    assert clock_outcome(clock, t) == "pending"
    if offset >= 0:
        assert alerts_for(c, case.kind, t + SECOND) == []  # said once


@pytest.mark.parametrize("offset", [-1, 0, 1])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_004_c20_c17_c25_c34_around_the_due_instant(case, offset):
    """Up to the due instant itself the clock is not breached; one second after, it is: the
    state says so before any sweep, the sweeper records the breach once, oversight counts it."""
    t = at(case.due) + offset * SECOND
    c = case.ticket()
    clock = c.clock(case.kind)
    late = offset > 0
    assert clock.state(t) == ("breached" if late else "due_soon" if case.warn else "running")
    assert clock_outcome(clock, t) == ("breached" if late else "pending")
    expected = ["breach"] if late else [case.warning] if case.warn else []
    assert alerts_for(c, case.kind, t) == expected
    assert clock.is_breached is late
    assert alerts_for(c, case.kind, at(case.due) + 2 * SECOND) == ([] if late else ["breach"])  # recorded once


@pytest.mark.parametrize("offset", [-1, 0, 1])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_004_c20_c17_c25_c34_the_step_taken_around_the_due_instant(case, offset):
    """The step that meets the clock, taken at the due instant or before, is on time; a second
    later it is late: a breach recorded once, on the ticket's history."""
    t = at(case.due) + offset * SECOND
    c = case.ticket()
    c.new_events.clear()
    case.meet(c, t)
    clock = c.clock(case.kind)
    late = offset > 0
    assert clock.met_at == t
    assert clock.state(t) == ("met_late" if late else "met")
    assert clock_outcome(clock, t) == ("breached" if late else "met")
    breaches = [e for e in c.new_events if e.kind == "breach_recorded" and e.data["clock"] == case.kind.value]
    assert len(breaches) == (1 if late else 0)
    assert alerts_for(c, case.kind, t + SECOND) == []  # a met clock is never swept again
