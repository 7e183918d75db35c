"""Rewards for the first reporter of a report found true (004 C20, L17; the land rules say
cash): eligibility kept in step with the case, a proposal and an approval by two different
people, payment by finance, expiry by the sweeper, and the purge of payee data after the
retention period. The reporter's side (status page, claim code, claim) is in
``portal.services.reward_claims``; what staff read (lists, alerts, a reward's page) in
``portal.services.reward_views``; the ledger export in ``portal.services.reward_ledger``.
The rules themselves (states, decisions) are in ``portal.domain.rewards``.

Who (``portal.domain.access``):

- the leading-group office (supervisors) for the cases it sees: one supervisor proposes an
  amount with a reason, ANOTHER supervisor approves or rejects it and reviews held claims;
- reports about officials (discipline-only), which no supervisor sees: one discipline user
  proposes, another approves;
- finance, for its county, from the approval on: the payment view (never a ticket), the
  payee details on request (each read audited), the collection-code check at the counter
  and the payment record;
- nobody else sees a reward (404, like a ticket out of view; 403 when in view but not allowed).

A reviewer whose registered phone (keyed hash) is the beneficiary's phone, or verified the
claim, is recused from every decision on the reward (``recused``). For a discipline-only reward
finance sees the payment view only: a neutral label for the category, no reason, note or
reviewer name (000 §2(3): only the commission may know what the report is about).

Every change commits the reward (conditional on the version read, retried on a concurrent
write) with its audit entry in one transaction. The audit entry is filed under the first
reporter's ticket, so the trail's readers (supervisors, the discipline commission for its
own) see reward actions exactly where they may see the ticket.
"""

from __future__ import annotations

import hmac
import json
import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable, Sequence

from portal.crypto import contexts
from portal.domain.access import Action, Actor, can, pays_rewards
from portal.domain.cases import Case
from portal.domain.complaint import Complaint, Notify
from portal.domain.county import County, RewardBand
from portal.domain.errors import Conflict, DomainError, Forbidden, NotFound
from portal.domain.rewards import RECUSED, Reward, RewardState, settle
from portal.i18n import N_
from portal.ids import is_id
from portal.ports import ANY, Check, ConditionFailed, Op, Put
from portal.services.deps import Deps
from portal.services.keys import lookups
from portal.services.intake import bounded_text as text
from portal.services.notifications import deliver, message_for
from portal.store import keys as K

log = logging.getLogger(__name__)

RETRIES = 4
BUSY = N_("这项奖励刚刚被其他人处理过，请刷新页面后重试。")
NOT_FOUND = N_("没有找到这项奖励，或者它不在您的办理范围内。")
FORBIDDEN = N_("您的角色不能对这项奖励进行这项操作。")
NO_REWARDS = N_("您的角色不办理举报奖励。")
#: 004 C20 with the two-person rule: a case change that would void an approved reward
APPROVED_CASE_CHANGE = N_("该案件的举报奖励已经批准或已申领，拆分或合并会使奖励作废、删除举报人的申领信息，"
                          "须由有奖励审批权限的人员办理。")
#: what finance reads instead of the category of a discipline-only reward (000 §2(3))
DISCIPLINE_LABEL = N_("由纪委监委办理（内容不公开）")

#: what finance sees: from the approval on (eligible and proposed rewards are the reviewers' work)
FINANCE_STATES = frozenset({RewardState.APPROVED, RewardState.CLAIMED, RewardState.HELD, RewardState.PAID,
                            RewardState.EXPIRED, RewardState.REFUSED})
#: collection codes are this many digits (shown once to the reporter, checked at the counter)
COLLECTION_CODE_DIGITS = 10
#: the alert "clock" of reward alerts (repos.alerts): one per ticket and kind
ALERT_CLOCK = "reward"
ALERT_TITLES = {
    "reward_flag": N_("同一手机号码申领多笔奖励，请复核"),
    "reward_held": N_("奖励申领暂停发放，请复核"),
    "reward_cancelled": N_("已批准的奖励因案件变更作废，请重新审批"),
}


def payee_context(case_id: str) -> dict:
    return contexts.payee(case_id)


def collection_hash(deps: Deps, case_id: str, code: str) -> str:
    return deps.hasher.digest("reward_collection", f"{case_id}:{code}")


def county_of(deps: Deps, reward: Reward) -> County:
    return deps.counties.get(reward.county) or deps.counties.default


def band_for(deps: Deps, reward: Reward) -> RewardBand:
    return county_of(deps, reward).rewards.band(reward.category)


