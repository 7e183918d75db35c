"""Twilio failures, injected into the local fake Twilio API (driven by the real twilio
client): 5xx answers, 429, requests that hang past the client's timeout, a refused
connection, and an answer lost after Twilio took the message. Every notice stays in the
outbox until it goes out, and goes out once; the one exception, a message Twilio accepted
while its answer was lost, is sent a second time (SMS is at-least-once: see the threat
model's residual risks), and the ticket still records it once.

More outage tests for the result SMS: tests/web/test_twilio_sms.py."""

from __future__ import annotations

import logging
import re

from portal.domain.complaint import Status
from portal.domain.messages import BACKOFF, MessageStatus
from portal.services import filing_tokens, intake, sweeper, verification, workflow
from portal.store import keys as K
from tests.fakes.twilio_api import flask_poster
from tests.web.staff_support import account, fast_argon2  # noqa: F401
from tests.web.test_twilio_sms import (  # noqa: F401  (fixtures)
    E164, PHONE, deps, fake, file_with_phone, settings, twilio_setup,
)


def lead_officer(deps, complaint_id):
    lead = deps.repos.complaints.get(complaint_id).lead
    return deps.repos.staff.get(account(deps, "lead.officer", "officer", lead).username).actor


def rows(deps, complaint_id, kind):
    return [m for m in deps.repos.outbox.for_record(K.complaint_pk(complaint_id)) if m.kind == kind]


def test_a_twilio_outage_while_filing_keeps_the_code_and_the_sweeper_sends_it_once(deps, fake, clock, caplog):
    caplog.set_level(logging.DEBUG)
    fake.fail_next(1, status=503)
    now = clock.now()
    result = intake.file_complaint(deps, deps.counties.default, intake.FilingInput(
        token=filing_tokens.issue(deps, now), category="c1-no-planning-permit",
        description="县城边有人未办规划许可，正在加盖三层楼房。", township="hitech", phone=PHONE), "client", now)
    assert result.phone_pending and fake.messages == []  # filed; the code waits in the outbox
    [row] = rows(deps, result.complaint_id, "code")
    assert row.status == MessageStatus.PENDING and row.attempts == 1
    assert sweeper.sweep(deps, clock.now()).messages == {}  # not before the backoff
    report = sweeper.sweep(deps, clock.advance(seconds=BACKOFF[0]))
    assert report.messages == {"sent": 1}
    [code_sms] = fake.messages
    assert code_sms.to == E164
    code = re.search(r"验证码(\d{6})", code_sms.body).group(1)
    verification.confirm(deps, deps.repos.complaints.get(result.complaint_id), code, clock.advance(minutes=2))
    assert deps.repos.complaints.get(result.complaint_id).contact.verified_at is not None
    sweeper.sweep(deps, clock.advance(seconds=BACKOFF[-1]))
    assert [m.body for m in fake.messages].count(code_sms.body) == 1  # the code went out once
    assert PHONE not in caplog.text


def test_every_notice_survives_a_string_of_outages_and_goes_out_once(deps, fake, clock, client, caplog):
    caplog.set_level(logging.DEBUG)
    complaint_id = file_with_phone(deps, fake, clock)
    officer = lead_officer(deps, complaint_id)
    sent_before = len(fake.messages)

    fake.fail_next(1, status=500)
    workflow.accept(deps, officer, complaint_id, "", clock.advance(hours=1))
    fake.hang_next(1)
    workflow.ask_information(deps, officer, complaint_id, "请补充具体门牌号", clock.advance(hours=1))
    fake.fail_next(1, status=429)
    workflow.conclude(deps, officer, complaint_id, "substantiated", "已责令停工并限期拆除。", {},
                      clock.advance(days=1))
    pending = [m for m in deps.repos.outbox.for_record(K.complaint_pk(complaint_id)) if m.kind != "code"
               and m.kind != "received"]
    assert {m.kind for m in pending} == {"accepted", "info_requested", "result"}
    assert all(m.status == MessageStatus.PENDING for m in pending) and len(fake.messages) == sent_before

    fake.fail_next(1, status=503)  # still down at the first retry of one of them
    for _ in range(4):
        sweeper.sweep(deps, clock.advance(seconds=BACKOFF[-1]))
    bodies = [m.body for m in fake.messages[sent_before:]]
    assert len(bodies) == 3 and len(set(bodies)) == 3  # each notice once
    result = next(m for m in fake.messages[sent_before:] if "已办结" in m.body)
    assert fake.send_status(result.sid, "delivered", flask_poster(client)) == 204
    assert deps.repos.complaints.get(complaint_id).status == Status.CLOSED
    history = deps.repos.complaints.history(complaint_id)
    assert sorted(e.data["kind"] for e in history if e.kind == "sms_sent" and e.data["kind"] != "received") == [
        "accepted", "info_requested", "result"]
    assert PHONE not in caplog.text


def test_an_answer_lost_after_twilio_took_the_message_sends_it_twice_but_records_it_once(deps, fake, clock):
    """The residual risk, measured: Twilio has no idempotency key for Messages, so a message
    whose answer was lost is sent again. The reporter may read the same SMS twice; the ticket
    records one notice, and no other message is repeated."""
    complaint_id = file_with_phone(deps, fake, clock)
    officer = lead_officer(deps, complaint_id)
    sent_before = len(fake.messages)
    fake.lose_answer_next(1)
    workflow.accept(deps, officer, complaint_id, "", clock.advance(hours=1))
    [row] = rows(deps, complaint_id, "accepted")
    assert row.status == MessageStatus.PENDING and row.last_error.startswith("SmsTemporaryError")
    assert len(fake.messages) == sent_before + 1  # Twilio did send it
    sweeper.sweep(deps, clock.advance(seconds=BACKOFF[0]))
    sweeper.sweep(deps, clock.advance(seconds=BACKOFF[-1]))
    copies = [m for m in fake.messages[sent_before:] if m.to == E164]
    assert len(copies) == 2 and copies[0].body == copies[1].body
    [row] = rows(deps, complaint_id, "accepted")
    assert row.status == MessageStatus.SENT
    assert [e.data["kind"] for e in deps.repos.complaints.history(complaint_id)
            if e.kind == "sms_sent"].count("accepted") == 1
