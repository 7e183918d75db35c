"""English on request: ``?lang=en`` turns every page's own text (the template chrome and the
messages of the code) into English and a ``lang`` cookie keeps the choice; Chinese stays the
default. County data (names, category titles and examples, directory entries) is not
translated and is taken out before a page is searched for Chinese."""

from __future__ import annotations

import dataclasses
import html
import re

import pytest

from portal.services import cases
from tests.conftest import PUBLIC_URL, form_token, receipt_from
from tests.services import helpers
from tests.web.staff_support import fast_argon2, file, signed_in  # noqa: F401
from tests.web.test_staff_actions import MEASURES

#: Chinese characters and CJK / full-width punctuation
CHINESE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")
#: the link back to Chinese is named in Chinese on purpose
TO_CHINESE = '<a href="?lang=zh_CN">中文</a>'


def _county_texts(value) -> set[str]:
    if isinstance(value, str):
        return {value} if CHINESE.search(value) else set()
    if dataclasses.is_dataclass(value):
        return set().union(*(_county_texts(getattr(value, f.name)) for f in dataclasses.fields(value)))
    if isinstance(value, (tuple, list)):
        return set().union(set(), *map(_county_texts, value))
    if isinstance(value, dict):
        return set().union(set(), *map(_county_texts, value.values()))
    return set()


def assert_no_chinese_chrome(page: str, county, *data: str) -> None:
    """No Chinese is left on a page once the county's data (and ``data``, text a person wrote)
    is taken out; a failure quotes each leftover with a little context."""
    text = html.unescape(page.replace(TO_CHINESE, ""))
    for value in sorted(_county_texts(county) | set(data), key=len, reverse=True):
        text = text.replace(value, "\0")
    leftovers = [text[max(m.start() - 40, 0):m.end() + 40] for m in CHINESE.finditer(text)]
    assert not leftovers, "untranslated text on an English page:\n" + "\n---\n".join(leftovers)


@pytest.mark.parametrize("path, status, expected", [
    ("/", 200, ["Make a report", "Our promises", "We decide within 3 working days whether to accept your report",
                "Illegal construction", "Where to report"]),
    ("/report", 200, ["What are you reporting?", "What did you see?", "Where is it?", "Submit report",
                      'data-chosen="The map has moved here. Tap the map to mark the exact place."', 'data-example-label="For example: "']),
    ("/status", 200, ["Check the progress of your report", "16-digit receipt number"]),
    ("/staff/login", 200, ["Staff sign-in", "Username", "Password", "Next"]),
    ("/no-such-page", 404, ["Something went wrong", "This page does not exist.", "Back to the home page"]),
])
def test_pages_are_english_on_request(client, county, path, status, expected):
    response = client.get(f"{path}?lang=en")
    assert response.status_code == status
    page = response.text
    assert '<html lang="en">' in page
    for text in expected:
        assert text in page
    assert_no_chinese_chrome(page, county)
    assert county.name in page  # county data stays as the county file has it


def test_errors_of_the_code_are_english(client, county):
    client.get("/?lang=en")
    filing = client.post("/report", data={"token": form_token(client.get("/report").text), "description": "x"})
    assert filing.status_code == 400
    assert "Please choose the type of problem you are reporting." in filing.text
    assert "Please describe what you saw (at least" in filing.text
    assert_no_chinese_chrome(filing.text, county, "x")
    lookup = client.post("/status", data={"receipt": "1111 2222 3333 4444"})
    assert "That receipt number is not right." in lookup.text
    assert_no_chinese_chrome(lookup.text, county)


def test_a_report_filed_in_english_is_followed_in_english(client, county):
    client.get("/?lang=en")
    description = "主街路口有人没经批准立起了一块大广告牌。"
    receipt_page = client.post("/report", data={
        "token": form_token(client.get("/report").text), "category": "c8-outdoor-signs",
        "description": description, "lat": "26.492", "lng": "113.770"}).text
    assert "Report submitted" in receipt_page and "Your receipt number" in receipt_page
    assert_no_chinese_chrome(receipt_page, county)
    status = client.post("/status", data={"receipt": receipt_from(receipt_page)}).text
    assert "Received, awaiting acceptance" in status
    assert "Your report has been received." in status
    assert re.search(r"Forwarded to \S+ for handling\.", status)  # a msgid with a county name in it
    assert_no_chinese_chrome(status, county)


