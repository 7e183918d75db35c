"""Notices to reporters: outbox rows written in the same transaction as the state change that
calls for them, then sent by the sweeper (or at once, right after the commit). A verified phone
gets SMS; an email report's sender gets the same notices by mail (``services.channels.mail``).

A row is claimed with a conditional write before it is sent, so two sweepers never send
one message twice; a failed attempt is retried with backoff; nothing is lost.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from portal.crypto import contexts
from portal.domain.complaint import Complaint, Notify
from portal.domain.messages import MessageStatus, OutboxMessage
from portal.ports import (
    ConditionFailed, DecryptionError, MailPermanentError, MailTemporaryError, Op, SmsPermanentError, SmsTemporaryError,
)
from portal.services.deps import Deps
from portal.store import keys as K
from portal.notify.texts import text_for
from portal.redaction import redact

log = logging.getLogger(__name__)


#: outbox kinds whose text holds a one-time code (or a receipt): the text is dropped once sent
SPENT_TEXTS = {"code": "[verification code sent]", "reward_code": "[verification code sent]",
               "receipt": "[receipt sent]"}
ONE_TIME_CODE_KINDS = frozenset(SPENT_TEXTS)


def contact_context(complaint_id: str) -> dict:
    return contexts.contact(complaint_id)


def callback_url(deps: Deps) -> str | None:
    if deps.settings.sms != "twilio":
        return None
    return deps.settings.public_url.rstrip("/") + "/hooks/twilio/status"


def message_for(deps: Deps, complaint: Complaint, kind: Notify, trigger: int, now: datetime,
                body: str | None = None) -> OutboxMessage | None:
    """An outbox row for ``kind``; None when the reporter left no usable (verified) phone."""
    contact = complaint.contact
    if contact is None or not contact.is_phone or contact.envelope is None or contact.purged_at is not None:
        return None
    if kind != "code" and contact.verified_at is None:
        return None
    county = deps.counties.get(complaint.county) or deps.counties.default
    if body is None:
        body = text_for(kind, signature=county.sms_signature, public_url=deps.settings.public_url,
                        decline_reason=complaint.decline_reason,
                        finding=complaint.finding.value if complaint.finding else None)
    kind_value = kind.value if isinstance(kind, Notify) else kind
    return OutboxMessage(
        pk=K.complaint_pk(complaint.id), sk=f"{K.sms_sk(kind_value)}#{trigger:06d}", county=complaint.county,
        kind=kind_value, body=body, to_envelope=contact.envelope, to_context=contact_context(complaint.id),
        complaint_id=complaint.id, created_at=now, next_attempt_at=now,
    )


def pending_messages(deps: Deps, complaint: Complaint, now: datetime) -> list[OutboxMessage]:
    messages = []
    for kind, trigger in complaint.new_notifications:
        message = message_for(deps, complaint, kind, trigger, now)
        if message is None and complaint.contact is not None and complaint.contact.kind == "email":
            from portal.services.channels import mail  # (mail builds on this module)

            message = mail.notice_row(deps, complaint, kind, trigger, now)
        if message is not None:
            messages.append(message)
    return messages


def commit_complaint(deps: Deps, complaint: Complaint, now: datetime, extra_ops: list[Op] | None = None,
                     send_now: bool = True) -> list[OutboxMessage]:
    """Store the complaint, its new events and the SMS rows it calls for, in one transaction;
    then try to send those rows at once (the sweeper retries whatever does not go out). A
    ticket that has just closed gets its retention date here."""
    complaint.schedule_purge(now, deps.settings.retention)
    messages = pending_messages(deps, complaint, now)
    ops = deps.repos.complaints.save_ops(complaint)
    ops += [deps.repos.outbox.save_op(m) for m in messages]
    ops += list(extra_ops or [])
    deps.store.write(ops)
    deps.repos.complaints.committed(complaint)
    for m in messages:
        deps.repos.outbox.committed(m)
    if send_now:
        for m in messages:
            deliver(deps, m.pk, m.sk, now)
    return messages


@dataclass
class DeliveryResult:
    status: str  # sent | delivered | retry | failed | skipped


def deliver(deps: Deps, pk: str, sk: str, now: datetime) -> DeliveryResult:
    """Claim one outbox row and hand it to the SMS provider. Safe to call from two sweepers
    at once: the claim is a conditional write, and only its winner sends."""
    message = deps.repos.outbox.get(pk, sk)
    if message is None:
        return DeliveryResult("skipped")
    wake = message.wake_at()
    if wake is None or wake > now:
        return DeliveryResult("skipped")
    message.claim(now)
    try:
        deps.store.write([deps.repos.outbox.save_op(message)])
    except ConditionFailed:
        return DeliveryResult("skipped")  # another sweeper took it
    deps.repos.outbox.committed(message)

    try:
        if message.to_envelope is None:
            raise SmsPermanentError("contact purged")
        if message.channel == "mail":
            from portal.services.channels import mail

            receipt = mail.transmit(deps, message)
        else:
            phone = deps.keyring.decrypt(message.to_envelope, message.to_context).decode()
            receipt = deps.sms.send(phone, open_body(deps, message), callback_url=callback_url(deps))
    except (SmsTemporaryError, MailTemporaryError) as exc:
        message.retry_later(now, type(exc).__name__ + ": " + _safe(exc))
        outcome = "failed" if message.status == MessageStatus.FAILED else "retry"
        _save_message(deps, message)
        if outcome == "failed":
            _apply_to_complaint(deps, message, now, failed=True)
        log.info("%s %s %s: %s (attempt %d)", message.channel, message.kind, message.sk, outcome, message.attempts,
                 extra={"event": message.channel, "outcome": outcome, "kind": message.kind})
        return DeliveryResult(outcome)
    except (SmsPermanentError, MailPermanentError, DecryptionError) as exc:
        message.fail(now, type(exc).__name__ + ": " + _safe(exc))
        _save_message(deps, message)
        _apply_to_complaint(deps, message, now, failed=True)
        log.warning("%s %s %s refused for good", message.channel, message.kind, message.sk,
                    extra={"event": message.channel, "outcome": "failed", "kind": message.kind})
        return DeliveryResult("failed")

    # mail has no delivery report: a reply the county's server took is the written notice sent
    message.sent(now, receipt.provider_id, delivered=receipt.status == "delivered" or message.channel == "mail")
    if message.kind in ONE_TIME_CODE_KINDS and not deps.settings.is_demo:
        # a spent code (or a receipt that reached its reporter) has no business in the store
        message.body, message.sealed = SPENT_TEXTS[message.kind], False
    ops = [deps.repos.outbox.save_op(message), deps.repos.outbox.provider_pointer_op(message)]
    deps.store.write(ops)
    deps.repos.outbox.committed(message)
    _apply_to_complaint(deps, message, now, sent=True, delivered=message.status == MessageStatus.DELIVERED)
    log.info("%s %s %s: sent", message.channel, message.kind, message.sk,
             extra={"event": message.channel, "outcome": "sent", "kind": message.kind})  # event "sms" or "mail"
    early = deps.repos.records.get(f"SMSID#{receipt.provider_id}", EARLY_STATUS)
    if early is not None:  # the provider's callback beat our own write of its id
        record_provider_status(deps, receipt.provider_id, early.body["status"], now)
    return DeliveryResult(message.status.value)


def body_context(message: OutboxMessage) -> dict:
    return contexts.message_body(message.pk, message.sk)


def seal_body(deps: Deps, message: OutboxMessage, text: str) -> None:
    """Keep ``text`` (a receipt's SMS, a mail reply) as an envelope until it is sent."""
    message.body, message.sealed = deps.keyring.encrypt(text.encode(), body_context(message)), True


def open_body(deps: Deps, message: OutboxMessage) -> str:
    if not message.sealed:
        return message.body
    return deps.keyring.decrypt(message.body, body_context(message)).decode()


def _safe(exc: Exception) -> str:
    """Provider errors may quote the number they failed on: mask it, keep status and code."""
    return redact(str(exc))[:160]


def _save_message(deps: Deps, message: OutboxMessage) -> None:
    deps.store.write([deps.repos.outbox.save_op(message)])
    deps.repos.outbox.committed(message)


def _apply_to_complaint(deps: Deps, message: OutboxMessage, at: datetime, *, sent: bool = False,
                        delivered: bool = False, failed: bool = False) -> None:
    """Tell the complaint what became of its notice (a decline notice sent meets the acceptance
    clock; a result delivered meets the result-notice clock). Retried on a concurrent write."""
    if message.complaint_id is None or message.kind not in Notify._value2member_map_:
        return
    kind = Notify(message.kind)
    for _ in range(5):
        complaint = deps.repos.complaints.get(message.complaint_id)
        if complaint is None:
            return
        if sent:
            complaint.notice_sent(kind, at)
        if delivered:
            complaint.notice_delivered(kind, at)
        if failed:
            complaint.notice_failed(kind, at, permanent=True)
        complaint.schedule_purge(at, deps.settings.retention)
        try:
            deps.store.write(deps.repos.complaints.save_ops(complaint))
            deps.repos.complaints.committed(complaint)
            return
        except ConditionFailed:
            continue
    log.error("could not record the notice outcome on complaint %s", message.complaint_id)


#: where a status callback that arrives before the sender recorded the provider's id waits
EARLY_STATUS = "EARLY"


def record_provider_status(deps: Deps, provider_id: str, status: str, now: datetime) -> bool:
    """A status callback from the provider (already authenticated by the caller). A callback
    can beat the sender's own write of the provider id by milliseconds: it is parked for a
    day and applied by ``deliver`` once the id is known (providers do not resend callbacks)."""
    for _ in range(5):
        message = deps.repos.outbox.by_provider_id(provider_id)
        if message is None:
            if status in ("delivered", "undelivered", "failed"):
                deps.repos.records.put(f"SMSID#{provider_id}", EARLY_STATUS, {"status": status},
                                       expires_at=now + timedelta(days=1))
            return False
        if not message.provider_status(now, status):
            return False
        try:
            deps.store.write([deps.repos.outbox.save_op(message)])
        except ConditionFailed:
            continue
        deps.repos.outbox.committed(message)
        if message.status == MessageStatus.DELIVERED:
            _apply_to_complaint(deps, message, now, delivered=True)
        elif message.status in (MessageStatus.UNDELIVERED, MessageStatus.FAILED):
            _apply_to_complaint(deps, message, now, failed=True)
        return True
    return False
