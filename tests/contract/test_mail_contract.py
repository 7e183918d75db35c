"""The mail-sender contract (``portal.ports.MailSender``): the embedded default's outbox, the
county's SMTP server (a local aiosmtpd sink) and SES (moto) pass it unchanged; the SMTP and SES
adapters also tell a deferral (retry) from a refusal (give up)."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from portal.config import MailServer
from portal.notify.mail_outbox import LocalMailOutbox
from portal.notify.ses_sender import SesSender
from portal.notify.smtp_sender import SmtpSender
from portal.ports import MailPermanentError, MailSender, MailTemporaryError, OutgoingMail
from tests.fakes.smtp_sink import SmtpSink

SENDER = "zrzy-report@example.invalid"
REPLY = OutgoingMail(to="wang.reporter@example.cn", sender=SENDER, sender_name="炎陵县县自然资源局",
                     subject="Re: 举报：村口有人占用耕地建房", text="您的举报已登记。\n回执号：1234 5678 9012 3456",
                     in_reply_to="<report-0001@mail.example.cn>")


def smtp_sender(sink: SmtpSink) -> SmtpSender:
    return SmtpSender(MailServer.parse(sink.url, ("smtp", "smtps"), "PORTAL_SMTP_URL"), None, timeout=5)


@pytest.fixture(params=["outbox", "smtp", "ses"])
def mail_sender(request):
    if request.param == "outbox":
        yield LocalMailOutbox(), None
    elif request.param == "smtp":
        with SmtpSink() as sink:
            yield smtp_sender(sink), sink
    else:
        with mock_aws():
            client = boto3.client("ses", region_name="us-east-1")
            client.verify_email_identity(EmailAddress=SENDER)
            yield SesSender(client), None


def test_send_returns_a_provider_id_and_a_status(mail_sender):
    sender, _ = mail_sender
    assert isinstance(sender, MailSender)
    receipt = sender.send(REPLY)
    assert receipt.provider_id and receipt.status in ("sent", "delivered")


def test_each_message_gets_its_own_id(mail_sender):
    sender, _ = mail_sender
    assert sender.send(REPLY).provider_id != sender.send(REPLY).provider_id


def test_smtp_sends_plain_text_threaded_to_the_reporters_message():
    with SmtpSink() as sink:
        smtp_sender(sink).send(REPLY)
        [got] = sink.received
    message = got.message
    assert got.recipients == ["wang.reporter@example.cn"] and got.sender == SENDER
    assert message["In-Reply-To"] == REPLY.in_reply_to and message["Auto-Submitted"] == "auto-replied"
    assert message.get_content_type() == "text/plain" and "回执号：1234" in message.get_content()
    assert str(message["Subject"]) == REPLY.subject


def test_smtp_tells_a_deferral_from_a_refusal():
    with SmtpSink() as sink:
        sender = smtp_sender(sink)
        sink.handler.defer.add("busy@example.cn")
        sink.handler.refuse.add("gone@example.cn")
        with pytest.raises(MailTemporaryError):
            sender.send(OutgoingMail(to="busy@example.cn", sender=SENDER, subject="s", text="t"))
        with pytest.raises(MailPermanentError):
            sender.send(OutgoingMail(to="gone@example.cn", sender=SENDER, subject="s", text="t"))
    with pytest.raises(MailTemporaryError):  # the server is gone: try later
        sender.send(REPLY)


def test_smtp_refuses_to_send_in_clear_to_a_server_off_the_loopback(monkeypatch):
    import smtplib

    class NoTls:
        def __init__(self, *a, **k):
            self.closed = False

        def ehlo(self):
            pass

        def has_extn(self, name):
            return False

        def close(self):
            self.closed = True

    monkeypatch.setattr(smtplib, "SMTP", NoTls)
    sender = SmtpSender(MailServer.parse("smtp://user@mail.yanling.gov.cn", ("smtp", "smtps"), "X"), "pw")
    with pytest.raises(MailPermanentError):
        sender.send(REPLY)


def test_ses_refuses_an_unverified_sender():
    with mock_aws():
        client = boto3.client("ses", region_name="us-east-1")
        with pytest.raises(MailPermanentError):
            SesSender(client).send(REPLY)
