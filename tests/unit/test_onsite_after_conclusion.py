"""004 C17(2), L15(2): the township's team is on site within 2 hours. Concluding a ticket
with no on-site check recorded used to cancel that clock silently, and the township could
no longer record the check: the obligation vanished. Now the clock keeps running through the
conclusion, the check can still be recorded (late: a breach), and an unrecorded one breaches
at its due instant like any other."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from portal.domain.calendar import WorkingCalendar
from portal.domain.complaint import Finding, Measures, Status
from portal.domain.deadlines import ClockKind
from portal.domain.errors import Conflict
from portal.domain.oversight import clock_outcome
from tests.unit.tickets import filed_ticket

CAL = WorkingCalendar({})
T0 = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)  # Monday 10:00 in Asia/Shanghai


def concluded_without_a_check(after: timedelta):
    c = filed_ticket(T0)
    c.accept(T0 + timedelta(minutes=10), "off", "natural_resources")
    c.conclude(T0 + after, "off", "natural_resources", Finding.NOT_SUBSTANTIATED, Measures(summary="s"), "经核查不属实", CAL)
    return c


def test_004_C17_concluding_without_a_check_keeps_the_2_hour_clock_running():
    c = concluded_without_a_check(timedelta(hours=1))
    clock = c.clock(ClockKind.ONSITE)
    assert clock.is_open and clock.cancelled_at is None and c.onsite_owed
    concluded = [e for e in c.new_events if e.kind == "concluded"][-1]
    assert concluded.data["onsite_owed"] is True  # the record says the check was owed at the conclusion
    assert c.wake_at() <= clock.due_at  # the sweeper still looks at it


def test_004_C17_the_unrecorded_check_breaches_at_its_due_instant_and_counts():
    c = concluded_without_a_check(timedelta(hours=1))
    alerts = c.sweep(T0 + timedelta(hours=2, minutes=1))
    assert [(a.kind, a.clock) for a in alerts] == [("breach", ClockKind.ONSITE)]
    assert clock_outcome(c.clock(ClockKind.ONSITE), T0 + timedelta(hours=3)) == "breached"  # in the figures


@pytest.mark.parametrize("later", [timedelta(minutes=90), timedelta(hours=5)])
def test_004_C17_the_township_records_the_check_after_the_conclusion(later):
    c = concluded_without_a_check(timedelta(hours=1))
    c.record_onsite(T0 + later, "xy-team", "xiayang", T0 + later - timedelta(minutes=5), "现场已核查，建筑已停工", [])
    clock = c.clock(ClockKind.ONSITE)
    assert clock.met_at == T0 + later - timedelta(minutes=5) and not c.onsite_owed
    assert c.status == Status.CONCLUDED  # the conclusion stands
    assert clock.is_breached == (later > timedelta(hours=2))  # late is a breach, in time is not


def test_a_check_once_recorded_after_the_conclusion_cannot_be_recorded_again():
    c = concluded_without_a_check(timedelta(hours=1))
    c.record_onsite(T0 + timedelta(hours=3), "xy-team", "xiayang", T0 + timedelta(hours=3), "已核查", [])
    with pytest.raises(Conflict):
        c.record_onsite(T0 + timedelta(hours=4), "xy-team", "xiayang", T0 + timedelta(hours=4), "再次核查", [])


def test_a_declined_ticket_owes_no_check():
    c = filed_ticket(T0)
    c.decline(T0 + timedelta(minutes=30), "off", "natural_resources", "already_handled", "已依法处理")
    assert not c.onsite_owed
    with pytest.raises(Conflict):
        c.record_onsite(T0 + timedelta(hours=1), "xy-team", "xiayang", T0 + timedelta(hours=1), "已核查", [])
