"""The complaint's value types: its statuses, findings and decline reasons, the history event,
evidence, the reporter's contact, the on-site check and the sweeper's alerts. Pure values; the
ticket itself and its state machine are in ``portal.domain.complaint``, which re-exports every
name here (the ledger's measures are ``portal.domain.measures``, the forced-demolition handover
``portal.domain.demolition``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from portal.domain.deadlines import ClockKind
from portal.i18n import N_


class Status(StrEnum):
    RECEIVED = "received"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CONCLUDED = "concluded"
    CLOSED = "closed"


OPEN_STATUSES = frozenset({Status.RECEIVED, Status.ACCEPTED})
FINAL_STATUSES = frozenset({Status.DECLINED, Status.CONCLUDED, Status.CLOSED})

STATUS_TITLES = {
    Status.RECEIVED: N_("已收到，等待受理"),
    Status.ACCEPTED: N_("已受理，正在核查处理"),
    Status.DECLINED: N_("不予受理"),
    Status.CONCLUDED: N_("已办结"),
    Status.CLOSED: N_("已办结，结果已告知"),
}


class Finding(StrEnum):
    SUBSTANTIATED = "substantiated"  # 属实
    PARTLY = "partly"  # 部分属实
    NOT_SUBSTANTIATED = "not_substantiated"  # 不属实

    @property
    def substantiated(self) -> bool:
        return self in (Finding.SUBSTANTIATED, Finding.PARTLY)


FINDING_TITLES = {
    Finding.SUBSTANTIATED: N_("属实"),
    Finding.PARTLY: N_("部分属实"),
    Finding.NOT_SUBSTANTIATED: N_("不属实"),
}

#: grounds for "not accepted", as officials who know the 12336 platform name them (RULES.md §7)
DECLINE_REASONS = {
    "out_of_scope": N_("不属于违法建设或违法用地举报的受理范围"),
    "already_handled": N_("该问题已经依法处理完毕"),
    "reconsideration_or_litigation": N_("该事项已进入行政复议或诉讼程序"),
    "insufficient_information": N_("举报内容不具体，无法核查（缺少地点或主要事实）"),
    "other": N_("其他原因"),
}


class Notify(StrEnum):
    """SMS the reporter gets (when a verified phone is on file); one of each per complaint."""

    RECEIVED = "received"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    INFO_REQUESTED = "info_requested"
    RESULT = "result"
    REWARD = "reward"


#: what the reporter reads of each step of an identity-disclosure request (portal.domain.disclosure)
DISCLOSURE_STEPS = {
    "requested": N_("%(unit)s的工作人员因“%(reason)s”申请查看您的联系方式，需经身份信息保管人批准。"),
    "approved": N_("身份信息保管人已批准查看您联系方式的申请，理由：%(reason)s"),
    "denied": N_("身份信息保管人已拒绝查看您联系方式的申请，理由：%(reason)s"),
    "viewed": N_("经批准，%(unit)s的工作人员查看了您的联系方式。"),
    "withdrawn": N_("举报已移交其他单位办理，此前查看您联系方式的申请已撤销。"),
}


@dataclass
class Event:
    n: int
    at: datetime
    kind: str
    actor: str  #: "system", "reporter", or a staff username
    unit: str | None = None  #: the actor's department or township
    note: str = ""  #: for staff only
    public: str | None = None  #: msgid the reporter reads on the status page; None = not shown
    #: values for the placeholders of ``public``; a key ending in ``_msg`` holds a msgid to translate
    params: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)


#: ``public`` for text a person wrote (a question, a reply): shown as written, never translated
VERBATIM = "%(text)s"


@dataclass
class Evidence:
    key: str
    content_type: str
    width: int
    height: int
    size: int
    source: str = "reporter"  #: reporter | onsite
    taken_at: datetime | None = None  #: capture time the reporter confirmed (EXIF)
    taken_lat: float | None = None  #: capture place the reporter confirmed (EXIF GPS)
    taken_lng: float | None = None


@dataclass
class Contact:
    """The reporter's contact: an envelope readable only by the notification path (and, for a
    postal address, the written-notice page of the unit that received the report), and for a
    phone a keyed hash. ``kind``: ``phone`` (SMS), ``postal`` (a written notice, 004 C20: 书面),
    ``email`` (replies by mail; ``portal.domain.channels.CONTACT_KINDS``)."""

    envelope: str | None
    phone_hash: str | None
    verified_at: datetime | None = None
    purged_at: datetime | None = None
    kind: str = "phone"

    @property
    def is_phone(self) -> bool:
        return self.kind == "phone"

    @property
    def usable(self) -> bool:
        """A verified phone the SMS notices can go to."""
        return self.is_phone and self.envelope is not None and self.verified_at is not None and self.purged_at is None

    @property
    def reachable(self) -> bool:
        """A notice reaches the reporter without the status page: SMS to a verified phone, or mail
        to the address an email report came from (004 C20: 书面或手机短信)."""
        if self.kind == "email":
            return self.envelope is not None and self.verified_at is not None and self.purged_at is None
        return self.usable


@dataclass
class Onsite:
    arrived_at: datetime
    findings: str
    recorded_by: str
    photos: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Alert:
    """Something the sweeper tells staff: a reminder to the department, an at-risk warning,
    or a breach escalated to the supervisors (or, for discipline-only tickets, to the
    discipline commission alone)."""

    kind: str  # reminder | at_risk | breach
    clock: ClockKind
    complaint_id: str
    at: datetime
    due_at: datetime
