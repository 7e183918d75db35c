"""No role can open, list, export or act on a ticket outside its scope. Out of view answers
404, exactly like an id that does not exist (guessed ids, other departments' tickets,
discipline-only tickets for the supervisor); in view but not permitted answers 403; and
nothing changes either way."""

from __future__ import annotations

import csv
import io
import re

import pytest

from portal.domain.access import Action, can
from portal.ids import new_id
from portal.services import workflow
from portal.timeutil import local
from tests.web.staff_support import (
    ROLES, XIAYANG_BUILT_UP, XIAYANG_OUTSIDE, ZHONGCUN, Staff, account, fast_argon2, file, signed_in,  # noqa: F401
)
from tests.web.test_staff_actions import MEASURES, jpeg

#: URL action -> domain action it needs
URL_ACTIONS = {
    "accept": Action.ACCEPT, "decline": Action.DECLINE, "transfer": Action.TRANSFER, "ask-info": Action.ASK_INFO,
    "onsite": Action.ONSITE, "stop-order": Action.STOP_ORDER, "rectified": Action.RECTIFIED,
    "conclude": Action.CONCLUDE, "written-notice": Action.WRITTEN_NOTICE, "reopen": Action.REOPEN,
    "assign": Action.ASSIGN, "merge": Action.CASE, "split": Action.CASE, "mark": Action.CASE,
    "disclosure": Action.DISCLOSURE_REQUEST,
    "demolition-handover": Action.DEMOLITION_HANDOVER, "demolition-plan": Action.DEMOLITION_PLAN,
}

#: which seeded tickets each role sees (written out, not derived)
VISIBLE = {
    "officer": {"nr", "nr_zhongcun", "nr_demolition"},
    "head": {"nr", "nr_zhongcun", "nr_demolition"},
    "officer_housing": {"housing"},
    "officer_urban": {"nr_demolition"},  # 004 C25: handed over to urban management, nothing else
    "township": {"nr", "housing", "township_led", "nr_demolition"},
    "township_other": {"nr_zhongcun"},
    "supervisor": {"nr", "housing", "nr_zhongcun", "township_led", "nr_demolition"},
    "discipline": {"official"},
    "finance": set(),
    "custodian": set(),
    "admin": set(),
    "village_grid": set(),  # not even the ticket filed at its own village's point
    "township_patrol": set(),
    "professional_patrol": set(),
}


@pytest.fixture
def seeded(deps, clock):
    """Six tickets in different scopes, each with an on-site photo; one in the built-up area
    handed over to urban management for forced demolition (004 C25)."""
    tickets = {
        "nr_demolition": file(deps, "c1-no-planning-permit", place=XIAYANG_BUILT_UP),
        "nr": file(deps, "c1-no-planning-permit"),
        "housing": file(deps, "c4-no-work-permit"),
        "nr_zhongcun": file(deps, "c1-no-planning-permit", place=ZHONGCUN),
        "township_led": file(deps, "c8-outdoor-signs", place=XIAYANG_OUTSIDE),
        "official": file(deps, "o1-public-official"),
    }
    workers = {}
    for name, (role, unit) in {"w-nr": ("officer", "natural_resources"), "w-housing": ("officer", "housing"),
                               "w-xiayang": ("township", "xiayang"), "w-dis": ("discipline", "discipline")}.items():
        account(deps, name, role, unit)
        workers[unit] = deps.repos.staff.get(name).actor
    lead_worker = {"nr_demolition": "natural_resources", "nr": "natural_resources", "housing": "housing", "nr_zhongcun": "natural_resources",
                   "township_led": "xiayang", "official": "discipline"}
    for key, result in tickets.items():
        workflow.record_onsite(deps, workers[lead_worker[key]], result.complaint_id,
                               local(clock.now()).strftime("%Y-%m-%dT%H:%M"), "到场核查", [jpeg()], clock.now())
    demolition = tickets["nr_demolition"].complaint_id
    workflow.accept(deps, workers["natural_resources"], demolition, "", clock.now())
    workflow.hand_over_demolition(deps, workers["natural_resources"], demolition,
                                  local(clock.now()).strftime("%Y-%m-%dT%H:%M"), "炎自然罚〔2026〕8号", "", clock.now())
    return {key: r.complaint_id for key, r in tickets.items()}