def reviewer_unit(deps: Deps, reward: Reward) -> str:
    """Who reviews and hears of alerts: the discipline commission for reports about
    officials (000 §2(3)), the leading-group office otherwise."""
    county = county_of(deps, reward)
    if reward.discipline_only:
        return county.discipline_department
    return next(d.code for d in county.departments if d.kind == "oversight")


def alert_op(deps: Deps, reward: Reward, kind: str, now: datetime) -> Op:
    """One alert per ticket and kind; a later one replaces it (a claim cancelled and made again)."""
    op = deps.repos.alerts.op(reward.county, reviewer_unit(deps, reward), kind, ALERT_CLOCK, reward.complaint_id,
                              now, now)
    return Put(op.item, expect=ANY)


# --- eligibility: called by the workflow and the case changes, inside their transactions ---------
def _paid_elsewhere(deps: Deps, case: Case, members: list[Complaint]) -> bool:
    """A member already holds the reward of another case for this violation: paid, or taken
    along to the discipline commission (detached, whatever its state but withdrawn)."""
    for member in members:
        other = deps.repos.rewards.case_of(member.id)
        if other and other != case.id:
            reward = deps.repos.rewards.get(other)
            if reward is None or reward.complaint_id != member.id:
                continue
            if reward.state == RewardState.PAID or (reward.detached and reward.state != RewardState.WITHDRAWN):
                return True
    return False


APPROVED_STATES = frozenset({RewardState.APPROVED, RewardState.CLAIMED, RewardState.HELD})


def recompute_ops(deps: Deps, changed: Sequence[tuple[Case, list[Complaint]]], now: datetime,
                  actor: str, guard: Actor | None = None) -> list[Op]:
    """Operations that bring the rewards of ``changed`` cases (each with its tickets as they
    now stand) in step with them (004 C20, L17): a case found true makes its first reporter
    eligible; before payment the reward follows the first reporter or is withdrawn; paid,
    expired and refused rewards never move. The caller commits them with its own change
    (and retries the whole change on ConditionFailed: the reward is written on the version read).

    ``guard``: the staff member making a case change (merge, split). A change that would void
    an approved, claimed or held reward is refused (Forbidden) unless they may approve rewards
    on its beneficiary's ticket: two people approved it, one case worker may not undo it."""
    ops: list[Op] = []
    puts: dict[str, str] = {}
    drops: dict[str, str] = {}
    for case, members in changed:
        reward = deps.repos.rewards.get(case.id)
        before = reward.complaint_id if reward is not None and reward.state != RewardState.WITHDRAWN else None
        approved_before = reward is not None and reward.state in (RewardState.APPROVED, RewardState.CLAIMED,
                                                                   RewardState.HELD)
        result, moved = settle(reward, case, members, paid_elsewhere=_paid_elsewhere(deps, case, members),
                               now=now, actor=actor)
        if result is None or not moved:
            continue
        if (guard is not None and approved_before and result.state in (RewardState.ELIGIBLE, RewardState.WITHDRAWN)):
            holder = deps.repos.complaints.get(before) if before else None
            if holder is None or not can(guard, Action.REWARD_APPROVE, holder):
                raise Forbidden(APPROVED_CASE_CHANGE)
        ops.append(deps.repos.rewards.save_op(result))
        after = result.complaint_id if result.state != RewardState.WITHDRAWN else None
        if before != after:
            if before:
                drops[before] = case.id
            if after:
                puts[after] = case.id
        if approved_before and result.state in (RewardState.ELIGIBLE, RewardState.WITHDRAWN):
            ops.append(alert_op(deps, result, "reward_cancelled", now))
    for complaint_id, case_id in drops.items():
        if complaint_id not in puts and deps.repos.rewards.case_of(complaint_id) == case_id:
            ops.append(deps.repos.rewards.pointer_delete_op(complaint_id))
    ops += [deps.repos.rewards.pointer_op(cid, case_id) for cid, case_id in puts.items()]
    return ops


def ticket_changed_ops(deps: Deps, complaint: Complaint, now: datetime, actor: str) -> list[Op]:
    """After a ticket was concluded or reopened: its case's reward, with the ticket as it now
    stands. The case record read takes part in the transaction (a Check on its version): a
    merge or split committed meanwhile fails the commit, and the caller judges again on a fresh
    copy, so the reward never names a ticket that has left the case."""
    case = deps.repos.cases.get(complaint.case_id)
    if case is None:
        return []
    members = [complaint if m.complaint_id == complaint.id else deps.repos.complaints.get(m.complaint_id)
               for m in case.members]
    return [Check(K.case_pk(case.id), K.META, case.version),
            *recompute_ops(deps, [(case, [m for m in members if m is not None])], now, actor)]


