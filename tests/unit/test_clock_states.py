"""One clock on its own (``portal.domain.deadlines.Clock``): its state, when the sweeper must
look at it, meeting it once, cancelling it, and recomputing it when the calendar changes
(004 C20, L17 working-day clocks; 004 C17(2), L15(2) the 2 hours; 004 C25 the plan)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from portal.domain.calendar import WorkingCalendar
from portal.domain.complaint import Contact, Notify
from portal.domain.deadlines import (
    Clock, ClockKind, acceptance_clock, demolition_plan_clock, onsite_clock, recompute, result_notice_clock,
    working_day_clock,
)
from portal.timeutil import iso_local
from tests.unit.tickets import filed_ticket

PLAIN = WorkingCalendar({})
T0 = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)  # Monday 10:00 in Asia/Shanghai
HOUR = timedelta(hours=1)


def clock(**kw) -> Clock:
    return Clock(kind=ClockKind.ACCEPTANCE, started_at=T0, due_at=T0 + 10 * HOUR, **kw)


def test_004_c20_an_overdue_clock_not_yet_swept_shows_as_breached():
    """The state reads the due instant itself: a clock past due shows breached before the
    sweeper has recorded anything, and a recorded breach shows even before the due instant
    (a step entered late with an earlier time typed)."""
    c = clock(warn_at=T0 + 8 * HOUR)
    assert c.breached_at is None and c.state(T0 + 10 * HOUR + timedelta(seconds=1)) == "breached"
    recorded = clock(breached_at=T0 + 10 * HOUR)
    assert recorded.state(T0 + HOUR) == "breached"
    assert clock().state(T0 + 9 * HOUR) == "running"  # no warn instant: never "due soon"


def test_004_c20_a_clock_met_once_is_not_met_again_and_records_no_breach():
    c = clock()
    assert c.meet(T0 + HOUR) is False and c.met_at == T0 + HOUR
    assert c.meet(T0 + 20 * HOUR) is False  # a second, late "meeting" of a met clock
    assert (c.met_at, c.breached_at, c.state(T0 + 20 * HOUR)) == (T0 + HOUR, None, "met")
    cancelled = clock(cancelled_at=T0)
    assert cancelled.meet(T0 + 20 * HOUR) is False and cancelled.met_at is None and cancelled.breached_at is None


def test_004_c20_a_late_meeting_records_the_breach_at_the_due_instant_once():
    c = clock()
    assert c.meet(T0 + 11 * HOUR) is True
    assert (c.met_at, c.breached_at) == (T0 + 11 * HOUR, T0 + 10 * HOUR)
    swept = clock(breached_at=T0 + 10 * HOUR)  # the sweeper saw it first
    assert swept.meet(T0 + 11 * HOUR) is False and swept.breached_at == T0 + 10 * HOUR


def test_004_c17_2_a_step_recorded_after_the_due_instant_is_late_whatever_time_is_typed():
    on_time = clock()
    assert on_time.meet(T0 + HOUR, recorded_at=T0 + 10 * HOUR) is False  # recorded at the due instant itself
    late = clock()
    assert late.meet(T0 + HOUR, recorded_at=T0 + 10 * HOUR + timedelta(seconds=1)) is True
    assert late.met_at == T0 + HOUR and late.breached_at == T0 + 10 * HOUR


def test_004_c20_a_decline_sms_reported_failed_after_it_was_sent_records_no_breach():
    """The acceptance clock is met when the decline SMS goes out (in time); the provider later
    reporting the message failed for good meets nothing again and records no breach."""
    c = filed_ticket(T0, contact=Contact(envelope="envelope", phone_hash="hash", verified_at=T0))
    c.decline(T0 + HOUR, "off", c.lead, "already_handled", "该处已依法拆除。")
    c.notice_sent(Notify.DECLINED, T0 + 2 * HOUR)
    acceptance = c.clock(ClockKind.ACCEPTANCE)
    assert acceptance.met_at == T0 + 2 * HOUR
    c.new_events.clear()
    c.notice_failed(Notify.DECLINED, acceptance.due_at + HOUR, permanent=True)
    assert [e.kind for e in c.new_events] == ["sms_failed"]
    assert acceptance.met_at == T0 + 2 * HOUR and not acceptance.is_breached


def test_004_c20_the_sweeper_wakes_at_the_warn_instant_then_the_due_instant_then_never():
    c = clock(warn_at=T0 + 8 * HOUR)
    assert c.wake_at() == T0 + 8 * HOUR
    c.warned_at = T0 + 8 * HOUR
    assert c.wake_at() == T0 + 10 * HOUR
    c.breached_at = T0 + 10 * HOUR
    assert c.wake_at() is None
    # a warn instant not before the due instant is never used; met or cancelled clocks sleep
    assert clock(warn_at=T0 + 10 * HOUR).wake_at() == T0 + 10 * HOUR
    assert clock(met_at=T0).wake_at() is None and clock(cancelled_at=T0).wake_at() is None


def test_004_c20_cancelling_keeps_a_met_clock_met_and_a_cancelled_one_cancelled_at_its_first_instant():
    met = clock(met_at=T0)
    met.cancel(T0 + HOUR)
    assert met.cancelled_at is None and met.state(T0 + HOUR) == "met"
    c = clock()
    c.cancel(T0 + HOUR)
    c.cancel(T0 + 2 * HOUR)
    assert c.cancelled_at == T0 + HOUR and c.state(T0 + 20 * HOUR) == "cancelled"
    assert not c.is_open and not c.is_breached


def test_004_c20_a_reminder_that_would_fall_at_or_before_the_start_is_dropped():
    """A clock of 1 working day started on a Friday at 08:00 or later, or on the weekend, would
    remind at once (08:00 Friday, the working day before the Monday due day): it has no reminder."""
    friday_0800 = datetime(2026, 11, 27, 0, 0, tzinfo=timezone.utc)  # 08:00 Asia/Shanghai
    before = working_day_clock(ClockKind.ACCEPTANCE, friday_0800 - timedelta(seconds=1), 1, PLAIN, warn=True)
    assert iso_local(before.due_at) == "2026-11-30T23:59:59+08:00" and before.warn_at == friday_0800
    at_start = working_day_clock(ClockKind.ACCEPTANCE, friday_0800, 1, PLAIN, warn=True)
    assert iso_local(at_start.due_at) == "2026-11-30T23:59:59+08:00" and at_start.warn_at is None
    saturday = working_day_clock(ClockKind.ACCEPTANCE, friday_0800 + timedelta(days=1), 1, PLAIN, warn=True)
    assert saturday.warn_at is None
    assert working_day_clock(ClockKind.ACCEPTANCE, T0, 3, PLAIN, warn=False).warn_at is None


@pytest.mark.parametrize("make,kind,days", [
    (acceptance_clock, ClockKind.ACCEPTANCE, 3),
    (result_notice_clock, ClockKind.RESULT_NOTICE, 7),
    (demolition_plan_clock, ClockKind.DEMOLITION_PLAN, 3),
])
def test_004_c20_c25_working_day_clocks_remember_their_length_and_warn(make, kind, days):
    c = make(T0, PLAIN)
    assert (c.kind, c.started_at, c.working_days, c.provisional) == (kind, T0, days, False)
    assert c.warn_at is not None and c.warn_at < c.due_at


def test_004_c17_2_the_on_site_clock_has_no_working_days_and_no_warning():
    c = onsite_clock(T0)
    assert (c.kind, c.started_at, c.due_at, c.warn_at, c.working_days) == (ClockKind.ONSITE, T0, T0 + 2 * HOUR,
                                                                            None, None)


def test_004_c20_recomputing_after_the_calendar_changed_moves_the_due_and_warn_instants():
    c = acceptance_clock(T0, PLAIN)  # due Thursday 26 November
    wednesday_off = WorkingCalendar({date(2026, 11, 25): False})
    assert recompute(c, wednesday_off) is True
    assert iso_local(c.due_at) == "2026-11-27T23:59:59+08:00"
    assert iso_local(c.warn_at) == "2026-11-26T08:00:00+08:00"
    assert recompute(c, wednesday_off) is False  # nothing moved the second time
    assert c.working_days == 3 and c.started_at == T0


def test_004_c20_recomputing_keeps_a_warning_already_given_and_leaves_closed_clocks_alone():
    warned = acceptance_clock(T0, PLAIN)
    given = warned.warn_at
    warned.warned_at = given
    assert recompute(warned, WorkingCalendar({date(2026, 11, 25): False})) is True
    assert warned.warn_at == given  # the reminder was given: its instant stays on the record
    met = acceptance_clock(T0, PLAIN)
    met.met_at = T0 + HOUR
    due = met.due_at
    assert recompute(met, WorkingCalendar({date(2026, 11, 25): False})) is False and met.due_at == due
    onsite = onsite_clock(T0)
    assert recompute(onsite, WorkingCalendar({date(2026, 11, 23): False})) is False
    assert onsite.due_at == T0 + 2 * HOUR


def test_004_c20_a_clock_into_a_year_without_an_official_arrangement_is_provisional_until_recomputed():
    december = datetime(2026, 12, 30, 2, 0, tzinfo=timezone.utc)
    c = acceptance_clock(december, WorkingCalendar())
    assert c.provisional is True
    official = WorkingCalendar({}, official_years=[2027])  # 2027's arrangement imported
    assert recompute(c, official) is True and c.provisional is False
