"""004 C25 through the staff pages: the lead unit hands a ticket in the county built-up area
over to urban management for forced demolition; urban management then sees it (queue and
ticket page) and records the demolition plan. Each form carries the CSRF token, each action
is an event and an audit entry, and the reporter reads one plain line about the plan."""

from __future__ import annotations

import pytest

from portal.domain.complaint import DEMOLITION_PLAN_PUBLIC
from portal.domain.deadlines import ClockKind
from portal.services import workflow
from portal.timeutil import local
from tests.conftest import PUBLIC_URL
from tests.web.staff_support import XIAYANG_BUILT_UP, XIAYANG_OUTSIDE, fast_argon2, file, signed_in  # noqa: F401
from tests.web.test_staff_actions import MEASURES, accepted, actor_of, assert_recorded

DECISION = "炎自然罚〔2026〕8号"
PLAN_NOTE = "11月27日上午组织强制拆除，调集执法人员20名"


def now_input(clock) -> str:
    return local(clock.now()).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def inside(deps):
    """A report in the built-up area, with a phone so the reporter has a receipt."""
    return file(deps, "c1-no-planning-permit", place=XIAYANG_BUILT_UP, phone="13800138000")


def hand_over(app, deps, clock, complaint_id):
    officer = signed_in(app, deps, clock, "officer")
    accepted(deps, officer, complaint_id)
    response = officer.act(complaint_id, "demolition-handover",
                           {"handed_over_at": now_input(clock), "decision": DECISION, "note": "当事人逾期未拆除"})
    assert response.status_code == 303, response.get_data(as_text=True)
    return officer


def test_004_c25_the_lead_hands_over_and_urban_management_records_the_plan(app, deps, clock, client, inside):
    cid = inside.complaint_id
    urban = signed_in(app, deps, clock, "officer_urban")
    assert urban.get(f"/staff/tickets/{cid}").status_code == 404  # not urban management's before the handover
    officer = signed_in(app, deps, clock, "officer")
    accepted(deps, officer, cid)
    page = officer.get(f"/staff/tickets/{cid}").get_data(as_text=True)
    assert 'id="form-demolition-handover"' in page and 'id="form-demolition-plan"' not in page

    response = officer.act(cid, "demolition-handover",
                           {"handed_over_at": now_input(clock), "decision": DECISION, "note": "当事人逾期未拆除"})
    assert response.status_code == 303
    assert_recorded(deps, officer, cid, "demolition_handed_over", "当事人逾期未拆除", "demolition_handover")
    complaint = deps.repos.complaints.get(cid)
    assert complaint.demolition_unit == "urban_management" and complaint.clock(ClockKind.DEMOLITION_PLAN).is_open

    # urban management now sees the ticket in its queue, nearest deadline first, and may record the plan only
    assert cid in urban.get("/staff/queue").get_data(as_text=True)
    page = urban.get(f"/staff/tickets/{cid}").get_data(as_text=True)
    assert 'id="form-demolition-plan"' in page and DECISION in page
    assert 'id="form-accept"' not in page and 'id="form-conclude"' not in page and 'id="form-transfer"' not in page
    response = urban.act(cid, "demolition-plan", {"drafted_at": now_input(clock), "note": PLAN_NOTE})
    assert response.status_code == 303
    assert_recorded(deps, urban, cid, "demolition_plan_recorded", PLAN_NOTE, "demolition_plan")
    assert deps.repos.complaints.get(cid).clock(ClockKind.DEMOLITION_PLAN).met_at is not None

    # the reporter reads one plain line, never the plan, the decision or the handover
    status = client.post("/status", data={"receipt": inside.receipt}, base_url=PUBLIC_URL).get_data(as_text=True)
    assert DEMOLITION_PLAN_PUBLIC in status
    assert PLAN_NOTE not in status and DECISION not in status and "当事人逾期未拆除" not in status


@pytest.mark.parametrize("role", ["officer", "head", "township", "supervisor"])
def test_004_c25_only_urban_management_records_the_plan(app, deps, clock, inside, role):
    cid = inside.complaint_id
    hand_over(app, deps, clock, cid)
    staff = signed_in(app, deps, clock, role, username=f"{role}-2")
    assert 'id="form-demolition-plan"' not in staff.get(f"/staff/tickets/{cid}").get_data(as_text=True)
    response = staff.act(cid, "demolition-plan", {"drafted_at": now_input(clock), "note": PLAN_NOTE})
    assert response.status_code == 403
    assert deps.repos.complaints.get(cid).demolition.plan_at is None


@pytest.mark.parametrize("role,expected", [("officer_housing", 404), ("township_other", 404), ("discipline", 404),
                                           ("officer_urban", 404), ("township", 403), ("supervisor", 403)])
def test_004_c25_only_the_lead_unit_hands_over(app, deps, clock, inside, role, expected):
    cid = inside.complaint_id
    accepted(deps, signed_in(app, deps, clock, "officer", username="lead"), cid)
    staff = signed_in(app, deps, clock, role)
    response = staff.act(cid, "demolition-handover", {"handed_over_at": now_input(clock), "decision": DECISION})
    assert response.status_code == expected
    assert deps.repos.complaints.get(cid).demolition is None


