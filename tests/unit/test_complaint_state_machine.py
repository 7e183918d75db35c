"""The complaint's state machine on its own: plain values, no store, no web."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from portal.domain.calendar import WorkingCalendar
from portal.domain.complaint import Complaint, Finding, Measures, Notify, Status
from portal.domain.deadlines import LADDER_KINDS, ClockKind
from portal.domain.errors import Conflict, DomainError
from tests.unit.tickets import filed_ticket

CAL = WorkingCalendar({})
T0 = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)  # Monday 10:00 in Asia/Shanghai


def ticket(discipline_only: bool = False, lead: str = "natural_resources") -> Complaint:
    return filed_ticket(T0, lead=lead, discipline_only=discipline_only)


def kinds(c: Complaint) -> list[str]:
    return [e.kind for e in c.new_events]


def conclude(c: Complaint, at: datetime, finding: Finding = Finding.SUBSTANTIATED) -> None:
    c.conclude(at, "off", "natural_resources", finding, Measures(summary="s"), "已责令拆除", CAL)


# --- acceptance ---------------------------------------------------------------------------
def test_004_C20_acceptance_within_3_working_days_meets_the_clock():
    c = ticket()
    due = c.clock(ClockKind.ACCEPTANCE).due_at
    c.accept(T0 + timedelta(days=1), "off", "natural_resources", "受理")
    assert c.status == Status.ACCEPTED
    clock = c.clock(ClockKind.ACCEPTANCE)
    assert clock.met_at == T0 + timedelta(days=1) and not clock.is_breached and clock.due_at == due
    assert kinds(c) == ["accepted"]
    assert c.new_events[0].actor == "off" and c.new_events[0].note == "受理"
    assert (Notify.ACCEPTED, c.event_count) in c.new_notifications


def test_004_C20_acceptance_after_3_working_days_is_a_breach_recorded_once():
    c = ticket()
    late = c.clock(ClockKind.ACCEPTANCE).due_at + timedelta(hours=1)
    c.accept(late, "off", "natural_resources")
    assert c.clock(ClockKind.ACCEPTANCE).is_breached
    assert kinds(c) == ["breach_recorded", "accepted"]


def test_accepting_twice_is_refused_with_a_clear_conflict():
    c = ticket()
    c.accept(T0, "off", "natural_resources")
    with pytest.raises(Conflict) as caught:
        c.accept(T0, "off", "natural_resources")
    assert caught.value.message == "这件举报已经受理过了。"
    assert kinds(c) == ["accepted"]


def test_concluding_before_accepting_is_refused():
    c = ticket()
    with pytest.raises(Conflict) as caught:
        conclude(c, T0)
    assert caught.value.message == "请先受理，再办结。"
    assert c.status == Status.RECEIVED and c.new_events == []


def test_004_C20_decline_needs_a_reason_and_a_text_for_the_reporter():
    c = ticket()
    with pytest.raises(DomainError) as no_reason:
        c.decline(T0, "off", "natural_resources", "made-up", "x")
    assert no_reason.value.field == "reason"
    with pytest.raises(DomainError) as no_text:
        c.decline(T0, "off", "natural_resources", "out_of_scope", "   ")
    assert no_text.value.field == "text"
    assert c.status == Status.RECEIVED
    c.decline(T0, "off", "natural_resources", "out_of_scope", "不属于本平台受理范围")
    assert c.status == Status.DECLINED
    # no phone on file: the status page is the notice, so the 3-day clock is met at once
    assert c.clock(ClockKind.ACCEPTANCE).met_at == T0
    assert all(not clock.is_open for clock in c.clocks.values())


@pytest.mark.parametrize("act", [
    lambda c: c.accept(T0, "off", "u"),
    lambda c: c.transfer(T0, "off", "u", "housing", "住建局", "理由", False),
    lambda c: c.ask_information(T0, "off", "u", "请补充"),
    lambda c: c.record_onsite(T0 + timedelta(hours=1), "tw", "xiayang", T0, "到场", []),
    lambda c: c.issue_stop_order(T0, "off", "u", ""),
    lambda c: c.record_rectified(T0, "off", "u", ""),
    lambda c: conclude(c, T0),
    lambda c: c.reporter_reply(T0, "补充"),
], ids=["accept", "transfer", "ask_info", "onsite", "stop_order", "rectified", "conclude", "reply"])
@pytest.mark.parametrize("final", ["declined", "closed"])
def test_acting_on_a_declined_or_closed_ticket_is_refused_with_a_conflict(act, final):
    c = ticket()
    if final == "declined":
        c.decline(T0, "off", "u", "already_handled", "已处理")
    else:
        c.accept(T0, "off", "u")
        # the check recorded: a closed ticket that still owes one may record it (004 C17(2),
        # tests/unit/test_onsite_after_conclusion.py); one that does not owes nothing more
        c.record_onsite(T0 + timedelta(minutes=30), "tw", "xiayang", T0 + timedelta(minutes=20), "到场", [])
        conclude(c, T0 + timedelta(hours=1))
        c.record_written_notice(T0 + timedelta(hours=1), "off", "u", "已书面告知")
        assert c.status == Status.CLOSED
    c.new_events.clear()
    with pytest.raises(Conflict) as caught:
        act(c)
    assert caught.value.message  # a Chinese sentence for the person, never a stack trace
    assert c.new_events == []


def test_004_C20_conclusion_starts_the_7_working_day_result_notice_clock():
    c = ticket()
    c.accept(T0, "off", "u")
    conclude(c, T0 + timedelta(days=2))
    notice = c.clock(ClockKind.RESULT_NOTICE)
    assert c.status == Status.CONCLUDED
    expected, _ = CAL.due_after_working_days(T0 + timedelta(days=2), 7)
    assert notice.started_at == T0 + timedelta(days=2) and notice.due_at == expected
    assert (Notify.RESULT, c.event_count) in c.new_notifications
    # a substantiated finding ends the 004 C34 / L30 ladder as met
    assert all(c.clocks[k.value].met_at is not None for k in LADDER_KINDS)


def test_written_notice_meets_the_result_clock_and_closes():
    c = ticket()
    c.accept(T0, "off", "u")
    conclude(c, T0)
    c.record_written_notice(T0 + timedelta(days=1), "off", "u", "邮寄告知书")
    assert c.status == Status.CLOSED
    assert c.clock(ClockKind.RESULT_NOTICE).met_at == T0 + timedelta(days=1)


def test_reopening_a_declined_ticket_goes_back_to_received_with_a_new_acceptance_clock():
    c = ticket()
    c.decline(T0, "off", "u", "out_of_scope", "不受理")
    later = T0 + timedelta(days=10)
    c.reopen(later, "sup", "leading_group_office", "受理范围判断有误", CAL)
    assert c.status == Status.RECEIVED and c.decline_reason is None and c.closed_at is None
    clock = c.clock(ClockKind.ACCEPTANCE)
    assert clock.started_at == later and clock.is_open
    assert c.new_events[-1].kind == "reopened" and c.new_events[-1].note == "受理范围判断有误"


def test_reopening_a_concluded_or_closed_ticket_goes_back_to_accepted():
    for close in (False, True):
        c = ticket()
        c.accept(T0, "off", "u")
        conclude(c, T0)
        if close:
            c.record_written_notice(T0, "off", "u", "告知")
        c.reopen(T0 + timedelta(days=1), "sup", "leading_group_office", "处理不到位", CAL)
        assert c.status == Status.ACCEPTED and c.finding is None and c.result_text == ""
        assert not c.clock(ClockKind.RESULT_NOTICE).is_open


def test_reopening_an_open_ticket_or_without_a_reason_is_refused():
    c = ticket()
    with pytest.raises(Conflict):
        c.reopen(T0, "sup", "x", "理由", CAL)
    c.decline(T0, "off", "u", "out_of_scope", "不受理")
    with pytest.raises(DomainError) as caught:
        c.reopen(T0, "sup", "x", "  ", CAL)
    assert caught.value.field == "reason"


def test_004_C20_transfer_keeps_the_3_day_clock_running_without_a_restart():
    c = ticket()
    before = {k: (clock.started_at, clock.due_at) for k, clock in c.clocks.items()}
    c.transfer(T0 + timedelta(days=1), "off", "natural_resources", "housing", "县住建局", "属于施工许可问题", False)
    assert c.lead == "housing" and c.status == Status.RECEIVED
    assert {k: (clock.started_at, clock.due_at) for k, clock in c.clocks.items()} == before
    assert all(clock.is_open for clock in c.clocks.values())
    event = c.new_events[-1]
    assert event.kind == "transferred" and event.note == "属于施工许可问题"
    assert event.data == {"from": "natural_resources", "to": "housing"}


def test_004_C20_transfer_after_acceptance_keeps_the_7_day_clock_for_later():
    c = ticket()
    c.accept(T0, "off", "natural_resources")
    acceptance = c.clock(ClockKind.ACCEPTANCE).met_at
    c.transfer(T0 + timedelta(days=1), "off", "natural_resources", "housing", "县住建局", "移交", False)
    assert c.status == Status.ACCEPTED and c.clock(ClockKind.ACCEPTANCE).met_at == acceptance
    conclude(c, T0 + timedelta(days=2))
    assert c.clock(ClockKind.RESULT_NOTICE).started_at == T0 + timedelta(days=2)


def test_000_s2_3_transfer_to_discipline_makes_the_ticket_discipline_only():
    c = ticket()
    c.transfer(T0, "off", "natural_resources", "discipline", "县纪委监委", "涉及村干部", True)
    assert c.discipline_only and c.co_handler is None
    assert not c.clock(ClockKind.ONSITE).is_open
    assert c.clock(ClockKind.ACCEPTANCE).is_open  # the reporter's clock still runs


def test_000_s2_3_a_discipline_only_ticket_cannot_go_to_another_department():
    c = ticket(discipline_only=True)
    with pytest.raises(DomainError) as caught:
        c.transfer(T0, "dis", "discipline", "housing", "县住建局", "理由", False)
    assert caught.value.field == "to" and c.lead == "discipline"


def test_transfer_to_the_same_department_or_without_reason_is_refused():
    c = ticket()
    with pytest.raises(DomainError):
        c.transfer(T0, "off", "natural_resources", "natural_resources", "县自然资源局", "理由", False)
    with pytest.raises(DomainError):
        c.transfer(T0, "off", "natural_resources", "housing", "县住建局", " ", False)
    assert c.lead == "natural_resources" and c.new_events == []


def test_004_C17_onsite_within_2_hours_is_met_at_the_arrival_time():
    c = ticket()
    c.record_onsite(T0 + timedelta(hours=1, minutes=50), "tw", "xiayang", T0 + timedelta(hours=1), "已到场，正在施工",
                    ["k"])
    clock = c.clock(ClockKind.ONSITE)
    assert clock.met_at == T0 + timedelta(hours=1) and not clock.is_breached
    assert "breach_recorded" not in [e.kind for e in c.new_events]
    with pytest.raises(DomainError):
        c.record_onsite(T0 + timedelta(hours=3), "tw", "xiayang", T0 + timedelta(hours=4), "未来", [])


def test_004_C17_an_arrival_recorded_after_the_2_hours_is_a_breach_whatever_time_is_typed():
    """A backdated arrival cannot avoid the breach the sweeper has not yet recorded: the
    arrival is kept as typed, and the breach is recorded once."""
    c = ticket()
    c.record_onsite(T0 + timedelta(hours=3), "tw", "xiayang", T0 + timedelta(hours=1), "已到场，正在施工", ["k"])
    clock = c.clock(ClockKind.ONSITE)
    assert clock.met_at == T0 + timedelta(hours=1) and clock.breached_at == clock.due_at
    assert clock.state(T0 + timedelta(hours=3)) == "met_late"
    breaches = [e for e in c.new_events if e.kind == "breach_recorded"]
    assert [(e.at, e.data) for e in breaches] == [(T0 + timedelta(hours=3), {"clock": "onsite", "late": True})]
    assert [a for a in c.sweep(T0 + timedelta(hours=4)) if a.clock == ClockKind.ONSITE] == []


def test_004_C17_stop_order_starts_5_day_rectification_and_cannot_repeat():
    c = ticket()
    c.issue_stop_order(T0, "tw", "xiayang", "当场责令停工")
    assert c.clock(ClockKind.RECTIFICATION).is_open
    with pytest.raises(Conflict):
        c.issue_stop_order(T0, "tw", "xiayang", "")
    c.record_rectified(T0 + timedelta(days=2), "tw", "xiayang", "已拆除")
    assert c.clock(ClockKind.RECTIFICATION).met_at == T0 + timedelta(days=2)
    # 004 C34, L30: stopped and rectified within a week meets every step of the ladder
    assert all(c.clocks[k.value].met_at is not None for k in LADDER_KINDS)


def test_ask_information_and_reporter_reply():
    c = ticket()
    with pytest.raises(DomainError):
        c.ask_information(T0, "off", "u", "  ")
    c.ask_information(T0, "off", "u", "请说明具体位置")
    assert c.info_pending
    c.reporter_reply(T0 + timedelta(hours=1), "在村委会东边")
    assert not c.info_pending
    assert [e.kind for e in c.new_events] == ["info_requested", "reporter_replied"]
    assert c.new_events[-1].actor == "reporter" and c.new_events[-1].note == "在村委会东边"


def test_004_C22_marking_a_case_stock_leaves_the_ladder():
    c = ticket()
    c.mark_case(T0, "off", "u", c.case_id, "stock", "2022年百日攻坚已登记")
    assert c.case_kind == "stock"
    assert all(not c.clocks[k.value].is_open for k in LADDER_KINDS)
    assert c.new_events[-1].kind == "case_changed"
