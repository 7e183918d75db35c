"""Rewards through the pages (004 C20, L17: the first reporter of a report found true gets a cash
reward): the staff pages, the reporter's status page with the receipt and the phone code,
finance's payment view; refusals and rate limits; payee details that exist in clear nowhere
but on finance's screen; the ledger exports without reporter identity."""

from __future__ import annotations

import csv
import io
import logging
import re
from datetime import timedelta

import openpyxl
import pytest

from portal.domain.rewards import RewardState
from portal.services import cases
from portal.timeutil import local_date
from tests.conftest import PUBLIC_URL
from tests.services.helpers import file
from tests.web.staff_support import ROLES, fast_argon2, signed_in  # noqa: F401
from tests.web.test_staff_actions import MEASURES

PHONE = "13912345678"
PAYEE_NAME = "欧阳测试"
BANK = "中国农业银行炎陵县支行"
ACCOUNT = "6228480098765432109"
EARLIER_ONLY = "该违法问题的举报奖励已给予更早提交的举报。"


def status(client, receipt: str, path: str = "/status", **data):
    return client.post(path, base_url=PUBLIC_URL, data={"receipt": receipt, **data})


def reward_section(html: str) -> str:
    found = re.search(r'<section class="reward" id="reward">(.*?)</section>', html, re.S)
    assert found, "no reward part on the status page"
    return found.group(1)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def last_code(deps, complaint_id: str) -> str:
    body = [m for m in deps.repos.outbox.for_record(f"CMP#{complaint_id}") if m.kind == "reward_code"][-1].body
    return re.search(r"领奖验证码(\d{6})", body).group(1)


def actor(deps, staff):
    return deps.repos.staff.get(staff.account.username).actor


@pytest.fixture
def found_true(app, deps, clock):
    """Two reporters about one violation (same category and place), the first with a verified
    phone; merged, and the later ticket concluded substantiated. Returns (first, receipt),
    (later, receipt) and the case id."""
    first, first_receipt = file(deps, phone=PHONE, verify=True)
    clock.advance(minutes=20)
    later, later_receipt = file(deps)
    officer = signed_in(app, deps, clock, "officer")
    cases.merge(deps, actor(deps, officer), later.id, first.id, "同一处占地建房", clock.now())
    assert officer.act(later.id, "accept").status_code == 303
    assert officer.act(later.id, "conclude", MEASURES).status_code == 303
    case_id = deps.repos.complaints.get(first.id).case_id
    return (first, first_receipt), (later, later_receipt), case_id


@pytest.fixture
def approved(app, deps, clock, found_true):
    _, _, case_id = found_true
    sup1 = signed_in(app, deps, clock, "supervisor")
    sup2 = signed_in(app, deps, clock, "supervisor", username="supervisor-2")
    assert sup1.post(f"/staff/rewards/{case_id}/propose", {"amount": "1500", "reason": "举报及时，经查属实"}).status_code == 303
    assert sup2.post(f"/staff/rewards/{case_id}/approve", {"note": "同意"}).status_code == 303
    return found_true


def claim_by_bank(client, deps, complaint, receipt, request_code: bool = True):
    if request_code:
        assert status(client, receipt, "/status/reward/code").status_code == 200
    return status(client, receipt, "/status/reward/claim", code=last_code(deps, complaint.id), method="bank",
                  payee_name=PAYEE_NAME, bank=BANK, account="6228 4800 9876 5432 109")


