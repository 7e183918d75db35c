"""The complaint's history, event by event (every state change is an event: who, which unit,
when, the staff note, what the reporter reads and with which values, the data), and the SMS
each step calls for (004 C20, L17: the reporter is told of the acceptance, the decline and
the result; the identity stays secret). One ticket per test, compared with whole events."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from portal.domain.calendar import WorkingCalendar
from portal.domain.complaint import (
    DISCLOSURE_STEPS, VERBATIM, Alert, Complaint, Contact, Event, Evidence, Finding, Measures, Notify, Status,
)
from portal.domain.deadlines import LADDER_KINDS, ClockKind
from portal.domain.errors import Conflict, DomainError
from portal.domain.geo import Point
from tests.unit.tickets import filed_ticket

CAL = WorkingCalendar({})
T0 = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)  # Monday 10:00 in Asia/Shanghai
UNIT = "natural_resources"
PHONE = Contact(envelope="envelope", phone_hash="hash", verified_at=T0)


def t(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def ticket(**kw) -> Complaint:
    return filed_ticket(T0, **kw)


def accepted(**kw) -> Complaint:
    c = ticket(**kw)
    c.accept(t(1), "off", UNIT)
    c.new_events.clear()
    c.new_notifications.clear()
    return c


def concluded(contact: Contact | None = None, finding: Finding = Finding.SUBSTANTIATED) -> Complaint:
    c = accepted(contact=contact)
    c.conclude(t(2), "off", UNIT, finding, Measures(), "已拆除", CAL)
    c.new_events.clear()
    c.new_notifications.clear()
    return c


def test_004_c20_filing_records_the_report_and_its_routing_and_starts_the_clocks():
    c = filed_ticket(T0, quiet=False, point=Point(113.85, 26.46))
    assert (c.lat, c.lng, c.point, c.township, c.co_handler, c.lead) == (26.46, 113.85, Point(113.85, 26.46),
                                                                         "xiayang", "xiayang", UNIT)
    assert c.new_events == [
        Event(1, T0, "filed", "reporter", public="您的举报已收到。", data={"category": "c1-no-planning-permit"}),
        Event(2, T0, "routed", "system", public="已转交%(lead)s办理。", params={"lead": "县自然资源局"},
              data={"lead": UNIT, "co_handler": "xiayang", "in_built_up_area": False}),
    ]
    assert set(c.clocks) == {"acceptance", "onsite"} | {k.value for k in LADDER_KINDS}
    assert c.event_count == 2 and c.new_notifications == []
    assert ticket(point=None).point is None


def test_004_c20_accepting_is_an_event_the_reporter_reads_and_an_sms():
    c = ticket()
    c.accept(t(5), "off", UNIT, "受理")
    assert c.new_events == [Event(3, t(5), "accepted", "off", UNIT, "受理", "您的举报已受理，正在核查处理。")]
    assert c.new_notifications == [(Notify.ACCEPTED, 3)]
    with pytest.raises(Conflict) as refused:
        c.accept(t(6), "off", UNIT)
    assert refused.value.message == "这件举报已经受理过了。"


def test_004_c20_a_decline_tells_the_reporter_why_and_cancels_every_other_clock():
    c = ticket()
    c.decline(t(5), "off", UNIT, "already_handled", " 该处已拆除。 ")
    assert c.new_events[0] == Event(3, t(5), "declined", "off", UNIT, public="不予受理。理由：%(reason_msg)s。%(text)s",
                                    params={"reason_msg": "该问题已经依法处理完毕", "text": "该处已拆除。"},
                                    data={"reason": "already_handled"})
    assert (c.status, c.decline_reason, c.decline_text, c.closed_at, c.info_pending) == (
        Status.DECLINED, "already_handled", "该处已拆除。", t(5), False)
    assert all(clock.cancelled_at == t(5) for kind, clock in c.clocks.items() if kind != "acceptance")
    assert c.clock(ClockKind.ACCEPTANCE).met_at == t(5)  # no phone: the status page tells at once


@pytest.mark.parametrize("reason,text,field", [("nonsense", "文字", "reason"), ("other", "  ", "text")])
def test_004_c20_a_decline_needs_a_listed_reason_and_a_text(reason, text, field):
    c = ticket()
    with pytest.raises(DomainError) as refused:
        c.decline(t(5), "off", UNIT, reason, text)
    assert refused.value.field == field and c.status == Status.RECEIVED and c.new_events == []


def test_004_c20_the_decline_sms_sent_meets_the_acceptance_clock_and_is_recorded():
    c = ticket(contact=PHONE)
    c.decline(t(5), "off", UNIT, "out_of_scope", "不属于受理范围")
    assert c.new_notifications == [(Notify.DECLINED, 3)] and c.clock(ClockKind.ACCEPTANCE).is_open
    c.notice_sent(Notify.DECLINED, t(6))
    assert c.clock(ClockKind.ACCEPTANCE).met_at == t(6)
    assert c.new_events[-1] == Event(4, t(6), "sms_sent", "system", data={"kind": "declined"})
    accepted_sms = ticket()
    accepted_sms.notice_sent(Notify.ACCEPTED, t(6))  # other notices meet nothing
    assert accepted_sms.clock(ClockKind.ACCEPTANCE).is_open


@pytest.mark.parametrize("permanent,kind,met", [(True, Notify.DECLINED, True), (False, Notify.DECLINED, False),
                                                (True, Notify.ACCEPTED, False)])
def test_004_c20_a_decline_sms_failed_for_good_leaves_the_status_page_to_tell(permanent, kind, met):
    c = ticket(contact=PHONE)
    c.decline(t(5), "off", UNIT, "out_of_scope", "不属于受理范围")
    c.new_events.clear()
    c.notice_failed(kind, t(7), permanent)
    assert c.new_events == [Event(4, t(7), "sms_failed", "system", data={"kind": kind.value, "permanent": permanent})]
    assert c.clock(ClockKind.ACCEPTANCE).met_at == (t(7) if met else None)


def test_004_c20_the_result_sms_delivered_meets_the_result_clock_and_closes_the_ticket():
    c = concluded(contact=PHONE)
    c.notice_delivered(Notify.RESULT, t(9))
    assert (c.status, c.closed_at, c.clock(ClockKind.RESULT_NOTICE).met_at) == (Status.CLOSED, t(9), t(9))
    assert c.new_events == [Event(c.event_count, t(9), "sms_delivered", "system", data={"kind": "result"})]
    other = concluded(contact=PHONE)
    other.notice_delivered(Notify.ACCEPTED, t(9))
    assert other.status == Status.CONCLUDED and other.clock(ClockKind.RESULT_NOTICE).is_open


def test_004_c20_a_reporter_without_a_phone_reads_the_result_on_the_status_page():
    c = concluded()
    assert c.result_read_on_status_page(t(9)) is True
    assert (c.status, c.closed_at, c.clock(ClockKind.RESULT_NOTICE).met_at) == (Status.CLOSED, t(9), t(9))
    assert c.new_events == [Event(c.event_count, t(9), "result_read", "reporter", public="您已在查询页面看到处理结果。")]
    assert c.result_read_on_status_page(t(10)) is False  # closed already
    with_phone = concluded(contact=PHONE)
    assert with_phone.result_read_on_status_page(t(9)) is False and with_phone.status == Status.CONCLUDED
    unverified = concluded(contact=Contact(envelope="e", phone_hash="h"))
    assert unverified.result_read_on_status_page(t(9)) is True  # an unverified phone gets no SMS


def test_004_c20_the_result_in_writing_closes_the_ticket():
    c = concluded()
    c.record_written_notice(t(9), "off", UNIT, " 已邮寄 ")
    assert (c.status, c.closed_at) == (Status.CLOSED, t(9))
    assert c.new_events == [Event(c.event_count, t(9), "written_notice_recorded", "off", UNIT, "已邮寄")]


def test_004_c20_the_conclusion_is_an_event_the_reporter_reads_and_the_result_sms():
    c = accepted()
    c.info_pending = True
    c.conclude(t(5), "off", UNIT, Finding.PARTLY, Measures(summary="s"), " 已部分拆除 ", CAL)
    assert (c.status, c.finding, c.result_text, c.concluded_at, c.info_pending) == (
        Status.CONCLUDED, Finding.PARTLY, "已部分拆除", t(5), False)
    assert c.new_events[-1] == Event(c.event_count, t(5), "concluded", "off", UNIT,
                                     public="已办结。核查结论：%(finding_msg)s。处理结果：%(result)s",
                                     params={"finding_msg": "部分属实", "result": "已部分拆除"},
                                     data={"finding": "partly", "onsite_owed": True})
    assert c.new_notifications == [(Notify.RESULT, c.event_count)]
    # 004 C17(2), L15(2): no on-site check was recorded: the conclusion does not end its clock
    assert c.onsite_owed and c.clock(ClockKind.ONSITE).is_open and c.clock(ClockKind.ONSITE).cancelled_at is None
    assert all(c.clock(k).met_at == t(5) for k in LADDER_KINDS)  # substantiated: the violation was dealt with


def test_004_c34_a_conclusion_not_substantiated_cancels_the_ladder_instead_of_meeting_it():
    c = accepted()
    c.issue_stop_order(t(2), "tw", "xiayang", "")
    c.conclude(t(5), "off", UNIT, Finding.NOT_SUBSTANTIATED, Measures(), "不属实", CAL)
    for kind in LADDER_KINDS | {ClockKind.RECTIFICATION}:
        assert (c.clock(kind).met_at, c.clock(kind).cancelled_at) == (None, t(5))


def test_004_c20_a_conclusion_needs_the_result_text_and_an_accepted_ticket():
    c = ticket()
    with pytest.raises(Conflict) as refused:
        c.conclude(t(5), "off", UNIT, Finding.PARTLY, Measures(), "结果", CAL)
    assert refused.value.message == "请先受理，再办结。"
    c = accepted()
    with pytest.raises(DomainError) as refused:
        c.conclude(t(5), "off", UNIT, Finding.PARTLY, Measures(), " ", CAL)
    assert refused.value.field == "result_text" and c.status == Status.ACCEPTED


def test_004_c9_c14_transfer_is_an_event_the_reporter_reads_and_clears_the_assignee():
    c = accepted()
    c.assigned_to = "o2"
    c.transfer(t(5), "off", UNIT, "housing", "县住建局", " 属住建职责 ", to_is_discipline=False)
    assert (c.lead, c.assigned_to, c.discipline_only, c.co_handler) == ("housing", None, False, "xiayang")
    assert c.new_events == [Event(c.event_count, t(5), "transferred", "off", UNIT, "属住建职责", "已移交%(to)s办理。",
                                  {"to": "县住建局"}, {"from": UNIT, "to": "housing"})]
    for to, reason, field in ((UNIT, "理由", "to"), ("housing", " ", "reason")):
        with pytest.raises(DomainError) as refused:
            accepted().transfer(t(5), "off", UNIT, to, "x", reason, to_is_discipline=False)
        assert refused.value.field == field


def test_000_s2_3_a_transfer_to_the_commission_cancels_the_township_s_steps():
    c = accepted()
    c.transfer(t(5), "off", UNIT, "discipline", "县纪委监委", "涉及公职人员", to_is_discipline=True)
    assert (c.discipline_only, c.co_handler) == (True, None)
    for kind in LADDER_KINDS | {ClockKind.ONSITE}:
        assert c.clock(kind).cancelled_at == t(5)
    assert c.clock(ClockKind.ACCEPTANCE).met_at == t(1)


def test_004_c20_questions_and_answers_are_shown_as_written_and_flag_the_pending_question():
    c = accepted()
    c.ask_information(t(5), "off", UNIT, " 请补充具体位置 ")
    assert c.info_pending is True
    assert c.new_events == [Event(c.event_count, t(5), "info_requested", "off", UNIT, public=VERBATIM,
                                  params={"text": "请补充具体位置"})]
    assert c.new_notifications == [(Notify.INFO_REQUESTED, c.event_count)]
    c.reporter_reply(t(6), " 在村口 ")
    assert c.info_pending is False
    assert c.new_events[-1] == Event(c.event_count, t(6), "reporter_replied", "reporter", note="在村口",
                                     public=VERBATIM, params={"text": "在村口"})
    for step, field in ((lambda: c.ask_information(t(7), "off", UNIT, " "), "question"),
                        (lambda: c.reporter_reply(t(7), " "), "text")):
        with pytest.raises(DomainError) as refused:
            step()
        assert refused.value.field == field
    closed = concluded()
    with pytest.raises(Conflict):
        closed.reporter_reply(t(7), "补充")


def test_004_c17_2_the_on_site_check_records_the_arrival_and_the_findings():
    c = accepted()
    c.record_onsite(t(30), "tw", "xiayang", t(20), " 正在施工 ", ["p1"])
    assert (c.onsite.arrived_at, c.onsite.findings, c.onsite.recorded_by, c.onsite.photos) == (
        t(20), "正在施工", "tw", ["p1"])
    assert c.new_events == [Event(c.event_count, t(30), "onsite_recorded", "tw", "xiayang", "正在施工",
                                  "属地执法人员已到现场核查。", data={"arrived_at": t(20).isoformat(), "photos": 1})]
    for arrived, findings, field in ((t(31), "有", "arrived_at"), (T0 - timedelta(seconds=1), "有", "arrived_at"),
                                     (t(20), " ", "findings")):
        with pytest.raises(DomainError) as refused:
            accepted().record_onsite(t(30), "tw", "xiayang", arrived, findings, [])
        assert refused.value.field == field


def test_004_c17_2_a_stop_order_and_the_rectification_are_events_the_reporter_reads():
    c = accepted()
    c.issue_stop_order(t(5), "tw", "xiayang", " 当场停工 ")
    assert c.stop_order_at == t(5) and c.clock(ClockKind.RECTIFICATION).started_at == t(5)
    assert c.new_events == [Event(c.event_count, t(5), "stop_order_issued", "tw", "xiayang", "当场停工",
                                  "已责令当事人停止违法行为并限期整改。")]
    with pytest.raises(Conflict):
        c.issue_stop_order(t(6), "tw", "xiayang", "")
    c.record_rectified(t(7), "tw", "xiayang", " 已拆除 ")
    assert c.rectified_at == t(7) and c.clock(ClockKind.RECTIFICATION).met_at == t(7)
    assert all(c.clock(k).met_at == t(7) for k in LADDER_KINDS)
    assert c.new_events[-1] == Event(c.event_count, t(7), "rectified", "tw", "xiayang", "已拆除", "违法行为已制止并整改。")
    with pytest.raises(Conflict):
        c.record_rectified(t(8), "tw", "xiayang", "")


def test_004_c25_the_handover_and_the_plan_are_events_with_their_instants():
    c = accepted(in_built_up_area=True)
    c.hand_over_demolition(t(10), "off", UNIT, t(5), " 罚〔2026〕8号 ", " 逾期未拆 ", "urban_management", CAL)
    assert (c.demolition.unit, c.demolition.handed_over_at, c.demolition.decision, c.demolition.handed_over_by) == (
        "urban_management", t(5), "罚〔2026〕8号", "off")
    assert c.new_events == [Event(c.event_count, t(10), "demolition_handed_over", "off", UNIT, "逾期未拆",
                                  data={"to": "urban_management", "handed_over_at": t(5).isoformat(),
                                        "decision": "罚〔2026〕8号"})]
    c.record_demolition_plan(t(20), "u1", "urban_management", t(15), " 方案要点 ")
    assert (c.demolition.plan_at, c.demolition.plan_by) == (t(15), "u1")
    assert c.new_events[-1].data == {"drafted_at": t(15).isoformat()} and c.new_events[-1].note == "方案要点"


@pytest.mark.parametrize("handed_over,decision,field", [
    (t(11), "罚", "handed_over_at"), (T0 - timedelta(seconds=1), "罚", "handed_over_at"), (t(5), " ", "decision")])
def test_004_c25_a_handover_names_the_field_at_fault(handed_over, decision, field):
    c = accepted(in_built_up_area=True)
    with pytest.raises(DomainError) as refused:
        c.hand_over_demolition(t(10), "off", UNIT, handed_over, decision, "", "urban_management", CAL)
    assert refused.value.field == field and c.demolition is None


def test_004_c25_no_handover_without_an_urban_management_department():
    c = accepted(in_built_up_area=True)
    with pytest.raises(DomainError) as refused:
        c.hand_over_demolition(t(10), "off", UNIT, t(5), "罚", "", None, CAL)
    assert refused.value.field is None and c.demolition is None


def test_004_c21_reopening_is_an_event_the_reporter_reads():
    c = concluded()
    c.purge_at = t(100)
    c.reopen(t(10), "sup", "office", " 复查 ", CAL)
    assert (c.status, c.finding, c.result_text, c.concluded_at, c.closed_at, c.purge_at) == (
        Status.ACCEPTED, None, "", None, None, None)
    assert c.new_events == [Event(c.event_count, t(10), "reopened", "sup", "office", "复查", "您的举报已重新办理。",
                                  data={"from": "concluded"})]
    with pytest.raises(DomainError) as refused:
        concluded().reopen(t(10), "sup", "office", " ", CAL)
    assert refused.value.field == "reason"


def test_004_c9_assigning_a_case_worker_is_an_event():
    c = accepted()
    c.assign(t(5), "head", UNIT, "o2")
    assert c.assigned_to == "o2"
    assert c.new_events == [Event(c.event_count, t(5), "assigned", "head", UNIT, data={"to": "o2"})]
    concluded_ticket = concluded()
    concluded_ticket.assign(t(5), "head", UNIT, "o3")  # a concluded ticket may still get a case worker
    assert concluded_ticket.assigned_to == "o3"
    closed = concluded()
    closed.record_written_notice(t(6), "off", UNIT, "")
    with pytest.raises(Conflict):
        closed.assign(t(7), "head", UNIT, "o2")


def test_004_c22_a_case_change_is_mirrored_on_the_ticket():
    c = accepted()
    c.mark_case(t(5), "sup", "office", "K2", "new", "合并", registered_on=datetime(2023, 1, 1).date())
    assert (c.case_id, c.case_kind, c.stock_registered_on) == ("K2", "new", None)
    assert c.new_events == [Event(c.event_count, t(5), "case_changed", "sup", "office", "合并",
                                  data={"case": "K2", "kind": "new"})]
    assert all(c.clock(k).is_open for k in LADDER_KINDS)


def test_004_c17_2_evidence_added_later_is_counted_on_the_history():
    c = accepted()
    photo = Evidence(key="k", content_type="image/jpeg", width=1, height=1, size=1, source="onsite")
    c.add_evidence(t(5), "tw", "xiayang", [photo, photo])
    assert c.evidence == [photo, photo]
    assert c.new_events == [Event(c.event_count, t(5), "evidence_added", "tw", "xiayang", data={"count": 2})]


def test_004_c20_verifying_the_phone_once_sends_the_received_sms():
    c = ticket(contact=Contact(envelope="e", phone_hash="h"))
    c.verify_contact(t(5))
    assert c.contact.verified_at == t(5)
    assert c.new_events == [Event(3, t(5), "phone_verified", "reporter", public="手机号码已验证，处理进展将以短信通知您。")]
    assert c.new_notifications == [(Notify.RECEIVED, 3)]
    c.verify_contact(t(6))
    assert c.contact.verified_at == t(5) and len(c.new_events) == 1
    with pytest.raises(Conflict):
        ticket().verify_contact(t(5))


@pytest.mark.parametrize("step", list(DISCLOSURE_STEPS))
def test_004_c20_each_step_of_a_disclosure_request_is_shown_to_the_reporter(step):
    c = accepted()
    c.record_disclosure(t(5), step, "li.si", UNIT, 2, {"unit": "县自然资源局", "reason": "出庭"})
    assert c.new_events == [Event(c.event_count, t(5), f"disclosure_{step}", "li.si", UNIT,
                                  public=DISCLOSURE_STEPS[step], params={"unit": "县自然资源局", "reason": "出庭"},
                                  data={"request": 2})]


def test_004_c20_the_sweeper_alerts_name_the_ticket_the_clock_and_its_due_instant():
    c = ticket()
    acceptance = c.clock(ClockKind.ACCEPTANCE)
    onsite = c.clock(ClockKind.ONSITE)
    now = acceptance.warn_at
    assert c.sweep(now) == [Alert("reminder", ClockKind.ACCEPTANCE, c.id, now, acceptance.due_at),
                            Alert("breach", ClockKind.ONSITE, c.id, now, onsite.due_at)]
    assert c.new_events == [Event(3, now, "clock_reminder", "system", data={"clock": "acceptance"}),
                            Event(4, now, "breach_recorded", "system", data={"clock": "onsite"})]
    assert (acceptance.warned_at, onsite.breached_at, onsite.warned_at) == (now, onsite.due_at, None)


def test_004_c20_a_clock_breached_before_its_warning_is_marked_warned_by_the_breach():
    c = ticket()
    acceptance = c.clock(ClockKind.ACCEPTANCE)
    late = acceptance.due_at + timedelta(seconds=1)
    alerts = [a for a in c.sweep(late) if a.clock == ClockKind.ACCEPTANCE]
    assert alerts == [Alert("breach", ClockKind.ACCEPTANCE, c.id, late, acceptance.due_at)]
    assert (acceptance.warned_at, acceptance.breached_at) == (late, acceptance.due_at)


def test_004_c20_the_next_deadline_and_the_wake_instant_look_at_open_clocks_and_the_purge():
    c = ticket()
    assert c.next_due() == t(120)  # on site within 2 hours
    assert c.wake_at() == t(120)
    for clock in c.clocks.values():
        clock.cancel(t(1))
    assert c.next_due() is None and c.wake_at() is None
    c.purge_at = t(500)
    assert c.wake_at() == t(500)


def test_004_c20_only_an_open_clock_past_its_due_instant_makes_the_ticket_overdue():
    c = ticket()
    assert not c.is_overdue(t(120)) and c.is_overdue(t(120) + timedelta(seconds=1))
    c.clock(ClockKind.ONSITE).cancel(t(1))
    assert not c.is_overdue(t(121))


def test_004_c20_retention_is_scheduled_once_a_ticket_closes_and_purges_the_contact_once():
    c = concluded(contact=PHONE)
    assert c.schedule_purge(t(10), timedelta(days=30)) is False  # concluded, not yet told
    c.notice_delivered(Notify.RESULT, t(9))
    assert c.schedule_purge(t(10), timedelta(days=30)) is True
    assert c.purge_at == t(9) + timedelta(days=30)
    assert c.new_events[-1] == Event(c.event_count, t(10), "purge_scheduled", "system",
                                     data={"purge_at": c.purge_at.isoformat()})
    assert c.schedule_purge(t(11), timedelta(days=30)) is False
    assert not c.purge_due(c.purge_at - timedelta(seconds=1)) and c.purge_due(c.purge_at)
    due = c.purge_at
    c.purge_contact(due, {"photos": 2, "uploads": 0})
    assert (c.contact.envelope, c.contact.phone_hash, c.contact.verified_at, c.contact.purged_at) == (
        None, None, T0, due)
    assert (c.purge_at, c.purged_at) == (None, t(9) + timedelta(days=30))
    assert c.new_events[-1] == Event(c.event_count, c.purged_at, "contact_purged", "system",
                                     public="按保存期限规定，您的联系方式已删除。",
                                     data={"removed": {"photos": 2, "contact": 1}})
    count = c.event_count
    c.purge_contact(t(99999))  # nothing scheduled: nothing happens
    assert c.event_count == count
    assert c.schedule_purge(t(99999), timedelta(days=30)) is False  # this closure's purge ran


def test_004_c20_retention_without_a_phone_purges_silently():
    c = ticket()
    c.decline(t(5), "off", UNIT, "other", "其他")
    assert c.schedule_purge(t(6), timedelta(days=1)) is True
    c.purge_contact(t(5) + timedelta(days=1))
    assert c.new_events[-1].public is None and c.new_events[-1].data == {"removed": {}}


def test_004_c20_recomputing_the_clocks_names_those_that_moved():
    c = ticket()
    from datetime import date
    assert c.recompute_clocks(WorkingCalendar({date(2026, 11, 24): False})) == ["acceptance"]
    assert c.recompute_clocks(WorkingCalendar({date(2026, 11, 24): False})) == []


def test_004_c21_reopening_a_declined_ticket_clears_the_decline_and_starts_a_new_acceptance_clock():
    c = ticket()
    c.decline(t(5), "off", UNIT, "other", "其他原因")
    c.reopen(t(10), "sup", "office", "复查", CAL)
    assert (c.status, c.decline_reason, c.decline_text) == (Status.RECEIVED, None, "")
    assert c.clock(ClockKind.ACCEPTANCE).started_at == t(10) and c.clock(ClockKind.ACCEPTANCE).is_open
    assert c.new_events[-1].data == {"from": "declined"}


@pytest.mark.parametrize("write_off", [False, True])
def test_003_s2_3_reopening_clears_the_acceptance_checks_and_the_write_off_of_the_earlier_handling(write_off):
    from datetime import date
    c = concluded()
    c.record_acceptance_check(t(5), "sup", "office", "county", True, date(2026, 11, 23))
    if write_off:
        c.record_write_off(t(6), "sup", "office")
    c.reopen(t(10), "sup", "office", "复查", CAL)
    assert (c.acceptance_checks, c.write_off) == ([], None)
    assert c.new_events[-1].data == {"from": "concluded", "cleared": {"acceptance_checks": 1, "written_off": write_off}}


def test_004_c20_a_step_taken_late_records_the_breach_as_the_system_s_doing_at_that_instant():
    c = ticket()
    late = c.clock(ClockKind.ACCEPTANCE).due_at + timedelta(seconds=1)
    c.accept(late, "off", UNIT)
    assert c.new_events == [Event(3, late, "breach_recorded", "system", data={"clock": "acceptance", "late": True}),
                            Event(4, late, "accepted", "off", UNIT, public="您的举报已受理，正在核查处理。")]


def test_004_c20_a_refused_step_names_the_ticket_s_status():
    c = ticket()
    c.decline(t(5), "off", UNIT, "other", "其他原因")
    with pytest.raises(Conflict) as refused:
        c.ask_information(t(6), "off", UNIT, "问题")
    assert refused.value.params == {"status": "declined"}


def test_004_c20_filing_keeps_the_case_the_photos_the_public_id_and_the_place_chosen():
    photo = Evidence(key="k", content_type="image/jpeg", width=1, height=1, size=1)
    c = Complaint.file(id="01FILE", seq=7, county="430225", category="l1", description="d", address="a",
                       point=None, routing=_routing(), received_at=T0, receipt_hash="h", case_id="K7",
                       evidence=[photo], contact=None, calendar=CAL, lead_name="县自然资源局",
                       place={"village": "430225001001"})
    assert (c.case_id, c.evidence, c.public_id, c.seq) == ("K7", [photo], "", 7)
    assert c.new_events[1].data["place"] == {"village": "430225001001"}
    plain = Complaint.file(id="01FILE", seq=7, county="430225", category="l1", description="d", address="a",
                           point=None, routing=_routing(), received_at=T0, receipt_hash="h", case_id="K7",
                           evidence=[], contact=None, calendar=CAL, lead_name="县自然资源局", public_id="P1")
    assert plain.public_id == "P1" and "place" not in plain.new_events[1].data


def _routing():
    from portal.domain.routing import Routing
    return Routing(lead=UNIT, co_handler="xiayang", township="xiayang", in_built_up_area=False, discipline_only=False)


def test_004_c20_a_purge_that_ran_at_the_closing_instant_is_not_scheduled_again():
    c = ticket()
    c.decline(t(5), "off", UNIT, "other", "其他原因")
    assert c.schedule_purge(t(5), timedelta(0)) is True
    c.purge_contact(t(5))
    assert c.purged_at == c.closed_at and c.schedule_purge(t(6), timedelta(0)) is False


def test_004_c25_the_handover_and_the_plan_may_fall_on_the_instant_before_them_and_name_the_status_refused():
    c = accepted(in_built_up_area=True)
    c.hand_over_demolition(t(10), "off", UNIT, T0, "罚", "", "urban_management", CAL)  # at the receipt itself
    c.record_demolition_plan(t(20), "u1", "urban_management", T0, "要点")  # drafted at the handover itself
    assert c.demolition.plan_at == T0 and c.new_events[-1].at == t(20)
    with pytest.raises(Conflict) as refused:
        ticket(in_built_up_area=True).hand_over_demolition(t(10), "off", UNIT, t(5), "罚", "", "urban_management", CAL)
    assert refused.value.params == {"status": "received"}


def test_003_s2_3_an_acceptance_check_and_the_write_off_are_events_with_their_facts():
    from datetime import date
    from portal.domain.measures import AcceptanceCheck, WriteOff
    c = concluded()
    c.record_acceptance_check(t(5), "sup", "office", "county", True, date(2026, 11, 23), " 达标 ")
    assert c.acceptance_checks == [AcceptanceCheck("county", True, date(2026, 11, 23), "sup", t(5), "达标")]
    assert c.new_events[-1] == Event(c.event_count, t(5), "acceptance_checked", "sup", "office", "达标",
                                     data={"level": "county", "meets_standard": True, "checked_on": "2026-11-23"})
    c.record_write_off(t(6), "sup", "office", " 销号 ")
    assert c.write_off == WriteOff(at=t(6), by="sup", note="销号")
    assert c.new_events[-1] == Event(c.event_count, t(6), "written_off", "sup", "office", "销号")
    plain = concluded()
    plain.record_acceptance_check(t(5), "sup", "office", "city", False, date(2026, 11, 23))
    assert plain.new_events[-1].note == "" and plain.acceptance_checks[0].note == ""


@pytest.mark.parametrize("level,checked_on,field", [
    ("village", (2026, 11, 23), "level"), ("county", (2026, 11, 24), "checked_on"), ("county", (2026, 11, 22), "checked_on")])
def test_003_s2_3_an_acceptance_check_names_the_field_at_fault(level, checked_on, field):
    from datetime import date
    c = concluded()
    with pytest.raises(DomainError) as refused:
        c.record_acceptance_check(t(5), "sup", "office", level, True, date(*checked_on))
    assert refused.value.field == field and c.acceptance_checks == []


@pytest.mark.parametrize("closed", [False, True])
def test_003_s2_3_only_a_concluded_or_closed_substantiated_ticket_is_checked_and_written_off(closed):
    from datetime import date
    c = concluded()
    if closed:
        c.record_written_notice(t(3), "off", UNIT, "")
    c.record_acceptance_check(t(5), "sup", "office", "county", True, date(2026, 11, 23))
    c.record_write_off(t(6), "sup", "office")
    assert c.write_off is not None and c.write_off.note == "" and c.new_events[-1].note == ""  # no note: none
    with pytest.raises(Conflict) as refused:
        accepted().record_write_off(t(6), "sup", "office")
    assert refused.value.params == {"status": "accepted"}
    assert refused.value.message == "只有已办结的举报才能销号。"
