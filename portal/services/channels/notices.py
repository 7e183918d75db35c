"""The receiving unit's desk: the reports it registered, the written notice (书面告知) to a
reporter who left a postal address, and the feedback owed to a higher level or a department
that handed a report over.

- **Written notice** (004 C20, L17: 处理结果……通过书面或手机短信等方式告知): once the lead unit
  concludes, the receiving unit (it holds the letter, and the address on it) prints the notice,
  with the reporter's address, and records the day it was posted, which meets the
  7-working-day result-notice clock and closes the ticket. The address is decrypted for this
  page alone, and each reading is in the audit trail; the lead department never sees it. For
  a report about officials, the discipline commission does this itself.
- **Feedback** (004 C9, C14(1), L8: 上级交办、相关部门移交): the day the result was fed back to
  the sender, which meets the clock the county file sets per source. The lead unit records it
  on the ticket page, or the receiving unit on its desk.

The receiving unit reads only what these steps need (the result, the clocks), never the
ticket's history, photos or the other units' work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from portal.domain.access import Action, Actor, can, can_register
from portal.domain.channels import channel_title, source_title
from portal.domain.complaint import FINDING_TITLES, STATUS_TITLES, Complaint, Status
from portal.domain.county import County
from portal.domain.deadlines import ClockKind
from portal.domain.errors import Conflict, NotFound
from portal.i18n import N_
from portal.ports import ConditionFailed
from portal.services import scope
from portal.services.channels import contacts
from portal.services.deps import Deps
from portal.services.notifications import commit_complaint
from portal.services.workflow import RETRIES, BUSY, form_date, text
from portal.timeutil import local_date

NOT_FOUND = N_("没有找到这件举报，或者它不是本单位登记的。")


def _load(deps: Deps, actor: Actor, complaint_id: str | None, action: Action) -> Complaint:
    """The ticket, if the actor may take ``action`` on it (a receiving unit without a view of the
    ticket included); otherwise not found, as for an id that does not exist."""
    complaint = deps.repos.complaints.get(complaint_id) if complaint_id else None
    if complaint is None or not can(actor, action, complaint):
        raise NotFound(NOT_FOUND)
    return complaint


@dataclass(frozen=True)
class DeskLine:
    complaint: Complaint
    category_title: str
    lead_name: str
    status_title: str
    channel_title: str
    source_title: str
    notice_owed: bool  #: concluded, a postal address on file: the written notice is to be posted
    feedback_owed: bool  #: a hand-over with a result, not yet fed back
    feedback_due: datetime | None


def _line(county: County, c: Complaint, actor: Actor) -> DeskLine:
    category = county.category(c.category)
    feedback = c.clock(ClockKind.HANDOVER_FEEDBACK)
    return DeskLine(
        complaint=c, category_title=category.title if category else c.category, lead_name=county.unit_name(c.lead),
        status_title=STATUS_TITLES[c.status], channel_title=channel_title(c.intake.channel),
        source_title=source_title(c.intake.source),
        notice_owed=c.status == Status.CONCLUDED and c.contact is not None and c.contact.kind == "postal"
        and c.contact.envelope is not None and can(actor, Action.NOTICE_POST, c),
        feedback_owed=c.intake.owes_feedback and c.intake.fed_back_at is None
        and c.status in (Status.CONCLUDED, Status.CLOSED, Status.DECLINED) and can(actor, Action.FEEDBACK, c),
        feedback_due=feedback.due_at if feedback is not None else None)


def desk(deps: Deps, actor: Actor, cursor: str | None = None) -> tuple[list[DeskLine], str | None]:
    """The reports the actor's unit registered, newest first; a report about officials is left
    out (it stays with the discipline commission)."""
    if not can_register(actor):
        raise NotFound(NOT_FOUND)
    county = deps.counties.get(actor.county) or deps.counties.default
    ids, next_cursor = deps.repos.registrations.for_unit(actor.county, actor.unit, cursor=cursor)
    lines = []
    for complaint_id in ids:
        c = deps.repos.complaints.get(complaint_id)
        if c is not None and (can(actor, Action.NOTICE_POST, c) or can(actor, Action.FEEDBACK, c)
                              or can(actor, Action.VIEW, c)):
            lines.append(_line(county, c, actor))
    return lines, next_cursor


@dataclass(frozen=True)
class WrittenNotice:
    complaint: Complaint
    county: County
    address: str  #: the reporter's postal address, decrypted for this page only
    unit_name: str  #: the unit that sends it (the receiving unit)
    lead_name: str
    category_title: str
    channel_title: str
    finding_title: str
    result_due: datetime | None
    today: datetime


def written_notice(deps: Deps, actor: Actor, complaint_id: str | None, now: datetime) -> WrittenNotice:
    """The printable written notice (书面告知, 004 C20, L17) with the reporter's postal address;
    every reading is recorded in the audit trail."""
    c = _load(deps, actor, complaint_id, Action.NOTICE_POST)
    if c.status not in (Status.CONCLUDED, Status.CLOSED) or c.finding is None:
        raise Conflict(N_("这件举报尚未办结，还没有可以告知的处理结果。"))
    if c.contact is None or c.contact.kind != "postal" or c.contact.envelope is None:
        raise Conflict(N_("举报人没有留通信地址（或已按保存期限删除），不能生成书面告知书。"))
    county = scope.county_of(deps, c)
    category = county.category(c.category)
    result = c.clock(ClockKind.RESULT_NOTICE)
    address = contacts.read(deps, c) or ""
    deps.repos.audit.record(at=now, actor=actor.username, role=actor.role.value, unit=actor.unit,
                            action="notice_print", county=c.county, complaint_id=c.id)
    return WrittenNotice(complaint=c, county=county, address=address, unit_name=county.unit_name(actor.unit),
                         lead_name=county.unit_name(c.lead), category_title=category.title if category else c.category,
                         channel_title=channel_title(c.intake.channel), finding_title=FINDING_TITLES[c.finding],
                         result_due=result.due_at if result else None, today=now)


def _act(deps: Deps, actor: Actor, complaint_id: str | None, action: Action, now: datetime, apply,
         detail: dict) -> Complaint:
    for _ in range(RETRIES):
        c = _load(deps, actor, complaint_id, action)
        apply(c)
        audit = deps.repos.audit.op(at=now, actor=actor.username, role=actor.role.value, unit=actor.unit,
                                    action=action.value, county=c.county, complaint_id=c.id, detail=detail)
        try:
            commit_complaint(deps, c, now, extra_ops=[audit])
        except ConditionFailed:
            continue
        return c
    raise Conflict(BUSY)


def record_posted(deps: Deps, actor: Actor, complaint_id: str | None, posted_on: str | None, note: str | None,
                  now: datetime) -> Complaint:
    """004 C20, L17: the written notice was posted on ``posted_on``: the 7-working-day clock is met."""
    day = form_date(posted_on, "posted_on") or local_date(now)
    note = text(note, "note", 500)
    return _act(deps, actor, complaint_id, Action.NOTICE_POST, now,
                lambda c: c.record_notice_posted(now, actor.username, actor.unit, day, note),
                {"posted_on": day.isoformat()})


def record_feedback(deps: Deps, actor: Actor, complaint_id: str | None, fed_back_on: str | None, note: str | None,
                    now: datetime) -> Complaint:
    """004 C9, C14(1), L8: the result fed back to the higher level or the transferring department."""
    day = form_date(fed_back_on, "fed_back_on") or local_date(now)
    note = text(note, "note", 500)
    return _act(deps, actor, complaint_id, Action.FEEDBACK, now,
                lambda c: c.record_feedback(now, actor.username, actor.unit, day, note),
                {"fed_back_on": day.isoformat()})
