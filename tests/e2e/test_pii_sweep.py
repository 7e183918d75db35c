"""The PII sweep: the whole life of one complaint with a known phone number and a known
receipt (filed with a photo and the phone, phone verified, accepted, asked for information,
answered, concluded, the result SMS sent through the fake Twilio API and reported
delivered, a disclosure request denied and another approved and used, and finally the
retention purge), with every log line of every logger captured at DEBUG (but for the few
third-party loggers the portal holds above DEBUG on purpose, ``logs.QUIET``: Pillow would
log every EXIF tag of the photo). Then every log line, the database file (with its -wal and
-shm), the blobs folder and every outbox row is searched for each secret in each of its
printed forms: the phone, the receipt, and the device identifiers in the photo's EXIF.
There must be no hit. Envelopes are ciphertext and cannot match.

``known_secrets`` names what is searched for: the phone, the receipt, the photo's device
identifiers, and the payee name and bank account the reporter gives to claim the reward.

The second story covers the contacts of reports registered by staff (004 C20, L17): a letter
with a postal address (its written notice printed and posted) and an email from the unit's
inbox (its sender's address the contact, the receipt and the result sent by reply): neither
address, nor either receipt, rests in clear in the logs, the database, the blobs or the
outboxes, nor appears on any staff page or export but the one written notice the receiving
unit prints."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import secrets as random_secrets
from pathlib import Path

import pytest

from portal import create_app
from portal.config import Settings
from portal.crypto.secrets import Secrets
from portal.domain.complaint import Status
from portal.domain.receipts import display
from portal.timeutil import local_date
from portal.notify.twilio_sender import TwilioSender
from portal.services import sweeper
from portal.services.deps import build_deps
from portal.store import keys as K
from portal.store.codec import dump
from portal.store.sqlite import SqliteStore
from portal.web import logs
from tests.conftest import PUBLIC_URL, form_token, receipt_from
from tests.fakes import images
from tests.fakes.twilio_api import FakeTwilioApi, flask_poster
from tests.web.staff_support import XIAYANG_OUTSIDE, fast_argon2, signed_in  # noqa: F401
from tests.web.test_staff_actions import MEASURES

ACCOUNT = "AC" + random_secrets.token_hex(16)
TOKEN = random_secrets.token_hex(16)
SERVICE = "MG" + random_secrets.token_hex(16)
PHONE = "13800138000"
CLIENT_ADDRESS = "203.0.113.9"


def phone_forms(national: str) -> list[str]:
    spaced = f"{national[:3]} {national[3:7]} {national[7:]}"
    return [national, "+86" + national, "86" + national, spaced, spaced.replace(" ", "-"), "+86 " + spaced]


def receipt_forms(receipt: str) -> list[str]:
    return [receipt, display(receipt), display(receipt).replace(" ", "-")]


PAYEE_NAME = "欧阳测试"
PAYEE_ACCOUNT = "6228480098765432109"


def account_forms(account: str) -> list[str]:
    return [account, " ".join(account[i:i + 4] for i in range(0, len(account), 4))]


def known_secrets(receipt: str) -> dict[str, list[str]]:
    """Every secret of the story, each in its printed forms."""
    return {"phone": phone_forms(PHONE), "receipt": receipt_forms(receipt),
            "photo's device": [images.SERIAL, images.OWNER, "LENS-SERIAL-99"],
            "payee": [PAYEE_NAME, *account_forms(PAYEE_ACCOUNT)]}


@pytest.fixture
def portal(tmp_path, clock):
    """The portal with SMS through the fake Twilio API, and a log handler hearing every record
    of every logger at DEBUG, through the portal's own log configuration (``create_app`` puts
    its redacting filter on every root handler, this one too)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    with FakeTwilioApi(ACCOUNT, TOKEN) as fake:
        settings = Settings.from_env({}, data_dir=str(tmp_path / "data"), sms="twilio", twilio_account_sid=ACCOUNT,
                                     twilio_messaging_service_sid=SERVICE, twilio_api_base=fake.url,
                                     public_url=PUBLIC_URL, log_level="DEBUG")
        keys = Secrets(secret_key=os.urandom(32), hash_key=os.urandom(32), twilio_auth_token=TOKEN)
        deps = build_deps(settings, secrets=keys, clock=clock, store=SqliteStore(settings.sqlite_file, epoch=clock.epoch),
                          sms=TwilioSender.from_settings(settings, keys, timeout=2))
        app = create_app(settings, deps)
        # every logger at DEBUG, but for the few the portal holds above it on purpose (logs.QUIET)
        loggers = [root] + [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
        levels = [(logger, logger.level) for logger in loggers]
        for logger in loggers:
            if not any(logger.name == q or logger.name.startswith(q + ".") for q in logs.QUIET):
                logger.setLevel(logging.DEBUG)
        try:
            yield app, deps, fake, stream
        finally:
            deps.close()
            root.removeHandler(handler)
            for logger, level in levels:
                logger.setLevel(level)


def files_under(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*") if p.is_file()) if path.exists() else []


def hits(needles: dict[str, list[str]], places: dict[str, bytes]) -> list[tuple[str, str]]:
    return [(where, form) for where, data in places.items() for forms in needles.values() for form in forms
            if form.encode() in data]


def sweep_everything(deps, stream, needles) -> dict[str, bytes]:
    """Every place a secret could rest: the log, the database files, the blobs, the outbox rows."""
    places = {"log": stream.getvalue().encode()}
    sqlite = deps.settings.sqlite_file
    for suffix in ("", "-wal", "-shm"):
        path = Path(str(sqlite) + suffix)
        if path.exists():
            places[path.name] = path.read_bytes()
    for blob in files_under(deps.settings.blob_path):
        places[f"blob {blob.name}"] = blob.read_bytes()
    for channel in ("sms", "mail"):  # the SMS outbox and the replies to email reports
        for pk in {row.pk for row in deps.repos.outbox.recent(deps.counties.default.code, limit=1000, channel=channel)}:
            for row in deps.repos.outbox.for_record(pk, channel=channel):
                fields = {k: v for k, v in dump(row).items() if k != "to_envelope"}
                places[f"outbox {row.pk} {row.sk}"] = json.dumps(fields, ensure_ascii=False).encode()
    assert hits(needles, places) == [], "a secret rests in clear"
    return places


def test_no_phone_or_receipt_rests_anywhere_in_clear_through_a_whole_life(portal, clock):
    app, deps, fake, stream = portal
    reporter = app.test_client()
    env = {"REMOTE_ADDR": CLIENT_ADDRESS}
    post = lambda path, data: reporter.post(path, data=data, base_url=PUBLIC_URL, environ_base=env)  # noqa: E731

    # the reporter files with a photo (capture facts confirmed) and a phone
    token = form_token(reporter.get("/report", base_url=PUBLIC_URL, environ_base=env).text)
    form = {"token": token, "category": "c1-no-planning-permit", "description": "农田里有人违法建房，已经砌到二层。",
            "lat": XIAYANG_OUTSIDE[0], "lng": XIAYANG_OUTSIDE[1], "phone": "138 0013 8000"}
    confirm = post("/report", {**form, "photos": [(io.BytesIO(images.phone_jpeg()), "IMG_0001.jpg")]})
    upload_id = re.search(r'name="confirm_exif" value="([^"]+)"', confirm.text).group(1)
    receipt = receipt_from(post("/report", {**form, "exif_reviewed": "1", "upload_ids": upload_id,
                                            "confirm_exif": upload_id}).text)
    secrets = known_secrets(receipt)
    [code_sms] = fake.messages
    assert code_sms.to == "+86" + PHONE
    code = re.search(r"验证码(\d{6})", code_sms.body).group(1)
    assert "手机号码已验证" in post("/status/verify", {"receipt": receipt, "code": code}).text
    complaint = deps.repos.complaints.get_by_receipt(deps.hasher.digest("receipt", receipt))
    assert complaint.lead == "natural_resources" and len(complaint.evidence) == 1

    # the department works the ticket; the reporter answers a question
    officer = signed_in(app, deps, clock, "officer")
    custodian = signed_in(app, deps, clock, "custodian")
    for action, data in (("accept", {"note": "明天到现场"}), ("ask-info", {"question": "请补充具体位置"})):
        assert officer.act(complaint.id, action, data).headers["Location"].endswith(f"/staff/tickets/{complaint.id}")
    assert "补充信息已提交" in post("/status/reply", {"receipt": receipt, "text": "在公路东侧第二户"}).text
    # a disclosure request denied, another approved and used
    officer.act(complaint.id, "disclosure", {"reason": "当事人提起诉讼，法院要求举报人作证"})
    custodian.post(f"/staff/disclosures/{complaint.id}/1/deny", {"reason": "可以书面联系，不必查看号码"})
    officer.act(complaint.id, "disclosure", {"reason": "法院再次书面通知，需要举报人出庭作证"})
    custodian.post(f"/staff/disclosures/{complaint.id}/2/approve", {"reason": "法院通知属实，依法批准"})
    shown = officer.post(f"/staff/tickets/{complaint.id}/disclosures/2/view")
    assert "138 0013 8000" in shown.text  # the one place the phone is shown: this response, to this officer
    clock.advance(minutes=5)
    concluded = officer.act(complaint.id, "conclude", {**MEASURES, "finding": "substantiated",
                                                       "result_text": "已责令当事人拆除。"})
    assert concluded.headers["Location"].endswith(f"/staff/tickets/{complaint.id}")
    result = next(m for m in fake.messages if "已办结" in m.body)
    assert fake.send_status(result.sid, "delivered", flask_poster(reporter)) == 204
    assert deps.repos.complaints.get(complaint.id).status == Status.CLOSED
    assert "办理记录" in post("/status", {"receipt": receipt}).text

    # found true: the first reporter claims the cash reward (004 C20, L17) and finance pays it
    case_id = deps.repos.complaints.get(complaint.id).case_id
    supervisor = signed_in(app, deps, clock, "supervisor")
    approver = signed_in(app, deps, clock, "supervisor", username="supervisor-2")
    assert supervisor.post(f"/staff/rewards/{case_id}/propose", {"amount": "800", "reason": "举报属实"}).status_code == 303
    assert approver.post(f"/staff/rewards/{case_id}/approve", {"note": "同意"}).status_code == 303
    assert post("/status/reward/code", {"receipt": receipt}).status_code == 200
    claim_code = re.search(r"领奖验证码(\d{6})", next(m for m in reversed(fake.messages) if "领奖验证码" in m.body).body)
    claimed = post("/status/reward/claim", {"receipt": receipt, "code": claim_code.group(1), "method": "bank",
                                            "payee_name": PAYEE_NAME, "bank": "中国农业银行炎陵县支行",
                                            "account": " ".join(account_forms(PAYEE_ACCOUNT)[1:])})
    assert claimed.status_code == 200 and PAYEE_ACCOUNT not in claimed.text
    finance = signed_in(app, deps, clock, "finance")
    assert PAYEE_ACCOUNT in finance.post(f"/staff/rewards/{case_id}/payee").text  # finance alone reads it
    today = local_date(clock.now()).isoformat()
    assert finance.post(f"/staff/rewards/{case_id}/pay", {"paid_on": today, "amount": "800",
                                                          "reference": "PZ-9"}).status_code == 303
    sweeper.sweep(deps, clock.advance(hours=1))

    # nothing a reporter sent out rests in clear, and no SMS quotes the receipt
    places = sweep_everything(deps, stream, secrets)
    assert any(name.startswith("blob") for name in places) and any(name.startswith("outbox") for name in places)
    log = places["log"].decode()
    for heard in ("portal.services.intake", "urllib3.connectionpool", "DEBUG"):  # the log did hear the story
        assert heard in log
    assert all(form not in m.body for m in fake.messages for form in secrets["receipt"])

    # retention ends: the purge itself leaves nothing either, payee details included
    clock.set(max(deps.repos.complaints.get(complaint.id).purge_at,
                  deps.repos.rewards.get(case_id).purge_due_at(int(deps.settings.retention_days))))
    assert sweeper.sweep(deps, clock.now()).purged >= 1
    assert all(m.to_envelope is None for m in deps.repos.outbox.for_record(K.complaint_pk(complaint.id)))
    assert deps.repos.rewards.get(case_id).claim.payee_envelope is None
    deps.close()  # checkpoint the WAL into the file, as a copy at rest would be
    sweep_everything(deps, stream, secrets)


# --- the contacts of reports registered by staff (004 C20, L17) ------------------------------
POSTAL = "湖南省炎陵县霞阳镇隐秘路88号 欧阳收信人"


def address_forms() -> dict[str, list[str]]:
    from tests.fakes import mail

    local = mail.SENDER.split("@")[0]
    return {"postal address": [POSTAL, "隐秘路88号", "欧阳收信人"],
            "email address": [mail.SENDER, mail.SENDER.upper(), local, mail.SENDER_NAME]}


def test_no_postal_or_email_address_rests_anywhere_in_clear_or_shows_on_a_staff_page(portal, clock):
    from portal.domain.inbox import InboxStatus
    from portal.services import filing_tokens
    from portal.services.channels import inbox
    from tests.fakes import mail
    from tests.services.channel_support import VILLAGE

    app, deps, fake, stream = portal
    needles = address_forms()
    reception = signed_in(app, deps, clock, "officer_housing")
    lead = signed_in(app, deps, clock, "officer")
    supervisor = signed_in(app, deps, clock, "supervisor")
    shown: dict[str, bytes] = {}

    # a letter with a postal address, registered by the housing bureau
    form = reception.get("/staff/register").text
    token = re.search(r'name="token" value="([^"]+)"', form).group(1)
    letter_receipt = filing_tokens.open_token(deps, token, clock.now()).receipt
    slip = reception.post("/staff/register", {
        "token": token, "channel": "letter", "received_on": "2026-11-20", "category": "c1-no-planning-permit",
        "description": "有人在农田里违法建房，已经砌到二层。", "lat": VILLAGE[0], "lng": VILLAGE[1],
        "contact_kind": "postal", "postal_address": POSTAL})
    assert slip.status_code == 200 and all(form not in slip.text for form in needles["postal address"])
    # an email to the natural resources bureau's published address, registered from its inbox
    stored = inbox.store_raw(deps, "natural_resources", mail.report_eml(big_mb=1), via="import", arrived_at=None,
                             now=clock.now())
    message_page = lead.get(f"/staff/inbox/{stored.message_id}").text
    token = re.search(r'name="token" value="([^"]+)"', message_page).group(1)
    mail_receipt = filing_tokens.open_token(deps, token, clock.now()).receipt
    shown["inbox list"] = lead.get("/staff/inbox").data
    shown["inbox message"] = message_page.encode()
    registered = lead.post(f"/staff/inbox/{stored.message_id}/register", {
        "token": token, "category": "l1-occupy-land", "description": mail.TEXT, "township": "longxi",
        "received_on": "2026-11-23"})
    assert registered.status_code == 200 and deps.repos.inbox.get(stored.message_id).status == InboxStatus.REGISTERED
    shown["inbox slip"] = registered.data
    needles["receipt"] = receipt_forms(letter_receipt) + receipt_forms(mail_receipt)

    # the lead bureau handles both; the result of the email goes back by mail
    ids = [i.pk.split("#", 1)[1] for i in deps.store.query("K#430225#active", index="county").items]
    assert len(ids) == 2
    for complaint_id in ids:
        lead.act(complaint_id, "accept", {"note": "明天到现场"})
        lead.act(complaint_id, "conclude", {**MEASURES, "finding": "substantiated", "result_text": "已责令当事人拆除。"})
        shown[f"ticket {complaint_id}"] = lead.get(f"/staff/tickets/{complaint_id}").data
        shown[f"supervisor ticket {complaint_id}"] = supervisor.get(f"/staff/tickets/{complaint_id}").data
        shown[f"audit {complaint_id}"] = supervisor.get(f"/staff/tickets/{complaint_id}/audit").data
    letter_id = next(i for i in ids if deps.repos.complaints.get(i).contact.kind == "postal")
    email_id = next(i for i in ids if i != letter_id)
    # the receiving unit prints the written notice (the one page that shows the address) and posts it
    notice = reception.get(f"/staff/registered/{letter_id}/notice")
    assert POSTAL in notice.text
    assert reception.post(f"/staff/registered/{letter_id}/posted", {"posted_on": "2026-11-23"}).status_code == 303
    shown["desk"] = reception.get("/staff/registered").data
    for name, path in (("queue", "/staff/queue"), ("done queue", "/staff/queue?bucket=done"),
                       ("ledger", "/staff/ledger.csv")):
        shown[name] = lead.get(path).data
    for name, path in (("oversight", "/staff/oversight"), ("oversight csv", "/staff/oversight.csv"),
                       ("audit", "/staff/audit"), ("county queue", "/staff/queue")):
        shown[name] = supervisor.get(path).data
    assert hits(needles, shown) == [], "an address or a receipt on a staff page or an export"
    c = deps.repos.complaints.get(email_id)
    assert c.status == Status.CLOSED  # the result went by mail (004 C20: 书面)
    replies = deps.repos.outbox.for_record(K.complaint_pk(email_id), channel="mail")
    assert {r.kind for r in replies} == {"receipt", "accepted", "result"}

    places = sweep_everything(deps, stream, needles)
    assert any(name.startswith("outbox CMP#") for name in places) and any(name.startswith("blob") for name in places)
    assert "portal.services.channels" in places["log"].decode()  # the log heard the story

    # retention ends: the contacts, the mail replies' addresses and the email itself go
    clock.set(max(deps.repos.complaints.get(i).purge_at for i in ids))
    assert sweeper.sweep(deps, clock.now()).purged == 2
    assert all(deps.repos.complaints.get(i).contact.envelope is None for i in ids)
    assert all(r.to_envelope is None for r in deps.repos.outbox.for_record(K.complaint_pk(email_id), channel="mail"))
    assert deps.repos.inbox.get(stored.message_id).envelope is None
    deps.close()
    sweep_everything(deps, stream, needles)
