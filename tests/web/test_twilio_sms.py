"""SMS through Twilio end to end: the real twilio client against the local fake Twilio API,
and Twilio's signed status callbacks into ``/hooks/twilio/status``.

The rule under test is 004 C20 / L17: the result reaches the reporter within 7 working days
of the conclusion, by SMS; the result-notice clock is met when Twilio reports the result
SMS delivered. Forged callbacks change nothing; outages lose nothing.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
from datetime import timedelta

import pytest
from twilio.request_validator import RequestValidator

from portal import create_app
from portal.config import Settings
from portal.crypto.secrets import Secrets
from portal.domain.complaint import Finding, Measures, Status
from portal.domain.deadlines import ClockKind
from portal.domain.messages import BACKOFF, MessageStatus
from portal.notify.twilio_sender import TwilioSender
from portal.services import filing_tokens, intake, verification
from portal.services.deps import build_deps
from portal.services.notifications import commit_complaint, deliver
from portal.store import keys as K
from portal.store.sqlite import SqliteStore
from tests.conftest import PUBLIC_URL
from tests.fakes.twilio_api import FakeTwilioApi, LoopbackServer, flask_poster

ACCOUNT = "AC" + secrets.token_hex(16)
TOKEN = secrets.token_hex(16)
SERVICE = "MG" + secrets.token_hex(16)
PHONE = "13800138000"
E164 = "+86" + PHONE
HOOK = "/hooks/twilio/status"
RESULT_TEXT = "违法建筑已责令当事人自行拆除，现场已恢复原状。"


@pytest.fixture
def fake():
    with FakeTwilioApi(ACCOUNT, TOKEN, hang_seconds=6.0) as api:
        yield api


def make_deps(tmp_path, clock, fake, public_url):
    settings = Settings.from_env({}, data_dir=str(tmp_path / "data"), sms="twilio", twilio_account_sid=ACCOUNT,
                                 twilio_messaging_service_sid=SERVICE, twilio_api_base=fake.url, public_url=public_url)
    keys = Secrets(secret_key=os.urandom(32), hash_key=os.urandom(32), twilio_auth_token=TOKEN)
    return settings, build_deps(settings, secrets=keys, clock=clock,
                                store=SqliteStore(settings.sqlite_file, epoch=clock.epoch),
                                sms=TwilioSender.from_settings(settings, keys, timeout=2.0))


@pytest.fixture
def twilio_setup(tmp_path, clock, fake):
    settings, d = make_deps(tmp_path, clock, fake, PUBLIC_URL)
    yield settings, d
    d.close()


# the conftest's app and client fixtures pick these up
@pytest.fixture
def settings(twilio_setup):
    return twilio_setup[0]


@pytest.fixture
def deps(twilio_setup):
    return twilio_setup[1]


# --- the way to a result SMS -------------------------------------------------------------
def file_with_phone(deps, fake, clock) -> str:
    """File a complaint with a phone and verify the phone with the code the fake received."""
    county = deps.counties.default
    now = clock.now()
    result = intake.file_complaint(deps, county, intake.FilingInput(
        token=filing_tokens.issue(deps, now), category="c1-no-planning-permit",
        description="县城边有人未办规划许可，正在加盖三层楼房。", township="hitech", phone=PHONE), client="test", now=now)
    [code_sms] = fake.messages
    assert code_sms.to == E164
    code = re.search(r"验证码(\d{6})", code_sms.body).group(1)
    clock.advance(minutes=2)
    verification.confirm(deps, deps.repos.complaints.get(result.complaint_id), code, clock.now())
    return result.complaint_id


def accept(deps, clock, complaint_id) -> None:
    clock.advance(hours=3)
    complaint = deps.repos.complaints.get(complaint_id)
    complaint.accept(clock.now(), "zhang.wei", complaint.lead)
    commit_complaint(deps, complaint, clock.now())


def conclude(deps, clock, complaint_id):
    clock.advance(days=2)
    complaint = deps.repos.complaints.get(complaint_id)
    complaint.conclude(clock.now(), "zhang.wei", complaint.lead, Finding.SUBSTANTIATED,
                       Measures(summary="未批先建三层楼房", method="责令限期拆除"), RESULT_TEXT, deps.calendar())
    commit_complaint(deps, complaint, clock.now())


def result_row(deps, complaint_id):
    [row] = [m for m in deps.repos.outbox.for_record(K.complaint_pk(complaint_id)) if m.kind == "result"]
    return row


def concluded_case(deps, fake, clock):
    """A concluded complaint whose result SMS went out to the fake; (complaint id, SM sid)."""
    complaint_id = file_with_phone(deps, fake, clock)
    accept(deps, clock, complaint_id)
    conclude(deps, clock, complaint_id)
    row = result_row(deps, complaint_id)
    assert row.status == MessageStatus.SENT
    return complaint_id, row.provider_id


def snapshot(deps, complaint_id):
    complaint, row = deps.repos.complaints.get(complaint_id), result_row(deps, complaint_id)
    return complaint.version, complaint.status, row.version, row.status


# --- the result-notice clock -------------------------------------------------------------
def test_delivered_result_sms_closes_the_complaint_within_the_result_notice_clock(deps, fake, clock, client):
    """004 C20 / L17: the result reaches the reporter within 7 working days of the conclusion."""
    complaint_id, sid = concluded_case(deps, fake, clock)
    sms = fake.message(sid)
    assert sms.to == E164 and "属实" in sms.body and sms.status_callback == PUBLIC_URL + HOOK
    assert sms.messaging_service_sid == SERVICE
    complaint = deps.repos.complaints.get(complaint_id)
    assert complaint.status == Status.CONCLUDED and complaint.clock(ClockKind.RESULT_NOTICE).is_open

    delivered_at = clock.advance(minutes=1)
    assert fake.send_status(sid, "delivered", flask_poster(client)) == 204

    complaint = deps.repos.complaints.get(complaint_id)
    notice = complaint.clock(ClockKind.RESULT_NOTICE)
    assert complaint.status == Status.CLOSED and complaint.closed_at == delivered_at
    assert notice.met_at == delivered_at and notice.met_at <= notice.due_at and notice.breached_at is None
    row = result_row(deps, complaint_id)
    assert row.status == MessageStatus.DELIVERED and row.delivered_at == delivered_at


def test_the_hook_works_over_http_against_the_public_url(tmp_path, clock, fake):
    """The same flow with the portal on a real socket: Twilio's request, signed over the public URL."""
    holder = {}
    server = LoopbackServer(lambda environ, start: holder["app"](environ, start))
    server.start()
    settings, d = make_deps(tmp_path, clock, fake, server.url)
    try:
        holder["app"] = create_app(settings, d)
        complaint_id, sid = concluded_case(d, fake, clock)
        assert fake.message(sid).status_callback == server.url + HOOK
        assert fake.send_status(sid, "delivered") == 204
        assert d.repos.complaints.get(complaint_id).status == Status.CLOSED
    finally:
        server.stop()
        d.close()


