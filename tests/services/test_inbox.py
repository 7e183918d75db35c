"""A unit's email inbox (004 C20, L17: each unit publishes an email address for reports): a
hostile message taken apart (MIME, HTML reduced to text, photos sanitised, other attachments
and oversized ones refused with reasons), nothing filed automatically, nothing lost, each
message stored once, and an officer's decision: register (channel email, the sender's address
as the encrypted contact, the receipt by reply) or dismiss with a reason."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from PIL import Image

from portal.domain.errors import Conflict, DomainError, NotFound
from portal.domain.inbox import InboxStatus
from portal.services import sweeper, workflow
from portal.services.channels import inbox, mail_import
from portal.services.channels.mail_parse import NOT_A_PHOTO, TOO_BIG, TOO_MANY, html_to_text
from portal.services.channels.registration import RegistrationInput
from portal.services.notifications import open_body
from portal.store import keys as K
from tests.fakes import images, mail
from tests.services.channel_support import LEAD, rows
from portal.domain.access import Actor, Role

UNIT = "natural_resources"
OFFICER = Actor("mailroom", Role.OFFICER, UNIT, "430225")


def store(deps, raw: bytes):
    stored = inbox.store_raw(deps, UNIT, raw, via="import", arrived_at=None, now=deps.clock.now())
    return deps.repos.inbox.get(stored.message_id), stored


def registration_form(deps, **over) -> RegistrationInput:
    from portal.services import filing_tokens

    values = dict(token=filing_tokens.issue(deps, deps.clock.now()), category="l1-occupy-land",
                  description=mail.TEXT + "地点：" + mail.PLACE, township="longxi", received_on="2026-11-22")
    values.update(over)
    return RegistrationInput(**values)


def test_004_c20_the_hostile_email_end_to_end(deps, clock):
    """An HTML body with scripts, an inline JPEG carrying GPS and camera-serial EXIF, a zip and
    a 30 MB attachment: clean text, a sanitised photo, the zip and the big file refused with
    reasons; registered, it is a report, and the receipt reply is in the mail outbox."""
    message, stored = store(deps, mail.report_eml())
    assert stored.created and message.status == InboxStatus.NEW and message.size > 40 * 1024 * 1024
    # nothing is filed automatically
    assert deps.store.query("K#430225#active", index="county").items == []

    view = inbox.open_message(deps, OFFICER, message.id, clock.now())
    assert view.subject == mail.SUBJECT and mail.TEXT in view.text and mail.PLACE in view.text
    for trace in (mail.SCRIPT, "alert(", "<script", "color: red", "javascript:", "<p>", "cid:"):
        assert trace not in view.text, trace
    assert "<b>不是标签</b>" in view.text  # text that looks like markup stays text (the page escapes it)
    assert view.has_sender and mail.SENDER not in json.dumps(view.names, ensure_ascii=False)

    photo, archive, big = message.attachments
    assert photo.kept and photo.reason is None
    clean = inbox.photo(deps, OFFICER, message.id, photo.n)
    for secret in (images.SERIAL, images.OWNER, images.MAKE, "LENS-SERIAL-99"):
        assert secret.encode() not in clean
    decoded = Image.open(io.BytesIO(clean))
    assert not decoded.getexif() and "exif" not in decoded.info and "comment" not in decoded.info
    assert not archive.kept and archive.reason == NOT_A_PHOTO and archive.params == {"type": "application/zip"}
    assert not big.kept and big.reason == TOO_BIG and big.size >= mail.BIG_MB * 1024 * 1024 and big.key is None

    result = inbox.register(deps, OFFICER, deps.counties.default, message.id, registration_form(deps), clock.now())
    complaint = deps.repos.complaints.get(result.complaint_id)
    assert complaint.intake.channel == "email" and complaint.intake.received_by == UNIT
    assert complaint.contact.kind == "email" and complaint.contact.reachable
    assert deps.keyring.decrypt(complaint.contact.envelope, {"record": f"complaint/{complaint.id}",
                                                             "field": "contact"}).decode() == mail.SENDER
    assert [e.key for e in complaint.evidence] == [photo.key] and complaint.evidence[0].taken_lat is None
    assert deps.repos.inbox.get(message.id).status == InboxStatus.REGISTERED
    [reply] = deps.repos.outbox.for_record(K.complaint_pk(complaint.id), channel="mail")
    payload = json.loads(open_body(deps, reply))
    assert reply.kind == "receipt" and reply.status.value == "delivered"
    assert payload["in_reply_to"] == mail.MESSAGE_ID and payload["subject"] == "Re: " + mail.SUBJECT
    assert payload["sender"] == "zrzy-report@example.invalid" and "回执号" in payload["text"]
    assert deps.keyring.decrypt(reply.to_envelope, reply.to_context).decode() == mail.SENDER
    with pytest.raises(DomainError):  # decided once
        inbox.register(deps, OFFICER, deps.counties.default, message.id, registration_form(deps), clock.now())


def test_the_raw_message_and_what_was_parsed_are_kept_encrypted(deps):
    message, _ = store(deps, mail.report_eml(big_mb=0))
    raw_blob = deps.blobs.get(message.raw_key)
    for secret in (mail.SENDER.encode(), mail.SUBJECT.encode(), mail.TEXT.encode(), b"From:"):
        assert secret not in raw_blob
    assert mail.SENDER not in message.envelope and mail.SENDER not in json.dumps(deps.repos.inbox.save_op(message).item.body)


def test_html_is_reduced_to_text():
    html = "<div>一<script>evil()</script><style>.x{}</style>二<br>三<noscript>no</noscript>&amp;四</div>"
    assert html_to_text(html).split() == ["一二", "三&四"]


def test_a_message_that_cannot_be_parsed_stays_in_the_list_with_the_reason(deps, clock):
    message, _ = store(deps, b"\x00\x01 this is not a mail message \xff")
    assert message.status == InboxStatus.FAILED and message.problem
    [line], _ = inbox.listing(deps, OFFICER, "open")
    assert line.message.id == message.id
    with pytest.raises(Conflict):
        inbox.register(deps, OFFICER, deps.counties.default, message.id, registration_form(deps), clock.now())
    assert deps.blobs.get(message.raw_key)  # nothing lost: the bytes are kept for the officer's colleagues
    inbox.dismiss(deps, OFFICER, message.id, "乱码，无法识别", clock.now())
    assert inbox.listing(deps, OFFICER, "open")[0] == []


def test_a_message_over_the_size_limit_is_listed_not_taken(deps, settings):
    deps.settings = settings.__class__.from_env({}, data_dir=settings.data_dir, public_url=settings.public_url,
                                                demo="1", mail_max_bytes="1000")
    message, _ = store(deps, mail.report_eml(big_mb=0))
    assert message.status == InboxStatus.FAILED and message.problem_params == {"mb": 0} and message.raw_key is None


def test_too_many_attachments_are_refused_with_the_reason(deps, settings):
    deps.settings = settings.__class__.from_env({}, data_dir=settings.data_dir, public_url=settings.public_url,
                                                demo="1", mail_max_attachments="1")
    message, _ = store(deps, mail.report_eml(big_mb=1))
    kept, *refused = message.attachments
    assert kept.kept and [a.reason for a in refused] == [TOO_MANY] * 2


def test_the_same_message_is_stored_once(deps):
    raw = mail.plain_eml()
    first, stored = store(deps, raw)
    before = rows(deps)
    again, second = store(deps, raw)
    assert stored.created and not second.created and again.id == first.id and rows(deps) == before


def test_a_dismissal_needs_a_reason_and_its_data_go_after_the_retention(deps, clock):
    message, _ = store(deps, mail.report_eml(big_mb=0))
    with pytest.raises(DomainError) as refused:
        inbox.dismiss(deps, OFFICER, message.id, "  ", clock.now())
    assert refused.value.field == "reason"
    inbox.dismiss(deps, OFFICER, message.id, "广告邮件", clock.now())
    dismissed = deps.repos.inbox.get(message.id)
    assert dismissed.status == InboxStatus.DISMISSED and dismissed.purge_at == clock.now() + deps.settings.retention
    photo_key = dismissed.attachments[0].key
    assert sweeper.sweep(deps, dismissed.purge_at + timedelta(seconds=1)).purged == 1
    purged = deps.repos.inbox.get(message.id)
    assert purged.envelope is None and purged.raw_key is None and not deps.blobs.exists(photo_key)
    assert not deps.blobs.exists(message.raw_key) and purged.dismiss_reason == "广告邮件"


def test_a_registered_emails_data_go_with_its_ticket_and_the_evidence_stays(deps, clock):
    message, _ = store(deps, mail.report_eml(big_mb=0))
    result = inbox.register(deps, OFFICER, deps.counties.default, message.id, registration_form(deps), clock.now())
    workflow.decline(deps, LEAD, result.complaint_id, "out_of_scope", "不属于受理范围。", clock.now())
    complaint = deps.repos.complaints.get(result.complaint_id)
    sweeper.sweep(deps, complaint.purge_at + timedelta(seconds=1))
    purged = deps.repos.inbox.get(message.id)
    assert purged.envelope is None and not deps.blobs.exists(message.raw_key)
    assert deps.blobs.exists(complaint.evidence[0].key)
    replies = deps.repos.outbox.for_record(K.complaint_pk(complaint.id), channel="mail")
    assert {r.kind for r in replies} == {"receipt", "declined"}  # the decline went by mail too (004 C20)
    assert all(r.to_envelope is None and not r.sealed for r in replies)
    assert deps.repos.complaints.get(complaint.id).contact.envelope is None


def test_only_the_units_own_officers_see_its_mail(deps, clock):
    message, _ = store(deps, mail.plain_eml())
    for actor in (LEAD.__class__("x", Role.OFFICER, "housing", "430225"),
                  LEAD.__class__("f", Role.FINANCE, "finance", "430225")):
        with pytest.raises(NotFound):
            inbox.open_message(deps, actor, message.id, clock.now())
    assert inbox.open_message(deps, LEAD, message.id, clock.now()).text == mail.TEXT


def test_mail_import_finds_the_unit_by_the_address_it_was_sent_to(deps, tmp_path, clock):
    (tmp_path / "a.eml").write_bytes(mail.plain_eml())
    (tmp_path / "b.eml").write_bytes(mail.plain_eml(to="nobody@example.org", message_id="<b@x>"))
    report = mail_import.import_path(deps, tmp_path, None, clock.now())
    assert report.stored == 1 and report.unplaced == ["b.eml"]
    assert mail_import.import_path(deps, tmp_path / "a.eml", None, clock.now()).duplicates == 1
    with pytest.raises(ValueError):
        mail_import.import_path(deps, tmp_path, "no-such-unit", clock.now())
