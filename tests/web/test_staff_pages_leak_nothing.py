"""The reporter never leaks (004 C20, L17: the reporter's identity is kept confidential).

A database is seeded with complaints that carry phone numbers and known receipts, in every
state; then every staff page, every error page an action can produce, the ledger export,
the photos, and the API's responses are fetched as every role, and their bytes are searched
for each phone (E.164 and national forms, plain, spaced and dashed) and each receipt (plain
and grouped). There must be no hit."""

from __future__ import annotations

import pytest

from portal.domain.access import can_view
from portal.domain.receipts import display
from portal.services import workflow
from portal.services.notifications import commit_complaint
from portal.timeutil import local
from tests.conftest import PUBLIC_URL
from tests.web.staff_support import ROLES, ZHONGCUN, account, fast_argon2, file, signed_in  # noqa: F401
from tests.web.test_staff_actions import MEASURES, jpeg
from tests.web.test_staff_authorization import URL_ACTIONS

PHONES = ["13800138000", "13912345678", "15011112222", "18688889999", "13700001111", "13566667777"]


def phone_forms(national: str) -> list[bytes]:
    spaced = f"{national[:3]} {national[3:7]} {national[7:]}"
    dashed = spaced.replace(" ", "-")
    return [s.encode() for s in (national, "+86" + national, "86" + national, spaced, dashed, "+86 " + spaced)]


def receipt_forms(receipt: str) -> list[bytes]:
    return [receipt.encode(), display(receipt).encode(), display(receipt).replace(" ", "-").encode()]


@pytest.fixture
def seeded(deps, clock):
    """Complaints with phones and receipts in every state the workflow reaches."""
    nr = account(deps, "seed-nr", "officer", "natural_resources")
    dis = account(deps, "seed-dis", "discipline", "discipline")
    actor = deps.repos.staff.get(nr.username).actor
    dis_actor = deps.repos.staff.get(dis.username).actor
    now = clock.now
    filed = [file(deps, phone=p, place=ZHONGCUN if i % 2 else ("26.460", "113.850"),
                  category="o1-public-official" if i == 5 else "c1-no-planning-permit") for i, p in enumerate(PHONES)]
    for result in filed:  # every reporter verified the phone, so every notice goes out by SMS
        complaint = deps.repos.complaints.get(result.complaint_id)
        complaint.verify_contact(now())
        commit_complaint(deps, complaint, now())
    ids = [r.complaint_id for r in filed]
    workflow.accept(deps, actor, ids[1], "受理", now())  # accepted
    workflow.decline(deps, actor, ids[2], "out_of_scope", "不属于受理范围", now())  # declined
    workflow.accept(deps, actor, ids[3], "", now())
    workflow.record_onsite(deps, actor, ids[3], local(now()).strftime("%Y-%m-%dT%H:%M"), "到场", [jpeg()], now())
    workflow.conclude(deps, actor, ids[3], "substantiated", "已拆除", MEASURES, now())  # SMS delivered: closed
    workflow.ask_information(deps, actor, ids[4], "请补充位置", now())
    from portal.services import reporter

    reporter.reply(deps, deps.repos.complaints.get(ids[4]), "在公路东侧", "client", now())
    workflow.accept(deps, actor, ids[4], "", now())
    workflow.conclude(deps, actor, ids[4], "not_substantiated", "不属实", {}, now())
    assert {deps.repos.complaints.get(i).status.value for i in ids[3:5]} == {"closed"}
    quiet = file(deps, description="没有留电话的举报。")  # no phone: concluded until told in writing
    workflow.accept(deps, actor, quiet.complaint_id, "", now())
    workflow.conclude(deps, actor, quiet.complaint_id, "partly", "部分属实", {}, now())
    filed.append(quiet)
    workflow.accept(deps, dis_actor, ids[5], "纪委受理", now())  # discipline-only
    from portal.services import cases

    cases.merge(deps, actor, ids[0], ids[1], "同一处", now())  # a merged case
    from portal.services import disclosure

    account(deps, "seed-cus", "custodian", "leading_group_office")
    disclosure.request(deps, actor, ids[0], "法院要求举报人出庭作证", now())  # waiting for the custodian
    deps.store.write([deps.repos.alerts.op("430225", unit, "breach", "acceptance", ids[0], now(), now())
                      for unit in ("natural_resources", "leading_group_office", "xiayang", "zhongcun")])
    return [(r.complaint_id, r.receipt) for r in filed]


