"""The complaint's value types: its statuses, findings and decline reasons, the history event,
evidence, the reporter's contact, the ledger's measures, the on-site check, the forced-demolition
handover and the sweeper's alerts. Pure values; the ticket itself and its state machine are in
``portal.domain.complaint``, which re-exports every name here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from portal.domain.deadlines import ClockKind
from portal.domain.errors import DomainError
from portal.domain.referral import THRESHOLD_TITLES, TransferFacts, thresholds_met
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
class Measures:
    """Handling measures in the ledger's columns (台账, 003 Annex 2 and 3; RULES.md §5).
    Fines are in units of 10,000 yuan (万元)."""

    summary: str = ""
    area_mu: float | None = None
    method: str = ""
    filing_authority: str = ""
    filing_date: date | None = None
    penalty_decision: str = ""
    penalty_executed: bool = False
    fine_wan_yuan: float | None = None
    criminal_referrals: int = 0
    persons_accountable: int = 0
    court_enforcement: bool = False
    notes: str = ""
    checked_county: bool = False
    checked_city: bool = False
    checked_province: bool = False
    mineral_type: str = ""
    products_confiscated: bool = False
    equipment_seized: bool = False
    meets_standard: bool = False
    written_off: bool = False
    #: 000 §4(3)1: facts of an illegal transfer or resale of land (``portal.domain.referral``)
    transfer_land_type: str = ""
    transfer_area_mu: float | None = None
    illegal_gains_wan_yuan: float | None = None
    repeat_after_penalty: bool = False
    referred_to_police: bool = False  #: 移送公安机关 (a case, whatever the number of persons)

    def transfer_facts(self) -> TransferFacts:
        return TransferFacts(land_type=self.transfer_land_type, area_mu=self.transfer_area_mu,
                             gains_wan_yuan=self.illegal_gains_wan_yuan,
                             repeat_after_penalty=self.repeat_after_penalty)

    @property
    def police_referral_recorded(self) -> bool:
        return self.referred_to_police or self.criminal_referrals >= 1


def require_police_referral(measures: Measures) -> None:
    """000 §4(3)1 (also 004 C12, L27): facts at a criminal threshold (``referral.thresholds_met``)
    must be referred to public security: a conclusion that records no referral (移送公安机关, or
    persons referred for criminal liability) is refused, naming the threshold met."""
    met = thresholds_met(measures.transfer_facts())
    if met and not measures.police_referral_recorded:
        raise DomainError(N_("违法事实已达到移送公安机关的标准（%(threshold_msg)s），请勾选“已移送公安机关”"
                             "或填写移送追究刑事责任人数后再办结。"), field="referred_to_police",
                          threshold_msg=THRESHOLD_TITLES[met[0]])


@dataclass
class Onsite:
    arrived_at: datetime
    findings: str
    recorded_by: str
    photos: list[str] = field(default_factory=list)


@dataclass
class Demolition:
    """004 C25: the handover to urban management for forced demolition, and its plan."""

    unit: str  #: the department that drafts the plan (the county's ``demolition_department``)
    handed_over_at: datetime  #: when the penalty decision and the request were handed over: the clock's start
    decision: str  #: the penalty decision (行政处罚决定书) ordering demolition, e.g. its number
    handed_over_by: str
    plan_at: datetime | None = None  #: when the plan was drafted: meets the clock
    plan_by: str | None = None


#: what the reporter reads when the plan is made: that the step happened, nothing of its content
#: (the plan, its date of execution and the penalty decision stay inside the departments)
DEMOLITION_PLAN_PUBLIC = N_("强制拆除方案已制定，将报县人民政府批复后依法组织强制拆除。")


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