# --- the whole way ------------------------------------------------------------------------------------
def test_004_c20_l17_the_first_reporter_is_rewarded_in_cash_end_to_end(app, client, deps, clock, found_true):
    (first, first_receipt), (later, later_receipt), case_id = found_true
    reward = deps.repos.rewards.get(case_id)
    assert (reward.state, reward.complaint_id) == (RewardState.ELIGIBLE, first.id)  # only the first
    assert deps.repos.rewards.case_of(later.id) is None

    sup1 = signed_in(app, deps, clock, "supervisor")
    sup2 = signed_in(app, deps, clock, "supervisor", username="supervisor-2")
    listing = sup1.get("/staff/rewards").get_data(as_text=True)
    assert case_id[-8:] in listing and "待提出奖励建议" in listing
    ticket = sup1.get(f"/staff/tickets/{first.id}").get_data(as_text=True)
    assert 'id="reward-state"' in ticket and "本件是该案第一举报人的举报" in ticket
    assert sup1.post(f"/staff/rewards/{case_id}/propose", {"amount": "1500", "reason": "举报及时"}).status_code == 303
    assert "待审批" in sup2.get(f"/staff/rewards/{case_id}").get_data(as_text=True)
    assert sup2.post(f"/staff/rewards/{case_id}/approve", {"note": "同意"}).status_code == 303
    reward = deps.repos.rewards.get(case_id)
    assert (reward.state, reward.proposal.by, reward.approved_by) == (RewardState.APPROVED, "supervisor", "supervisor-2")
    sms = [m for m in deps.repos.outbox.for_record(f"CMP#{first.id}") if m.kind == "reward"]
    assert len(sms) == 1 and sms[0].body == "【炎陵查违】您的举报经查属实，可申领举报奖励，请凭回执号在查询页面办理：https://portal.test/status"
    assert [m for m in deps.repos.outbox.for_record(f"CMP#{later.id}") if m.kind == "reward"] == []

    page = reward_section(status(client, first_receipt).get_data(as_text=True))
    assert "奖励已批准：现金 1500 元" in page and 'id="reward-code"' in page
    sent = status(client, first_receipt, "/status/reward/code")
    assert sent.status_code == 200 and "领奖验证码已发送" in sent.get_data(as_text=True)
    claimed = claim_by_bank(client, deps, first, first_receipt, request_code=False)
    assert claimed.status_code == 200, text_of(reward_section(claimed.get_data(as_text=True)))
    assert "您已申领奖励（1500 元），财政部门将转账到您提供的账户。" in claimed.get_data(as_text=True)
    assert ACCOUNT not in reward_section(status(client, first_receipt).get_data(as_text=True))

    finance = signed_in(app, deps, clock, "finance")
    assert case_id[-8:] in finance.get("/staff/rewards").get_data(as_text=True)
    shown = finance.post(f"/staff/rewards/{case_id}/payee").get_data(as_text=True)
    assert PAYEE_NAME in shown and BANK in shown and ACCOUNT in shown
    assert [a["actor"] for a in deps.repos.audit.for_complaint(first.id) if a["action"] == "reward_payee_read"] == [
        "finance"]
    today = local_date(clock.now()).isoformat()
    paid = finance.post(f"/staff/rewards/{case_id}/pay", {"paid_on": today, "amount": "1500", "reference": "PZ-118"})
    assert paid.status_code == 303
    reward = deps.repos.rewards.get(case_id)
    assert reward.state == RewardState.PAID and reward.payment.reference == "PZ-118"
    assert [e.kind for e in reward.history] == ["eligible", "proposed", "approved", "claimed", "paid"]
    assert f"奖励（1500 元）已于 {today} 发放。" in status(client, first_receipt).get_data(as_text=True)

    later_part = reward_section(status(client, later_receipt).get_data(as_text=True))
    assert text_of(later_part) == f"举报奖励 {EARLIER_ONLY}"  # and nothing else: no amount, state or date


def test_004_c20_nobody_approves_their_own_proposal_through_the_pages(app, deps, clock, found_true):
    _, _, case_id = found_true
    sup = signed_in(app, deps, clock, "supervisor")
    sup.post(f"/staff/rewards/{case_id}/propose", {"amount": "1000", "reason": "属实"})
    page = sup.get(f"/staff/rewards/{case_id}").get_data(as_text=True)
    assert 'id="form-approve"' not in page  # no approval form for the proposer
    refused = sup.post(f"/staff/rewards/{case_id}/approve", {"note": "自己批"})
    assert refused.status_code == 403 and "不能批准自己提出的奖励建议" in refused.get_data(as_text=True)
    assert sup.post(f"/staff/rewards/{case_id}/reject", {"note": "x"}).status_code == 403
    assert deps.repos.rewards.get(case_id).state == RewardState.PROPOSED


