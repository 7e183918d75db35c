"""The sweeper (issue: deadlines): reads only what is due, reminds one working day before
the acceptance decision is due, records and escalates each breach exactly once, and sends
each SMS once even when two sweeps run together (004 C20, L17; 004 C17(2); 004 C34)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from portal.domain.complaint import Finding, Measures, Notify, Status
from portal.domain.deadlines import ClockKind
from portal.domain.messages import MessageStatus, OutboxMessage
from portal.ports import SmsReceipt, SmsTemporaryError
from portal.services import sweeper
from portal.services.notifications import commit_complaint, contact_context
from portal.timeutil import iso_local, parse_iso
from tests.services.helpers import SEAT, file, reload

PHONE = "+8613800138000"


def alerts_for(deps, unit):
    return deps.repos.alerts.for_unit(deps.counties.default.code, unit)


def test_004_c20_reminder_one_working_day_before_the_acceptance_decision(deps, clock):
    clock.set(parse_iso("2026-11-23T10:00:00+08:00"))  # Monday
    complaint, _ = file(deps)
    acceptance = complaint.clock(ClockKind.ACCEPTANCE)
    assert iso_local(acceptance.due_at) == "2026-11-26T23:59:59+08:00"
    assert iso_local(acceptance.warn_at) == "2026-11-25T08:00:00+08:00"  # the working day before

    clock.set(parse_iso("2026-11-25T07:59:00+08:00"))
    assert sweeper.sweep(deps, clock.now()).reminders == 0
    clock.set(parse_iso("2026-11-25T08:05:00+08:00"))
    first = sweeper.sweep(deps, clock.now())
    second = sweeper.sweep(deps, clock.now())
    assert (first.reminders, second.reminders) == (1, 0)
    reminders = [a for a in alerts_for(deps, "natural_resources") if a["kind"] == "reminder"]
    assert len(reminders) == 1
    # a reminder is for the department only (the supervisors hear of the on-site breach, not of this)
    assert [a for a in alerts_for(deps, "leading_group_office") if a["clock"] == "acceptance"] == []


def test_004_c20_breach_ten_minutes_past_due_escalates_exactly_once(deps, clock):
    clock.set(parse_iso("2026-11-23T10:00:00+08:00"))
    complaint, _ = file(deps)
    clock.set(parse_iso("2026-11-27T00:09:59+08:00"))  # 10 minutes past 23:59:59 on the 26th
    first = sweeper.sweep(deps, clock.now())
    events_after_first = len(deps.repos.complaints.history(complaint.id))
    second = sweeper.sweep(deps, clock.now())
    assert first.breaches >= 1 and second.breaches == 0
    assert len(deps.repos.complaints.history(complaint.id)) == events_after_first
    stored = reload(deps, complaint)
    assert stored.clock(ClockKind.ACCEPTANCE).breached_at == complaint.clock(ClockKind.ACCEPTANCE).due_at
    breaches = [e for e in deps.repos.complaints.history(complaint.id)
                if e.kind == "breach_recorded" and e.data["clock"] == "acceptance"]
    assert len(breaches) == 1
    escalated = [a for a in alerts_for(deps, "leading_group_office") if a["clock"] == "acceptance"]
    assert len(escalated) == 1 and escalated[0]["kind"] == "breach"


def test_004_c17_onsite_two_hours_breach_goes_to_township_and_supervisors(deps, clock):
    clock.set(parse_iso("2026-11-23T10:00:00+08:00"))
    complaint, _ = file(deps)  # 垄溪乡
    clock.advance(hours=2, minutes=1)
    report = sweeper.sweep(deps, clock.now())
    assert report.breaches == 1
    assert [a["clock"] for a in alerts_for(deps, "longxi")] == ["onsite"]
    assert [a["clock"] for a in alerts_for(deps, "leading_group_office")] == ["onsite"]
    assert alerts_for(deps, "natural_resources") == []


def test_discipline_only_breaches_reach_the_discipline_commission_alone(deps, clock):
    clock.set(parse_iso("2026-11-23T10:00:00+08:00"))
    file(deps, category="o1-public-official")
    clock.set(parse_iso("2026-11-27T01:00:00+08:00"))
    assert sweeper.sweep(deps, clock.now()).breaches == 1
    assert [a["clock"] for a in alerts_for(deps, "discipline")] == ["acceptance"]
    assert alerts_for(deps, "leading_group_office") == []


def test_004_c34_ladder_for_new_violations_not_stopped(deps, clock):
    clock.set(parse_iso("2026-11-23T10:00:00+08:00"))
    complaint, _ = file(deps)
    clock.set(parse_iso("2026-11-30T10:00:01+08:00"))  # one week later
    sweeper.sweep(deps, clock.now())
    assert {a["clock"] for a in alerts_for(deps, "leading_group_office")} >= {"ladder_warning"}
    stored = reload(deps, complaint)
    assert stored.clock(ClockKind.LADDER_WARNING).is_breached
    assert not stored.clock(ClockKind.LADDER_ACCOUNTABILITY).is_breached


def test_dry_run_changes_nothing(deps, clock):
    clock.set(parse_iso("2026-11-23T10:00:00+08:00"))
    complaint, _ = file(deps)
    clock.set(parse_iso("2026-11-28T10:00:00+08:00"))
    report = sweeper.sweep(deps, clock.now(), dry_run=True)
    assert report.would and report.breaches == 0
    assert reload(deps, complaint).version == complaint.version
    assert alerts_for(deps, "leading_group_office") == []


def test_the_sweeper_reads_the_due_index_only(deps, clock, monkeypatch):
    clock.set(parse_iso("2026-11-23T10:00:00+08:00"))
    for _ in range(5):
        file(deps)
    reads = []
    original = deps.store.query

    def spy(pk, **kwargs):
        reads.append((pk, kwargs.get("index")))
        return original(pk, **kwargs)

    monkeypatch.setattr(deps.store, "query", spy)
    sweeper.sweep(deps, clock.now())
    assert reads and all(index == "due" for _, index in reads)


class CountingSender:
    def __init__(self):
        self.sent = []
        self.lock = threading.Lock()

    def send(self, to, body, *, callback_url=None):
        with self.lock:
            self.sent.append(body)
            return SmsReceipt(provider_id=f"test-{len(self.sent)}", status="sent")


def test_two_sweeps_together_send_each_of_1000_messages_once(deps, clock):
    sender = CountingSender()
    deps.sms = sender
    now = clock.now()
    envelope = deps.keyring.encrypt(PHONE.encode(), contact_context("bulk"))
    ops = []
    for n in range(1000):
        message = OutboxMessage(pk=f"BULK#{n:04d}", sk="SMS#received#000001", county="430225", kind="received",
                                body=f"message {n}", to_envelope=envelope, to_context=contact_context("bulk"),
                                complaint_id=None, created_at=now, next_attempt_at=now)
        ops.append(deps.repos.outbox.save_op(message))
    for start in range(0, 1000, 100):
        deps.store.write(ops[start:start + 100])
    reports = []
    barrier = threading.Barrier(2)

    def run():
        barrier.wait()
        reports.append(sweeper.sweep(deps, now))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(sender.sent) == 1000
    assert len(set(sender.sent)) == 1000
    assert sum(r.messages.get("sent", 0) for r in reports) == 1000
    assert sum(r.errors for r in reports) == 0
    assert sweeper.sweep(deps, now + timedelta(minutes=5)).messages == {}


class FlakySender:
    def __init__(self):
        self.down = True
        self.sent = []

    def send(self, to, body, *, callback_url=None):
        if self.down:
            raise SmsTemporaryError("provider unavailable")
        self.sent.append(body)
        return SmsReceipt(provider_id=f"flaky-{len(self.sent)}", status="delivered")


def test_004_c20_result_notice_at_risk_is_escalated_before_it_breaches(deps, clock):
    clock.set(parse_iso("2026-11-23T10:00:00+08:00"))
    complaint, _ = file(deps, phone="13800138000", verify=True)
    sender = FlakySender()
    deps.sms = sender
    complaint.accept(clock.now(), "officer", "natural_resources")
    commit_complaint(deps, complaint, clock.now())
    complaint = reload(deps, complaint)
    complaint.conclude(clock.now(), "officer", "natural_resources", Finding.SUBSTANTIATED, Measures(method="拆除"),
                       "已责令拆除。", deps.calendar())
    commit_complaint(deps, complaint, clock.now())
    result = reload(deps, complaint).clock(ClockKind.RESULT_NOTICE)
    assert iso_local(result.due_at) == "2026-12-02T23:59:59+08:00"  # 7 working days

    clock.set(result.warn_at + timedelta(minutes=1))  # the provider stays down
    report = sweeper.sweep(deps, clock.now())
    assert report.warnings == 1 and clock.now() < result.due_at
    at_risk = [a for a in alerts_for(deps, "leading_group_office") if a["kind"] == "at_risk"]
    assert [a["clock"] for a in at_risk] == ["result_notice"]
    assert reload(deps, complaint).status == Status.CONCLUDED

    sender.down = False  # the provider recovers: the retried SMS goes out once and meets the clock
    clock.advance(hours=2)
    sweeper.sweep(deps, clock.now())
    stored = reload(deps, complaint)
    assert stored.status == Status.CLOSED
    assert stored.clock(ClockKind.RESULT_NOTICE).met_at is not None
    assert not stored.clock(ClockKind.RESULT_NOTICE).is_breached
    assert len([b for b in sender.sent if "办结" in b]) == 1


def test_end_to_end_verified_phone_accept_conclude_outbox_and_met_clocks(deps, clock):
    """Issue 4, must show: file with a verified phone, accept, conclude; the outbox holds the
    acceptance and result texts; the clocks read met (004 C20, L17)."""
    clock.set(parse_iso("2026-11-23T10:00:00+08:00"))
    complaint, receipt = file(deps, phone="13800138000", verify=True, place=SEAT, category="c8-outdoor-signs")
    clock.advance(hours=1)
    complaint.accept(clock.now(), "officer", "urban_management")
    commit_complaint(deps, complaint, clock.now())
    complaint = reload(deps, complaint)
    complaint.record_onsite(clock.now(), "team", "xiayang", clock.now() - timedelta(minutes=30), "已到现场。", [])
    commit_complaint(deps, complaint, clock.now())
    clock.advance(days=2)
    complaint = reload(deps, complaint)
    complaint.conclude(clock.now(), "officer", "urban_management", Finding.SUBSTANTIATED, Measures(method="拆除"),
                       "广告牌已拆除。", deps.calendar())
    commit_complaint(deps, complaint, clock.now())
    stored = reload(deps, complaint)
    kinds = {m.kind: m for m in deps.repos.outbox.for_record(f"CMP#{complaint.id}")}
    assert {"code", "received", "accepted", "result"} <= set(kinds)
    assert "已受理" in kinds["accepted"].body and "已办结" in kinds["result"].body
    for message in kinds.values():
        assert receipt not in message.body and "13800138000" not in message.body
        assert message.status == MessageStatus.DELIVERED
    assert stored.status == Status.CLOSED
    for kind in (ClockKind.ACCEPTANCE, ClockKind.ONSITE, ClockKind.RESULT_NOTICE):
        clock_state = stored.clock(kind)
        assert clock_state.met_at is not None and not clock_state.is_breached, kind
    assert stored.clock(ClockKind.LADDER_WARNING).met_at is not None  # handled: the ladder closed met