# --- forged callbacks --------------------------------------------------------------------
def forgeries(fake, sid):
    params = fake.status_params(sid, "delivered")
    public = PUBLIC_URL + HOOK
    return {
        "bad signature": (params, {"X-Twilio-Signature": RequestValidator("not-the-token").compute_signature(public, params)}),
        "unsigned": (params, {}),
        "signed for another URL": (params, {"X-Twilio-Signature": fake.signature("https://evil.test" + HOOK, params)}),
        "signed for the internal host": (params, {"X-Twilio-Signature": fake.signature("http://localhost" + HOOK, params)}),
        "fields changed after signing": ({**params, "MessageStatus": "failed"},
                                         {"X-Twilio-Signature": fake.signature(public, params)}),
    }


@pytest.mark.parametrize("forgery", ["bad signature", "unsigned", "signed for another URL",
                                     "signed for the internal host", "fields changed after signing"])
def test_a_forged_status_callback_is_refused_and_changes_nothing(deps, fake, clock, client, forgery):
    complaint_id, sid = concluded_case(deps, fake, clock)
    before = snapshot(deps, complaint_id)
    params, headers = forgeries(fake, sid)[forgery]
    clock.advance(minutes=1)
    response = client.post(HOOK, data=params, headers=headers)  # arrives on http://localhost
    assert response.status_code == 403
    assert snapshot(deps, complaint_id) == before
    assert deps.repos.complaints.get(complaint_id).clock(ClockKind.RESULT_NOTICE).is_open


