"""Identity disclosure for the rare lawful case: an officer handling the ticket asks with a
reason, a custodian (another person) approves or denies with a reason, and only then, only
the officer who asked, and only for a short window, reads the phone. No custodian, no
disclosure; nothing approves by itself or by time. Every step is audited and the reporter
reads it on the status page (004 C20, L17: the reporter's identity is kept confidential)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from portal.domain.access import Actor, Role
from portal.domain.disclosure import APPROVAL_VALID, VIEW_WINDOW, DisclosureRequest, DisclosureStatus
from portal.domain.errors import Conflict, DomainError, Forbidden, NotFound
from portal.services import audit, disclosure, reporter, staff_accounts, sweeper, workflow
from portal.services.disclosure import NO_CUSTODIAN, NOTHING_TO_DISCLOSE
from tests.services.helpers import file, reload
from tests.web.staff_support import account, fast_argon2  # noqa: F401

PHONE = "13800138000"
REASON = "当事人不服处罚提起行政诉讼，法院通知需要举报人出庭作证"


def actor(deps, username, role, unit) -> Actor:
    return deps.repos.staff.get(account(deps, username, role, unit).username).actor


@pytest.fixture
def people(deps):
    return {
        "officer": actor(deps, "nr-officer", "officer", "natural_resources"),
        "colleague": actor(deps, "nr-colleague", "officer", "natural_resources"),
        "supervisor": actor(deps, "lg-super", "supervisor", "leading_group_office"),
        "discipline": actor(deps, "dis-officer", "discipline", "discipline"),
        "custodian": actor(deps, "lg-custodian", "custodian", "leading_group_office"),
    }


def events(deps, complaint_id, prefix="disclosure_"):
    return [e for e in deps.repos.complaints.history(complaint_id) if e.kind.startswith(prefix)]


def audit_actions(deps, complaint_id):
    return sorted(row["action"] for row in deps.repos.audit.for_complaint(complaint_id)
                  if row["action"].startswith("disclosure_"))


def reporter_lines(deps, receipt, now):
    complaint, _ = reporter.find_by_receipt(deps, receipt, "client", now)
    view = reporter.view(deps, complaint, now)
    return view.extras["disclosure"].lines if "disclosure" in view.extras else [], [h.text for h in view.history]


def test_request_then_approval_lets_the_officer_read_the_phone_within_a_short_window(deps, clock, people):
    complaint, receipt = file(deps, phone=PHONE, verify=True)
    officer, custodian = people["officer"], people["custodian"]

    made = disclosure.request(deps, officer, complaint.id, REASON, clock.now())
    assert (made.n, made.status, made.requested_by) == (1, DisclosureStatus.PENDING, "nr-officer")
    [pending] = disclosure.pending(deps, custodian)
    assert pending.request.reason == REASON and pending.category_title and pending.lead_name == "县自然资源局"
    with pytest.raises(Conflict):  # the request is still waiting: the phone stays shut
        disclosure.reveal(deps, officer, complaint.id, 1, clock.now())
    lines, history = reporter_lines(deps, receipt, clock.now())
    assert [(l.status, l.reason, l.unit_name) for l in lines] == [(DisclosureStatus.PENDING, REASON, "县自然资源局")]
    assert "%(unit)s的工作人员因“%(reason)s”申请查看您的联系方式，需经身份信息保管人批准。" in history

    approved_at = clock.advance(hours=1)
    disclosure.decide(deps, custodian, complaint.id, 1, True, "法院通知属实，依法批准", approved_at)
    assert disclosure.pending(deps, custodian) == []

    seen_at = clock.advance(hours=5)
    shown = disclosure.reveal(deps, officer, complaint.id, 1, seen_at)
    assert shown.phone == "138 0013 8000" and shown.verified
    assert shown.readable_until == seen_at + VIEW_WINDOW
    disclosure.reveal(deps, officer, complaint.id, 1, seen_at + VIEW_WINDOW)  # a reload inside the window
    with pytest.raises(Conflict):
        disclosure.reveal(deps, officer, complaint.id, 1, seen_at + VIEW_WINDOW + timedelta(seconds=1))

    assert [e.kind for e in events(deps, complaint.id)] == [
        "disclosure_requested", "disclosure_approved", "disclosure_viewed", "disclosure_viewed"]
    assert [e.actor for e in events(deps, complaint.id)] == ["nr-officer", "lg-custodian", "nr-officer", "nr-officer"]
    assert audit_actions(deps, complaint.id) == sorted(
        ["disclosure_request", "disclosure_approve", "disclosure_view", "disclosure_view"])
    lines, history = reporter_lines(deps, receipt, clock.now())
    assert [(l.status, l.decision_reason, l.views) for l in lines] == [
        (DisclosureStatus.APPROVED, "法院通知属实，依法批准", 2)]
    assert "经批准，%(unit)s的工作人员查看了您的联系方式。" in history
    # the window is spent: a new need is a new request
    clock.set(seen_at + VIEW_WINDOW + timedelta(seconds=1))
    assert disclosure.request(deps, officer, complaint.id, "再次核实证人身份需要", clock.now()).n == 2


def test_a_denial_keeps_the_phone_shut_and_the_reporter_reads_why(deps, clock, people):
    complaint, receipt = file(deps, phone=PHONE, verify=True)
    officer, custodian = people["officer"], people["custodian"]
    disclosure.request(deps, officer, complaint.id, REASON, clock.now())
    with pytest.raises(Conflict):  # one open request at a time
        disclosure.request(deps, officer, complaint.id, REASON, clock.now())
    disclosure.decide(deps, custodian, complaint.id, 1, False, "不属于法定需要，可通过书面方式联系", clock.now())
    with pytest.raises(Conflict):
        disclosure.decide(deps, custodian, complaint.id, 1, True, "改为批准", clock.now())  # decided once
    with pytest.raises(Conflict) as refused:
        disclosure.reveal(deps, officer, complaint.id, 1, clock.now())
    assert "拒绝" in refused.value.message
    lines, history = reporter_lines(deps, receipt, clock.now())
    assert [(l.status, l.decision_reason) for l in lines] == [(DisclosureStatus.DENIED, "不属于法定需要，可通过书面方式联系")]
    assert "身份信息保管人已拒绝查看您联系方式的申请，理由：%(reason)s" in history
    assert audit_actions(deps, complaint.id) == ["disclosure_deny", "disclosure_request"]
    assert [e.kind for e in events(deps, complaint.id)] == ["disclosure_requested", "disclosure_denied"]


def test_without_a_custodian_account_there_is_no_disclosure(deps, clock):
    officer = actor(deps, "nr-officer", "officer", "natural_resources")
    complaint, _ = file(deps, phone=PHONE, verify=True)
    with pytest.raises(Conflict) as refused:
        disclosure.request(deps, officer, complaint.id, REASON, clock.now())
    assert refused.value.message == NO_CUSTODIAN
    assert deps.repos.disclosures.for_complaint(complaint.id) == [] and events(deps, complaint.id) == []
    assert disclosure.for_ticket(deps, officer, complaint, clock.now()).custodian_exists is False


def test_nothing_approves_a_request_by_itself_or_by_time(deps, clock, people):
    complaint, _ = file(deps, phone=PHONE, verify=True)
    disclosure.request(deps, people["officer"], complaint.id, REASON, clock.now())
    for _ in range(4):
        clock.advance(days=100)
        sweeper.sweep(deps, clock.now())
        with pytest.raises(Conflict):
            disclosure.reveal(deps, people["officer"], complaint.id, 1, clock.now())
    [still] = deps.repos.disclosures.for_complaint(complaint.id)
    assert still.status == DisclosureStatus.PENDING and still.views == []
    assert [e.kind for e in events(deps, complaint.id)] == ["disclosure_requested"]


def test_only_the_tickets_handlers_may_request(deps, clock, people):
    complaint, _ = file(deps, phone=PHONE, verify=True)
    township = actor(deps, "ly-team", "township", "longxi")  # co-handles the on-site check only
    housing = actor(deps, "hs-officer", "officer", "housing")
    with pytest.raises(Forbidden):
        disclosure.request(deps, people["supervisor"], complaint.id, REASON, clock.now())
    with pytest.raises(Forbidden):
        disclosure.request(deps, township, complaint.id, REASON, clock.now())
    for outsider in (housing, people["custodian"], people["discipline"]):
        with pytest.raises(NotFound):
            disclosure.request(deps, outsider, complaint.id, REASON, clock.now())
    assert deps.repos.disclosures.for_complaint(complaint.id) == []


def test_on_a_discipline_only_ticket_only_the_discipline_commission_may_request(deps, clock, people):
    complaint, _ = file(deps, category="o1-public-official", phone=PHONE, verify=True)
    assert complaint.discipline_only
    for other in ("officer", "supervisor"):
        with pytest.raises(NotFound):
            disclosure.request(deps, people[other], complaint.id, REASON, clock.now())
    disclosure.request(deps, people["discipline"], complaint.id, "需要举报人配合说明村干部参与分成的经过", clock.now())
    [line] = disclosure.pending(deps, people["custodian"])
    # the custodian decides without learning what the report is about (000 §2(3))
    assert (line.category_title, line.lead_name, line.received_at) == (None, None, None)
    disclosure.decide(deps, people["custodian"], complaint.id, 1, True, "依法批准", clock.now())
    assert disclosure.reveal(deps, people["discipline"], complaint.id, 1, clock.now()).phone == "138 0013 8000"


def test_only_a_custodian_decides_and_only_the_requester_reads(deps, clock, people):
    complaint, _ = file(deps, phone=PHONE, verify=True)
    disclosure.request(deps, people["officer"], complaint.id, REASON, clock.now())
    for who in ("officer", "colleague", "supervisor", "discipline"):
        with pytest.raises(Forbidden):
            disclosure.decide(deps, people[who], complaint.id, 1, True, "批准", clock.now())
    with pytest.raises(DomainError) as blank:
        disclosure.decide(deps, people["custodian"], complaint.id, 1, True, "  ", clock.now())
    assert blank.value.field == "decision_reason"
    with pytest.raises(NotFound):
        disclosure.decide(deps, people["custodian"], complaint.id, 9, True, "批准此项申请", clock.now())
    disclosure.decide(deps, people["custodian"], complaint.id, 1, True, "依法批准", clock.now())
    with pytest.raises(Forbidden):  # same department, same role, but not the person who asked
        disclosure.reveal(deps, people["colleague"], complaint.id, 1, clock.now())
    with pytest.raises(Forbidden):
        disclosure.reveal(deps, people["supervisor"], complaint.id, 1, clock.now())
    assert deps.repos.disclosures.get(complaint.id, 1).views == []


def test_the_requester_can_never_decide_their_own_request():
    now = datetime(2026, 11, 23, tzinfo=timezone.utc)
    officer = Actor("li.si", Role.OFFICER, "natural_resources", "430225")
    request = DisclosureRequest.open(complaint_id="01X", n=1, county="430225", actor=officer, reason=REASON, now=now)
    with pytest.raises(Forbidden):  # one person holding a second, custodian account
        request.decide(now, Actor("li.si", Role.CUSTODIAN, "leading_group_office", "430225"), True, "批准")
    with pytest.raises(Forbidden):
        request.decide(now, Actor("wang.wu", Role.CUSTODIAN, "leading_group_office", "999999"), True, "批准")
    assert request.status == DisclosureStatus.PENDING


def test_a_ticket_without_a_phone_has_nothing_to_disclose(deps, clock, people):
    complaint, _ = file(deps)
    with pytest.raises(Conflict) as refused:
        disclosure.request(deps, people["officer"], complaint.id, REASON, clock.now())
    assert refused.value.message == NOTHING_TO_DISCLOSE
    assert disclosure.for_ticket(deps, people["officer"], complaint, clock.now()).has_phone is False


def test_an_approval_left_unused_expires(deps, clock, people):
    complaint, _ = file(deps, phone=PHONE, verify=True)
    disclosure.request(deps, people["officer"], complaint.id, REASON, clock.now())
    disclosure.decide(deps, people["custodian"], complaint.id, 1, True, "依法批准", clock.now())
    clock.advance(seconds=APPROVAL_VALID.total_seconds() + 1)
    with pytest.raises(Conflict):
        disclosure.reveal(deps, people["officer"], complaint.id, 1, clock.now())
    assert disclosure.request(deps, people["officer"], complaint.id, REASON, clock.now()).n == 2


def test_a_phone_purged_by_retention_cannot_be_disclosed(deps, clock, people):
    complaint, _ = file(deps, phone=PHONE, verify=True)
    disclosure.request(deps, people["officer"], complaint.id, REASON, clock.now())
    workflow.decline(deps, people["officer"], complaint.id, "already_handled", "已依法处理。", clock.now())
    clock.set(reload(deps, complaint).purge_at)
    assert sweeper.sweep(deps, clock.now()).purged == 1
    disclosure.decide(deps, people["custodian"], complaint.id, 1, True, "依法批准", clock.now())  # a year late
    with pytest.raises(Conflict) as refused:
        disclosure.reveal(deps, people["officer"], complaint.id, 1, clock.now())
    assert refused.value.message == NOTHING_TO_DISCLOSE
    assert [e.kind for e in events(deps, complaint.id)] == ["disclosure_requested", "disclosure_approved"]


def test_the_audit_trail_names_each_step(deps, clock, people):
    complaint, _ = file(deps, phone=PHONE, verify=True)
    disclosure.request(deps, people["officer"], complaint.id, REASON, clock.now())
    disclosure.decide(deps, people["custodian"], complaint.id, 1, True, "依法批准", clock.now())
    disclosure.reveal(deps, people["officer"], complaint.id, 1, clock.now())
    _, lines = audit.for_ticket(deps, people["supervisor"], complaint.id, clock.now())
    steps = [(line.actor, line.action, line.detail) for line in lines if line.action.startswith("disclosure_")]
    assert sorted(steps) == sorted([("nr-officer", "disclosure_request", {"request": 1}),
                                    ("lg-custodian", "disclosure_approve", {"request": 1}),
                                    ("nr-officer", "disclosure_view", {"request": 1})])
    assert all(audit.ACTION_TITLES.get(action) for _, action, _ in steps)


# --- review staff #8: a request belongs to the unit that handled the ticket when it asked ----------
def test_a_transfer_withdraws_open_requests_so_they_neither_block_the_new_unit_nor_revive(deps, clock, people):
    """The review's steps: NR asks; the ticket moves to housing; housing's own request was refused
    as already open; the custodian approved the old one; back at NR, the officer read the phone."""
    complaint, receipt = file(deps, phone=PHONE, verify=True)
    officer, custodian = people["officer"], people["custodian"]
    housing = actor(deps, "hs-officer", "officer", "housing")
    disclosure.request(deps, officer, complaint.id, REASON, clock.now())
    clock.advance(minutes=5)
    workflow.transfer(deps, officer, complaint.id, "housing", "属于住建部门职责", clock.now())

    [withdrawn] = deps.repos.disclosures.for_complaint(complaint.id)
    assert withdrawn.status == DisclosureStatus.WITHDRAWN and withdrawn.withdrawn_at == clock.now()
    assert [e.kind for e in events(deps, complaint.id)] == ["disclosure_requested", "disclosure_withdrawn"]
    rows = [r for r in deps.repos.audit.for_complaint(complaint.id) if r["action"] == "disclosure_withdraw"]
    assert [(r["actor"], r["detail"]) for r in rows] == [("nr-officer", {"request": 1, "why": "transferred"})]
    assert audit.ACTION_TITLES["disclosure_withdraw"]
    assert disclosure.pending(deps, custodian) == []
    with pytest.raises(Conflict):
        disclosure.decide(deps, custodian, complaint.id, 1, True, "依法批准", clock.now())

    # the new lead unit asks for itself, and the custodian decides that request
    ours = disclosure.request(deps, housing, complaint.id, "需要举报人指认违建具体位置", clock.now())
    assert ours.n == 2 and [line.request.n for line in disclosure.pending(deps, custodian)] == [2]
    disclosure.decide(deps, custodian, complaint.id, 2, True, "依法批准", clock.now())
    # housing hands it back: its approval is withdrawn too, and NR's old request stays dead
    clock.advance(minutes=5)
    workflow.transfer(deps, housing, complaint.id, "natural_resources", "经核实属于自然资源部门职责", clock.now())
    for n, who in ((1, officer), (2, housing)):
        with pytest.raises((Conflict, NotFound)):
            disclosure.reveal(deps, who, complaint.id, n, clock.now())
    assert all(r.status == DisclosureStatus.WITHDRAWN for r in deps.repos.disclosures.for_complaint(complaint.id))
    lines, history = reporter_lines(deps, receipt, clock.now())
    assert [line.status for line in lines] == [DisclosureStatus.WITHDRAWN] * 2
    assert "举报已移交其他单位办理，此前查看您联系方式的申请已撤销。" in history


def test_a_request_whose_requester_no_longer_handles_the_ticket_is_withdrawn_not_decided(deps, clock, people,
                                                                                       monkeypatch):
    """Requests left over from before transfers withdrew them, and requesters deactivated since:
    the custodian's decision checks again that the requester may still ask, and the reading
    checks that the ticket was not transferred since the request."""
    officer, custodian = people["officer"], people["custodian"]
    # a pending request from before: the transfer did not withdraw it
    complaint, _ = file(deps, phone=PHONE, verify=True)
    disclosure.request(deps, officer, complaint.id, REASON, clock.now())
    with monkeypatch.context() as old_code:
        old_code.setattr(disclosure, "withdraw_ops", lambda *a: [])
        workflow.transfer(deps, officer, complaint.id, "housing", "属于住建部门职责", clock.now())
    assert deps.repos.disclosures.get(complaint.id, 1).status == DisclosureStatus.PENDING
    with pytest.raises(Conflict) as refused:
        disclosure.decide(deps, custodian, complaint.id, 1, True, "依法批准", clock.now())
    assert refused.value.message == disclosure.REQUESTER_GONE
    assert deps.repos.disclosures.get(complaint.id, 1).status == DisclosureStatus.WITHDRAWN
    assert events(deps, complaint.id)[-1].kind == "disclosure_withdrawn"
    assert any(r["action"] == "disclosure_withdraw" and r["actor"] == "lg-custodian"
               for r in deps.repos.audit.for_complaint(complaint.id))

    # an approval from before, on a ticket that went away and came back
    second, _ = file(deps, phone=PHONE, verify=True)
    housing = actor(deps, "hs-officer", "officer", "housing")
    disclosure.request(deps, officer, second.id, REASON, clock.now())
    disclosure.decide(deps, custodian, second.id, 1, True, "依法批准", clock.now())
    with monkeypatch.context() as old_code:
        old_code.setattr(disclosure, "withdraw_ops", lambda *a: [])
        workflow.transfer(deps, officer, second.id, "housing", "属于住建部门职责", clock.now())
        workflow.transfer(deps, housing, second.id, "natural_resources", "退回", clock.now())
    with pytest.raises(Conflict) as refused:
        disclosure.reveal(deps, officer, second.id, 1, clock.now())
    assert refused.value.message == disclosure.TRANSFERRED_SINCE

    # the requester's account was deactivated while the request waited
    third, _ = file(deps, phone=PHONE, verify=True)
    disclosure.request(deps, people["colleague"], third.id, REASON, clock.now())
    staff_accounts.deactivate(deps, "nr-colleague", clock.now())
    with pytest.raises(Conflict):
        disclosure.decide(deps, custodian, third.id, 1, True, "依法批准", clock.now())
    assert deps.repos.disclosures.get(third.id, 1).status == DisclosureStatus.WITHDRAWN