def leave_case_ops(deps: Deps, case: Case, others: list[Complaint], own: Case, complaint: Complaint,
                   now: datetime) -> list[Op]:
    """A ticket that became discipline-only left ``case`` for a case of its own (``own``). If it
    held the case's reward, the reporter keeps it: the reward moves under the commission
    (discipline-only, detached from the case; the pointer from the ticket stays), and the case's
    other reporters get none for the same violation. Otherwise both cases are recomputed.
    Everything is recorded as the system's doing, so no reviewer outside the commission reads
    who moved what (000 §2(3); 004 C20, L17)."""
    reward = deps.repos.rewards.get(case.id)
    if reward is not None and reward.complaint_id == complaint.id and reward.state != RewardState.WITHDRAWN:
        reward.move_to_commission(now)
        return [deps.repos.rewards.save_op(reward)]
    return recompute_ops(deps, [(case, others), (own, [complaint])], now, "system")


# --- scope ---------------------------------------------------------------------------------------
def load_in_scope(deps: Deps, actor: Actor, case_id: str | None) -> tuple[Reward, Complaint | None]:
    """The reward if the actor may see it (finance: from the approval on; reviewers: when they
    may decide on the first reporter's ticket), else NotFound, the same for every reason."""
    reward = deps.repos.rewards.get(case_id) if is_id(case_id or "") else None
    if reward is None or reward.county != actor.county:
        raise NotFound(NOT_FOUND)
    if pays_rewards(actor):
        if reward.state not in FINANCE_STATES:
            raise NotFound(NOT_FOUND)
        return reward, None
    ticket = deps.repos.complaints.get(reward.complaint_id)
    if ticket is None or not can(actor, Action.REWARD_PROPOSE, ticket):
        raise NotFound(NOT_FOUND)
    return reward, ticket


#: what each staff action needs: a reviewer's action on the ticket, or finance
PROPOSE, APPROVE, PAY = "propose", "approve", "pay"


def require_role(actor: Actor, need: str, ticket: Complaint | None) -> None:
    if need == PAY:
        allowed = pays_rewards(actor)
    else:
        action = Action.REWARD_PROPOSE if need == PROPOSE else Action.REWARD_APPROVE
        allowed = ticket is not None and can(actor, action, ticket)
    if not allowed:
        raise Forbidden(FORBIDDEN)


def recused(deps: Deps, actor: Actor, reward: Reward, ticket: Complaint | None) -> bool:
    """The reviewer has a stake in the reward (004 C20): the claim names their account (its
    verifying phone is the one they registered), or their registered phone's keyed hash equals
    the beneficiary's phone or the claim's. Hashes are compared, never phones; nothing is shown."""
    if reward.recused(actor.username):
        return True
    account = deps.repos.staff.get(actor.username)
    mine = account.phone_hash if account is not None else None
    if not mine:
        return False
    theirs = [*lookups.phone_hashes(deps, ticket), reward.claim.phone_hash if reward.claim is not None else None]
    return any(h is not None and hmac.compare_digest(h, mine) for h in theirs)


def _require_not_recused(deps: Deps, actor: Actor, need: str, reward: Reward, ticket: Complaint | None) -> None:
    if need != PAY and recused(deps, actor, reward, ticket):
        raise Forbidden(RECUSED)


def _audit_op(deps: Deps, actor: Actor, reward: Reward, action: str, now: datetime, detail: dict | None = None) -> Op:
    return deps.repos.audit.op(at=now, actor=actor.username, role=actor.role.value, unit=actor.unit, action=action,
                               county=reward.county, complaint_id=reward.complaint_id,
                               detail={"case": reward.case_id, **(detail or {})})


def _act(deps: Deps, actor: Actor, case_id: str, need: str, now: datetime, apply: Callable[[Reward], None],
         audit_action: str, detail: dict | None = None,
         extra_ops: Callable[[Reward], list[Op]] | None = None) -> Reward:
    for _ in range(RETRIES):
        reward, ticket = load_in_scope(deps, actor, case_id)
        require_role(actor, need, ticket)
        _require_not_recused(deps, actor, need, reward, ticket)
        apply(reward)
        ops = [deps.repos.rewards.save_op(reward), _audit_op(deps, actor, reward, audit_action, now, detail)]
        if extra_ops is not None:
            ops += extra_ops(reward)
        try:
            deps.store.write(ops)
        except ConditionFailed:
            continue
        deps.repos.rewards.committed(reward)
        return reward
    raise Conflict(BUSY)


