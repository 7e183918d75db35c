"""The Twilio SMS sender, driven through the real twilio client against the local fake
Twilio API: what it sends, and how each failure is classified for the outbox (retry later
or refused for good), without a phone number or a text in any error or log line."""

from __future__ import annotations

import logging
import os
import secrets

import pytest

from portal.config import Settings, SettingsError
from portal.crypto.secrets import Secrets
from portal.notify.twilio_http import ApiBaseHttpClient
from portal.notify.twilio_sender import TwilioSender
from portal.ports import SmsPermanentError, SmsTemporaryError
from portal.services.deps import build_deps
from tests.fakes.twilio_api import FakeTwilioApi, LoopbackServer

ACCOUNT = "AC" + secrets.token_hex(16)
TOKEN = secrets.token_hex(16)
SERVICE = "MG" + secrets.token_hex(16)
PHONE = "+8613800138000"
BODY = "【炎陵查违】您的举报已办结，核查结论：属实。"
CALLBACK = "https://portal.test/hooks/twilio/status"


@pytest.fixture
def fake():
    with FakeTwilioApi(ACCOUNT, TOKEN, hang_seconds=6.0) as api:
        yield api


def sender_for(fake, **kwargs) -> TwilioSender:
    options = {"messaging_service_sid": SERVICE, "api_base": fake.url, "timeout": 2.0} | kwargs
    return TwilioSender(ACCOUNT, options.pop("token", TOKEN), **options)


def assert_nothing_personal(text: str) -> None:
    assert "13800138000" not in text
    assert BODY not in text


def test_sends_through_the_messaging_service_with_the_status_callback(fake):
    receipt = sender_for(fake, from_number="+15005550006").send(PHONE, BODY, callback_url=CALLBACK)
    [message] = fake.messages
    assert receipt.provider_id == message.sid and message.sid.startswith("SM") and len(message.sid) == 34
    assert receipt.status == "sent"
    assert (message.to, message.body, message.status_callback) == (PHONE, BODY, CALLBACK)
    assert message.messaging_service_sid == SERVICE and message.from_ is None


def test_sends_from_a_number_when_no_messaging_service_is_set(fake):
    sender_for(fake, messaging_service_sid=None, from_number="+15005550006").send(PHONE, BODY)
    [message] = fake.messages
    assert message.from_ == "+15005550006" and message.messaging_service_sid is None
    assert message.status_callback is None


def test_a_sender_needs_a_messaging_service_or_a_from_number(fake):
    with pytest.raises(SettingsError):
        sender_for(fake, messaging_service_sid=None)


def test_api_base_replaces_the_twilio_origin_and_keeps_path_and_query():
    client = ApiBaseHttpClient("http://127.0.0.1:9/twilio/", timeout=1)
    assert (client.rewrite("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?PageSize=2")
            == "http://127.0.0.1:9/twilio/2010-04-01/Accounts/AC1/Messages.json?PageSize=2")
    with pytest.raises(SettingsError):
        ApiBaseHttpClient("127.0.0.1:9", timeout=1)


@pytest.mark.parametrize("status, code", [(500, 20500), (503, 20503), (429, 20429)])
def test_provider_errors_and_throttling_are_temporary(fake, caplog, status, code):
    caplog.set_level(logging.DEBUG)
    fake.fail_next(1, status=status, code=code)
    with pytest.raises(SmsTemporaryError) as raised:
        sender_for(fake).send(PHONE, BODY)
    assert str(raised.value) == f"twilio: HTTP {status} error {code}"
    assert fake.messages == [] and fake.attempts == 1
    assert_nothing_personal(caplog.text)


@pytest.mark.parametrize("code", [21211, 21610, 21614])
def test_refusals_are_permanent_and_never_quote_the_number(fake, caplog, code):
    """Twilio's error text quotes the number (the fake does too); the exception keeps only
    the HTTP status and Twilio's error code."""
    caplog.set_level(logging.DEBUG)
    fake.fail_next(1, status=400, code=code)
    with pytest.raises(SmsPermanentError) as raised:
        sender_for(fake).send(PHONE, BODY)
    assert str(raised.value) == f"twilio: HTTP 400 error {code}"
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
    assert_nothing_personal(caplog.text)


