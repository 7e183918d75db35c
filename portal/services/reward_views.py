"""What staff read of rewards (004 C20, L17): the rewards in an actor's view, the reviewers'
alerts, a reward's page with the actions the actor may take now, and the reward shown on a
ticket. Finance reads a discipline-only reward masked (000 §2(3)). The changes themselves are
in ``portal.services.rewards``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from portal.domain.access import Action, Actor, Role, can, pays_rewards
from portal.domain.complaint import Complaint
from portal.domain.county import RewardBand
from portal.domain.errors import Forbidden
from portal.domain.rewards import ClaimMethod, Reward, RewardState
from portal.services.deps import Deps
from portal.services.rewards import (
    ALERT_CLOCK, ALERT_TITLES, APPROVE, DISCIPLINE_LABEL, FINANCE_STATES, NO_REWARDS, PAY, PAYEE_STATES, PROPOSE, Payee, band_for, county_of, load_in_scope, recused, require_role,
)
from portal.timeutil import from_store


def in_view(deps: Deps, actor: Actor) -> list[Reward]:
    """The county's rewards the actor may see, newest first."""
    if pays_rewards(actor):
        return [r for r in deps.repos.rewards.in_county(actor.county) if r.state in FINANCE_STATES]
    if actor.role not in (Role.SUPERVISOR, Role.DISCIPLINE):
        raise Forbidden(NO_REWARDS)
    out = []
    for reward in deps.repos.rewards.in_county(actor.county):
        ticket = deps.repos.complaints.get(reward.complaint_id)
        if ticket is not None and can(actor, Action.REWARD_PROPOSE, ticket):
            out.append(reward)
    return out


@dataclass(frozen=True)
class RewardAlert:
    kind: str
    title: str
    case_id: str
    at: datetime


def alerts_for(deps: Deps, actor: Actor, rewards: list[Reward]) -> list[RewardAlert]:
    """The reviewers' reward alerts (flags, holds, approvals cancelled), for rewards in view."""
    if pays_rewards(actor):
        return []
    by_ticket = {r.complaint_id: r for r in rewards}
    out = []
    for row in deps.repos.alerts.for_unit(actor.county, actor.unit, limit=200):
        reward = by_ticket.get(row["complaint"])
        if row.get("clock") == ALERT_CLOCK and reward is not None and row["kind"] in ALERT_TITLES:
            out.append(RewardAlert(kind=row["kind"], title=ALERT_TITLES[row["kind"]], case_id=reward.case_id,
                                   at=from_store(row["at"])))
    return out


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    kind: str
    actor: str  #: a username, "system", "reporter", or "" (not shown)
    note: str


@dataclass
class RewardView:
    reward: Reward
    ticket_id: str | None  #: the first reporter's ticket, for reviewers (finance sees no ticket)
    category_title: str
    band: RewardBand
    allowed: set[str]  #: the actions the actor may take now
    payee: Payee | None = None
    #: finance on a discipline-only reward: no category, band, reason, note or reviewer name
    masked: bool = False
    history: list[HistoryLine] | None = None
    recused: bool = False  #: the actor may take no reviewer action on this reward


#: finance's own entries, which finance reads in full even when the reward is masked
FINANCE_ENTRIES = frozenset({"code_checked", "code_check_failed", "paid"})


def masked_for(actor: Actor, reward: Reward) -> bool:
    """Finance pays discipline-only rewards without learning what they are about (000 §2(3))."""
    return pays_rewards(actor) and reward.discipline_only


def history_lines(reward: Reward, masked: bool) -> list[HistoryLine]:
    out = []
    for h in reward.history:
        if masked and h.kind not in FINANCE_ENTRIES:
            actor = h.actor if h.actor in ("system", "reporter") else ""
            out.append(HistoryLine(at=h.at, kind=h.kind, actor=actor, note=""))
        else:
            out.append(HistoryLine(at=h.at, kind=h.kind, actor=h.actor, note=h.note))
    return out


def category_title(deps: Deps, actor: Actor, reward: Reward) -> str:
    if masked_for(actor, reward):
        return DISCIPLINE_LABEL
    category = county_of(deps, reward).category(reward.category)
    return category.title if category else reward.category


#: the state each action needs, so a page offers only what can succeed
_STATE_OK = {
    "propose": lambda r: r.state == RewardState.ELIGIBLE,
    "approve": lambda r: r.state == RewardState.PROPOSED,
    "reject": lambda r: r.state == RewardState.PROPOSED,
    "hold": lambda r: r.state == RewardState.CLAIMED,
    "release": lambda r: r.state == RewardState.HELD,
    "refuse": lambda r: r.state == RewardState.HELD,
    "clear-flags": lambda r: bool(r.open_flags),
    "payee": lambda r: r.state in PAYEE_STATES and r.claim is not None and r.claim.payee_envelope is not None,
    "check-code": lambda r: (r.state == RewardState.CLAIMED and r.claim.method == ClaimMethod.IN_PERSON
                             and r.claim.collection_checked_at is None),
    "pay": lambda r: r.state == RewardState.CLAIMED,
}
_NEEDS = {"propose": PROPOSE, "approve": APPROVE, "reject": APPROVE, "hold": APPROVE, "release": APPROVE,
          "refuse": APPROVE, "clear-flags": APPROVE, "payee": PAY, "check-code": PAY, "pay": PAY}


def view(deps: Deps, actor: Actor, case_id: str, payee: Payee | None = None) -> RewardView:
    reward, ticket = load_in_scope(deps, actor, case_id)
    allowed = set()
    for name, ok in _STATE_OK.items():
        try:
            require_role(actor, _NEEDS[name], ticket)
        except Forbidden:
            continue
        if ok(reward):
            allowed.add(name)
    if reward.proposal is not None and reward.proposal.by == actor.username:
        allowed -= {"approve", "reject"}  # the second-person rule: a proposer sees no approval form
    if reward.needs_third_person(actor.username):
        allowed.discard("release")  # a staff-phone hold is released by a third person
    is_recused = not pays_rewards(actor) and recused(deps, actor, reward, ticket)
    if is_recused:
        allowed = {a for a in allowed if _NEEDS[a] == PAY}
    masked = masked_for(actor, reward)
    return RewardView(reward=reward, ticket_id=ticket.id if ticket is not None else None,
                      category_title=category_title(deps, actor, reward),
                      band=band_for(deps, reward), allowed=allowed, payee=payee, masked=masked,
                      history=history_lines(reward, masked), recused=is_recused)


def for_ticket(deps: Deps, actor: Actor, complaint: Complaint) -> Reward | None:
    """The reward of the ticket's case (or the one its reporter took along to the discipline
    commission), for those who decide on rewards, only when they may see its beneficiary's
    ticket: a reward moved to the commission shows on no other page."""
    if not can(actor, Action.REWARD_PROPOSE, complaint):
        return None
    for case_id in (complaint.case_id, deps.repos.rewards.case_of(complaint.id)):
        reward = deps.repos.rewards.get(case_id) if case_id else None
        if reward is None:
            continue
        holder = complaint if reward.complaint_id == complaint.id else deps.repos.complaints.get(reward.complaint_id)
        if holder is not None and can(actor, Action.REWARD_PROPOSE, holder):
            return reward
    return None