# --- input ---------------------------------------------------------------------------------------
def parse_amount(value) -> int:
    raw = (value or "").strip() if isinstance(value, str) else ""
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 7):
        raise DomainError(N_("请按整数元填写奖励金额。"), field="amount")
    return int(raw)


def parse_date(value, field: str) -> date:
    raw = (value or "").strip() if isinstance(value, str) else ""
    try:
        if not raw or len(raw) > 10:
            raise ValueError
        return date.fromisoformat(raw)
    except ValueError:
        raise DomainError(N_("日期格式不正确，请按“年-月-日”填写。"), field=field) from None


def normalize_collection_code(value) -> str | None:
    raw = "".join(ch for ch in (value or "") if not ch.isspace() and ch != "-") if isinstance(value, str) else ""
    return raw if len(raw) == COLLECTION_CODE_DIGITS and raw.isascii() and raw.isdigit() else None


# --- reviewers -----------------------------------------------------------------------------------
def propose(deps: Deps, actor: Actor, case_id: str, amount, reason, now: datetime) -> Reward:
    """004 C20, L17: a reviewer proposes an amount within the county's band for the category."""
    amount_yuan = parse_amount(amount)
    reason = text(reason, "reason", 1000, required=True, missing=N_("请写明奖励建议的理由。"))
    return _act(deps, actor, case_id, PROPOSE, now,
                lambda r: r.propose(now, actor.username, amount_yuan, reason, band_for(deps, r)),
                "reward_propose", {"amount": amount_yuan})


def approve(deps: Deps, actor: Actor, case_id: str, note, now: datetime) -> Reward:
    """A second person approves (never the proposer); the claim window starts, and the first
    reporter gets the reward SMS if a verified phone is on file."""
    note = text(note, "note", 1000)
    messages = []

    def sms(reward: Reward) -> list[Op]:
        complaint = deps.repos.complaints.get(reward.complaint_id)
        message = message_for(deps, complaint, Notify.REWARD, len(reward.history), now) if complaint else None
        messages[:] = [message] if message is not None else []
        return [deps.repos.outbox.save_op(m) for m in messages]

    reward = _act(deps, actor, case_id, APPROVE, now,
                  lambda r: r.approve(now, actor.username, note, county_of(deps, r).rewards.claim_window_days),
                  "reward_approve", extra_ops=sms)
    for message in messages:
        deps.repos.outbox.committed(message)
        deliver(deps, message.pk, message.sk, now, message=message)
    return reward


def _review(deps: Deps, actor: Actor, case_id: str, note, now: datetime, missing: str,
            decide: Callable[[Reward, datetime, str, str], None], audit: str) -> Reward:
    """A reviewer's decision that needs a written reason (reject, hold, release, refuse, clear flags)."""
    note = text(note, "note", 1000, required=True, missing=missing)
    return _act(deps, actor, case_id, APPROVE, now, lambda r: decide(r, now, actor.username, note), audit)


def reject(deps: Deps, actor: Actor, case_id: str, note, now: datetime) -> Reward:
    return _review(deps, actor, case_id, note, now, N_("请写明驳回的理由。"), Reward.reject, "reward_reject")


def hold(deps: Deps, actor: Actor, case_id: str, note, now: datetime) -> Reward:
    return _review(deps, actor, case_id, note, now, N_("请写明暂停发放的理由。"), Reward.hold, "reward_hold")


def release(deps: Deps, actor: Actor, case_id: str, note, now: datetime) -> Reward:
    return _review(deps, actor, case_id, note, now, N_("请写明复核意见。"), Reward.release, "reward_release")


def refuse(deps: Deps, actor: Actor, case_id: str, note, now: datetime) -> Reward:
    return _review(deps, actor, case_id, note, now, N_("请写明复核意见。"), Reward.refuse, "reward_refuse")


def clear_flags(deps: Deps, actor: Actor, case_id: str, note, now: datetime) -> Reward:
    return _review(deps, actor, case_id, note, now, N_("请写明复核意见。"), Reward.clear_flags, "reward_clear_flag")


# --- finance -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Payee:
    name: str
    bank: str
    account: str


#: when finance needs the payee details: to pay, and to answer for a payment made
PAYEE_STATES = frozenset({RewardState.CLAIMED, RewardState.PAID})


