"""Identity disclosure for the rare lawful case (``portal.domain.disclosure``): an officer
handling a ticket requests the reporter's phone with a reason; a custodian approves or
denies with a reason; the officer who asked then reads the phone within a short window.

- Who may ask: ``access.can(actor, Action.DISCLOSURE_REQUEST, ticket)``, the lead unit's case
  workers (on a discipline-only ticket, the discipline commission alone). A ticket without
  a phone, or whose phone retention has purged, has nothing to disclose.
- Who decides: an active account with ``Role.CUSTODIAN`` in the ticket's county, never the
  person who asked. A county without one cannot disclose at all: the request is refused,
  and nothing ever approves by itself or by time.
- Every step (requested, approved or denied, each view) is committed with an event on the
  ticket (the reporter reads it on the status page) and an audit entry, in one transaction
  (``notifications.commit_complaint``), retried on a concurrent write.
- The phone is decrypted only after the view is recorded, and only for the response that
  shows it; it is never logged or stored anywhere else.
- A request belongs to the unit that handled the ticket when it asked. A transfer withdraws
  every open request in the transfer's own transaction (``withdraw_ops``: event and audit
  entry); a custodian's decision, and each reading, check again that the requester may still
  ask on the ticket and that it has not been transferred since the request (a request left
  over from before is withdrawn then, recorded the same way).

Records: ``CMP#<id>`` / ``DISC#<n>``; pending ones are listed for custodians through the
county index (``DISC#<county>``), see ``portal.store.repositories.disclosures.Disclosures``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import phonenumbers

from portal.domain.access import Action, Actor, Role, can
from portal.domain.complaint import Complaint
from portal.domain.disclosure import STATUS_TITLES as REQUEST_TITLES, DisclosureRequest, DisclosureStatus, clean_reason
from portal.domain.errors import Conflict, Forbidden, NotFound
from portal.i18n import N_
from portal.ids import is_id
from portal.ports import ConditionFailed, Op
from portal.services import scope
from portal.services.deps import Deps
from portal.services.notifications import commit_complaint, contact_context

RETRIES = 4
NOTHING_TO_DISCLOSE = N_("举报人没有留手机号码（或已按保存期限删除），没有可以查看的联系方式。")
NO_CUSTODIAN = N_("本县还没有身份信息保管人账号，查看申请无人审批，因此不能提出。请联系系统管理员。")
ALREADY_OPEN = N_("这件举报已有一项尚未审批或尚在查看期限内的申请。")
BUSY = N_("这件举报刚刚被其他人办理过，请刷新页面后重试。")
CUSTODIANS_ONLY = N_("只有身份信息保管人可以审批查看举报人联系方式的申请。")
NO_SUCH_REQUEST = N_("没有找到这项申请。")
REQUESTER_GONE = N_("申请人已不再办理这件举报（举报已移交其他单位，或其账号已停用），这项申请已撤销，无需审批。")
TRANSFERRED_SINCE = N_("举报已移交其他单位，这项申请已撤销，不能查看。")
#: decision -> audit trail action
AUDIT_ACTIONS = {"approved": "disclosure_approve", "denied": "disclosure_deny"}


def _has_phone(complaint: Complaint) -> bool:
    return complaint.contact is not None and complaint.contact.envelope is not None


def custodians(deps: Deps, county: str) -> list:
    return [a for a in deps.repos.staff.in_county(county) if a.role == Role.CUSTODIAN and a.active]


def _audit(deps: Deps, actor: Actor, action: str, complaint: Complaint, n: int, now: datetime,
           detail: dict | None = None) -> Op:
    return deps.repos.audit.op(at=now, actor=actor.username, role=actor.role.value, unit=actor.unit, action=action,
                               county=complaint.county, complaint_id=complaint.id, detail={"request": n, **(detail or {})})


# --- a transfer withdraws ----------------------------------------------------------------
def _withdraw(deps: Deps, actor: Actor, complaint: Complaint, r: DisclosureRequest, why: str,
              now: datetime) -> list[Op]:
    r.withdraw(now)
    complaint.record_disclosure(now, "withdrawn", actor.username, actor.unit, r.n, {})
    return [deps.repos.disclosures.save_op(r), _audit(deps, actor, "disclosure_withdraw", complaint, r.n, now,
                                                      {"why": why})]


def withdraw_ops(deps: Deps, actor: Actor, complaint: Complaint, now: datetime) -> list[Op]:
    """The ticket is being transferred (``workflow.transfer``, whose transaction takes these
    operations): every open request of the unit that handled it is withdrawn, with an event
    the reporter reads and an audit entry; each write is conditional on the version read."""
    ops: list[Op] = []
    for r in deps.repos.disclosures.for_complaint(complaint.id):
        if r.is_open(now):
            ops += _withdraw(deps, actor, complaint, r, "transferred", now)
    return ops


def _transferred_since(deps: Deps, complaint: Complaint, r: DisclosureRequest) -> bool:
    """Whether the ticket was transferred after the request was made (event order)."""
    events = deps.repos.complaints.history(complaint.id)
    asked = next((e.n for e in events if e.kind == "disclosure_requested" and e.data.get("request") == r.n), None)
    return any(e.kind == "transferred" and (e.n > asked if asked is not None else e.at >= r.requested_at)
               for e in events)


def _requester_may_still_ask(deps: Deps, complaint: Complaint, r: DisclosureRequest) -> bool:
    account = deps.repos.staff.get(r.requested_by)
    if account is None or not account.active or account.hard_locked:
        return False
    return can(account.actor, Action.DISCLOSURE_REQUEST, complaint) and not _transferred_since(deps, complaint, r)


def _commit(deps: Deps, complaint: Complaint, request: DisclosureRequest, audit_op: Op, now: datetime) -> None:
    commit_complaint(deps, complaint, now, extra_ops=[deps.repos.disclosures.save_op(request), audit_op])
    deps.repos.disclosures.committed(request)


# --- the officer asks -------------------------------------------------------------------
def request(deps: Deps, actor: Actor, complaint_id: str, reason: str | None, now: datetime) -> DisclosureRequest:
    reason = clean_reason(reason, "reason")
    for _ in range(RETRIES):
        complaint = scope.load(deps, actor, complaint_id)
        scope.require(actor, Action.DISCLOSURE_REQUEST, complaint)
        if not _has_phone(complaint):
            raise Conflict(NOTHING_TO_DISCLOSE)
        existing = deps.repos.disclosures.for_complaint(complaint.id)
        if any(r.is_open(now) for r in existing):
            raise Conflict(ALREADY_OPEN)
        if not custodians(deps, complaint.county):
            raise Conflict(NO_CUSTODIAN)
        new = DisclosureRequest.open(complaint_id=complaint.id, n=len(existing) + 1, county=complaint.county,
                                     actor=actor, reason=reason, now=now)
        county = scope.county_of(deps, complaint)
        complaint.record_disclosure(now, "requested", actor.username, actor.unit, new.n,
                                    {"unit": county.unit_name(actor.unit), "reason": new.reason})
        try:
            _commit(deps, complaint, new, _audit(deps, actor, "disclosure_request", complaint, new.n, now), now)
        except ConditionFailed:
            continue  # the ticket changed, or another request took this number: judge again
        return new
    raise Conflict(BUSY)


# --- the custodian decides --------------------------------------------------------------
@dataclass(frozen=True)
class PendingLine:
    request: DisclosureRequest
    requested_unit_name: str
    #: what the custodian learns of the ticket; None for a discipline-only ticket, whose very
    #: subject stays with the discipline commission (000 §2(3))
    category_title: str | None
    lead_name: str | None
    received_at: datetime | None


def _require_custodian(actor: Actor) -> None:
    if actor.role != Role.CUSTODIAN:
        raise Forbidden(CUSTODIANS_ONLY)


def pending(deps: Deps, actor: Actor) -> list[PendingLine]:
    """The county's requests waiting for a decision, oldest first."""
    _require_custodian(actor)
    county = deps.counties.get(actor.county) or deps.counties.default
    lines = []
    for r in deps.repos.disclosures.pending(actor.county):
        complaint = deps.repos.complaints.get(r.complaint_id)
        if complaint is None:
            continue
        hide = complaint.discipline_only
        category = county.category(complaint.category)
        lines.append(PendingLine(
            request=r, requested_unit_name=county.unit_name(r.requested_unit),
            category_title=None if hide else (category.title if category else complaint.category),
            lead_name=None if hide else county.unit_name(complaint.lead),
            received_at=None if hide else complaint.received_at))
    return lines


