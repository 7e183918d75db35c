"""The receiving unit's desk: the written notice (书面告知) to a postal address, whose posting
meets the 7-working-day result clock (004 C20, L17: 书面或手机短信), and the feedback a
hand-over owes its sender within the days the county file sets per source (004 C9, C14(1), L8)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.domain.complaint import Status
from portal.domain.deadlines import ClockKind
from portal.domain.errors import Conflict, DomainError, NotFound
from portal.services import sweeper, workflow
from portal.services.channels import notices
from portal.timeutil import end_of_local_day, local_date
from tests.services.channel_support import LEAD, RECEIVER, register

ADDRESS = "湖南省炎陵县霞阳镇示例路9号 王先生 收"


def conclude(deps, complaint_id, clock):
    workflow.accept(deps, LEAD, complaint_id, "", clock.now())
    workflow.conclude(deps, LEAD, complaint_id, "substantiated", "已责令当事人拆除。", {}, clock.now())
    return deps.repos.complaints.get(complaint_id)


def test_004_c20_the_written_notice_is_generated_posted_and_meets_the_7_day_clock(deps, clock):
    _, c, _ = register(deps, "letter", contact_kind="postal", postal_address=ADDRESS)
    clock.advance(days=1)
    c = conclude(deps, c.id, clock)
    [line], _ = notices.desk(deps, RECEIVER)
    assert line.notice_owed and not line.feedback_owed
    clock.advance(days=2)
    notice = notices.written_notice(deps, RECEIVER, c.id, clock.now())
    assert notice.address == ADDRESS and notice.lead_name == "县自然资源局" and notice.complaint.result_text
    assert [e["action"] for e in deps.repos.audit.for_complaint(c.id)][-1] == "notice_print"
    notices.record_posted(deps, RECEIVER, c.id, local_date(clock.now()).isoformat(), "挂号信 XA1234", clock.now())
    c = deps.repos.complaints.get(c.id)
    clock_ = c.clock(ClockKind.RESULT_NOTICE)
    assert c.status == Status.CLOSED and clock_.met_at is not None and clock_.breached_at is None
    assert clock_.state(clock.now()) == "met"
    posted = next(e for e in deps.repos.complaints.history(c.id) if e.kind == "written_notice_posted")
    assert posted.public and posted.actor == RECEIVER.username and posted.unit == "housing"
    [line], _ = notices.desk(deps, RECEIVER)
    assert not line.notice_owed


def test_004_c20_a_notice_posted_after_the_7_working_days_is_late_whatever_day_is_typed(deps, clock):
    _, c, _ = register(deps, "letter", contact_kind="postal", postal_address=ADDRESS)
    c = conclude(deps, c.id, clock)
    due = c.clock(ClockKind.RESULT_NOTICE).due_at
    clock.set(due + timedelta(days=1))
    notices.record_posted(deps, RECEIVER, c.id, local_date(c.concluded_at).isoformat(), "", clock.now())
    clock_ = deps.repos.complaints.get(c.id).clock(ClockKind.RESULT_NOTICE)
    assert clock_.breached_at is not None and clock_.state(clock.now()) == "met_late"


def test_the_posting_day_is_checked(deps, clock):
    _, c, _ = register(deps, "letter", contact_kind="postal", postal_address=ADDRESS)
    c = conclude(deps, c.id, clock)
    for day, field in (("2026-11-24", "posted_on"), ("2026-11-22", "posted_on"), ("2026-13-01", "posted_on")):
        with pytest.raises(DomainError) as refused:
            notices.record_posted(deps, RECEIVER, c.id, day, "", clock.now())
        assert refused.value.field == field
    assert deps.repos.complaints.get(c.id).status == Status.CONCLUDED


def test_the_postal_address_is_only_for_the_receiving_unit_never_the_lead_department(deps, clock):
    _, c, _ = register(deps, "letter", contact_kind="postal", postal_address=ADDRESS)
    conclude(deps, c.id, clock)
    with pytest.raises(NotFound):
        notices.written_notice(deps, LEAD, c.id, clock.now())
    with pytest.raises(NotFound):
        notices.record_posted(deps, LEAD, c.id, None, "", clock.now())


def test_no_written_notice_before_the_conclusion_or_without_an_address(deps, clock):
    _, c, _ = register(deps, "letter", contact_kind="postal", postal_address=ADDRESS)
    with pytest.raises(Conflict):
        notices.written_notice(deps, RECEIVER, c.id, clock.now())
    _, bare, _ = register(deps, "letter")
    conclude(deps, bare.id, clock)
    with pytest.raises(Conflict):
        notices.written_notice(deps, RECEIVER, bare.id, clock.now())
    with pytest.raises(Conflict):
        notices.record_posted(deps, RECEIVER, bare.id, None, "", clock.now())


# --- hand-over feedback (004 C9, C14(1), L8) -------------------------------------------------
def test_004_c9_a_12345_handover_owes_feedback_within_the_days_the_county_file_sets(deps, clock):
    """The demo county gives 12345 work orders 5 working days from receipt (Friday 2026-11-20):
    the feedback is due at the end of Friday 2026-11-27."""
    _, c, _ = register(deps, "assigned", source="12345", received_on="2026-11-20")
    feedback = c.clock(ClockKind.HANDOVER_FEEDBACK)
    assert deps.counties.default.feedback_working_days["12345"] == 5
    assert feedback.due_at == end_of_local_day(date(2026, 11, 27))
    with pytest.raises(Conflict):  # no result to feed back yet
        notices.record_feedback(deps, RECEIVER, c.id, None, "", clock.now())
    clock.advance(days=1)
    conclude(deps, c.id, clock)
    [line], _ = notices.desk(deps, RECEIVER)
    assert line.feedback_owed and line.feedback_due == feedback.due_at
    notices.record_feedback(deps, RECEIVER, c.id, local_date(clock.now()).isoformat(), "12345平台已回复", clock.now())
    c = deps.repos.complaints.get(c.id)
    assert c.intake.fed_back_at is not None and c.clock(ClockKind.HANDOVER_FEEDBACK).state(clock.now()) == "met"
    with pytest.raises(Conflict):
        notices.record_feedback(deps, LEAD, c.id, None, "", clock.now())


def test_004_c9_feedback_after_the_deadline_is_a_breach_and_the_sweeper_escalates_it(deps, clock):
    _, c, _ = register(deps, "transferred", received_on="2026-11-20")
    due = c.clock(ClockKind.HANDOVER_FEEDBACK).due_at  # department: 10 working days
    assert due == end_of_local_day(date(2026, 12, 4))
    sweeper.sweep(deps, due + timedelta(minutes=1))
    c = deps.repos.complaints.get(c.id)
    assert c.clock(ClockKind.HANDOVER_FEEDBACK).breached_at is not None
    alerts = deps.repos.alerts.for_unit(c.county, "leading_group_office")
    assert any(a["clock"] == "handover_feedback" and a["kind"] == "breach" for a in alerts)


def test_004_c9_a_declined_handover_still_owes_its_feedback_and_the_lead_may_record_it(deps, clock):
    _, c, _ = register(deps, "assigned", source="province", external_ref="湘自然资交〔2026〕12号")
    workflow.decline(deps, LEAD, c.id, "out_of_scope", "不属于违法建设。", clock.now())
    c = deps.repos.complaints.get(c.id)
    assert c.clock(ClockKind.HANDOVER_FEEDBACK).is_open
    notices.record_feedback(deps, LEAD, c.id, None, "已函复省厅", clock.now())
    assert deps.repos.complaints.get(c.id).clock(ClockKind.HANDOVER_FEEDBACK).met_at is not None


def test_a_citizens_report_owes_no_feedback(deps, clock):
    _, c, _ = register(deps, "visit")
    assert c.clock(ClockKind.HANDOVER_FEEDBACK) is None
    conclude(deps, c.id, clock)
    with pytest.raises(Conflict):
        notices.record_feedback(deps, LEAD, c.id, None, "", clock.now())


def test_the_desk_lists_only_the_units_own_registrations(deps):
    register(deps, "letter")
    other = type(RECEIVER)("other", RECEIVER.role, "agriculture", RECEIVER.county)
    assert notices.desk(deps, other)[0] == []
    assert len(notices.desk(deps, RECEIVER)[0]) == 1