def test_the_hook_is_not_there_without_twilio(tmp_path, clock):
    settings = Settings.from_env({}, data_dir=str(tmp_path / "outbox"), public_url=PUBLIC_URL)
    d = build_deps(settings, clock=clock)
    try:
        params = {"MessageSid": "SM" + "0" * 32, "MessageStatus": "delivered"}
        signature = RequestValidator(TOKEN).compute_signature(PUBLIC_URL + HOOK, params)
        response = create_app(settings, d).test_client().post(HOOK, data=params, headers={"X-Twilio-Signature": signature})
        assert response.status_code == 404
    finally:
        d.close()


# --- other callbacks ---------------------------------------------------------------------
@pytest.mark.parametrize("status, stored", [("undelivered", MessageStatus.UNDELIVERED), ("failed", MessageStatus.FAILED)])
def test_an_undelivered_result_is_recorded_and_the_clock_stays_open(deps, fake, clock, client, status, stored):
    """A result SMS that never arrived has not told the reporter: the clock stays open for a written notice."""
    complaint_id, sid = concluded_case(deps, fake, clock)
    failed_at = clock.advance(minutes=5)
    assert fake.send_status(sid, status, flask_poster(client), error_code="30003") == 204
    row = result_row(deps, complaint_id)
    assert row.status == stored and row.failed_at == failed_at
    complaint = deps.repos.complaints.get(complaint_id)
    assert complaint.status == Status.CONCLUDED and complaint.clock(ClockKind.RESULT_NOTICE).is_open
    assert any(e.kind == "sms_failed" and e.data["kind"] == "result" for e in deps.repos.complaints.history(complaint_id))


def test_intermediate_statuses_change_nothing(deps, fake, clock, client):
    complaint_id, sid = concluded_case(deps, fake, clock)
    before = snapshot(deps, complaint_id)
    for status in ("queued", "sending", "sent"):
        assert fake.send_status(sid, status, flask_poster(client)) == 204
    assert snapshot(deps, complaint_id) == before


def test_a_callback_for_an_unknown_message_is_acknowledged_without_effect(deps, fake, clock, client):
    """Decision: 204. The callback is authentic and there is nothing to record (a message of
    another deployment on the same account, or one already purged); a 4xx would only show as
    an error in Twilio's console."""
    complaint_id, sid = concluded_case(deps, fake, clock)
    before = snapshot(deps, complaint_id)
    params = {**fake.status_params(sid, "delivered"), "MessageSid": "SM" + secrets.token_hex(16)}
    params["SmsSid"] = params["MessageSid"]
    response = client.post(HOOK, data=params, headers={"X-Twilio-Signature": fake.signature(PUBLIC_URL + HOOK, params)})
    assert response.status_code == 204
    assert snapshot(deps, complaint_id) == before


def test_a_repeated_delivered_callback_changes_nothing(deps, fake, clock, client):
    complaint_id, sid = concluded_case(deps, fake, clock)
    clock.advance(minutes=1)
    assert fake.send_status(sid, "delivered", flask_poster(client)) == 204
    after_first = snapshot(deps, complaint_id)
    events = len(deps.repos.complaints.history(complaint_id))
    clock.advance(minutes=1)
    assert fake.send_status(sid, "delivered", flask_poster(client)) == 204
    assert snapshot(deps, complaint_id) == after_first
    assert len(deps.repos.complaints.history(complaint_id)) == events


