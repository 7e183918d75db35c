"""A unit's email inbox (004 C20, L17: each unit publishes an email address for reports).

Mail enters by three doors, all through ``store_raw``: the unit's mailbox read over IMAP by the
sweeper (``imap_poll``; on AWS the scheduled function, also in the China regions where SES does
not receive mail), SES receiving writing the raw message to S3 for the S3-triggered function
(``functions/mail.py``), and ``portal mail import FILE.eml|MAILDIR``.

- A message is stored once: a keyed fingerprint of its bytes is a unique pointer, written in the
  message's own transaction; the same bytes again (a second sweep, a second import) store nothing.
- The raw message is kept encrypted (a keyring envelope in the blob store) and the parsed
  sender, subject, text and attachment names are one envelope: nothing a reporter sent rests
  in clear. Photos go through the web form's sanitiser; every other attachment, an oversized
  one and those past the count limit are refused with the reason the officer reads.
- Nothing is filed automatically and nothing is lost: a message that cannot be parsed is kept
  with the reason; an officer turns a message into a registered report (channel email, the
  sender's address as the encrypted contact, the receipt by reply) or dismisses it with a reason.
- Officers of the unit see its messages' subject and text, never the sender's address; each
  opening is recorded in the audit trail.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from portal.crypto import contexts
from portal.domain.access import Actor, can_register
from portal.domain.errors import DomainError, NotFound
from portal.domain.inbox import Attachment, InboxMessage, InboxStatus
from portal.domain.complaint import Evidence
from portal.domain.county import County
from portal.i18n import N_
from portal.ids import is_id, new_id
from portal.ports import ABSENT, BlobNotFound, ConditionFailed, DecryptionError
from portal.services import audit, uploads
from portal.services.channels import registration
from portal.services.channels.mail_parse import Unreadable, parse
from portal.services.deps import Deps
from portal.services.intake import bounded_text
from portal.store import keys as K

log = logging.getLogger(__name__)

PREFIX = "inbox/"
#: a registered report's pointer to the email it came from (``CMP#<id>`` / ``MAIL``), for the purge
MESSAGE_SK = "MAIL"
NOT_FOUND = N_("没有找到这封邮件，或者它不是发给本单位的。")
TOO_LARGE = N_("邮件超过 %(mb)s MB，未下载，仍保留在单位邮箱中，请在邮箱中查看。")
UNREADABLE = N_("邮件无法读取。")
#: an arrival instant further back than this is taken as a wrong clock, not a fact
ARRIVAL_SANE = timedelta(days=366)


def _context(message_id: str, part: str) -> dict:
    return contexts.mail(message_id, part)


def fingerprint(deps: Deps, raw: bytes) -> str:
    """Keyed, so a copy of the database cannot confirm which message a reporter sent."""
    return deps.hasher.digest("mail", hashlib.sha256(raw).hexdigest())


def _stored_before(deps: Deps, purpose: str, value: str) -> str | None:
    """The message already stored for these bytes, its fingerprint made under any hash key (one
    stored before a hash-key rotation is still found)."""
    for digest in deps.hasher.digests(purpose, value):
        existing = deps.repos.inbox.by_fingerprint(digest)
        if existing:
            return existing
    return None


def county_of_unit(deps: Deps, unit: str) -> County:
    for county in deps.counties:
        if county.is_unit(unit):
            return county
    raise ValueError(f"no county has a unit {unit!r}")


def _arrival(arrived_at: datetime | None, now: datetime) -> datetime:
    if arrived_at is None or arrived_at > now + timedelta(minutes=5) or arrived_at < now - ARRIVAL_SANE:
        return now
    return min(arrived_at, now)


@dataclass(frozen=True)
class Stored:
    message_id: str
    created: bool
    status: InboxStatus | None = None


def store_raw(deps: Deps, unit: str, raw: bytes, *, via: str, arrived_at: datetime | None, now: datetime) -> Stored:
    """Keep one raw message for ``unit``'s triage list (parsed, or failed with the reason)."""
    county = county_of_unit(deps, unit)
    found = fingerprint(deps, raw)
    existing = _stored_before(deps, "mail", hashlib.sha256(raw).hexdigest())
    if existing:
        return Stored(existing, False)
    message_id = new_id(now)
    message = InboxMessage(id=message_id, county=county.code, unit=unit, via=via, arrived_at=_arrival(arrived_at, now),
                           fetched_at=now, size=len(raw))
    written: list[str] = []
    limit = int(deps.settings.mail_max_bytes)
    if len(raw) > limit:
        message.status, message.problem, message.problem_params = InboxStatus.FAILED, TOO_LARGE, {"mb": limit >> 20}
        envelope = {}
    else:
        envelope = _parse_into(deps, message, raw, written)
        message.raw_key = f"{PREFIX}{message_id}/raw"
        deps.blobs.put(message.raw_key, deps.keyring.encrypt(raw, _context(message_id, "raw")).encode(),
                       "application/octet-stream")
        written.append(message.raw_key)
    message.envelope = deps.keyring.encrypt(json.dumps(envelope, ensure_ascii=False).encode(),
                                            _context(message_id, "envelope"))
    try:
        deps.store.write([deps.repos.inbox.save_op(message), deps.repos.inbox.fingerprint_op(found, message_id)])
    except ConditionFailed:  # the same bytes, stored by another sweep meanwhile
        for key in written:
            deps.blobs.delete(key)
        return Stored(deps.repos.inbox.by_fingerprint(found) or message_id, False)
    log.info("mail %s stored for %s via %s: %s, %d attachment(s)", message_id, unit, via, message.status.value,
             len(message.attachments))
    return Stored(message_id, True, message.status)


