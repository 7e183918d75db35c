"""The registration pages for each channel (phone, letter, email, visit, 上级交办 with a
reference, 相关部门移交; 004 C20, L17; C9, L8): the clocks from the received day, the refusals of
future and pre-go-live days, the backdating mark on the ticket and in the audit trail, each bad
input answered on its field with nothing stored, the slip shown once, the phone's code read
back, and the receiving unit's desk with the written notice."""

from __future__ import annotations

import re

import pytest

from portal.domain.complaint import Status
from portal.domain.deadlines import ClockKind
from portal.store import keys as K
from tests.conftest import PUBLIC_URL
from tests.services.channel_support import CHANNELS, VILLAGE, rows
from tests.web.staff_support import fast_argon2, signed_in  # noqa: F401
from tests.web.test_english import assert_no_chinese_chrome
from tests.web.test_staff_actions import MEASURES

ADDRESS = "湖南省炎陵县霞阳镇示例路9号 王先生 收"


def token_of(page: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def fields(staff, channel: str, **over) -> dict:
    values = {"token": token_of(staff.get("/staff/register").text), "category": "c1-no-planning-permit",
              "description": "有人在农田里违法建房，已经砌到二层。", "lat": VILLAGE[0], "lng": VILLAGE[1],
              "received_on": "2026-11-20", "contact_kind": "none", **CHANNELS[channel]}
    values.update(over)
    return values


def complaint_ids(deps) -> list[str]:
    return [i.pk.split("#", 1)[1] for i in deps.store.query("K#430225#active", index="county").items]


@pytest.fixture
def reception(app, deps, clock):
    return signed_in(app, deps, clock, "officer_housing")


@pytest.mark.parametrize("channel", list(CHANNELS))
def test_004_c20_each_channel_is_registered_and_the_slip_shows_the_receipt_once(app, deps, clock, reception, channel):
    data = fields(reception, channel, received_time="16:30")
    slip = reception.post("/staff/register", data)
    assert slip.status_code == 200, slip.text
    receipt = re.search(r'id="receipt-number">([^<]+)<', slip.text).group(1).replace(" ", "")
    assert len(receipt) == 16 and "<svg" in slip.text
    # the promises: accepted or not within 3 working days (by Wednesday), the result within 7
    assert "3个工作日内（2026-11-25前）决定是否受理" in slip.text and "办结后7个工作日内告知您处理结果" in slip.text
    assert "已在办理记录和操作记录中标明为补录" in slip.text
    [complaint_id] = complaint_ids(deps)
    c = deps.repos.complaints.get(complaint_id)
    assert deps.hasher.digest("receipt", receipt) == c.receipt_hash and c.intake.channel == channel
    again = reception.post("/staff/register", data)
    assert again.status_code == 409 and "receipt-number" not in again.text
    assert receipt not in again.text and " ".join(receipt[i:i + 4] for i in range(0, 16, 4)) not in again.text


@pytest.mark.parametrize("channel", list(CHANNELS))
def test_004_c20_the_ticket_shows_the_channel_the_backdating_and_clocks_from_the_received_day(
        app, deps, clock, reception, channel):
    reception.post("/staff/register", fields(reception, channel))
    [complaint_id] = complaint_ids(deps)
    lead = signed_in(app, deps, clock, "officer")
    page = lead.get(f"/staff/tickets/{complaint_id}").text
    assert 'id="intake-backdated"' in page and 'id="intake-received-by">县住房和城乡建设局' in page
    assert "2026-11-25 23:59" in page  # the acceptance clock, from Friday 2026-11-20
    if channel == "assigned":
        assert 'id="intake-ref">YL12345-20261120-0007<' in page
    supervisor = signed_in(app, deps, clock, "supervisor")
    audit = supervisor.get(f"/staff/tickets/{complaint_id}/audit").text
    assert "登记举报（补录：收到日期早于登记日期）" in audit


@pytest.mark.parametrize("channel", list(CHANNELS))
def test_each_bad_input_is_answered_on_its_field_and_nothing_is_stored(app, deps, clock, reception, channel):
    bad_inputs = [
        ("received_on", {"received_on": "2026-11-24"}),  # tomorrow
        ("received_on", {"received_on": "2024-12-31"}),  # before the county's go-live
        ("received_on", {"received_on": "20/11/2026"}),
        ("received_time", {"received_on": "2026-11-23", "received_time": "10:30"}),  # later today than now
        ("received_time", {"received_time": "9点"}),
        ("category", {"category": ""}),
        ("description", {"description": "短"}),
        ("location", {"lat": "北纬26度"}),
        ("contact_kind", {"contact_kind": "carrier-pigeon"}),
        ("phone", {"contact_kind": "phone", "phone": "0731-1234"}),
        ("postal_address", {"contact_kind": "postal", "postal_address": ""}),
    ]
    if channel == "assigned":
        bad_inputs += [("source", {"source": "village"}), ("external_ref", {"external_ref": " "})]
    if channel == "transferred":
        bad_inputs += [("from_unit", {"from_unit": ""})]
    if channel == "email":
        bad_inputs += [("email", {"contact_kind": "email", "email": "reporter-at-example.cn"})]
    before = rows(deps)
    for field, bad in bad_inputs:
        page = reception.post("/staff/register", fields(reception, channel, **bad))
        assert page.status_code == 400, (field, page.status_code)
        found = re.search(rf'<p class="field-error" id="err-{field}" role="alert">([^<]+)</p>', page.text)
        assert found and found.group(1).strip(), (field, bad)
        assert rows(deps) == before, field
    # what was typed comes back, so the officer corrects one field rather than typing all again
    page = reception.post("/staff/register", fields(reception, channel, description="短", address="示例村三组"))
    assert 'value="示例村三组"' in page.text


def test_an_expired_form_keeps_the_input_and_gets_a_fresh_token(app, deps, clock, reception):
    data = fields(reception, "letter", token="not-a-token", address="示例村五组")
    page = reception.post("/staff/register", data)
    assert page.status_code == 400 and 'value="示例村五组"' in page.text and token_of(page.text) != "not-a-token"


def test_004_c20_the_phone_is_verified_by_the_code_the_reporter_reads_back(app, deps, clock, reception):
    page = reception.post("/staff/register", fields(reception, "phone", contact_kind="phone", phone="13907310000"))
    assert page.status_code == 200 and "receipt-number" not in page.text and 'id="form-phone-code"' in page.text
    [complaint_id] = complaint_ids(deps)
    [code_row] = [m for m in deps.repos.outbox.for_record(K.complaint_pk(complaint_id)) if m.kind == "code"]
    code = re.search(r"验证码(\d{6})", code_row.body).group(1)
    wrong = reception.post("/staff/register/phone", {"token": token_of(page.text), "code": "00000x"})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.text
    done = reception.post("/staff/register/phone", {"token": token_of(page.text), "code": code})
    assert done.status_code == 200 and 'id="phone-verified"' in done.text
    assert [m.kind for m in deps.repos.outbox.for_record(K.complaint_pk(complaint_id))].count("receipt") == 1
    assert reception.post("/staff/register/slip", {"token": token_of(page.text)}).status_code == 409


def test_004_c20_when_the_sms_does_not_arrive_the_slip_shows_the_receipt_once(app, deps, clock, reception):
    page = reception.post("/staff/register", fields(reception, "phone", contact_kind="phone", phone="13907310000"))
    slip = reception.post("/staff/register/slip", {"token": token_of(page.text)})
    assert slip.status_code == 200 and 'id="receipt-number"' in slip.text
    assert reception.post("/staff/register/slip", {"token": token_of(page.text)}).status_code == 409


def test_004_c20_the_written_notice_is_printed_posted_and_meets_the_clock(app, deps, clock, reception):
    reception.post("/staff/register", fields(reception, "letter", contact_kind="postal", postal_address=ADDRESS))
    [complaint_id] = complaint_ids(deps)
    lead = signed_in(app, deps, clock, "officer")
    lead.act(complaint_id, "accept", {"note": ""})
    lead.act(complaint_id, "conclude", {**MEASURES, "finding": "substantiated", "result_text": "已责令当事人拆除。"})
    ticket = lead.get(f"/staff/tickets/{complaint_id}").text
    assert "示例路9号" not in ticket and "link-written-notice" not in ticket
    assert lead.get(f"/staff/registered/{complaint_id}/notice").status_code == 404  # the lead never sees the address
    desk = reception.get("/staff/registered").text
    assert f"/staff/registered/{complaint_id}/notice" in desk
    assert reception.get(f"/staff/tickets/{complaint_id}").status_code == 404  # the receiving unit sees no ticket
    notice = reception.get(f"/staff/registered/{complaint_id}/notice")
    assert notice.status_code == 200 and 'id="notice-address"' in notice.text and "示例路9号" in notice.text
    assert "已责令当事人拆除。" in notice.text and "举报处理结果书面告知书" in notice.text
    posted = reception.post(f"/staff/registered/{complaint_id}/posted", {"posted_on": "2026-11-23", "note": "挂号信"})
    assert posted.status_code == 303
    c = deps.repos.complaints.get(complaint_id)
    assert c.status == Status.CLOSED and c.clock(ClockKind.RESULT_NOTICE).state(clock.now()) == "met"
    assert f"/staff/registered/{complaint_id}/notice" not in reception.get("/staff/registered").text


def test_004_c9_the_feedback_to_the_higher_level_from_the_ticket_page(app, deps, clock, reception):
    reception.post("/staff/register", fields(reception, "assigned"))
    [complaint_id] = complaint_ids(deps)
    lead = signed_in(app, deps, clock, "officer")
    assert "form-feedback" not in lead.get(f"/staff/tickets/{complaint_id}").text  # no result yet
    lead.act(complaint_id, "decline", {"reason": "out_of_scope", "text": "不属于违法建设。"})
    assert "form-feedback" in lead.get(f"/staff/tickets/{complaint_id}").text
    bad = lead.act(complaint_id, "feedback", {"fed_back_on": "2026-11-30"})
    assert bad.status_code == 400 and "反馈日期不能晚于今天。" in bad.text
    assert lead.act(complaint_id, "feedback", {"fed_back_on": "2026-11-23", "note": "12345平台已回复"}).status_code == 303
    assert deps.repos.complaints.get(complaint_id).clock(ClockKind.HANDOVER_FEEDBACK).met_at is not None


def test_the_registration_pages_are_english_on_request(app, deps, clock, county, reception):
    reception.get("/staff/register?lang=en")
    form = reception.get("/staff/register").text
    assert "Register a report" in form
    assert_no_chinese_chrome(form, county)
    errors = reception.post("/staff/register", fields(reception, "assigned", external_ref="", description="短"))
    assert "Please enter the work-order number" in errors.text
    assert_no_chinese_chrome(errors.text, county, "短", "有人在农田里违法建房，已经砌到二层。")
    slip = reception.post("/staff/register", fields(reception, "letter"))
    assert "Report registration receipt" in slip.text
    assert_no_chinese_chrome(slip.text, county)
    for path in ("/staff/registered", "/staff/inbox"):
        assert_no_chinese_chrome(reception.get(path).text, county)