def fetch_everything(staff, deps, ids) -> list[tuple[str, bytes]]:
    pages = []

    def get(path):
        response = staff.get(path)
        pages.append((f"GET {path} {response.status_code}", response.data))

    def post(path, data):
        response = staff.post(path, data)
        pages.append((f"POST {path} {response.status_code}", response.data))

    for path in ("/staff/", "/staff/queue", "/staff/queue?bucket=done", "/staff/queue?overdue=1",
                 "/staff/queue?status=received&township=zhongcun", "/staff/alerts", "/staff/ledger.csv", "/staff/audit",
                 "/staff/admin/accounts", "/staff/password", "/staff/disclosures", "/staff/no-such-page",
                 "/staff/oversight", "/staff/oversight?kind=half", "/staff/oversight?kind=quarter",
                 "/staff/oversight.csv?kind=year"):
        get(path)
    for cid in ids:
        complaint = deps.repos.complaints.get(cid)
        get(f"/staff/tickets/{cid}")
        for n in range(len(complaint.evidence) + 1):
            get(f"/staff/tickets/{cid}/photos/{n}")
        get(f"/staff/tickets/{cid}/audit")
        get(f"/staff/cases/{complaint.case_id}")
        for action in URL_ACTIONS:  # invalid input: the page re-renders with the error
            post(f"/staff/tickets/{cid}/{action}", {"reason": "", "note": "x" * 3000, "other": cid, "kind": "?"})
        post(f"/staff/disclosures/{cid}/1/approve", {"reason": ""})
        post(f"/staff/tickets/{cid}/disclosures/1/view", {})
    post("/staff/oversight/review", {})
    get("/staff/oversight?kind=month")
    post("/staff/password", {"current": "wrong", "code": "000000", "password": "x", "confirm": "y"})
    post("/staff/admin/accounts/reset-totp", {"username": "seed-nr"})
    return pages


@pytest.mark.parametrize("role", list(ROLES))
def test_no_staff_page_export_or_photo_contains_a_phone_or_a_receipt(app, deps, clock, seeded, role):
    staff = signed_in(app, deps, clock, role)
    pages = fetch_everything(staff, deps, [cid for cid, _ in seeded])
    pages.append(("login page", staff.client.get("/staff/login", base_url=PUBLIC_URL).data))
    needles = [n for p in PHONES for n in phone_forms(p)] + [n for _, r in seeded for n in receipt_forms(r)]
    hits = [(where, needle) for where, body in pages for needle in needles if needle in body]
    assert hits == []
    # the pages really rendered: every ticket in the role's view, and the pages every role has
    actor = deps.repos.staff.get(staff.account.username).actor
    in_view = [cid for cid, _ in seeded if can_view(actor, deps.repos.complaints.get(cid))]
    rendered = {where for where, _ in pages}
    assert {f"GET /staff/tickets/{cid} 200" for cid in in_view} <= rendered
    assert "GET /staff/password 200" in rendered
    assert ("GET /staff/disclosures 200" in rendered) == (role == "custodian")
    assert ("GET /staff/oversight?kind=half 200" in rendered) == (role in ("supervisor", "discipline"))
    if role in ("officer", "supervisor", "discipline", "township"):
        assert in_view


def test_no_api_response_contains_a_phone_or_a_receipt(client, deps, seeded):
    bodies = []
    for path in ("/api/v1/catalog", "/api/v1/map", "/api/v1/places?lat=26.46&lng=113.85", "/api/v1/openapi.json"):
        bodies.append(client.get(path, base_url=PUBLIC_URL).data)
    for _, receipt in seeded:
        bodies.append(client.post("/api/v1/status", base_url=PUBLIC_URL, json={"receipt": receipt}).data)
    assert all(b'"status"' in b for b in bodies[-len(seeded):])
    needles = [n for p in PHONES for n in phone_forms(p)] + [n for _, r in seeded for n in receipt_forms(r)]
    assert [n for b in bodies for n in needles if n in b] == []


def test_the_store_holds_no_phone_or_receipt_in_clear(deps, seeded):
    """Belt and braces: the database file itself (phones are envelopes, receipts keyed hashes)."""
    data = deps.settings.sqlite_file.read_bytes()
    for wal in deps.settings.sqlite_file.parent.glob("*-wal"):
        data += wal.read_bytes()
    needles = [n for p in PHONES for n in phone_forms(p)] + [n for _, r in seeded for n in receipt_forms(r)]
    assert [n for n in needles if n in data] == []
