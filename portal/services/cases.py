"""Cases seen by staff: duplicate reports merged so that one violation is handled once, split
back out when they turn out to differ, and marked stock (存量) or new (新增) (004 C22, L19).

A change touches the case record(s) and every complaint whose case changes; each complaint
gets a ``case_changed`` event (``Complaint.mark_case``). All of it, with the audit entry, is
one store transaction, retried on a concurrent write. A staff member may change a case only
if allowed to handle (``Action.CASE``) every ticket the change touches, the tickets that stay
behind in a split included.

A merge or split that would void an approved, claimed or held reward (its first reporter no
longer first, or its case merged away) is refused unless the actor may approve rewards on the
beneficiary's ticket (004 C20: two people approved it; one case worker may not undo it, nor
erase the reporter's claim). Such a change goes through the leading-group office (or, for
reports about officials, the discipline commission), which is alerted and re-approves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Sequence

from portal.domain.access import Action, Actor, can, can_view
from portal.domain.cases import CASE_KINDS, Case, CaseChange, StockRule, is_merge_candidate
from portal.domain.complaint import Complaint
from portal.domain.errors import Conflict, DomainError, NotFound
from portal.i18n import N_
from portal.ids import is_id, new_id
from portal.ports import ConditionFailed, Op
from portal.services import rewards, scope
from portal.services.deps import Deps
from portal.services.workflow import BUSY, RETRIES, form_date, text

#: DynamoDB takes at most 100 operations per transaction; a complaint costs two (record, event)
MAX_MEMBERS_PER_CHANGE = 45

CASE_KIND_TITLES = {"new": N_("新增"), "stock": N_("存量")}

CASE_CHANGE_TITLES = {
    "created": N_("立案（首件举报）"),
    "merged_in": N_("并入其他举报"),
    "merged_into": N_("并入其他案件"),
    "split_out": N_("拆出一件举报"),
    "split_from": N_("从其他案件拆出"),
    "marked": N_("标记存量/新增"),
}


def _case(deps: Deps, case_id: str) -> Case:
    case = deps.repos.cases.get(case_id)
    if case is None:
        raise NotFound(scope.NOT_FOUND)
    return case


def _members(deps: Deps, case: Case) -> list[Complaint]:
    return [c for c in (deps.repos.complaints.get(cid) for cid in case.member_ids()) if c is not None]


def _require_all(actor: Actor, complaints: list[Complaint], written: bool = True) -> None:
    """``written``: every ticket is rewritten by the change (a merge, a mark), so their number
    is bounded by the transaction; a split rewrites only the ticket that leaves."""
    if written and len(complaints) > MAX_MEMBERS_PER_CHANGE:
        raise DomainError(N_("案件中的举报太多（超过 %(n)s 件），无法一次变更。"), n=MAX_MEMBERS_PER_CHANGE)
    for complaint in complaints:
        if not can(actor, Action.CASE, complaint):
            raise DomainError(N_("这个案件中有您无权办理的举报，请由县查违控违领导小组办公室处理。"))


def _commit(deps: Deps, actor: Actor, now: datetime, complaints: list[Complaint], cases: list[Case],
            action: str, subject: Complaint, detail: dict, extra_ops: Sequence[Op] = ()) -> None:
    """One transaction: the tickets, the cases (each conditional on its version; a new case
    must not exist yet), ``extra_ops`` and the audit entry; then the versions move on."""
    ops: list[Op] = []
    for complaint in complaints:
        ops += deps.repos.complaints.save_ops(complaint)
    ops += [deps.repos.cases.save_op(case) for case in cases]
    ops += extra_ops
    ops.append(deps.repos.audit.op(at=now, actor=actor.username, role=actor.role.value, unit=actor.unit,
                                   action=action, county=subject.county, complaint_id=subject.id, detail=detail))
    deps.store.write(ops)
    for complaint in complaints:
        deps.repos.complaints.committed(complaint)
    for case in cases:
        deps.repos.cases.committed(case)


def merge(deps: Deps, actor: Actor, complaint_id: str, other_id: str | None, note: str | None,
          now: datetime) -> Case:
    """Merge the cases of two tickets; the case holding the earlier report survives (its first
    reporter, 004 C20 / L17, is the merged case's first reporter)."""
    note = text(note, "note", 500)
    for _ in range(RETRIES):
        one = scope.load(deps, actor, complaint_id)
        other = scope.load(deps, actor, (other_id or "").strip().upper())
        scope.require(actor, Action.CASE, one)
        scope.require(actor, Action.CASE, other)
        if one.id == other.id:
            raise Conflict(N_("不能把案件合并到它自己。"))
        if one.case_id == other.case_id:
            raise Conflict(N_("这两件举报已经在同一个案件中。"))
        case_a, case_b = _case(deps, one.case_id), _case(deps, other.case_id)
        survivor, absorbed = sorted((case_a, case_b), key=lambda c: c.first_reporter().order)
        members = _members(deps, survivor) + _members(deps, absorbed)
        _require_all(actor, members)
        survivor.absorb(absorbed, now, actor.username, note)
        for complaint in members:
            complaint.mark_case(now, actor.username, actor.unit, survivor.id, survivor.kind, note,
                                survivor.stock_registered_on)
        # 004 C20, L17: one violation, one first reporter; the absorbed case's unpaid reward goes
        reward_ops = rewards.recompute_ops(deps, [(survivor, members), (absorbed, [])], now, actor.username,
                                           guard=actor)
        try:
            _commit(deps, actor, now, members, [survivor, absorbed], "case_merge", one,
                    {"case": survivor.id, "absorbed": absorbed.id}, reward_ops)
        except ConditionFailed:
            continue
        return survivor
    raise Conflict(BUSY)


def split(deps: Deps, actor: Actor, complaint_id: str, note: str | None, now: datetime) -> Case:
    """Take one ticket out of its case into a new case of its own (same stock/new mark)."""
    note = text(note, "note", 500)
    for _ in range(RETRIES):
        complaint = scope.load(deps, actor, complaint_id)
        scope.require(actor, Action.CASE, complaint)
        case = _case(deps, complaint.case_id)
        staying = [c for c in _members(deps, case) if c.id != complaint.id]
        _require_all(actor, staying, written=False)
        new_case = case.split_out(complaint.id, new_id(now), now, actor.username, note)
        complaint.mark_case(now, actor.username, actor.unit, new_case.id, new_case.kind, note,
                            new_case.stock_registered_on)
        # 004 C20, L17: each case's reward follows its own first reporter (until paid)
        reward_ops = rewards.recompute_ops(deps, [(case, staying), (new_case, [complaint])], now,
                                           actor.username, guard=actor)
        try:
            _commit(deps, actor, now, [complaint], [case, new_case], "case_split", complaint,
                    {"from": case.id, "case": new_case.id}, reward_ops)
        except ConditionFailed:
            continue
        return new_case
    raise Conflict(BUSY)


def stock_rule(deps: Deps, county_code: str) -> StockRule:
    """The county's 004 C22 / L19 stock rule: its ``stock_cutoff`` and, if set, its campaign window."""
    county = deps.counties.get(county_code) or deps.counties.default
    return StockRule(cutoff=county.stock_cutoff, campaign=county.stock_campaign)


def mark(deps: Deps, actor: Actor, complaint_id: str, kind: str | None, note: str | None, now: datetime,
         registered_on: str | None = None) -> Case:
    """004 C22, L19: stock (存量, registered before the rules or in the 2022 campaign) or new
    (新增, counted in the assessment). Stock needs the date of the earlier register/ledger
    entry, checked against the county's cut-off (``Case.mark``); the date is kept on the case
    and its tickets (the ledger shows it). A stock case leaves the 004 C34 / L30 ladder."""
    if kind not in CASE_KINDS:
        raise DomainError(N_("案件性质只能是存量或新增。"), field="kind")
    note = text(note, "note", 500)
    registered = form_date(registered_on, "registered_on") if kind == "stock" else None
    for _ in range(RETRIES):
        complaint = scope.load(deps, actor, complaint_id)
        scope.require(actor, Action.CASE, complaint)
        case = _case(deps, complaint.case_id)
        members = _members(deps, case)
        _require_all(actor, members)
        case.mark(kind, now, actor.username, note, stock_rule(deps, case.county), registered)
        for member in members:
            member.mark_case(now, actor.username, actor.unit, case.id, kind, note, case.stock_registered_on)
        detail = {"case": case.id, "kind": kind}
        if case.stock_registered_on is not None:
            detail["registered_on"] = case.stock_registered_on.isoformat()
        try:
            _commit(deps, actor, now, members, [case], "case_mark", complaint, detail)
        except ConditionFailed:
            continue
        return case
    raise Conflict(BUSY)


def suggestions(deps: Deps, actor: Actor, complaint: Complaint, now: datetime, limit: int = 10) -> list[Complaint]:
    """Possible duplicates to merge: the same category, within ``merge_radius_m`` metres,
    received within the last ``merge_window_days`` days, in another case, and a ticket the
    actor may handle."""
    if complaint.point is None or not can(actor, Action.CASE, complaint):
        return []
    since = now - timedelta(days=int(deps.settings.merge_window_days))
    radius = float(deps.settings.merge_radius_m)
    found = []
    for other in deps.repos.complaints.recent_in_category(complaint.county, complaint.category, since):
        if other.id == complaint.id or other.case_id == complaint.case_id:
            continue
        if can(actor, Action.CASE, other) and is_merge_candidate(complaint.point, other.point, radius):
            found.append(other)
    found.sort(key=lambda c: c.received_at, reverse=True)
    return found[:limit]


@dataclass(frozen=True)
class CaseView:
    case: Case
    members: list[Complaint]  #: only the tickets the actor may see
    first_reporter_id: str | None  #: the first reporter's ticket, when the actor may see it
    history: list[CaseChange]


def view(deps: Deps, actor: Actor, case_id: str | None) -> CaseView:
    """A case, as far as the actor may see it: not found unless at least one member is visible.
    A case merged into another shows the surviving case."""
    case = deps.repos.cases.get(case_id) if is_id(case_id or "") else None
    for _ in range(10):
        if case is None or case.merged_into is None:
            break
        case = deps.repos.cases.get(case.merged_into)
    if case is None:
        raise NotFound(scope.NOT_FOUND)
    all_members = _members(deps, case)
    members = [c for c in all_members if can_view(actor, c)]
    if not members:
        raise NotFound(scope.NOT_FOUND)
    first = case.first_reporter().complaint_id if case.members else None
    return CaseView(case=case, members=members,
                    first_reporter_id=first if any(c.id == first for c in members) else None,
                    history=_history_in_scope(deps, actor, case, members))


def _named(change: CaseChange) -> list[str]:
    data = change.data or {}
    return [*([data["complaint"]] if data.get("complaint") else []), *data.get("complaints", [])]


def _history_in_scope(deps: Deps, actor: Actor, case: Case, members: list[Complaint]) -> list[CaseChange]:
    """The case's changes that name only tickets the actor may see: a ticket moved to the
    discipline commission, or handled by a unit out of the actor's view, leaves no trace on
    their page (000 §2(3))."""
    visible = {c.id: True for c in members}

    def sees(complaint_id: str) -> bool:
        if complaint_id not in visible:
            ticket = deps.repos.complaints.get(complaint_id)
            visible[complaint_id] = ticket is not None and can_view(actor, ticket)
        return visible[complaint_id]

    return [h for h in case.history if all(sees(cid) for cid in _named(h))]