def record_too_large(deps: Deps, unit: str, header: bytes, size: int, *, via: str, arrived_at: datetime | None,
                     now: datetime, key: str) -> Stored:
    """A message over the size limit, left in the mailbox: listed with the reason (and its
    subject, from the header alone). ``key`` identifies it in the mailbox (stored once)."""
    county = county_of_unit(deps, unit)
    found = deps.hasher.digest("mail-too-large", key)
    existing = _stored_before(deps, "mail-too-large", key)
    if existing:
        return Stored(existing, False)
    message_id = new_id(now)
    limit = int(deps.settings.mail_max_bytes)
    message = InboxMessage(id=message_id, county=county.code, unit=unit, via=via, arrived_at=_arrival(arrived_at, now),
                           fetched_at=now, size=size, status=InboxStatus.FAILED, problem=TOO_LARGE,
                           problem_params={"mb": limit >> 20})
    try:
        parsed = parse(header, max_attachments=0, photo_limit=0)
        envelope = {"subject": parsed.subject, "sender": parsed.sender, "text": ""}
    except Unreadable:
        envelope = {}
    message.envelope = deps.keyring.encrypt(json.dumps(envelope, ensure_ascii=False).encode(),
                                            _context(message_id, "envelope"))
    try:
        deps.store.write([deps.repos.inbox.save_op(message), deps.repos.inbox.fingerprint_op(found, message_id)])
    except ConditionFailed:
        return Stored(deps.repos.inbox.by_fingerprint(found) or message_id, False)
    return Stored(message_id, True, message.status)


def _parse_into(deps: Deps, message: InboxMessage, raw: bytes, written: list[str]) -> dict:
    """Parse ``raw`` into ``message`` (attachments, kept photos) and return the envelope's content."""
    try:
        parsed = parse(raw, max_attachments=int(deps.settings.mail_max_attachments),
                       photo_limit=deps.settings.photo_limit)
    except Unreadable as exc:
        message.status, message.problem, message.problem_params = InboxStatus.FAILED, exc.message, exc.params
        return {}
    except Exception as exc:  # noqa: BLE001 - nothing is lost: the message stays, failed, with its raw bytes
        log.warning("mail %s could not be parsed: %s", message.id, type(exc).__name__)
        message.status, message.problem = InboxStatus.FAILED, UNREADABLE
        return {}
    names = {}
    for part in parsed.parts:
        attachment = Attachment(n=part.n, content_type=part.content_type, size=part.size, kept=part.clean is not None,
                                reason=part.reason, params=part.params)
        if part.clean is not None:
            attachment.key = f"{PREFIX}{message.id}/{part.n}.jpg"
            attachment.width, attachment.height = part.clean.width, part.clean.height
            attachment.stored_size = len(part.clean.data)
            deps.blobs.put(attachment.key, part.clean.data, part.clean.content_type)
            written.append(attachment.key)
        if part.filename:
            names[str(part.n)] = part.filename
        message.attachments.append(attachment)
    return {"sender": parsed.sender, "subject": parsed.subject, "text": parsed.text, "message_id": parsed.message_id,
            "date": parsed.date.isoformat() if parsed.date else None, "names": names}


# --- what officers see ----------------------------------------------------------------------
def _require(deps: Deps, actor: Actor, message_id: str | None) -> InboxMessage:
    if not can_register(actor):
        raise NotFound(NOT_FOUND)
    message = deps.repos.inbox.get(message_id) if message_id and is_id(message_id) else None
    if message is None or message.county != actor.county or message.unit != actor.unit:
        raise NotFound(NOT_FOUND)
    return message


def _contents(deps: Deps, message: InboxMessage) -> dict:
    if message.envelope is None:
        return {}
    try:
        return json.loads(deps.keyring.decrypt(message.envelope, _context(message.id, "envelope")))
    except (DecryptionError, ValueError):
        return {}