def test_the_choice_is_remembered_in_a_cookie_and_can_be_undone(client):
    first = client.get("/?lang=en")
    cookie = first.headers["Set-Cookie"]
    assert cookie.startswith("lang=en;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Make a report" in client.get("/report").text  # no parameter: the cookie decides
    assert "Staff sign-in" in client.get("/staff/login").text
    back = client.get("/?lang=zh_CN")
    assert back.headers["Set-Cookie"].startswith("lang=zh_CN;")
    assert "我要举报" in client.get("/").text


def test_chinese_is_the_default(client):
    response = client.get("/")
    assert "Set-Cookie" not in response.headers
    assert '<html lang="zh-CN">' in response.text
    assert "我要举报" in response.text and "Make a report" not in response.text
    assert "我要举报" in client.get("/?lang=xx").text  # an unknown language falls back to Chinese


def test_the_map_labels_the_built_up_area_in_the_readers_language(client):
    def built_up(path):
        features = client.get(path).get_json()["features"]
        return next(f["properties"]["name"] for f in features if f["properties"]["kind"] == "built_up_area")

    assert built_up("/api/v1/map") == "县城建成区"
    assert built_up("/api/v1/map?lang=en") == "County town built-up area"


def test_open311_groups_and_keywords_are_translated_county_names_are_not(client):
    def signs(path):
        return next(s for s in client.get(path).get_json() if s["service_code"] == "c8-outdoor-signs")

    assert signs("/open311/v2/services.json")["keywords"] == "违法建设,县城市管理和综合执法局,乡镇人民政府"
    english = signs("/open311/v2/services.json?lang=en")
    assert english["group"] == "Illegal construction"
    assert english["keywords"] == "Illegal construction,县城市管理和综合执法局,Township government"


def test_the_staff_workspace_is_english_on_request(app, deps, clock, county):
    """A ticket with its action forms and history, the work queue, and the audit log."""
    filed = file(deps)
    complaint = deps.repos.complaints.get(filed.complaint_id)
    note = "已电话联系属地。"
    written = (complaint.description, complaint.address, note)
    head = signed_in(app, deps, clock, "head")
    head.get("/staff/?lang=en")
    ticket = head.get(f"/staff/tickets/{filed.complaint_id}").get_data(as_text=True)
    for text in ("Handling deadlines", "Acceptance decision (within 3 working days)", "<summary>Decline</summary>", "Transfer to another department", "Received, awaiting acceptance"):
        assert text in ticket
    assert_no_chinese_chrome(ticket, county, *written)
    assert head.act(filed.complaint_id, "accept", {"note": note}).status_code == 303
    ticket = head.get(f"/staff/tickets/{filed.complaint_id}").get_data(as_text=True)
    assert "Accepted." in ticket and "Accepted, being verified and handled" in ticket and "Ledger details" in ticket
    assert_no_chinese_chrome(ticket, county, *written)
    queue = head.get("/staff/queue").get_data(as_text=True)
    assert "Work queue" in queue and "Next deadline" in queue
    assert_no_chinese_chrome(queue, county, *written)
    supervisor = signed_in(app, deps, clock, "supervisor")
    supervisor.get("/staff/?lang=en")
    audit = supervisor.get(f"/staff/tickets/{filed.complaint_id}/audit").get_data(as_text=True)
    assert "Audit log of this report" in audit and "View report" in audit and "Department head" in audit
    assert_no_chinese_chrome(audit, county, *written)


def _text(response) -> str:
    """The page with its character references resolved (English has apostrophes)."""
    assert response.status_code == 200, response.status_code
    return html.unescape(response.get_data(as_text=True))


def _reporter_in_english(app):
    """A reporter's browser that chose English (the cookie is kept for the public address)."""
    browser = app.test_client()
    browser.get("/?lang=en", base_url=PUBLIC_URL)
    return browser


def _status(browser, receipt: str, path: str = "/status", **data) -> str:
    return _text(browser.post(path, base_url=PUBLIC_URL, data={"receipt": receipt, **data}))


def test_the_reward_pages_are_english_on_request(app, deps, clock, county):
    """004 C20, L17: the reviewers' list, reward page and ticket card; the first reporter's
    claim on the status page; the later reporter's one line; finance's payee view."""
    first, first_receipt = helpers.file(deps, phone="13912345678", verify=True)
    clock.advance(minutes=20)
    later, later_receipt = helpers.file(deps)
    officer = signed_in(app, deps, clock, "officer")
    merge_note, reason, approval, payee, bank = "同一处占地建房", "举报及时，经查属实", "同意", "欧阳测试", "中国农业银行炎陵县支行"
    cases.merge(deps, deps.repos.staff.get("officer").actor, later.id, first.id, merge_note, clock.now())
    assert officer.act(later.id, "accept").status_code == 303
    assert officer.act(later.id, "conclude", MEASURES).status_code == 303
    case_id = deps.repos.complaints.get(first.id).case_id
    written = (first.description, later.description, merge_note, reason, approval, payee, bank,
               *(v for v in MEASURES.values() if isinstance(v, str)))

    sup1 = signed_in(app, deps, clock, "supervisor")
    sup2 = signed_in(app, deps, clock, "supervisor", username="supervisor-2")
    sup1.get("/staff/?lang=en")
    sup2.get("/staff/?lang=en")
    listing = _text(sup1.get("/staff/rewards"))
    assert "Reward for reporting" in listing and "Awaiting a proposal" in listing and "Export reward ledger (CSV)" in listing
    assert_no_chinese_chrome(listing, county, *written)
    ticket = _text(sup1.get(f"/staff/tickets/{first.id}"))
    assert "This is the first reporter's report in the case." in ticket and "View reward" in ticket
    assert_no_chinese_chrome(ticket, county, *written)
    assert sup1.post(f"/staff/rewards/{case_id}/propose", {"amount": "1500", "reason": reason}).status_code == 303
    page = _text(sup2.get(f"/staff/rewards/{case_id}"))
    assert "Awaiting approval" in page and "Decide on the reward proposal" in page and "1500 yuan" in page
    assert_no_chinese_chrome(page, county, *written)
    assert sup2.post(f"/staff/rewards/{case_id}/approve", {"note": approval}).status_code == 303
    page = _text(sup2.get(f"/staff/rewards/{case_id}"))
    assert "Approved, awaiting the reporter's claim" in page and "Claim deadline" in page and "Reward history" in page
    assert_no_chinese_chrome(page, county, *written)

    reporter = _reporter_in_english(app)
    status = _status(reporter, first_receipt)
    assert "Your reward has been approved: 1500 yuan in cash." in status and "Get a claim code" in status
    assert "Bank transfer" in status and "Claim the reward" in status
    assert_no_chinese_chrome(status, county, *written)
    sent = _status(reporter, first_receipt, "/status/reward/code")
    assert "A claim code has been sent to your verified mobile number." in sent
    assert_no_chinese_chrome(sent, county, *written)
    code = re.search(r"领奖验证码(\d{6})", [m for m in deps.repos.outbox.for_record(f"CMP#{first.id}")
                                           if m.kind == "reward_code"][-1].body).group(1)
    claimed = _status(reporter, first_receipt, "/status/reward/claim", code=code, method="bank", payee_name=payee,
                      bank=bank, account="6228480098765432109")
    assert "You have claimed your reward (1500 yuan)." in claimed
    assert_no_chinese_chrome(claimed, county, *written)
    other = _status(_reporter_in_english(app), later_receipt)
    assert "The reward for reporting this violation has gone to a report submitted earlier." in other
    assert_no_chinese_chrome(other, county, *written)

    finance = signed_in(app, deps, clock, "finance")
    finance.get("/staff/?lang=en")
    assert_no_chinese_chrome(_text(finance.get("/staff/rewards")), county, *written)
    shown = _text(finance.post(f"/staff/rewards/{case_id}/payee"))
    assert "Payee details" in shown and "This view has been recorded." in shown and "Record payment" in shown
    assert_no_chinese_chrome(shown, county, *written)


def test_the_disclosure_pages_are_english_on_request(app, deps, clock, county):
    """Asking for a reporter's phone, the custodian's requests page, reading the phone, and
    what the reporter reads of it."""
    complaint, receipt = helpers.file(deps, phone="13800138000", verify=True)
    request_reason, decision = "当事人提起行政诉讼，法院要求举报人出庭作证", "法院通知属实，依法批准"
    written = (complaint.description, request_reason, decision)
    custodian = signed_in(app, deps, clock, "custodian")
    officer = signed_in(app, deps, clock, "officer")
    custodian.get("/staff/?lang=en")
    officer.get("/staff/?lang=en")
    ticket = _text(officer.get(f"/staff/tickets/{complaint.id}"))
    assert "Ask to see the reporter's contact details" in ticket
    assert_no_chinese_chrome(ticket, county, *written)
    assert officer.act(complaint.id, "disclosure", {"reason": request_reason}).status_code == 303

    requests = _text(custodian.get("/staff/disclosures"))
    assert "Requests to see a reporter's contact details" in requests and "Requested by" in requests
    assert "Reason for the decision (the reporter sees this)" in requests and "Deny" in requests
    assert_no_chinese_chrome(requests, county, *written)
    assert custodian.post(f"/staff/disclosures/{complaint.id}/1/approve", {"reason": decision}).status_code == 303
    assert "No requests are awaiting a decision." in _text(custodian.get("/staff/disclosures"))

    ticket = _text(officer.get(f"/staff/tickets/{complaint.id}"))
    assert "Approved by the custodian" in ticket and "View contact details (until" in ticket
    assert_no_chinese_chrome(ticket, county, *written)
    shown = _text(officer.post(f"/staff/tickets/{complaint.id}/disclosures/1/view"))
    assert "Reporter's contact details" in shown and "Visible until" in shown
    assert_no_chinese_chrome(shown, county, *written)

    status = _status(_reporter_in_english(app), receipt)
    assert "Requests to see your contact details" in status
    assert "The custodian approved it (" + decision + "). Times staff have viewed your contact details: 1." in status
    assert_no_chinese_chrome(status, county, *written)


def test_the_oversight_pages_are_english_on_request(app, deps, clock, county):
    """The leading-group office's figures (004 C21, L18), each period kind, the half-year ranking,
    the monthly township review (004 C35, L31) with a finding, and the CSV's headings."""
    from portal.timeutil import parse_iso
    from tests.web.staff_support import ZHONGCUN

    clock.set(parse_iso("2026-10-05T10:00:00+08:00"))
    file(deps, place=ZHONGCUN)  # never visited on site: found at the review of the month after next
    clock.set(parse_iso("2026-11-23T10:00:00+08:00"))
    supervisor = signed_in(app, deps, clock, "supervisor")
    supervisor.get("/staff/?lang=en")
    held = supervisor.post("/staff/oversight/review", {}, follow_redirects=True)
    assert "monthly review" in _text(held).lower()
    for kind, key in (("month", "2026-10"), ("quarter", "2026-Q4"), ("half", "2026-H2"), ("year", "2026")):
        page = _text(supervisor.get(f"/staff/oversight?kind={kind}&period={key}"))
        assert_no_chinese_chrome(page, county)
    assert 'id="ranking"' in _text(supervisor.get("/staff/oversight?kind=half&period=2026-H2"))
    csv = supervisor.get("/staff/oversight.csv?kind=year&period=2026").data.decode("utf-8-sig")
    header = csv.splitlines()[0]
    assert not CHINESE.search(header), header