def test_an_amount_outside_the_band_is_refused_with_the_band(app, deps, clock, found_true):
    _, _, case_id = found_true
    sup = signed_in(app, deps, clock, "supervisor")
    refused = sup.post(f"/staff/rewards/{case_id}/propose", {"amount": "50000", "reason": "属实"})
    assert refused.status_code == 400 and "奖励金额应在 200 至 2000 元之间" in refused.get_data(as_text=True)
    refused = sup.post(f"/staff/rewards/{case_id}/propose", {"amount": "一千", "reason": "属实"})
    assert refused.status_code == 400 and "请按整数元填写奖励金额" in refused.get_data(as_text=True)
    assert deps.repos.rewards.get(case_id).state == RewardState.ELIGIBLE


# --- refusals and rate limits on the claim ---------------------------------------------------------------
def test_a_claim_with_a_wrong_receipt_is_refused_and_rate_limited(client, deps, approved):
    (first, first_receipt), _, case_id = approved
    wrong = "1" * 16 if first_receipt != "1" * 16 else "2" * 16
    for _ in range(10):
        response = status(client, wrong, "/status/reward/claim", method="in_person")
        assert response.status_code == 400 and "回执号不正确" in response.get_data(as_text=True)
    limited = status(client, first_receipt, "/status/reward/claim", method="in_person")
    assert limited.status_code == 429 and "查询失败次数太多" in limited.get_data(as_text=True)
    assert deps.repos.rewards.get(case_id).state == RewardState.APPROVED


def test_a_claim_with_a_wrong_code_is_refused_and_rate_limited_per_client(client, deps, clock, approved):
    (first, receipt), _, case_id = approved
    misses = 0
    while misses < 10:
        assert status(client, receipt, "/status/reward/code").status_code == 200
        right = last_code(deps, first.id)
        for _ in range(5):
            wrong = f"{(int(right) + 1) % 1_000_000:06d}"
            response = status(client, receipt, "/status/reward/claim", code=wrong, method="bank",
                              payee_name=PAYEE_NAME, bank=BANK, account=ACCOUNT)
            assert response.status_code == 400 and "领奖验证码不正确" in response.get_data(as_text=True)
            misses += 1
        clock.advance(minutes=2)
    assert status(client, receipt, "/status/reward/code").status_code == 200
    limited = status(client, receipt, "/status/reward/claim", code=last_code(deps, first.id), method="bank",
                     payee_name=PAYEE_NAME, bank=BANK, account=ACCOUNT)
    assert limited.status_code == 429 and "领奖验证码输错次数太多，请明天再试" in limited.get_data(as_text=True)
    reward = deps.repos.rewards.get(case_id)
    assert reward.state == RewardState.APPROVED and reward.claim is None  # nothing half-stored


def test_bad_payee_details_are_refused_field_by_field_and_nothing_is_stored(client, deps, approved):
    (first, receipt), _, case_id = approved
    assert status(client, receipt, "/status/reward/code").status_code == 200
    response = status(client, receipt, "/status/reward/claim", code=last_code(deps, first.id), method="bank",
                      payee_name="", bank="", account="12ab")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in ("请填写收款人姓名。", "请填写开户银行。", "银行账号应为 12 到 30 位数字。"):
        assert message in html
    assert status(client, receipt, "/status/reward/claim", code=last_code(deps, first.id)).status_code == 400
    assert deps.repos.rewards.get(case_id).claim is None


def test_a_claim_after_the_window_is_refused_in_plain_chinese(client, deps, clock, approved):
    (first, receipt), _, case_id = approved
    ends = deps.repos.rewards.get(case_id).window_ends_at
    clock.set(ends + timedelta(seconds=1))
    refused = status(client, receipt, "/status/reward/claim", method="in_person")
    assert refused.status_code == 409
    assert "领奖期限已于2027年5月22日届满，奖励已不能申领。" in refused.get_data(as_text=True)
    assert status(client, receipt, "/status/reward/code").status_code == 409
    assert "领奖期限已届满，奖励未申领，已失效。" in status(client, receipt).get_data(as_text=True)
    assert deps.repos.rewards.get(case_id).claim is None