def valid_form(action: str, other: str) -> dict:
    """Inputs that would pass validation, so that only authorization can refuse them."""
    return {
        "accept": {"note": "受理"}, "decline": {"reason": "out_of_scope", "text": "不属于受理范围"},
        "transfer": {"to": "agriculture", "reason": "移交"}, "ask-info": {"question": "请补充"},
        "onsite": {"arrived_at": "2026-11-23T10:00", "findings": "到场"}, "stop-order": {"note": "停工"},
        "rectified": {"note": "已整改"}, "conclude": MEASURES, "written-notice": {"note": "已书面告知"},
        "reopen": {"reason": "重新办理"}, "assign": {"assignee": "w-nr"}, "merge": {"other": other, "note": "合并"},
        "split": {"note": "拆分"}, "mark": {"kind": "stock", "registered_on": "2022-10-01", "note": "存量"},
        "disclosure": {"reason": "依法需要举报人出庭作证"},
        "demolition-handover": {"handed_over_at": "2026-11-23T10:00", "decision": "炎自然罚〔2026〕8号"},
        "demolition-plan": {"drafted_at": "2026-11-23T10:00", "note": "拆除方案要点"},
    }[action]


def without_token(response) -> str:
    """A page with its CSRF token (signed with the current second) blanked out."""
    return re.sub(r'name="csrf_token" value="[^"]+"', "", response.get_data(as_text=True))


def snapshot(deps, ids):
    return {cid: (deps.repos.complaints.get(cid).version, len(deps.repos.complaints.history(cid))) for cid in ids}


@pytest.mark.parametrize("role", list(ROLES))
def test_no_role_reaches_a_ticket_outside_its_scope(app, deps, clock, seeded, role):
    staff = signed_in(app, deps, clock, role)
    actor = deps.repos.staff.get(staff.account.username).actor
    visible = {seeded[k] for k in VISIBLE[role]}
    hidden = set(seeded.values()) - visible
    before = snapshot(deps, seeded.values())
    not_found = staff.get(f"/staff/tickets/{new_id(clock.now())}")
    assert not_found.status_code == 404

    for cid in hidden:
        case_id = deps.repos.complaints.get(cid).case_id
        page = staff.get(f"/staff/tickets/{cid}")
        assert page.status_code == 404
        assert without_token(page) == without_token(not_found)  # the same answer as an id that does not exist
        assert staff.get(f"/staff/tickets/{cid}/photos/0").status_code == 404
        assert staff.get(f"/staff/tickets/{cid}/audit").status_code == 404
        assert staff.get(f"/staff/cases/{case_id}").status_code == 404
        for action in URL_ACTIONS:
            other = next(iter(visible), cid)
            response = staff.act(cid, action, valid_form(action, other))
            assert response.status_code == 404, (action, response.status_code)

    for cid in visible:
        complaint = deps.repos.complaints.get(cid)
        assert staff.get(f"/staff/tickets/{cid}").status_code == 200
        assert staff.get(f"/staff/tickets/{cid}/photos/0").status_code == 200
        assert staff.get(f"/staff/tickets/{cid}/audit").status_code == (
            200 if can(actor, Action.AUDIT, complaint) else 403)
        for action, needed in URL_ACTIONS.items():
            if can(actor, needed, complaint):
                continue
            response = staff.act(cid, action, valid_form(action, cid))
            assert response.status_code == 403, (action, response.status_code)

    assert snapshot(deps, seeded.values()) == before  # nothing changed anywhere

    queue_kind = role not in ("finance", "custodian", "admin", "village_grid", "township_patrol", "professional_patrol")
    listed = set()
    for bucket in ("active", "done"):
        response = staff.get(f"/staff/queue?bucket={bucket}")
        assert response.status_code == (200 if queue_kind else 403)
        listed |= {cid for cid in seeded.values() if cid in response.get_data(as_text=True)}
    assert listed == visible
    ledger = staff.get("/staff/ledger.csv")
    if queue_kind:
        rows = list(csv.reader(io.StringIO(ledger.data.decode("utf-8-sig"))))[1:]
        assert {r[2] for r in rows} == visible
    else:
        assert ledger.status_code == 403