@dataclass(frozen=True)
class Line:
    message: InboxMessage
    subject: str


def listing(deps: Deps, actor: Actor, bucket: str, cursor: str | None = None) -> tuple[list[Line], str | None]:
    """The unit's messages: waiting (new and failed) or decided, newest first."""
    if not can_register(actor):
        raise NotFound(NOT_FOUND)
    bucket = "done" if bucket == "done" else "open"
    found, next_cursor = deps.repos.inbox.for_unit(actor.county, actor.unit, bucket, cursor=cursor)
    return [Line(m, _contents(deps, m).get("subject", "")) for m in found], next_cursor


@dataclass(frozen=True)
class MessageView:
    message: InboxMessage
    subject: str
    text: str  #: plain text; the page escapes it (never displayed as HTML)
    date: str | None
    has_sender: bool  #: an address to reply to (never shown)
    names: dict


def open_message(deps: Deps, actor: Actor, message_id: str | None, now: datetime) -> MessageView:
    message = _require(deps, actor, message_id)
    contents = _contents(deps, message)
    audit.record(deps, actor, "inbox_view", now, detail={"message": message.id})
    return MessageView(message=message, subject=contents.get("subject", ""), text=contents.get("text", ""),
                       date=contents.get("date"), has_sender=bool(contents.get("sender")),
                       names=contents.get("names", {}))


def photo(deps: Deps, actor: Actor, message_id: str | None, n: int) -> bytes:
    message = _require(deps, actor, message_id)
    attachment = next((a for a in message.attachments if a.n == n and a.key), None)
    if attachment is None:
        raise NotFound(N_("照片不存在。"))
    try:
        return deps.blobs.get(attachment.key)
    except BlobNotFound:
        raise NotFound(N_("照片不存在。")) from None


# --- the officer's decision ------------------------------------------------------------------
def register(deps: Deps, actor: Actor, county: County, message_id: str | None,
             data: registration.RegistrationInput, now: datetime) -> registration.Registration:
    """The message becomes a registered report (channel email): its text as the officer edited
    it, its kept photos as evidence, its sender's address as the encrypted contact; the receipt
    goes back by reply. The message is marked in the same transaction."""
    message = _require(deps, actor, message_id)
    if not message.is_open:
        raise DomainError(N_("这封邮件已经处理过了。"), field="form")
    contents = _contents(deps, message)
    kept = [a for a in message.attachments if a.kept and a.key][:uploads.MAX_PHOTOS]
    evidence = [Evidence(key=a.key, content_type="image/jpeg", width=a.width, height=a.height, size=a.stored_size,
                         source="reporter") for a in kept]

    def decide(complaint_id: str) -> list:
        message.registered(now, actor.username, complaint_id)
        return [deps.repos.inbox.save_op(message), deps.repos.records.op(K.complaint_pk(complaint_id), MESSAGE_SK,
                                                                         {"message": message.id}, expect=ABSENT)]

    origin = registration.MailOrigin(evidence=evidence, sender=contents.get("sender"),
                                     message_id=contents.get("message_id"), subject=contents.get("subject", ""),
                                     decide=decide)
    result = registration.register(deps, actor, county, data, [], now, mail=origin)
    deps.repos.inbox.committed(message)
    return result


def dismiss(deps: Deps, actor: Actor, message_id: str | None, reason: str | None, now: datetime) -> InboxMessage:
    message = _require(deps, actor, message_id)
    text = bounded_text(reason, "reason", 500, required=True, missing=N_("请写明不予登记的理由。"))
    message.dismiss(now, actor.username, text, deps.settings.retention)
    try:
        deps.store.write([deps.repos.inbox.save_op(message),
                          deps.repos.audit.op(at=now, actor=actor.username, role=actor.role.value, unit=actor.unit,
                                              action="inbox_dismiss", county=actor.county,
                                              detail={"message": message.id})])
    except ConditionFailed:
        raise DomainError(N_("这封邮件刚刚被其他人处理过，请刷新页面。"), field="form") from None
    deps.repos.inbox.committed(message)
    return message


# --- retention -------------------------------------------------------------------------------
def purge(deps: Deps, message_id: str, now: datetime, keep: set[str] = frozenset()) -> bool:
    """The message's personal data go: the envelope, the raw message, the photos not taken as a
    ticket's evidence (``keep``). Idempotent."""
    for _ in range(5):
        message = deps.repos.inbox.get(message_id)
        if message is None or message.purged_at is not None and message.purge_at is None:
            return False
        if message.status == InboxStatus.DISMISSED and (message.purge_at is None or now < message.purge_at):
            return False
        keys = message.purge(now)
        try:
            deps.store.write([deps.repos.inbox.save_op(message)])
        except ConditionFailed:
            continue
        for key in keys:
            if key not in keep:
                deps.blobs.delete(key)
        return True
    return False