def test_004_c25_urban_management_may_not_hand_over_again_or_handle_the_ticket(app, deps, clock, inside):
    cid = inside.complaint_id
    hand_over(app, deps, clock, cid)
    urban = signed_in(app, deps, clock, "officer_urban")
    for action, form in (("demolition-handover", {"handed_over_at": now_input(clock), "decision": DECISION}),
                         ("accept", {"note": "x"}), ("transfer", {"to": "housing", "reason": "x"}),
                         ("stop-order", {"note": "x"}), ("ask-info", {"question": "x"})):
        assert urban.act(cid, action, form).status_code == 403, action


def test_004_c25_outside_the_built_up_area_the_form_is_not_offered_and_a_forged_one_is_refused(app, deps, clock):
    c = file(deps, "c1-no-planning-permit", place=XIAYANG_OUTSIDE)
    officer = signed_in(app, deps, clock, "officer")
    accepted(deps, officer, c.complaint_id)
    assert 'id="form-demolition-handover"' not in officer.get(f"/staff/tickets/{c.complaint_id}").get_data(as_text=True)
    response = officer.act(c.complaint_id, "demolition-handover",
                           {"handed_over_at": now_input(clock), "decision": DECISION})
    assert response.status_code == 400
    assert "由属地乡镇人民政府依法组织强制拆除" in response.get_data(as_text=True)
    assert deps.repos.complaints.get(c.complaint_id).clock(ClockKind.DEMOLITION_PLAN) is None


def test_004_c25_form_errors_are_shown_and_nothing_changes(app, deps, clock, inside):
    cid = inside.complaint_id
    hand_over(app, deps, clock, cid)
    urban = signed_in(app, deps, clock, "officer_urban")
    version = deps.repos.complaints.get(cid).version
    for form, message in (({"drafted_at": "9999-01-01T00:00", "note": PLAN_NOTE}, "年份应在"),
                          ({"drafted_at": "昨天", "note": PLAN_NOTE}, "时间格式不正确"),
                          ({"drafted_at": now_input(clock), "note": ""}, "请填写拆除方案的要点")):
        response = urban.act(cid, "demolition-plan", form)
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert deps.repos.complaints.get(cid).version == version


def test_004_c25_the_forms_need_the_csrf_token(app, deps, clock, inside):
    cid = inside.complaint_id
    officer = signed_in(app, deps, clock, "officer")
    accepted(deps, officer, cid)
    response = officer.act(cid, "demolition-handover", {"handed_over_at": now_input(clock), "decision": DECISION},
                           csrf=False)
    assert response.status_code == 400 and "表单已过期或来源不明" in response.get_data(as_text=True)
    assert deps.repos.complaints.get(cid).demolition is None
    workflow.hand_over_demolition(deps, actor_of(deps, officer), cid, now_input(clock), DECISION, "", clock.now())
    urban = signed_in(app, deps, clock, "officer_urban")
    response = urban.act(cid, "demolition-plan", {"drafted_at": now_input(clock), "note": PLAN_NOTE}, csrf=False)
    assert response.status_code == 400 and "表单已过期或来源不明" in response.get_data(as_text=True)
    assert deps.repos.complaints.get(cid).demolition.plan_at is None


def test_004_c25_the_lead_cannot_conclude_while_the_plan_is_owed(app, deps, clock, inside):
    """The plan clock must not survive the ticket's conclusion and closure: the conclusion is
    refused with the reason until urban management records the plan."""
    cid = inside.complaint_id
    officer = hand_over(app, deps, clock, cid)
    version = deps.repos.complaints.get(cid).version
    response = officer.act(cid, "conclude", MEASURES)
    assert response.status_code == 409, response.status_code
    assert "城管执法局尚未制定强制拆除方案" in response.get_data(as_text=True)
    complaint = deps.repos.complaints.get(cid)
    assert complaint.version == version and complaint.status.value == "accepted"
    urban = signed_in(app, deps, clock, "officer_urban")
    assert urban.act(cid, "demolition-plan", {"drafted_at": now_input(clock), "note": PLAN_NOTE}).status_code == 303
    assert officer.act(cid, "conclude", MEASURES).status_code == 303
    assert 'id="form-demolition-plan"' not in urban.get(f"/staff/tickets/{cid}").get_data(as_text=True)


def test_004_c25_a_backdated_plan_entered_after_the_due_date_is_a_breach(app, deps, clock, inside):
    cid = inside.complaint_id
    handed = now_input(clock)
    hand_over(app, deps, clock, cid)
    clock.advance(days=10)  # past the 3 working days; the sweeper has not run
    urban = signed_in(app, deps, clock, "officer_urban")
    assert urban.act(cid, "demolition-plan", {"drafted_at": handed, "note": PLAN_NOTE}).status_code == 303
    plan = deps.repos.complaints.get(cid).clock(ClockKind.DEMOLITION_PLAN)
    assert plan.met_at is not None and plan.breached_at == plan.due_at
    breaches = [e for e in deps.repos.complaints.history(cid) if e.kind == "breach_recorded"]
    assert [e.data.get("clock") for e in breaches] == ["demolition_plan"]
