"""A message in a unit's email inbox (004 C20, L17: each unit publishes an email address for
reports). Pure values and transitions, ``now`` passed in.

Nothing is filed automatically and nothing is lost: a message enters as ``new`` (parsed) or
``failed`` (it could not be parsed, or was too large to take: the reason is kept and shown),
and leaves only by an officer's decision: ``registered`` (it became a report) or
``dismissed`` (with a reason). The sender, subject, text and attachment names are one
envelope; the raw message is an encrypted blob; refused attachments keep only their size,
type and the reason. The personal data go ``PORTAL_RETENTION_DAYS`` after the decision (for a
registered message, with its ticket's retention).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from portal.domain.errors import Conflict, DomainError
from portal.i18n import N_


class InboxStatus(StrEnum):
    NEW = "new"  #: parsed; waiting for an officer
    FAILED = "failed"  #: could not be parsed or taken (``problem``); waiting for an officer
    REGISTERED = "registered"
    DISMISSED = "dismissed"


OPEN = frozenset({InboxStatus.NEW, InboxStatus.FAILED})

STATUS_TITLES = {
    InboxStatus.NEW: N_("待处理"),
    InboxStatus.FAILED: N_("无法读取，待处理"),
    InboxStatus.REGISTERED: N_("已登记为举报"),
    InboxStatus.DISMISSED: N_("已不予登记"),
}


@dataclass
class Attachment:
    n: int
    content_type: str  #: as declared (cleaned to a short token); for the officer's information only
    size: int
    kept: bool  #: a photo, sanitised and kept (``key``)
    reason: str | None = None  #: msgid: why it was refused
    params: dict = field(default_factory=dict)
    key: str | None = None  #: the sanitised JPEG in the blob store
    width: int = 0
    height: int = 0
    stored_size: int = 0  #: bytes of the sanitised JPEG


@dataclass
class InboxMessage:
    id: str
    county: str
    unit: str  #: whose published address it was sent to
    via: str  #: imap | ses | import
    arrived_at: datetime  #: when the unit's mailbox received it (the day the unit received the report)
    fetched_at: datetime
    size: int
    status: InboxStatus = InboxStatus.NEW
    envelope: str | None = None  #: sender, subject, date, text, Message-ID, attachment names (JSON)
    raw_key: str | None = None  #: the raw message, encrypted, in the blob store
    attachments: list[Attachment] = field(default_factory=list)
    problem: str | None = None  #: msgid: why it could not be parsed or taken
    problem_params: dict = field(default_factory=dict)
    complaint_id: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    dismiss_reason: str = ""
    purge_at: datetime | None = None
    purged_at: datetime | None = None
    version: int = 0

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def _require_open(self) -> None:
        if not self.is_open:
            raise Conflict(N_("这封邮件已经处理过了。"))

    def registered(self, now: datetime, actor: str, complaint_id: str) -> None:
        """It became a report; its personal data now follow the ticket's retention."""
        self._require_open()
        if self.status == InboxStatus.FAILED:
            raise Conflict(N_("这封邮件无法读取，不能直接登记为举报；请按原件内容另行登记，或不予登记并写明理由。"))
        self.status, self.complaint_id = InboxStatus.REGISTERED, complaint_id
        self.decided_by, self.decided_at = actor, now

    def dismiss(self, now: datetime, actor: str, reason: str, retention: timedelta) -> None:
        """Not a report (advertising, a question, a duplicate): dismissed with the reason the
        officer gives; its personal data are purged after the retention period."""
        self._require_open()
        if not reason.strip():
            raise DomainError(N_("请写明不予登记的理由。"), field="reason")
        self.status, self.dismiss_reason = InboxStatus.DISMISSED, reason.strip()
        self.decided_by, self.decided_at = actor, now
        self.purge_at = now + retention

    def purge(self, now: datetime) -> list[str]:
        """The envelope and the blobs go; the row stays (size, dates, decision). Returns the blob
        keys to delete."""
        keys = [k for k in [self.raw_key, *[a.key for a in self.attachments]] if k]
        self.envelope, self.raw_key = None, None
        for attachment in self.attachments:
            attachment.key = None
        self.purge_at, self.purged_at = None, now
        return keys