def reveal_payee(deps: Deps, actor: Actor, case_id: str, now: datetime) -> Payee:
    """The payee details of a bank-transfer claim, for finance only, while it is to be paid or
    once paid; the read is audited before anything is shown (no audit entry, no details)."""
    reward, ticket = load_in_scope(deps, actor, case_id)
    require_role(actor, PAY, ticket)
    if reward.state not in PAYEE_STATES:
        raise Conflict(N_("只有待发放或已发放的奖励才能查看收款信息。"))
    if reward.claim is None or reward.claim.payee_envelope is None:
        raise Conflict(N_("这项奖励没有银行收款信息（尚未申领、选择了现场领取，或已按保存期限删除）。"))
    deps.repos.audit.record(at=now, actor=actor.username, role=actor.role.value, unit=actor.unit,
                            action="reward_payee_read", county=reward.county, complaint_id=reward.complaint_id,
                            detail={"case": reward.case_id})
    data = json.loads(deps.keyring.decrypt(reward.claim.payee_envelope, payee_context(reward.case_id)))
    return Payee(name=data["name"], bank=data["bank"], account=data["account"])


def check_collection_code(deps: Deps, actor: Actor, case_id: str, code, now: datetime) -> Reward:
    """Finance checks the code the claimant shows at the counter; each check is recorded, and
    repeated failures hold the reward for review (and alert the reviewers)."""
    wanted = normalize_collection_code(code)
    if wanted is None:
        raise DomainError(N_("请填写领奖人出示的 %(n)s 位领奖码。"), field="code", n=COLLECTION_CODE_DIGITS)
    outcome = {}

    def apply(reward: Reward) -> None:
        stored = reward.claim.collection_hash if reward.claim is not None else None
        ok = deps.hasher.matches("reward_collection", f"{reward.case_id}:{wanted}", stored)
        reward.record_code_check(now, actor.username, ok)
        outcome["ok"] = ok

    def alert(reward: Reward) -> list[Op]:
        return [alert_op(deps, reward, "reward_held", now)] if reward.state == RewardState.HELD else []

    reward = _act(deps, actor, case_id, PAY, now, apply, "reward_code_check", extra_ops=alert)
    if not outcome["ok"]:
        if reward.state == RewardState.HELD:
            raise Conflict(N_("领奖码连续核对不一致，奖励已暂停发放，待奖励审核人员复核。"))
        raise DomainError(N_("领奖码不一致，请核对后重试。"), field="code")
    return reward


def record_payment(deps: Deps, actor: Actor, case_id: str, paid_on, amount, reference, now: datetime) -> Reward:
    """Finance records the payment (date, amount, reference): the reward is paid, and frozen."""
    day = parse_date(paid_on, "paid_on")
    amount_yuan = parse_amount(amount)
    reference = text(reference, "reference", 64, required=True, missing=N_("请填写发放凭证号。"))
    return _act(deps, actor, case_id, PAY, now, lambda r: r.pay(now, actor.username, day, amount_yuan, reference),
                "reward_pay", {"amount": amount_yuan})


# --- the sweeper and retention ---------------------------------------------------------------------
def expire(deps: Deps, case_id: str, now: datetime) -> bool:
    """The end of the claim window: an approved reward nobody claimed expires (the sweeper's handler)."""
    for _ in range(RETRIES):
        reward = deps.repos.rewards.get(case_id)
        if reward is None or not reward.expire(now):
            return False
        try:
            deps.store.write([deps.repos.rewards.save_op(reward)])
        except ConditionFailed:
            continue  # claimed (or changed) meanwhile: judge again
        return True
    log.warning("reward of case %s kept changing under the sweeper; left for the next sweep", case_id)
    return False


def purge_payee(deps: Deps, case_id: str, now: datetime) -> bool:
    """Retention: once ``PORTAL_RETENTION_DAYS`` have passed since the reward was paid (or
    refused), the claim's payee envelope, collection-code hash and phone hash (with its
    per-phone claim record) are removed; the purge is an entry in the reward's history.
    False when there is nothing (yet) to purge. Safe to call repeatedly."""
    for _ in range(RETRIES):
        reward = deps.repos.rewards.get(case_id)
        if reward is None or reward.claim is None:
            return False
        phone_hash = reward.claim.phone_hash
        if not reward.purge(now, int(deps.settings.retention_days)):
            return False
        ops = [deps.repos.rewards.save_op(reward)]
        if phone_hash:
            ops += deps.repos.rewards.phone_claim_delete_ops(phone_hash, case_id)
        try:
            deps.store.write(ops)
        except ConditionFailed:
            continue
        return True
    raise Conflict(BUSY)