def test_in_person_the_collection_code_is_shown_once_stored_as_a_hash_and_checked_by_finance(
        app, client, deps, clock, approved):
    (first, receipt), _, case_id = approved
    status(client, receipt, "/status/reward/code")
    page = status(client, receipt, "/status/reward/claim", code=last_code(deps, first.id), method="in_person")
    html = page.get_data(as_text=True)
    code = re.search(r'id="collection-code">(\d{5}) (\d{5})<', html)
    assert code and "县财政局" in html
    code = code.group(1) + code.group(2)
    assert code not in status(client, receipt).get_data(as_text=True)  # shown once
    assert code.encode() not in deps.settings.sqlite_file.read_bytes()
    finance = signed_in(app, deps, clock, "finance")
    today = local_date(clock.now()).isoformat()
    early = finance.post(f"/staff/rewards/{case_id}/pay", {"paid_on": today, "amount": "1500", "reference": "XJ-7"})
    assert early.status_code == 409 and "请先核对领奖人出示的领奖码" in early.get_data(as_text=True)
    wrong = finance.post(f"/staff/rewards/{case_id}/check-code", {"code": f"{(int(code) + 1) % 10**10:010d}"})
    assert wrong.status_code == 400 and "领奖码不一致" in wrong.get_data(as_text=True)
    assert finance.post(f"/staff/rewards/{case_id}/check-code", {"code": f"{code[:5]} {code[5:]}"}).status_code == 303
    assert finance.post(f"/staff/rewards/{case_id}/pay", {"paid_on": today, "amount": "1500",
                                                           "reference": "XJ-7"}).status_code == 303
    assert [e.kind for e in deps.repos.rewards.get(case_id).history][-3:] == [
        "code_check_failed", "code_checked", "paid"]


# --- payee details: encrypted everywhere, readable by finance only -------------------------------------------
def payee_needles() -> list[bytes]:
    grouped = " ".join(ACCOUNT[i:i + 4] for i in range(0, len(ACCOUNT), 4))
    forms = [PAYEE_NAME, ACCOUNT, grouped, ACCOUNT[-12:]]
    return [f.encode() for f in forms] + [PAYEE_NAME.encode("unicode_escape")]


def all_pages(staff, deps, case_id: str, complaint_ids: list[str]) -> list[tuple[str, bytes]]:
    pages = []
    for path in ("/staff/", "/staff/queue", "/staff/queue?bucket=done", "/staff/alerts", "/staff/ledger.csv",
                 "/staff/audit", "/staff/admin/accounts", "/staff/rewards", f"/staff/rewards/{case_id}",
                 "/staff/rewards/ledger.csv", f"/staff/cases/{case_id}"):
        response = staff.get(path)
        pages.append((f"GET {path} {response.status_code}", response.data))
    for cid in complaint_ids:
        for path in (f"/staff/tickets/{cid}", f"/staff/tickets/{cid}/audit"):
            response = staff.get(path)
            pages.append((f"GET {path} {response.status_code}", response.data))
    xlsx = staff.get("/staff/rewards/ledger.xlsx")
    if xlsx.status_code == 200:
        book = openpyxl.load_workbook(io.BytesIO(xlsx.data))
        cells = " ".join(str(c.value) for row in book.active.iter_rows() for c in row if c.value is not None)
        pages.append(("GET /staff/rewards/ledger.xlsx (cells)", cells.encode()))
    return pages


@pytest.fixture
def debug_logs(caplog):
    """Every log record at DEBUG, from the fixtures' setup on."""
    caplog.set_level(logging.DEBUG)
    return caplog