def decide(deps: Deps, actor: Actor, complaint_id: str, n: int, approve: bool, reason: str | None,
           now: datetime) -> DisclosureRequest:
    _require_custodian(actor)
    reason = clean_reason(reason, "decision_reason")
    for _ in range(RETRIES):
        found = deps.repos.disclosures.get(complaint_id, n) if is_id(complaint_id or "") else None
        complaint = deps.repos.complaints.get(complaint_id) if found else None
        if found is None or complaint is None or found.county != actor.county:
            raise NotFound(NO_SUCH_REQUEST)
        if found.status == DisclosureStatus.PENDING and not _requester_may_still_ask(deps, complaint, found):
            # left over from before transfers withdrew requests, or the requester left: withdrawn, not decided
            ops = _withdraw(deps, actor, complaint, found, "requester_gone", now)
            try:
                commit_complaint(deps, complaint, now, extra_ops=ops)
            except ConditionFailed:
                continue
            raise Conflict(REQUESTER_GONE)
        found.decide(now, actor, approve, reason)
        step = "approved" if approve else "denied"
        complaint.record_disclosure(now, step, actor.username, actor.unit, n, {"reason": found.decision_reason})
        try:
            _commit(deps, complaint, found, _audit(deps, actor, AUDIT_ACTIONS[step], complaint, n, now), now)
        except ConditionFailed:
            continue
        return found
    raise Conflict(BUSY)