def test_a_signed_callback_without_a_message_sid_is_a_bad_request(deps, fake, clock, client):
    complaint_id, sid = concluded_case(deps, fake, clock)
    before = snapshot(deps, complaint_id)
    params = {"MessageStatus": "delivered", "AccountSid": ACCOUNT}
    response = client.post(HOOK, data=params, headers={"X-Twilio-Signature": fake.signature(PUBLIC_URL + HOOK, params)})
    assert response.status_code == 400
    assert snapshot(deps, complaint_id) == before


# --- outages -----------------------------------------------------------------------------
def break_provider(fake, outage: str) -> None:
    if outage == "http 500":
        fake.fail_next(1, status=500)
    elif outage == "http 429":
        fake.fail_next(1, status=429)
    elif outage == "hang":
        fake.hang_next(1)
    else:
        fake.stop()


@pytest.mark.parametrize("outage", ["http 500", "http 429", "hang", "connection refused"])
def test_an_outage_keeps_the_result_sms_pending_and_it_goes_out_once_later(deps, fake, clock, client, caplog, outage):
    caplog.set_level(logging.DEBUG)
    complaint_id = file_with_phone(deps, fake, clock)
    accept(deps, clock, complaint_id)
    sent_before = len(fake.messages)
    break_provider(fake, outage)

    conclude(deps, clock, complaint_id)  # commits, then tries to send at once: no exception escapes
    concluded_at = clock.now()
    row = result_row(deps, complaint_id)
    assert row.status == MessageStatus.PENDING and row.attempts == 1
    assert row.next_attempt_at == concluded_at + timedelta(seconds=BACKOFF[0]) > concluded_at
    assert "13800138000" not in row.last_error and row.last_error.startswith("SmsTemporaryError")
    assert len(fake.messages) == sent_before
    assert deps.repos.complaints.get(complaint_id).status == Status.CONCLUDED

    # before the backoff has passed, the sweeper leaves it alone
    assert deliver(deps, row.pk, row.sk, clock.now()).status == "skipped"
    if outage == "connection refused":
        fake.start()
    clock.advance(seconds=BACKOFF[0])
    assert deliver(deps, row.pk, row.sk, clock.now()).status == "sent"
    assert deliver(deps, row.pk, row.sk, clock.advance(seconds=BACKOFF[-1])).status == "skipped"
    results = [m for m in fake.messages if "已办结" in m.body]
    assert len(results) == 1 and len(fake.messages) == sent_before + 1

    assert fake.send_status(results[0].sid, "delivered", flask_poster(client)) == 204
    assert deps.repos.complaints.get(complaint_id).status == Status.CLOSED
    assert "13800138000" not in caplog.text and results[0].body not in caplog.text


def test_a_refused_number_fails_the_result_sms_for_good(deps, fake, clock, caplog):
    caplog.set_level(logging.DEBUG)
    complaint_id = file_with_phone(deps, fake, clock)
    accept(deps, clock, complaint_id)
    sent_before = len(fake.messages)
    fake.fail_next(1, status=400, code=21610)  # the reporter unsubscribed; Twilio quotes the number

    conclude(deps, clock, complaint_id)
    row = result_row(deps, complaint_id)
    assert row.status == MessageStatus.FAILED and row.failed_at == clock.now()
    assert row.last_error.startswith("SmsPermanentError") and "13800138000" not in row.last_error
    assert deliver(deps, row.pk, row.sk, clock.advance(days=1)).status == "skipped"
    assert len(fake.messages) == sent_before
    complaint = deps.repos.complaints.get(complaint_id)
    assert complaint.status == Status.CONCLUDED and complaint.clock(ClockKind.RESULT_NOTICE).is_open
    assert any(e.kind == "sms_failed" and e.data == {"kind": "result", "permanent": True}
               for e in deps.repos.complaints.history(complaint_id))
    assert "13800138000" not in caplog.text
