"""Property tests (hypothesis): the calendar's clocks never end on a non-working day and more
working days never end earlier; no sequence of actions (retention purges included) takes a
complaint to an invalid state."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from hypothesis import HealthCheck, given, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from portal.counties import load_county
from portal.config import DEMO_COUNTY_FILE
from portal.domain.calendar import WorkingCalendar
from portal.domain.complaint import (
    DECLINE_REASONS, FINAL_STATUSES, OPEN_STATUSES, Complaint, Contact, Finding, Measures, Notify, Status,
)
from portal.domain.deadlines import ClockKind
from portal.domain.errors import DomainError
from portal.domain.geo import Point
from portal.domain.routing import route
from portal.timeutil import SHANGHAI, local, local_date

CAL = WorkingCalendar()
COUNTY = load_county(DEMO_COUNTY_FILE)
instants = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31),
                        timezones=st.just(timezone.utc))


@settings(max_examples=300, deadline=None)
@given(start=instants, n=st.integers(min_value=1, max_value=30))
def test_004_c20_a_clock_never_ends_on_a_non_working_day(start, n):
    due, _ = CAL.due_after_working_days(start, n)
    assert CAL.is_working_day(local_date(due))
    assert local(due).time() == time(23, 59, 59)
    assert local_date(due) > local_date(start)
    days = (local_date(due) - local_date(start)).days
    counted = sum(CAL.is_working_day(local_date(start) + timedelta(days=d)) for d in range(1, days + 1))
    assert counted == n  # exactly N working days after the day of receipt


@settings(max_examples=300, deadline=None)
@given(start=instants, n=st.integers(min_value=1, max_value=29), extra=st.integers(min_value=1, max_value=10))
def test_more_working_days_never_end_earlier(start, n, extra):
    assert CAL.due_after_working_days(start, n)[0] < CAL.due_after_working_days(start, n + extra)[0]


@settings(max_examples=200, deadline=None)
@given(a=instants, b=instants, n=st.integers(min_value=1, max_value=10))
def test_a_later_receipt_never_ends_earlier(a, b, n):
    first, second = sorted((a, b))
    assert CAL.due_after_working_days(first, n)[0] <= CAL.due_after_working_days(second, n)[0]


CATEGORIES = [c.code for c in COUNTY.categories]
RETENTION = timedelta(days=365)


class ComplaintLifecycle(RuleBasedStateMachine):
    """Random actions by staff, the reporter, the SMS provider and the sweeper, at advancing
    times. Refusals must be DomainErrors; the invariants must hold after every step."""

    def __init__(self):
        super().__init__()
        self.now = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
        self.complaint = None

    @rule(category=st.sampled_from(CATEGORIES), with_phone=st.booleans(), verified=st.booleans())
    @precondition(lambda self: self.complaint is None)
    def file(self, category, with_phone, verified):
        point = Point(113.78, 26.12)
        contact = Contact(envelope="env1.x.y.z", phone_hash="h", verified_at=self.now if verified else None) \
            if with_phone else None
        self.complaint = Complaint.file(
            id="01TEST", seq=1, county=COUNTY.code, category=category, description="d", address="", point=point,
            routing=route(COUNTY, category, point), received_at=self.now, receipt_hash="r", case_id="01CASE",
            evidence=[], contact=contact, calendar=CAL, lead_name="x")

    def act(self, fn, *args):
        if self.complaint is None:
            return
        try:
            fn(*args)
        except DomainError:
            pass  # refused with a clear message: allowed

    @rule(minutes=st.integers(min_value=1, max_value=60 * 24 * 40))
    def time_passes(self, minutes):
        self.now += timedelta(minutes=minutes)

    @rule()
    def sweep(self):
        if self.complaint is not None:
            self.complaint.sweep(self.now)

    @rule()
    def accept(self):
        self.act(self.complaint and self.complaint.accept, self.now, "officer", "natural_resources")

    @rule(reason=st.sampled_from(sorted(DECLINE_REASONS)), text=st.sampled_from(["", "已处理", "  "]))
    def decline(self, reason, text):
        self.act(self.complaint and self.complaint.decline, self.now, "officer", "u", reason, text)

    @rule(to=st.sampled_from(["housing", "discipline", "natural_resources"]))
    def transfer(self, to):
        self.act(self.complaint and self.complaint.transfer, self.now, "officer", "u", to, to, "转办", to == "discipline")

    @rule(question=st.sampled_from(["", "请补充地点"]))
    def ask(self, question):
        self.act(self.complaint and self.complaint.ask_information, self.now, "officer", "u", question)

    @rule(text=st.sampled_from(["", "在村口"]))
    def reply(self, text):
        self.act(self.complaint and self.complaint.reporter_reply, self.now, text)

    @rule(back=st.integers(min_value=0, max_value=300))
    def onsite(self, back):
        self.act(self.complaint and self.complaint.record_onsite, self.now, "team", "t",
                 self.now - timedelta(minutes=back), "已到场", [])

    @rule()
    def stop_order(self):
        self.act(self.complaint and self.complaint.issue_stop_order, self.now, "team", "t", "")

    @rule()
    def rectified(self):
        self.act(self.complaint and self.complaint.record_rectified, self.now, "team", "t", "")

    @rule(finding=st.sampled_from(list(Finding)))
    def conclude(self, finding):
        self.act(self.complaint and self.complaint.conclude, self.now, "officer", "u", finding, Measures(), "结果", CAL)

    @rule()
    def written_notice(self):
        self.act(self.complaint and self.complaint.record_written_notice, self.now, "officer", "u", "")

    @rule(kind=st.sampled_from(list(Notify)))
    def sms_outcome(self, kind):
        if self.complaint is not None:
            self.complaint.notice_sent(kind, self.now)
            self.complaint.notice_delivered(kind, self.now)

    @rule()
    def reads_result(self):
        if self.complaint is not None:
            self.complaint.result_read_on_status_page(self.now)

    @rule()
    def reopen(self):
        self.act(self.complaint and self.complaint.reopen, self.now, "supervisor", "o", "复查", CAL)

    @rule()
    def retention(self):
        """What commit_complaint and the sweeper do: schedule the purge on closing, run it when due."""
        if self.complaint is not None:
            self.complaint.schedule_purge(self.now, RETENTION)
            if self.complaint.purge_due(self.now):
                self.complaint.purge_contact(self.now, {})

    @rule(kind=st.sampled_from(["new", "stock"]))
    def mark_case(self, kind):
        if self.complaint is not None:
            self.complaint.mark_case(self.now, "officer", "u", "01CASE", kind, "")

    @invariant()
    def valid(self):
        c = self.complaint
        if c is None:
            return
        assert c.status in Status
        assert [e.n for e in c.new_events] == list(range(1, len(c.new_events) + 1))  # append-only, contiguous
        for clock in c.clocks.values():
            assert not (clock.met_at and clock.cancelled_at)
            if clock.breached_at is not None:
                assert clock.breached_at == clock.due_at
        if c.discipline_only:
            assert c.co_handler is None  # nobody but the discipline commission (000 §2(3))
        if c.status == Status.CLOSED:
            notice = c.clock(ClockKind.RESULT_NOTICE)
            assert notice is not None and notice.met_at is not None
            assert c.finding is not None and c.result_text
        if c.status == Status.CONCLUDED:
            assert c.clock(ClockKind.RESULT_NOTICE).is_open
        if c.status == Status.DECLINED:
            assert c.decline_reason in DECLINE_REASONS and c.decline_text.strip()
        if c.status in OPEN_STATUSES:
            assert c.finding is None or c.status == Status.ACCEPTED
        if c.status in FINAL_STATUSES:
            assert not c.info_pending
        if c.purge_at is not None:  # retention runs from the closure, and only while closed
            assert c.status in (Status.DECLINED, Status.CLOSED) and c.purge_at == c.closed_at + RETENTION
        if c.contact is not None and c.contact.purged_at is not None:
            assert c.contact.envelope is None and c.contact.phone_hash is None and not c.contact.usable
        wake = c.wake_at()
        has_open = any(clock.wake_at() is not None for clock in c.clocks.values())
        assert (wake is not None) == (has_open or c.purge_at is not None)
        if wake is not None:
            assert wake >= min(clock.started_at for clock in c.clocks.values())


TestComplaintLifecycle = ComplaintLifecycle.TestCase
TestComplaintLifecycle.settings = settings(max_examples=150, stateful_step_count=40, deadline=None,
                                           suppress_health_check=[HealthCheck.too_slow])
