"""What a staff member reads about a ticket: the ticket page and its photos. Both are
scope-checked (``portal.services.scope``) and recorded in the audit trail.

The reporter stays hidden: a ticket page carries the complaint's text, place, photos
(sanitised), history and clocks, never the contact envelope, its hash or the receipt hash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from portal.domain.access import Action, Actor, can
from portal.domain.complaint import (
    FINDING_TITLES, STATUS_TITLES, Complaint, Event, Evidence, Finding, Status,
)
from portal.domain.county import County, Department
from portal.domain.deadlines import CLOCK_TITLES, ClockKind
from portal.domain.errors import NotFound
from portal.domain.staff import StaffAccount
from portal.i18n import N_
from portal.ports import BlobNotFound
from portal.services import audit, cases, disclosure, scope, workflow
from portal.services.deps import Deps

EVENT_TITLES = {
    "filed": N_("收到举报"),
    "registered": N_("登记举报（电话、来信、邮件、来访或交办、移交）"),
    "written_notice_posted": N_("书面告知书已寄出"),
    "handover_feedback": N_("向交办（移交）单位反馈办理结果"),
    "routed": N_("分派办理单位"),
    "accepted": N_("受理"),
    "declined": N_("不予受理"),
    "transferred": N_("移交"),
    "info_requested": N_("请举报人补充信息"),
    "reporter_replied": N_("举报人补充信息"),
    "onsite_recorded": N_("现场核查"),
    "stop_order_issued": N_("责令停止违法行为"),
    "rectified": N_("整改完成"),
    "demolition_handed_over": N_("移交城管执法局强制拆除"),
    "demolition_plan_recorded": N_("制定强制拆除方案"),
    "concluded": N_("办结"),
    "written_notice_recorded": N_("书面告知结果"),
    "result_read": N_("举报人已在查询页面看到结果"),
    "reopened": N_("重新办理"),
    "assigned": N_("分派经办人"),
    "case_changed": N_("案件变更"),
    "evidence_added": N_("补充照片"),
    "phone_verified": N_("举报人已验证手机号码"),
    "purge_scheduled": N_("设定举报人个人信息的删除日期"),
    "contact_purged": N_("按保存期限删除举报人个人信息"),
    "disclosure_requested": N_("申请查看举报人联系方式"),
    "disclosure_approved": N_("保管人批准查看举报人联系方式"),
    "disclosure_denied": N_("保管人拒绝查看举报人联系方式"),
    "disclosure_viewed": N_("查看举报人联系方式"),
    "disclosure_withdrawn": N_("举报移交，查看举报人联系方式的申请撤销"),
    "sms_sent": N_("短信已发出"),
    "sms_delivered": N_("短信已送达"),
    "sms_failed": N_("短信发送失败"),
    "breach_recorded": N_("超过期限"),
    "clock_reminder": N_("期限提醒"),
    "clock_at_risk": N_("即将超期预警"),
    "acceptance_checked": N_("登记验收"),
    "written_off": N_("销号"),
}

CLOCK_STATE_TITLES = {
    "running": N_("计时中"),
    "due_soon": N_("即将到期"),
    "breached": N_("已超期"),
    "met": N_("按期完成"),
    "met_late": N_("超期完成"),
    "cancelled": N_("不再计时"),
}

ACTOR_TITLES = {"reporter": N_("举报人"), "system": N_("系统")}


@dataclass(frozen=True)
class ClockLine:
    kind: ClockKind
    title: str
    due_at: datetime
    state: str
    state_title: str
    met_at: datetime | None
    provisional: bool


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    kind: str
    title: str
    actor: str  #: a staff username, "reporter" or "system"
    actor_title: str | None  #: msgid naming the reporter or the system; None for staff
    unit: str
    note: str
    public: str | None  #: what the reporter was told (msgid and params)
    params: dict
    by_reporter: bool


@dataclass
class TicketView:
    complaint: Complaint
    county: County
    category_title: str
    status_title: str
    lead_name: str
    co_handler_name: str
    demolition_unit_name: str
    township_name: str
    history: list[HistoryLine]
    clocks: list[ClockLine]
    next_due: ClockLine | None
    overdue: bool
    allowed: set[str]  #: the actions the actor may take now (state and role)
    can_audit: bool
    transfer_targets: list[Department] = field(default_factory=list)
    assignees: list[StaffAccount] = field(default_factory=list)
    suggestions: list[Complaint] = field(default_factory=list)
    case_members: list[Complaint] = field(default_factory=list)
    finding_title: str | None = None
    disclosures: disclosure.TicketDisclosures | None = None


def _history(events: list[Event], county: County) -> list[HistoryLine]:
    lines = []
    for e in events:
        lines.append(HistoryLine(
            at=e.at, kind=e.kind, title=EVENT_TITLES.get(e.kind, e.kind),
            actor=e.actor, actor_title=ACTOR_TITLES.get(e.actor), unit=county.unit_name(e.unit), note=e.note,
            public=e.public if e.kind != "reporter_replied" else None, params=e.params,
            by_reporter=e.actor == "reporter",
        ))
    return lines


def clock_lines(complaint: Complaint, now: datetime) -> list[ClockLine]:
    lines = []
    for clock in sorted(complaint.clocks.values(), key=lambda c: c.due_at):
        state = clock.state(now)
        lines.append(ClockLine(kind=clock.kind, title=CLOCK_TITLES[clock.kind], due_at=clock.due_at, state=state,
                               state_title=CLOCK_STATE_TITLES[state], met_at=clock.met_at,
                               provisional=clock.provisional))
    return lines


#: the domain's state preconditions, so a page offers only the actions that can succeed
_STATE_OK = {
    Action.ACCEPT: lambda c: c.status == Status.RECEIVED,
    Action.DECLINE: lambda c: c.status == Status.RECEIVED,
    Action.TRANSFER: lambda c: c.is_open,
    Action.ASK_INFO: lambda c: c.is_open and c.has_reporter,
    Action.ONSITE: lambda c: c.is_open,
    Action.STOP_ORDER: lambda c: c.is_open and c.stop_order_at is None,
    Action.RECTIFIED: lambda c: c.is_open and c.rectified_at is None,
    Action.DEMOLITION_HANDOVER: lambda c: c.status == Status.ACCEPTED and c.demolition is None and c.in_built_up_area,
    Action.DEMOLITION_PLAN: lambda c: c.status == Status.ACCEPTED and c.demolition is not None
    and c.demolition.plan_at is None,
    Action.CONCLUDE: lambda c: c.status == Status.ACCEPTED,
    Action.WRITTEN_NOTICE: lambda c: c.status == Status.CONCLUDED,
    Action.REOPEN: lambda c: c.status in (Status.DECLINED, Status.CONCLUDED, Status.CLOSED),
    Action.ASSIGN: lambda c: c.status in (Status.RECEIVED, Status.ACCEPTED, Status.CONCLUDED),
    Action.CASE: lambda c: True,
    # 004 C9, C14(1), L8: a hand-over's result fed back to its sender, once there is a result
    Action.FEEDBACK: lambda c: c.intake.owes_feedback and c.intake.fed_back_at is None
    and c.status in (Status.CONCLUDED, Status.CLOSED, Status.DECLINED),
    # 004 C20: the written notice to a postal address (the page with the address)
    Action.NOTICE_POST: lambda c: c.status == Status.CONCLUDED and c.contact is not None and c.contact.kind == "postal"
    and c.contact.envelope is not None,
    Action.ACCEPTANCE_CHECK: lambda c: c.status in (Status.CONCLUDED, Status.CLOSED) and c.finding is not None
    and c.finding.substantiated and c.write_off is None,
    # 003 §2(3): offered only once a check met the standard; the domain refuses it otherwise anyway
    Action.WRITE_OFF: lambda c: c.write_off is None and c.accepted is True,
}


def allowed_actions(actor: Actor, complaint: Complaint) -> set[str]:
    return {a.value for a, ok in _STATE_OK.items() if ok(complaint) and can(actor, a, complaint)}


def open_ticket(deps: Deps, actor: Actor, complaint_id: str, now: datetime) -> TicketView:
    """The ticket page (a VIEW, recorded in the audit trail)."""
    complaint = scope.load(deps, actor, complaint_id)
    county = scope.county_of(deps, complaint)
    category = county.category(complaint.category)
    township = county.township(complaint.township)
    clocks = clock_lines(complaint, now)
    open_clocks = [line for line in clocks if line.state in ("running", "due_soon", "breached")]
    allowed = allowed_actions(actor, complaint)
    members = [c for c in deps.repos.complaints.in_case(complaint.case_id)
               if c.id != complaint.id and scope.visible(deps, actor, c.id) is not None]
    view = TicketView(
        complaint=complaint, county=county,
        category_title=category.title if category else complaint.category,
        status_title=STATUS_TITLES[complaint.status],
        lead_name=county.unit_name(complaint.lead), co_handler_name=county.unit_name(complaint.co_handler),
        demolition_unit_name=county.unit_name(complaint.demolition_unit),
        township_name=township.name if township else complaint.township,
        history=_history(deps.repos.complaints.history(complaint.id), county),
        clocks=clocks, next_due=open_clocks[0] if open_clocks else None, overdue=complaint.is_overdue(now),
        allowed=allowed, can_audit=can(actor, Action.AUDIT, complaint),
        transfer_targets=workflow.transfer_targets(county, complaint) if "transfer" in allowed else [],
        assignees=workflow.assignees(deps, complaint) if "assign" in allowed else [],
        suggestions=cases.suggestions(deps, actor, complaint, now) if "case" in allowed else [],
        case_members=members,
        finding_title=FINDING_TITLES[complaint.finding] if complaint.finding else None,
        disclosures=disclosure.for_ticket(deps, actor, complaint, now),
    )
    audit.record(deps, actor, "view", now, complaint)
    return view


@dataclass(frozen=True)
class Photo:
    evidence: Evidence
    data: bytes | None  #: the bytes, when the blob store has no direct URL
    url: str | None


def photo(deps: Deps, actor: Actor, complaint_id: str, n: int, now: datetime) -> Photo:
    """One sanitised photo of a ticket the actor may see (a VIEW, recorded)."""
    complaint = scope.load(deps, actor, complaint_id)
    if not 0 <= n < len(complaint.evidence):
        raise NotFound(N_("照片不存在。"))
    evidence = complaint.evidence[n]
    url = deps.blobs.url_for(evidence.key)
    data = None
    if url is None:
        try:
            data = deps.blobs.get(evidence.key)
        except BlobNotFound:
            raise NotFound(N_("照片不存在。")) from None
    audit.record(deps, actor, "view_photo", now, complaint, {"photo": n})
    return Photo(evidence, data, url)


FINDING_CHOICES = [(f.value, FINDING_TITLES[f]) for f in Finding]