def test_payee_details_exist_in_clear_nowhere_and_only_finance_reads_them(debug_logs, app, client, deps, clock,
                                                                          approved):
    (first, receipt), (later, _), case_id = approved
    assert claim_by_bank(client, deps, first, receipt).status_code == 200
    finance = signed_in(app, deps, clock, "finance")
    assert PAYEE_NAME in finance.post(f"/staff/rewards/{case_id}/payee").get_data(as_text=True)
    finance.post(f"/staff/rewards/{case_id}/pay", {"paid_on": local_date(clock.now()).isoformat(), "amount": "1500",
                                                   "reference": "PZ-9"})
    needles = payee_needles()

    for role in ROLES:
        if role == "finance":
            continue
        staff = signed_in(app, deps, clock, role, username=f"{role.replace('_', '-')}-x")
        reveal = staff.post(f"/staff/rewards/{case_id}/payee")
        assert reveal.status_code in (403, 404), role
        pages = [("POST payee", reveal.data)] + all_pages(staff, deps, case_id, [first.id, later.id])
        assert [(where, n) for where, body in pages for n in needles if n in body] == [], role
    for where, body in all_pages(finance, deps, case_id, [first.id, later.id]):
        assert not any(n in body for n in needles), where  # not even finance's lists and exports
    reads = [a for a in deps.repos.audit.for_complaint(first.id) if a["action"] == "reward_payee_read"]
    assert [a["actor"] for a in reads] == ["finance"]

    files = [deps.settings.sqlite_file, *deps.settings.sqlite_file.parent.glob("*-wal"),
             *deps.settings.sqlite_file.parent.glob("*-shm")]
    blobs = [p for p in deps.settings.blob_path.rglob("*") if p.is_file()] if deps.settings.blob_path.exists() else []
    stored = b"".join(p.read_bytes() for p in files + blobs)
    assert [n for n in needles if n in stored] == []
    records = debug_logs.get_records("setup") + debug_logs.get_records("call")
    logged = "\n".join(f"{r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in records).encode()
    assert records and [n for n in needles if n in logged] == []


# --- the ledger ------------------------------------------------------------------------------------------------
def test_the_ledger_lists_rewards_as_csv_and_xlsx_without_reporter_identity(app, client, deps, clock, approved):
    (first, receipt), (later, later_receipt), case_id = approved
    claim_by_bank(client, deps, first, receipt)
    finance = signed_in(app, deps, clock, "finance")
    today = local_date(clock.now()).isoformat()
    finance.post(f"/staff/rewards/{case_id}/pay", {"paid_on": today, "amount": "1500", "reference": "PZ-2026-7"})
    sup = signed_in(app, deps, clock, "supervisor", username="supervisor-3")
    exported = sup.get("/staff/rewards/ledger.csv")
    assert exported.status_code == 200 and exported.data.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    header, row = table[0], table[1]
    assert len(table) == 2
    record = dict(zip(header, row))
    assert record["案件编号"] == case_id
    assert record["问题类型"] == deps.counties.default.category("l1-occupy-land").title
    assert (record["奖励金额（元）"], record["状态"], record["建议人"], record["批准人"]) == (
        "1500", "已发放", "supervisor", "supervisor-2")
    assert (record["领取方式"], record["发放日期"], record["发放金额（元）"], record["发放凭证号"]) == (
        "银行转账", today, "1500", "PZ-2026-7")
    assert record["建议日期"] == record["批准日期"] == record["申领日期"] == today
    book = openpyxl.load_workbook(io.BytesIO(finance.get("/staff/rewards/ledger.xlsx").data))
    rows = [[c.value for c in r] for r in book.active.iter_rows()]
    assert rows[0] == header
    assert [str(v) if v is not None else "" for v in rows[1]] == row
    assert rows[1][3] == 1500  # a number, so the spreadsheet can sum it
    identity = [PAYEE_NAME, ACCOUNT, PHONE, receipt, later_receipt, first.id, later.id, "6228"]
    for body in (exported.data.decode("utf-8-sig"), " ".join(str(v) for r in rows for v in r if v is not None)):
        assert [s for s in identity if s in body] == []
    exports = [a for a in deps.repos.audit.recent("430225") if a["action"] == "reward_export"]
    assert {a["detail"]["format"] for a in exports} == {"csv", "xlsx"}


def test_only_reviewers_and_finance_export_the_ledger(app, deps, clock, approved):
    for role in ("officer", "head", "township", "custodian", "admin"):
        staff = signed_in(app, deps, clock, role, username=f"{role}-l")
        for path in ("/staff/rewards", "/staff/rewards/ledger.csv", "/staff/rewards/ledger.xlsx"):
            assert staff.get(path).status_code == 403, (role, path)
    discipline = signed_in(app, deps, clock, "discipline")
    table = list(csv.reader(io.StringIO(discipline.get("/staff/rewards/ledger.csv").data.decode("utf-8-sig"))))
    assert len(table) == 1  # the commission sees only its own cases' rewards: none here


# --- staff phones -----------------------------------------------------------------------------------------------
def test_an_administrator_registers_a_staff_phone_as_a_keyed_hash(app, deps, clock):
    admin = signed_in(app, deps, clock, "admin")
    signed_in(app, deps, clock, "officer")
    done = admin.post("/staff/admin/accounts/phone", {"username": "officer", "phone": "139 1234 5678"})
    assert done.status_code == 303
    stored = deps.repos.staff.get("officer")
    assert stored.phone_hash == deps.hasher.digest("phone", "+8613912345678")
    assert b"13912345678" not in deps.settings.sqlite_file.read_bytes()
    assert "已登记" in admin.get("/staff/admin/accounts").get_data(as_text=True)
    bad = admin.post("/staff/admin/accounts/phone", {"username": "officer", "phone": "12345"})
    assert bad.status_code == 400 and "手机号码格式不正确" in bad.get_data(as_text=True)
    assert admin.post("/staff/admin/accounts/phone", {"username": "officer", "phone": ""}).status_code == 303
    assert deps.repos.staff.get("officer").phone_hash is None
    actions = [a["action"] for a in deps.repos.audit.recent("430225")]
    assert "phone_set" in actions and "phone_removed" in actions
    officer = signed_in(app, deps, clock, "officer_housing")
    assert officer.post("/staff/admin/accounts/phone", {"username": "officer", "phone": PHONE}).status_code == 403


def test_reward_forms_need_a_signed_in_session_and_a_csrf_token(app, deps, clock, found_true):
    _, _, case_id = found_true
    sup = signed_in(app, deps, clock, "supervisor")
    for path, data in ((f"/staff/rewards/{case_id}/propose", {"amount": "1000", "reason": "属实"}),
                       (f"/staff/rewards/{case_id}/payee", {})):
        assert sup.post(path, data, csrf=False).status_code == 400
    assert deps.repos.rewards.get(case_id).state == RewardState.ELIGIBLE
    anonymous = app.test_client()
    for path in ("/staff/rewards", f"/staff/rewards/{case_id}", "/staff/rewards/ledger.xlsx"):
        response = anonymous.get(path, base_url=PUBLIC_URL)
        assert response.status_code == 303 and response.headers["Location"].endswith("/staff/login")


# --- reports about officials: finance pays without learning the subject (000 §2(3)) ----------------------------
OFFICIAL_REASON = "王某某（某镇副镇长）包庇其弟违建，经查属实"
OFFICIAL_NOTES = ("涉事干部已立案审查", "暂缓：核实领奖人与涉事干部的关系", "核实无误，恢复发放")


def test_000_s2_3_finance_pays_a_discipline_only_reward_without_its_subject_reason_notes_or_reviewers(
        app, client, deps, clock):
    official, receipt = file(deps, category="o1-public-official", phone=PHONE, verify=True)
    dis1 = signed_in(app, deps, clock, "discipline", username="jw-wang")
    dis2 = signed_in(app, deps, clock, "discipline", username="jw-li")
    assert dis1.act(official.id, "accept").status_code == 303
    assert dis1.act(official.id, "conclude", MEASURES).status_code == 303
    case_id = deps.repos.complaints.get(official.id).case_id
    assert dis1.post(f"/staff/rewards/{case_id}/propose", {"amount": "3000", "reason": OFFICIAL_REASON}).status_code == 303
    assert dis2.post(f"/staff/rewards/{case_id}/approve", {"note": OFFICIAL_NOTES[0]}).status_code == 303
    assert claim_by_bank(client, deps, official, receipt).status_code == 200
    assert dis2.post(f"/staff/rewards/{case_id}/hold", {"note": OFFICIAL_NOTES[1]}).status_code == 303
    assert dis1.post(f"/staff/rewards/{case_id}/release", {"note": OFFICIAL_NOTES[2]}).status_code == 303
    title = deps.counties.default.category("o1-public-official").title
    secrets = [title, OFFICIAL_REASON, *OFFICIAL_NOTES, "jw-wang", "jw-li", "公职人员"]
    assert title in dis1.get(f"/staff/rewards/{case_id}").get_data(as_text=True)  # the commission reads it all

    finance = signed_in(app, deps, clock, "finance")
    pages = {path: finance.get(path) for path in ("/staff/rewards", f"/staff/rewards/{case_id}",
                                                  "/staff/rewards/ledger.csv", "/staff/rewards/ledger.xlsx")}
    assert all(r.status_code == 200 for r in pages.values())
    page = pages[f"/staff/rewards/{case_id}"].get_data(as_text=True)
    assert "由纪委监委办理（内容不公开）" in page and "3000 元" in page and 'id="form-pay"' in page
    book = openpyxl.load_workbook(io.BytesIO(pages["/staff/rewards/ledger.xlsx"].data))
    texts = {path: r.data.decode("utf-8-sig") for path, r in pages.items() if not path.endswith(".xlsx")}
    texts["ledger.xlsx"] = " ".join(str(c.value) for row in book.active.iter_rows() for c in row if c.value is not None)
    assert [(where, s) for where, body in texts.items() for s in secrets if s in body] == []
    record = dict(zip(*list(csv.reader(io.StringIO(texts["/staff/rewards/ledger.csv"])))))
    assert (record["问题类型"], record["奖励金额（元）"], record["建议人"], record["批准人"]) == (
        "由纪委监委办理（内容不公开）", "3000", "", "")
    paid = finance.post(f"/staff/rewards/{case_id}/pay", {"paid_on": local_date(clock.now()).isoformat(),
                                                          "amount": "3000", "reference": "PZ-31"})
    assert paid.status_code == 303 and deps.repos.rewards.get(case_id).state == RewardState.PAID
    supervisor = signed_in(app, deps, clock, "supervisor")
    assert supervisor.get(f"/staff/rewards/{case_id}").status_code == 404


# --- a first report moved to the discipline commission (000 §2(3)) ------------------------------------------------
def test_000_s2_3_moving_the_rewarded_report_to_the_commission_shows_supervisors_nothing_and_keeps_the_reward(
        app, client, deps, clock, approved):
    (first, first_receipt), (later, later_receipt), case_id = approved
    officer = signed_in(app, deps, clock, "officer", username="officer-9")
    assert officer.act(first.id, "transfer", {"to": "discipline", "reason": "举报涉及村干部"}).status_code == 303
    supervisor = signed_in(app, deps, clock, "supervisor", username="supervisor-3")
    listing = supervisor.get("/staff/rewards").get_data(as_text=True)
    assert "作废" not in listing and "officer-9" not in listing and case_id[-8:] not in listing
    assert supervisor.get(f"/staff/rewards/{case_id}").status_code == 404
    case_page = supervisor.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    assert "拆出一件举报" not in case_page and "officer-9" not in case_page and first.id not in case_page
    assert 'id="reward-state"' not in supervisor.get(f"/staff/tickets/{later.id}").get_data(as_text=True)
    assert all("officer-9" not in e.actor for e in deps.repos.rewards.get(case_id).history)
    # the reporter keeps the approved reward, now reviewed by the commission
    reward = deps.repos.rewards.get(case_id)
    assert (reward.state, reward.complaint_id, reward.discipline_only) == (RewardState.APPROVED, first.id, True)
    assert "奖励已批准：现金 1500 元" in reward_section(status(client, first_receipt).get_data(as_text=True))
    assert text_of(reward_section(status(client, later_receipt).get_data(as_text=True))) == f"举报奖励 {EARLIER_ONLY}"
    discipline = signed_in(app, deps, clock, "discipline")
    assert case_id[-8:] in discipline.get("/staff/rewards").get_data(as_text=True)
    assert "改由纪委监委审核" in discipline.get(f"/staff/rewards/{case_id}").get_data(as_text=True)


# --- case changes and approved rewards (004 C20) -------------------------------------------------------------------
def test_004_c20_an_officer_cannot_split_away_a_claimed_reward_and_erase_the_payee(app, client, deps, clock, approved):
    (first, receipt), _, case_id = approved
    assert claim_by_bank(client, deps, first, receipt).status_code == 200
    before = deps.repos.rewards.get(case_id)
    officer = signed_in(app, deps, clock, "officer", username="officer-5")
    refused = officer.act(first.id, "split", {"note": "不是同一处"})
    assert refused.status_code == 403 and "须由有奖励审批权限的人员办理" in refused.get_data(as_text=True)
    assert deps.repos.rewards.get(case_id) == before and before.claim.payee_envelope is not None


# --- recusal (004 C20) ------------------------------------------------------------------------------------------
def test_004_c20_a_reviewer_whose_phone_is_the_reporters_sees_no_reward_form_and_is_refused(app, deps, clock,
                                                                                              found_true):
    _, _, case_id = found_true
    sup = signed_in(app, deps, clock, "supervisor")
    admin = signed_in(app, deps, clock, "admin")
    assert admin.post("/staff/admin/accounts/phone", {"username": "supervisor", "phone": PHONE}).status_code == 303
    page = sup.get(f"/staff/rewards/{case_id}").get_data(as_text=True)
    assert 'id="form-propose"' not in page and 'id="recused"' in page and PHONE not in page
    refused = sup.post(f"/staff/rewards/{case_id}/propose", {"amount": "1000", "reason": "属实"})
    assert refused.status_code == 403 and "须回避" in refused.get_data(as_text=True)
    assert deps.repos.rewards.get(case_id).state == RewardState.ELIGIBLE


# --- a claim posted twice (004 C20: the collection code is the reporter's way to the cash) ----------------------
def test_004_c20_an_in_person_claim_posted_twice_shows_the_same_collection_code_again(app, client, deps, clock,
                                                                                     approved):
    (first, receipt), _, case_id = approved
    status(client, receipt, "/status/reward/code")
    code = last_code(deps, first.id)
    pattern = r'id="collection-code">(\d{5}) (\d{5})<'
    one = status(client, receipt, "/status/reward/claim", code=code, method="in_person")
    two = status(client, receipt, "/status/reward/claim", code=code, method="in_person")
    assert one.status_code == two.status_code == 200
    shown = [re.search(pattern, r.get_data(as_text=True)).groups() for r in (one, two)]
    assert shown[0] == shown[1]
    # not with another method, another code, or after the short window
    assert status(client, receipt, "/status/reward/claim", code=code, method="bank", payee_name=PAYEE_NAME, bank=BANK,
                  account=ACCOUNT).status_code == 409
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert "collection-code" not in status(client, receipt, "/status/reward/claim", code=wrong,
                                           method="in_person").get_data(as_text=True)
    clock.advance(minutes=11)
    late = status(client, receipt, "/status/reward/claim", code=code, method="in_person")
    assert late.status_code == 409 and "collection-code" not in late.get_data(as_text=True)
    reward = deps.repos.rewards.get(case_id)
    assert [e.kind for e in reward.history].count("claimed") == 1
    full = "".join(shown[0])
    assert full.encode() not in deps.settings.sqlite_file.read_bytes()  # an envelope, not the code
    finance = signed_in(app, deps, clock, "finance")
    assert finance.post(f"/staff/rewards/{case_id}/check-code", {"code": full}).status_code == 303
    assert deps.repos.rewards.get(case_id).claim.collection_envelope is None  # collected: gone


def test_the_claim_form_guards_against_a_double_tap(client, deps, approved):
    (first, receipt), _, _ = approved
    html = status(client, receipt).get_data(as_text=True)
    assert re.search(r'<form [^>]*id="reward-claim"[^>]*data-single-submit', html)
    src = re.search(r'src="(/static/js/single-submit\.[0-9a-f]{12}\.js)"', html).group(1)
    script = client.get(src, base_url=PUBLIC_URL)
    assert script.status_code == 200 and b"data-single-submit" in script.data