def test_an_invalid_number_is_refused_for_good(fake):
    with pytest.raises(SmsPermanentError) as raised:
        sender_for(fake).send("+86123", BODY)
    assert str(raised.value) == "twilio: HTTP 400 error 21211"
    assert fake.messages == []


def test_wrong_credentials_are_temporary_and_logged_for_the_operator(fake, caplog):
    """A rotated or mistyped token is a configuration fault, not the message's: the outbox keeps it."""
    with pytest.raises(SmsTemporaryError, match="HTTP 401 error 20003"):
        sender_for(fake, token="not-the-token").send(PHONE, BODY)
    assert "credentials" in caplog.text
    assert fake.messages == [] and fake.attempts == 0


def test_a_hung_provider_times_out_as_temporary(fake, caplog):
    caplog.set_level(logging.DEBUG)
    fake.hang_next(1)
    with pytest.raises(SmsTemporaryError, match="timed out"):
        sender_for(fake, timeout=0.3).send(PHONE, BODY)
    assert fake.messages == []
    assert_nothing_personal(caplog.text)


def test_an_unreachable_provider_is_temporary_and_the_next_send_goes_through(fake):
    sender = sender_for(fake)
    fake.stop()
    with pytest.raises(SmsTemporaryError, match="connection failed"):
        sender.send(PHONE, BODY)
    fake.start()
    receipt = sender.send(PHONE, BODY)
    assert [m.sid for m in fake.messages] == [receipt.provider_id]


@pytest.mark.parametrize("status, text", [(201, "<html>gateway</html>"), (302, "")])
def test_a_garbled_answer_is_temporary(status, text):
    """Something between the portal and Twilio (a captive proxy, a broken gateway) answered:
    nothing is known to be sent, so the outbox tries again later."""

    def garbled(environ, start_response):
        start_response(f"{status} Whatever", [("Content-Type", "text/html"), ("Location", "http://127.0.0.1:9/")])
        return [text.encode()]

    with LoopbackServer(garbled) as server:
        with pytest.raises(SmsTemporaryError):
            TwilioSender(ACCOUNT, TOKEN, messaging_service_sid=SERVICE, api_base=server.url, timeout=2).send(PHONE, BODY)


def twilio_settings(tmp_path, fake, **extra) -> Settings:
    return Settings.from_env({}, data_dir=str(tmp_path / "data"), sms="twilio", twilio_account_sid=ACCOUNT,
                             twilio_messaging_service_sid=SERVICE, twilio_api_base=fake.url, **extra)


def test_build_deps_wires_twilio_with_the_token_from_the_secrets(tmp_path, fake):
    settings = twilio_settings(tmp_path, fake)
    deps = build_deps(settings, secrets=Secrets(os.urandom(32), os.urandom(32), twilio_auth_token=TOKEN))
    try:
        assert isinstance(deps.sms, TwilioSender)
        receipt = deps.sms.send(PHONE, BODY)
        assert fake.message(receipt.provider_id).messaging_service_sid == SERVICE
    finally:
        deps.close()


def test_the_auth_token_is_read_from_the_environment_locally(tmp_path, fake):
    settings = twilio_settings(tmp_path, fake, twilio_auth_token=TOKEN)
    deps = build_deps(settings)
    try:
        assert deps.sms.send(PHONE, BODY).provider_id == fake.messages[0].sid
    finally:
        deps.close()


def test_twilio_without_an_auth_token_does_not_start(tmp_path, fake):
    settings = twilio_settings(tmp_path, fake)
    with pytest.raises(SettingsError, match="auth token"):
        TwilioSender.from_settings(settings, Secrets(os.urandom(32), os.urandom(32)))
