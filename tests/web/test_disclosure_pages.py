"""Identity disclosure through the staff pages and the reporter's status page: the officer
asks on the ticket page, the custodian decides on the requests page, the officer reads the
phone on its own page, and the reporter reads every step in plain Chinese."""

from __future__ import annotations

import re

import pytest

from portal.services import filing_tokens, intake
from tests.conftest import PUBLIC_URL
from tests.services.helpers import last_code
from tests.web.staff_support import ROLES, XIAYANG_OUTSIDE, fast_argon2, signed_in  # noqa: F401
from portal.services import verification

PHONE = "13800138000"
REASON = "当事人提起行政诉讼，法院要求举报人出庭作证"


def file_with_phone(deps, phone=PHONE):
    county = deps.counties.default
    now = deps.clock.now()
    result = intake.file_complaint(deps, county, intake.FilingInput(
        token=filing_tokens.issue(deps, now), category="c1-no-planning-permit",
        description="有人在农田里违法建房，已经砌到二层。", lat=XIAYANG_OUTSIDE[0], lng=XIAYANG_OUTSIDE[1],
        phone=phone), "test-client", now)
    complaint = deps.repos.complaints.get(result.complaint_id)
    verification.confirm(deps, complaint, last_code(deps, complaint.id), now)
    return result.complaint_id, result.receipt


def status_page(client, receipt) -> str:
    response = client.post("/status", data={"receipt": receipt}, base_url=PUBLIC_URL)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def text(response) -> str:
    return response.get_data(as_text=True)


def test_request_approve_and_read_through_the_pages(app, deps, clock, client):
    complaint_id, receipt = file_with_phone(deps)
    officer = signed_in(app, deps, clock, "officer")
    custodian = signed_in(app, deps, clock, "custodian")

    page = text(officer.get(f"/staff/tickets/{complaint_id}"))
    assert 'id="form-disclosure"' in page and PHONE not in page
    done = officer.act(complaint_id, "disclosure", {"reason": REASON})
    assert done.status_code == 303
    page = text(officer.get(f"/staff/tickets/{complaint_id}"))
    assert "等待保管人审批" in page and 'id="form-disclosure"' not in page
    assert "有工作人员（县自然资源局）因“" + REASON + "”申请查看您的联系方式；保管人尚未审批。" in status_page(client, receipt)

    home = custodian.get("/staff/")
    assert home.status_code == 303 and home.headers["Location"].endswith("/staff/disclosures")
    listing = text(custodian.get("/staff/disclosures"))
    assert REASON in listing and "县自然资源局" in listing and PHONE not in listing
    assert custodian.post(f"/staff/disclosures/{complaint_id}/1/approve", {"reason": ""}).status_code == 400
    approved = custodian.post(f"/staff/disclosures/{complaint_id}/1/approve", {"reason": "法院通知属实，依法批准"})
    assert approved.status_code == 303
    assert 'id="no-pending"' in text(custodian.get("/staff/disclosures"))

    page = text(officer.get(f"/staff/tickets/{complaint_id}"))
    assert 'id="form-disclosure-view-1"' in page and PHONE not in page
    shown = officer.post(f"/staff/tickets/{complaint_id}/disclosures/1/view")
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"
    assert re.search(r'id="disclosed-phone">138 0013 8000<', text(shown))

    reporter_page = status_page(client, receipt)
    assert "保管人已批准（法院通知属实，依法批准）。工作人员已查看1次。" in reporter_page
    assert "经批准，县自然资源局的工作人员查看了您的联系方式。" in reporter_page


def test_a_denied_request_through_the_pages(app, deps, clock, client):
    complaint_id, receipt = file_with_phone(deps)
    officer = signed_in(app, deps, clock, "officer")
    custodian = signed_in(app, deps, clock, "custodian")
    officer.act(complaint_id, "disclosure", {"reason": REASON})
    denied = custodian.post(f"/staff/disclosures/{complaint_id}/1/deny", {"reason": "可以通过书面方式联系举报人"})
    assert denied.status_code == 303
    page = text(officer.get(f"/staff/tickets/{complaint_id}"))
    assert "保管人已拒绝" in page and 'id="form-disclosure-view-1"' not in page
    refused = officer.post(f"/staff/tickets/{complaint_id}/disclosures/1/view")
    assert refused.status_code == 303  # back to the ticket, with the reason it was refused
    assert "已被保管人拒绝" in text(officer.get(f"/staff/tickets/{complaint_id}")) and PHONE not in text(refused)
    assert "保管人已拒绝（可以通过书面方式联系举报人），工作人员看不到您的联系方式。" in status_page(client, receipt)


def test_without_a_custodian_the_ticket_page_says_so_and_a_request_is_refused(app, deps, clock):
    complaint_id, _ = file_with_phone(deps)
    officer = signed_in(app, deps, clock, "officer")
    page = text(officer.get(f"/staff/tickets/{complaint_id}"))
    assert 'id="disclosure-no-custodian"' in page and 'id="form-disclosure"' not in page
    refused = officer.act(complaint_id, "disclosure", {"reason": REASON})
    assert refused.status_code == 409 and "还没有身份信息保管人账号" in text(refused)
    assert deps.repos.disclosures.for_complaint(complaint_id) == []


def test_a_ticket_without_a_phone_says_there_is_nothing_to_disclose(app, deps, clock):
    signed_in(app, deps, clock, "custodian")
    county = deps.counties.default
    result = intake.file_complaint(deps, county, intake.FilingInput(
        token=filing_tokens.issue(deps, clock.now()), category="c1-no-planning-permit",
        description="有人在农田里违法建房，已经砌到二层。", lat=XIAYANG_OUTSIDE[0], lng=XIAYANG_OUTSIDE[1]),
        "test-client", clock.now())
    officer = signed_in(app, deps, clock, "officer")
    assert 'id="disclosure-nothing"' in text(officer.get(f"/staff/tickets/{result.complaint_id}"))


@pytest.mark.parametrize("role", [r for r in ROLES if r != "custodian"])
def test_only_custodians_see_the_requests_page_or_decide(app, deps, clock, role):
    complaint_id, _ = file_with_phone(deps)
    signed_in(app, deps, clock, "custodian")
    signed_in(app, deps, clock, "officer", username="asker").act(complaint_id, "disclosure", {"reason": REASON})
    staff = signed_in(app, deps, clock, role)
    assert staff.get("/staff/disclosures").status_code == 403
    assert staff.post(f"/staff/disclosures/{complaint_id}/1/approve", {"reason": "批准此项申请"}).status_code == 403
    assert deps.repos.disclosures.get(complaint_id, 1).status.value == "pending"


def test_markup_in_a_reason_is_shown_inert_everywhere(app, deps, clock, client):
    complaint_id, receipt = file_with_phone(deps)
    officer = signed_in(app, deps, clock, "officer")
    custodian = signed_in(app, deps, clock, "custodian")
    hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    officer.act(complaint_id, "disclosure", {"reason": "需要作证 " + hostile})
    for page in (text(custodian.get("/staff/disclosures")), text(officer.get(f"/staff/tickets/{complaint_id}")),
                 status_page(client, receipt)):
        assert hostile not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
