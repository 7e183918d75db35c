"""004 C25 on its own (plain values, no store): inside the county built-up area, the penalty
decision and the request for forced demolition are handed over to urban management, which
drafts the demolition plan within 3 working days of the handover. Outside it the township
organises the demolition and the rules set no time limit, so no clock is started."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from portal.domain.calendar import WorkingCalendar
from portal.domain.complaint import DEMOLITION_PLAN_PUBLIC, Complaint, Finding, Measures, Status
from portal.domain.deadlines import DEMOLITION_PLAN_WORKING_DAYS, ClockKind
from portal.domain.errors import Conflict, DomainError
from portal.domain.geo import Point
from tests.unit.tickets import filed_ticket
from portal.timeutil import SHANGHAI, iso_local

CAL = WorkingCalendar({})
URBAN = "urban_management"
T0 = datetime(2026, 9, 21, 2, 0, tzinfo=timezone.utc)  # Monday 10:00 Asia/Shanghai


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI).astimezone(timezone.utc)


def ticket(*, inside: bool = True, discipline_only: bool = False, accept: bool = True) -> Complaint:
    c = filed_ticket(T0, description="县城里违法加盖一层", point=Point(113.77, 26.49), in_built_up_area=inside,
                     discipline_only=discipline_only, calendar=CAL, quiet=False)
    if accept:
        c.accept(T0, "off", c.lead)
    if not discipline_only:
        # the other clocks out of the way: on site at once, a stock violation (no 004 C34 ladder)
        c.record_onsite(T0, "xy", "xiayang", T0, "属实", [])
        c.mark_case(T0, "off", c.lead, c.case_id, "stock", "")
    c.new_events.clear()
    c.new_notifications.clear()
    return c


def hand_over(c: Complaint, when: datetime, now: datetime | None = None, *, decision: str = "炎自然罚〔2026〕8号",
              unit: str | None = URBAN) -> None:
    c.hand_over_demolition(now or when, "off", "natural_resources", when, decision, "当事人逾期未拆除", unit, CAL)


def kinds(c: Complaint) -> list[str]:
    return [e.kind for e in c.new_events]


def test_004_c25_the_plan_is_due_3_working_days_after_the_handover():
    assert DEMOLITION_PLAN_WORKING_DAYS == 3
    c = ticket()
    hand_over(c, at("2026-09-24T15:00"))  # Thursday; Friday is Mid-Autumn Festival, then the weekend
    clock = c.clock(ClockKind.DEMOLITION_PLAN)
    assert clock.started_at == at("2026-09-24T15:00")
    assert iso_local(clock.due_at) == "2026-09-30T23:59:59+08:00"  # Mon 28, Tue 29, Wed 30
    assert iso_local(clock.warn_at) == "2026-09-29T08:00:00+08:00"  # the reminder, one working day before
    assert c.demolition_unit == URBAN and c.demolition.decision == "炎自然罚〔2026〕8号"


def test_004_c25_the_plan_clock_skips_the_national_day_holiday_and_counts_the_make_up_saturday():
    c = ticket()
    hand_over(c, at("2026-09-30T10:00"))  # the eve of National Day: Oct 8, Oct 9, Sat Oct 10 (调休)
    assert iso_local(c.clock(ClockKind.DEMOLITION_PLAN).due_at) == "2026-10-10T23:59:59+08:00"


def test_004_c25_the_handover_is_an_event_the_reporter_does_not_read():
    c = ticket()
    hand_over(c, at("2026-09-24T15:00"))
    (event,) = c.new_events
    assert event.kind == "demolition_handed_over" and event.actor == "off" and event.note == "当事人逾期未拆除"
    assert event.public is None  # the penalty decision and the handover stay inside the departments
    assert event.data["to"] == URBAN


def test_004_c25_a_plan_within_3_working_days_meets_the_clock_and_tells_the_reporter_plainly():
    c = ticket()
    hand_over(c, at("2026-09-24T15:00"))
    c.new_events.clear()
    c.record_demolition_plan(at("2026-09-29T20:00"), "cg1", URBAN, at("2026-09-29T18:00"), "9月30日组织拆除，调集人员20名")
    clock = c.clock(ClockKind.DEMOLITION_PLAN)
    assert clock.met_at == at("2026-09-29T18:00") and not clock.is_breached
    (event,) = c.new_events
    assert event.kind == "demolition_plan_recorded" and event.actor == "cg1" and event.unit == URBAN
    assert event.public == DEMOLITION_PLAN_PUBLIC and event.params == {}
    assert "9月30日" not in event.public and event.note == "9月30日组织拆除，调集人员20名"
    assert c.demolition.plan_at == at("2026-09-29T18:00") and c.demolition.plan_by == "cg1"


def test_004_c25_a_plan_after_3_working_days_is_a_breach_recorded_once():
    c = ticket()
    hand_over(c, at("2026-09-24T15:00"))
    c.new_events.clear()
    c.record_demolition_plan(at("2026-10-08T09:00"), "cg1", URBAN, at("2026-10-01T00:00"), "方案")
    assert c.clock(ClockKind.DEMOLITION_PLAN).is_breached
    assert kinds(c) == ["breach_recorded", "demolition_plan_recorded"]


def test_004_c25_the_sweeper_reminds_then_records_the_breach_once_and_a_late_plan_adds_none():
    c = ticket()
    hand_over(c, at("2026-09-24T15:00"))
    c.new_events.clear()
    assert c.sweep(at("2026-09-29T07:59")) == []
    (reminder,) = c.sweep(at("2026-09-29T08:00"))
    assert (reminder.kind, reminder.clock) == ("reminder", ClockKind.DEMOLITION_PLAN)
    assert c.sweep(at("2026-09-30T23:59")) == []
    (breach,) = c.sweep(at("2026-10-01T00:00"))
    assert (breach.kind, breach.clock) == ("breach", ClockKind.DEMOLITION_PLAN)
    assert c.sweep(at("2026-10-12T00:00")) == []
    c.record_demolition_plan(at("2026-10-12T09:00"), "cg1", URBAN, at("2026-10-12T09:00"), "方案")
    assert kinds(c).count("breach_recorded") == 1
    assert c.clock(ClockKind.DEMOLITION_PLAN).state(at("2026-10-12T10:00")) == "met_late"


def test_004_c25_outside_the_built_up_area_the_township_demolishes_and_no_clock_starts():
    c = ticket(inside=False)
    with pytest.raises(DomainError) as caught:
        hand_over(c, at("2026-09-24T15:00"))
    assert caught.value.message == "县城建成区范围外的违法建设由属地乡镇人民政府依法组织强制拆除，不移交城管执法局。"
    assert c.clock(ClockKind.DEMOLITION_PLAN) is None and c.demolition is None and c.new_events == []


@pytest.mark.parametrize("state", ["received", "concluded"])
def test_004_c25_only_a_ticket_being_handled_is_handed_over(state):
    c = ticket(accept=state != "received")
    if state == "concluded":
        c.conclude(T0 + timedelta(days=1), "off", "natural_resources", Finding.SUBSTANTIATED, Measures(), "已处罚", CAL)
        c.new_events.clear()
    with pytest.raises(Conflict) as caught:
        hand_over(c, at("2026-09-24T15:00"))
    assert caught.value.message == "只有已受理、尚未办结的举报才能登记移交强制拆除。"
    assert c.demolition is None and c.new_events == []


def test_004_c25_handing_over_twice_is_refused():
    c = ticket()
    hand_over(c, at("2026-09-24T15:00"))
    first = c.clock(ClockKind.DEMOLITION_PLAN)
    with pytest.raises(Conflict) as caught:
        hand_over(c, at("2026-09-28T15:00"))
    assert caught.value.message == "已经登记过移交城管执法局强制拆除。"
    assert c.clock(ClockKind.DEMOLITION_PLAN) is first and len(c.new_events) == 1


def test_004_c25_a_discipline_only_ticket_is_not_handed_over():
    c = ticket(discipline_only=True)
    with pytest.raises(DomainError) as caught:
        hand_over(c, at("2026-09-24T15:00"))
    assert caught.value.message == "涉及公职人员的举报只能由纪委监委办理，不能移交城管执法局。"
    assert c.demolition is None


@pytest.mark.parametrize("when,now,decision,unit,field,message", [
    ("2026-09-24T15:00", "2026-09-24T14:00", "决定书", URBAN, "handed_over_at", "移交时间不能晚于现在。"),
    ("2026-09-20T15:00", "2026-09-24T15:00", "决定书", URBAN, "handed_over_at", "移交时间不能早于收到举报的时间。"),
    ("2026-09-24T15:00", "2026-09-24T15:00", "  ", URBAN, "decision", "请填写责令限期拆除的行政处罚决定书（文号）。"),
    ("2026-09-24T15:00", "2026-09-24T15:00", "决定书", None, None, "本县没有设置负责强制拆除的城管执法部门，请联系系统管理员。"),
])
def test_004_c25_handover_inputs_are_checked(when, now, decision, unit, field, message):
    c = ticket()
    with pytest.raises(DomainError) as caught:
        hand_over(c, at(when), at(now), decision=decision, unit=unit)
    assert (caught.value.field, caught.value.message) == (field, message)
    assert c.demolition is None and c.clock(ClockKind.DEMOLITION_PLAN) is None and c.new_events == []


def test_004_c25_a_plan_without_a_handover_is_refused():
    c = ticket()
    with pytest.raises(Conflict) as caught:
        c.record_demolition_plan(at("2026-09-24T15:00"), "cg1", URBAN, at("2026-09-24T15:00"), "方案")
    assert caught.value.message == "这件举报尚未移交城管执法局强制拆除，不能登记拆除方案。"
    assert c.new_events == []


def test_004_c25_a_second_plan_is_refused():
    c = ticket()
    hand_over(c, at("2026-09-24T15:00"))
    c.record_demolition_plan(at("2026-09-25T10:00"), "cg1", URBAN, at("2026-09-25T10:00"), "方案")
    c.new_events.clear()
    with pytest.raises(Conflict) as caught:
        c.record_demolition_plan(at("2026-09-25T11:00"), "cg2", URBAN, at("2026-09-25T11:00"), "另一个方案")
    assert caught.value.message == "已经登记过强制拆除方案。"
    assert c.demolition.plan_by == "cg1" and c.new_events == []


@pytest.mark.parametrize("unit,drafted,now,note,field,message", [
    ("housing", "2026-09-25T10:00", "2026-09-25T10:00", "方案", None, "强制拆除方案由承接移交的城管执法部门登记。"),
    (URBAN, "2026-09-25T11:00", "2026-09-25T10:00", "方案", "drafted_at", "方案制定时间不能晚于现在。"),
    (URBAN, "2026-09-24T14:59", "2026-09-25T10:00", "方案", "drafted_at", "方案制定时间不能早于移交时间。"),
    (URBAN, "2026-09-25T10:00", "2026-09-25T10:00", " ", "note", "请填写拆除方案的要点。"),
])
def test_004_c25_plan_inputs_are_checked(unit, drafted, now, note, field, message):
    c = ticket()
    hand_over(c, at("2026-09-24T15:00"))
    c.new_events.clear()
    with pytest.raises(DomainError) as caught:
        c.record_demolition_plan(at(now), "cg1", unit, at(drafted), note)
    assert (caught.value.field, caught.value.message) == (field, message)
    assert c.demolition.plan_at is None and c.clock(ClockKind.DEMOLITION_PLAN).is_open and c.new_events == []


def test_004_c25_moving_to_the_discipline_commission_stops_the_clock_and_the_plan_step():
    c = ticket()
    hand_over(c, at("2026-09-24T15:00"))
    c.transfer(at("2026-09-25T09:00"), "off", "natural_resources", "discipline", "县纪委监委", "涉及公职人员",
               to_is_discipline=True)
    clock = c.clock(ClockKind.DEMOLITION_PLAN)
    assert clock.cancelled_at == at("2026-09-25T09:00")
    assert [a for a in c.sweep(at("2026-10-30T00:00")) if a.clock == ClockKind.DEMOLITION_PLAN] == []
    assert clock.state(at("2026-10-30T00:00")) == "cancelled"
    with pytest.raises(Conflict) as caught:
        c.record_demolition_plan(at("2026-09-25T10:00"), "cg1", URBAN, at("2026-09-25T10:00"), "方案")
    assert caught.value.message == "这件举报的强制拆除已不再由城管执法局办理。"


def test_004_c25_the_ticket_is_not_concluded_while_the_plan_is_owed():
    """The plan clock must not outlive the ticket: concluding (and so closing) is refused until
    urban management records the plan; then the ticket concludes."""
    c = ticket()
    hand_over(c, at("2026-09-24T15:00"))
    c.new_events.clear()
    with pytest.raises(Conflict) as caught:
        c.conclude(at("2026-09-25T09:00"), "off", "natural_resources", Finding.SUBSTANTIATED, Measures(), "已移交强拆",
                   CAL)
    assert caught.value.message == "城管执法局尚未制定强制拆除方案，请在登记拆除方案后再办结。"
    assert c.status == Status.ACCEPTED and c.clock(ClockKind.RESULT_NOTICE) is None and c.new_events == []
    assert c.clock(ClockKind.DEMOLITION_PLAN).is_open
    c.record_demolition_plan(at("2026-09-25T10:00"), "cg1", URBAN, at("2026-09-25T10:00"), "方案")
    c.conclude(at("2026-09-25T11:00"), "off", "natural_resources", Finding.SUBSTANTIATED, Measures(), "已移交强拆", CAL)
    assert c.status == Status.CONCLUDED


def test_004_c25_a_ticket_whose_plan_clock_was_cancelled_concludes():
    c = ticket()
    hand_over(c, at("2026-09-24T15:00"))
    c.transfer(at("2026-09-25T09:00"), "off", "natural_resources", "discipline", "县纪委监委", "涉及公职人员",
               to_is_discipline=True)
    c.conclude(at("2026-09-25T10:00"), "off", "discipline", Finding.SUBSTANTIATED, Measures(), "已处理", CAL)
    assert c.status == Status.CONCLUDED


@pytest.mark.parametrize("state", [Status.CONCLUDED, Status.CLOSED])
def test_004_c25_no_plan_is_recorded_on_a_concluded_or_closed_ticket(state):
    """A ticket concluded while the plan was owed (before concluding was refused) takes no plan."""
    c = ticket()
    hand_over(c, at("2026-09-24T15:00"))
    c.status = state
    c.new_events.clear()
    with pytest.raises(Conflict) as caught:
        c.record_demolition_plan(at("2026-09-25T10:00"), "cg1", URBAN, at("2026-09-25T10:00"), "方案")
    assert caught.value.message == "只有已受理、尚未办结的举报才能登记强制拆除方案。"
    assert c.demolition.plan_at is None and c.clock(ClockKind.DEMOLITION_PLAN).is_open and c.new_events == []


def test_004_c25_a_backdated_plan_recorded_after_the_due_instant_is_still_a_breach():
    """Recorded on 8 October, a plan said to be drafted on 25 September (in time) is late: the
    sweeper had not yet recorded the breach, so this call records it, once; the plan is kept."""
    c = ticket()
    hand_over(c, at("2026-09-24T15:00"))
    c.new_events.clear()
    c.record_demolition_plan(at("2026-10-08T09:00"), "cg1", URBAN, at("2026-09-25T10:00"), "方案")
    clock = c.clock(ClockKind.DEMOLITION_PLAN)
    assert clock.met_at == at("2026-09-25T10:00") and clock.breached_at == clock.due_at
    assert clock.state(at("2026-10-08T10:00")) == "met_late"
    assert c.demolition.plan_at == at("2026-09-25T10:00")
    assert kinds(c) == ["breach_recorded", "demolition_plan_recorded"]
    assert c.new_events[0].at == at("2026-10-08T09:00") and c.new_events[0].data == {
        "clock": "demolition_plan", "late": True}
    assert c.sweep(at("2026-10-09T00:00")) == []


def test_004_c25_a_plan_recorded_by_the_due_instant_with_an_earlier_drafting_time_is_in_time():
    c = ticket()
    hand_over(c, at("2026-09-24T15:00"))
    c.record_demolition_plan(at("2026-09-30T23:59"), "cg1", URBAN, at("2026-09-28T10:00"), "方案")
    assert not c.clock(ClockKind.DEMOLITION_PLAN).is_breached and "breach_recorded" not in kinds(c)


def test_004_c25_the_nearest_deadline_includes_the_plan_clock():
    c = ticket()
    hand_over(c, at("2026-09-24T15:00"))
    assert c.next_due() == c.clock(ClockKind.DEMOLITION_PLAN).due_at
    assert c.wake_at() == c.clock(ClockKind.DEMOLITION_PLAN).warn_at