@pytest.mark.parametrize("guess", [
    "01ARZ3NDEKTSV4RRFFQ69G5FAV",  # a well-formed ULID nobody filed
    "01arz3ndektsv4rrffq69g5fav",
    "../../etc/passwd",
    "01ARZ3NDEKTSV4RRFFQ69G5FA",  # one character short
    "X" * 300,
    "1",
])
def test_guessed_ids_answer_404(app, deps, clock, seeded, guess):
    staff = signed_in(app, deps, clock, "supervisor")
    for path in (f"/staff/tickets/{guess}", f"/staff/tickets/{guess}/photos/0", f"/staff/tickets/{guess}/audit",
                 f"/staff/cases/{guess}"):
        assert staff.get(path).status_code == 404, path
    assert staff.act(guess, "accept", {"note": "x"}).status_code == 404
    assert staff.act(seeded["nr"], "merge", {"other": guess}).status_code == 404


def test_a_case_id_is_not_a_ticket_id_and_a_ticket_id_is_not_a_case_id(app, deps, clock, seeded):
    staff = signed_in(app, deps, clock, "supervisor")
    case_id = deps.repos.complaints.get(seeded["nr"]).case_id
    assert staff.get(f"/staff/tickets/{case_id}").status_code == 404
    assert staff.get(f"/staff/cases/{seeded['nr']}").status_code == 404
    assert staff.get(f"/staff/cases/{case_id}").status_code == 200


def test_000_s2_3_the_supervisor_cannot_reach_a_discipline_only_ticket_by_any_route(app, deps, clock, seeded):
    supervisor = signed_in(app, deps, clock, "supervisor")
    official = seeded["official"]
    case_id = deps.repos.complaints.get(official).case_id
    for path in (f"/staff/tickets/{official}", f"/staff/tickets/{official}/photos/0",
                 f"/staff/tickets/{official}/audit", f"/staff/cases/{case_id}"):
        assert supervisor.get(path).status_code == 404
    assert supervisor.act(seeded["nr"], "merge", {"other": official}).status_code == 404
    for path in ("/staff/queue", "/staff/queue?bucket=done", "/staff/alerts", "/staff/audit", "/staff/ledger.csv"):
        assert official not in supervisor.get(path).get_data(as_text=True)


def test_a_photo_index_past_the_end_is_404(app, deps, clock, seeded):
    staff = signed_in(app, deps, clock, "officer")
    assert staff.get(f"/staff/tickets/{seeded['nr']}/photos/1").status_code == 404
    assert staff.get(f"/staff/tickets/{seeded['nr']}/photos/-1").status_code == 404


def test_signed_out_requests_go_to_the_login_and_change_nothing(app, deps, clock, seeded):
    anonymous = Staff(app, deps, clock, None)
    before = snapshot(deps, seeded.values())
    for path in ("/staff/", "/staff/queue", f"/staff/tickets/{seeded['nr']}", f"/staff/tickets/{seeded['nr']}/photos/0",
                 "/staff/ledger.csv", "/staff/audit", "/staff/admin/accounts", "/staff/password"):
        response = anonymous.get(path)
        assert response.status_code == 303 and response.headers["Location"].endswith("/staff/login"), path
    response = anonymous.act(seeded["nr"], "accept", {"note": "x"}, csrf=False)
    assert response.status_code == 303
    assert snapshot(deps, seeded.values()) == before


@pytest.mark.parametrize("role", [r for r in ROLES if r != "admin"])
def test_only_the_admin_manages_accounts(app, deps, clock, role):
    target = account(deps, "target", "officer", "natural_resources")
    stored = deps.repos.staff.get("target")
    staff = signed_in(app, deps, clock, role)
    assert staff.get("/staff/admin/accounts").status_code == 403
    assert staff.post("/staff/admin/accounts/reset-totp", {"username": target.username}).status_code == 403
    assert staff.post("/staff/admin/accounts/unlock", {"username": target.username}).status_code == 403
    assert deps.repos.staff.get("target").totp_envelope == stored.totp_envelope
    assert all(a["action"] != "totp_reset" for a in deps.repos.audit.recent("430225"))
