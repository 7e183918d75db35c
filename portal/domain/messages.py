"""Outbox messages: every SMS (and every mail reply to an email report) is a row first
(idempotency key: its record + kind), then sent, then marked by the provider's status callback.
The row holds the text and the phone (or address) as an envelope only the sender opens. A text
that holds a receipt (the receipt SMS of a report registered by phone, every mail reply) is
sealed too (``sealed``: ``body`` is an envelope) and dropped once sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum


class MessageStatus(StrEnum):
    PENDING = "pending"  #: waiting for its next attempt
    SENDING = "sending"  #: claimed by one sweeper until ``lease_until``
    SENT = "sent"  #: the provider took it; delivery not yet reported
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"  #: the provider could not deliver it
    FAILED = "failed"  #: refused for good (bad number) or retries exhausted


FINAL = frozenset({MessageStatus.DELIVERED, MessageStatus.UNDELIVERED, MessageStatus.FAILED})

#: seconds to wait after attempt n (1-based); the last value repeats
BACKOFF = (60, 300, 900, 1800, 3600)
MAX_ATTEMPTS = 60  # about two and a half days of an outage before the row is given up and escalated
LEASE = timedelta(minutes=2)


@dataclass
class OutboxMessage:
    pk: str
    sk: str
    county: str
    kind: str
    body: str
    to_envelope: str | None
    to_context: dict
    complaint_id: str | None
    created_at: datetime
    status: MessageStatus = MessageStatus.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    lease_until: datetime | None = None
    provider_id: str | None = None
    sent_at: datetime | None = None
    delivered_at: datetime | None = None
    failed_at: datetime | None = None
    last_error: str = ""
    history: list[dict] = field(default_factory=list)
    channel: str = "sms"  #: sms | mail (``portal.services.channels.mail``)
    sealed: bool = False  #: ``body`` is a keyring envelope
    version: int = 0

    def wake_at(self) -> datetime | None:
        if self.status == MessageStatus.PENDING:
            return self.next_attempt_at or self.created_at
        if self.status == MessageStatus.SENDING:
            return self.lease_until
        return None

    def claim(self, now: datetime) -> None:
        """Take the row for one attempt; the lease lets another sweeper retry if this one dies."""
        self.status = MessageStatus.SENDING
        self.attempts += 1
        self.lease_until = now + LEASE

    def sent(self, now: datetime, provider_id: str, delivered: bool) -> None:
        self.provider_id = provider_id
        self.sent_at = now
        self.lease_until = None
        self.status = MessageStatus.DELIVERED if delivered else MessageStatus.SENT
        if delivered:
            self.delivered_at = now
        self.history.append({"at": now.isoformat(), "status": self.status.value})

    def retry_later(self, now: datetime, error: str) -> None:
        self.last_error = error[:200]
        self.lease_until = None
        self.history.append({"at": now.isoformat(), "status": "retry", "error": self.last_error})
        if self.attempts >= MAX_ATTEMPTS:
            self.status = MessageStatus.FAILED
            self.failed_at = now
            return
        delay = BACKOFF[min(self.attempts, len(BACKOFF)) - 1]
        self.status = MessageStatus.PENDING
        self.next_attempt_at = now + timedelta(seconds=delay)

    def fail(self, now: datetime, error: str) -> None:
        self.status = MessageStatus.FAILED
        self.failed_at = now
        self.lease_until = None
        self.last_error = error[:200]
        self.history.append({"at": now.isoformat(), "status": "failed", "error": self.last_error})

    def forget_recipient(self, now: datetime) -> bool:
        """Retention: drop the phone envelope (and a verification code's text); a row still
        waiting to go out can no longer go and fails. True if anything changed."""
        if self.to_envelope is None:
            return False
        self.to_envelope = None
        if self.kind == "code":
            self.body = "[verification code purged]"
        if self.sealed:
            self.body, self.sealed = "[purged]", False
        if self.status in (MessageStatus.PENDING, MessageStatus.SENDING):
            self.status, self.failed_at, self.lease_until = MessageStatus.FAILED, now, None
        self.history.append({"at": now.isoformat(), "status": "recipient_purged"})
        return True

    def provider_status(self, now: datetime, status: str) -> bool:
        """Apply a status callback; True if it changed the row. Final states stay final."""
        if self.status in FINAL:
            return False
        if status == "delivered":
            self.status, self.delivered_at = MessageStatus.DELIVERED, now
        elif status == "undelivered":
            self.status, self.failed_at = MessageStatus.UNDELIVERED, now
        elif status == "failed":
            self.status, self.failed_at = MessageStatus.FAILED, now
        else:
            return False
        self.history.append({"at": now.isoformat(), "status": self.status.value, "via": "callback"})
        return True