# --- the officer reads the phone --------------------------------------------------------
@dataclass(frozen=True)
class Revealed:
    complaint_id: str
    request: DisclosureRequest
    phone: str  #: national format, spaced, for a person to dial (or the postal or email address)
    verified: bool  #: whether the reporter proved the number with a code
    readable_until: datetime
    kind: str = "phone"  #: the contact's kind (``portal.domain.channels.CONTACT_KINDS``)


def reveal(deps: Deps, actor: Actor, complaint_id: str, n: int, now: datetime) -> Revealed:
    """The phone, for the officer whose request was approved, within its window; the view is
    recorded before anything is decrypted."""
    for _ in range(RETRIES):
        complaint = scope.load(deps, actor, complaint_id)
        scope.require(actor, Action.DISCLOSURE_REQUEST, complaint)
        found = deps.repos.disclosures.get(complaint.id, n)
        if found is None:
            raise NotFound(NO_SUCH_REQUEST)
        if found.status == DisclosureStatus.APPROVED and _transferred_since(deps, complaint, found):
            raise Conflict(TRANSFERRED_SINCE)  # an approval given before transfers withdrew requests
        found.view(now, actor)
        if not _has_phone(complaint):
            raise Conflict(NOTHING_TO_DISCLOSE)
        county = scope.county_of(deps, complaint)
        complaint.record_disclosure(now, "viewed", actor.username, actor.unit, n,
                                    {"unit": county.unit_name(actor.unit)})
        try:
            _commit(deps, complaint, found, _audit(deps, actor, "disclosure_view", complaint, n, now), now)
        except ConditionFailed:
            continue
        value = deps.keyring.decrypt(complaint.contact.envelope, contact_context(complaint.id)).decode()
        if complaint.contact.is_phone:
            value = phonenumbers.format_number(phonenumbers.parse(value), phonenumbers.PhoneNumberFormat.NATIONAL)
        return Revealed(complaint_id=complaint.id, request=found, phone=value, kind=complaint.contact.kind,
                        verified=complaint.contact.verified_at is not None, readable_until=found.readable_until())
    raise Conflict(BUSY)


# --- what the ticket page shows ---------------------------------------------------------
@dataclass(frozen=True)
class TicketLine:
    request: DisclosureRequest
    title: str  #: msgid of the state
    readable_until: datetime | None
    mine_to_read: bool  #: the actor asked, it was approved, and the window is open


@dataclass(frozen=True)
class TicketDisclosures:
    lines: list[TicketLine]
    may_request: bool  #: the actor's role handles this ticket
    has_phone: bool
    open_request: bool
    custodian_exists: bool


def for_ticket(deps: Deps, actor: Actor, complaint: Complaint, now: datetime) -> TicketDisclosures:
    requests = deps.repos.disclosures.for_complaint(complaint.id)
    may = can(actor, Action.DISCLOSURE_REQUEST, complaint)
    return TicketDisclosures(
        lines=[TicketLine(request=r, title=REQUEST_TITLES[r.status], readable_until=r.readable_until(),
                          mine_to_read=r.requested_by == actor.username and r.readable(now) and may)
               for r in requests],
        may_request=may, has_phone=_has_phone(complaint), open_request=any(r.is_open(now) for r in requests),
        custodian_exists=bool(custodians(deps, complaint.county)) if may else False,
    )


# --- what the reporter reads ------------------------------------------------------------
@dataclass(frozen=True)
class ReporterLine:
    requested_at: datetime
    unit_name: str
    reason: str
    status: DisclosureStatus
    decided_at: datetime | None
    decision_reason: str
    views: int


@dataclass(frozen=True)
class ReporterPart:
    """The status page's part (``ReporterView.extras["disclosure"]``)."""

    lines: list[ReporterLine]
    template: str = "citizen/_disclosure.html"


def reporter_part(deps: Deps, complaint: Complaint) -> ReporterPart | None:
    requests = deps.repos.disclosures.for_complaint(complaint.id)
    if not requests:
        return None
    county = scope.county_of(deps, complaint)
    return ReporterPart(lines=[
        ReporterLine(requested_at=r.requested_at, unit_name=county.unit_name(r.requested_unit), reason=r.reason,
                     status=r.status, decided_at=r.decided_at,
                     decision_reason=r.decision_reason, views=len(r.views))
        for r in requests])

