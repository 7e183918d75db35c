"""Rewards for the first reporter (第一举报人) of a report found true (属实): 004 C20, L17 (the
land rules say cash). Pure Python; every method takes ``now``.

One reward per case (a violation), naming one beneficiary: the case's first reporter
(``Case.first_reporter()``: the earliest receipt, the store sequence breaking ties).

**Found true.** A case is found true as soon as one of its tickets stands concluded (办结:
concluded or closed) with a substantiated finding, 属实 or 部分属实 (``Finding.substantiated``):
duplicates of one violation are concluded one by one, and the first such conclusion settles
that the violation was real, whichever ticket it was on. The first reporter then becomes
eligible even if their own ticket is still being handled.

States::

    eligible --propose--> proposed --approve (a second person)--> approved --claim--> claimed --pay--> paid
                          proposed --reject (a second person)---> eligible
    approved --the claim window ends--> expired
    approved --claim from a phone registered to a staff member--> held     (abuse review)
    claimed  --hold (a reviewer; or failed collection-code checks)--> held
    held --release--> claimed          held --refuse--> refused
    eligible | proposed | approved | claimed | held --recompute--> eligible (another first reporter)
                                                              \\-> withdrawn (the case no longer qualifies)
    withdrawn --recompute--> eligible
    any state but withdrawn --the beneficiary's ticket moves to the discipline commission--> the same
                              state, reviewed by the commission, detached from the case

**Recompute** (after a conclusion, a reopening, a merge, a split, a transfer out of the case):
before payment the reward always follows the case's current first reporter. A proposal, an
approval or a claim made for someone who is no longer the first reporter is cancelled (the
claim's payee details and collection code are erased at once) and the new first reporter
needs a new proposal and approval. Paid, expired and refused rewards are frozen: nothing
moves them. A reward whose beneficiary's ticket was moved to the discipline commission stays
with that reporter (``move_to_commission``): it is detached from the case it came from, which
no longer moves it. A case whose reporter already holds a paid reward elsewhere (a merge, a split
after payment) gets no second reward for the same violation.

**Claim window.** ``claim_window_days`` (county file) from the approval: the reporter can only
claim once the amount is approved and told (SMS), so the window is the reporter's full time to
act, as a 领奖通知 works. An approved reward unclaimed at the end of the window expires; an
eligible or proposed one is the county's work and does not expire.

**Recusal.** A claim verified from a phone registered to staff accounts names those accounts
(``Claim.staff_matches``, found by keyed-hash comparison): they may not approve, reject, hold,
release, refuse or clear flags of the reward, and a claim held for that reason is released
only by a third person, neither the proposer nor the approver (004 C20: the reward is for the
reporter, decided by people without a stake in it).

Flags (one phone collecting several rewards) never change the state; they are shown with the
reward until a reviewer clears them. Every transition appends to the reward's own history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Iterable

from portal.domain.cases import Case, CaseMember
from portal.domain.complaint import Complaint, Status
from portal.domain.county import RewardBand
from portal.domain.errors import Conflict, DomainError, Forbidden
from portal.i18n import N_
from portal.timeutil import end_of_local_day, local, local_date

#: failed collection-code checks at the counter before the reward is held for review
MAX_CODE_CHECKS = 5


class RewardState(StrEnum):
    ELIGIBLE = "eligible"
    PROPOSED = "proposed"
    APPROVED = "approved"
    CLAIMED = "claimed"
    HELD = "held"
    PAID = "paid"
    EXPIRED = "expired"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


#: before payment: a recompute may move or withdraw the reward
LIVE = frozenset({RewardState.ELIGIBLE, RewardState.PROPOSED, RewardState.APPROVED, RewardState.CLAIMED,
                  RewardState.HELD})
#: frozen for good
FINAL = frozenset({RewardState.PAID, RewardState.EXPIRED, RewardState.REFUSED})

STATE_TITLES = {
    RewardState.ELIGIBLE: N_("待提出奖励建议"),
    RewardState.PROPOSED: N_("待审批"),
    RewardState.APPROVED: N_("已批准，待举报人申领"),
    RewardState.CLAIMED: N_("已申领，待发放"),
    RewardState.HELD: N_("暂停发放，待复核"),
    RewardState.PAID: N_("已发放"),
    RewardState.EXPIRED: N_("逾期未申领，已失效"),
    RewardState.REFUSED: N_("经复核不予发放"),
    RewardState.WITHDRAWN: N_("已撤回（案件不再符合奖励条件）"),
}


class ClaimMethod(StrEnum):
    BANK = "bank"  #: bank transfer to the payee's account
    IN_PERSON = "in_person"  #: cash at the finance counter against a one-time collection code


METHOD_TITLES = {ClaimMethod.BANK: N_("银行转账"), ClaimMethod.IN_PERSON: N_("现场领取")}

ENTRY_TITLES = {
    "eligible": N_("确认第一举报人，符合奖励条件"),
    "reinstated": N_("重新符合奖励条件"),
    "retargeted": N_("第一举报人变更"),
    "withdrawn": N_("撤回奖励"),
    "proposed": N_("提出奖励建议"),
    "approved": N_("批准奖励"),
    "rejected": N_("驳回奖励建议"),
    "claimed": N_("举报人申领"),
    "claim_cancelled": N_("申领作废，收款信息已删除"),
    "held": N_("暂停发放，待复核"),
    "released": N_("复核通过，恢复发放"),
    "refused": N_("经复核不予发放"),
    "flagged": N_("标记待复核"),
    "flag_cleared": N_("复核标记已处理"),
    "code_checked": N_("领奖码核对一致"),
    "code_check_failed": N_("领奖码核对不一致"),
    "paid": N_("登记发放"),
    "expired": N_("逾期未申领，奖励失效"),
    "purged": N_("按保存期限删除收款信息"),
    "moved_to_commission": N_("改由纪委监委审核"),
}

WITHDRAW_REASONS = {
    "not_found_true": N_("案件中已没有经查属实的办结举报"),
    "merged": N_("案件已并入其他案件"),
    "paid_elsewhere": N_("该问题的举报奖励已经发放"),
    "no_reporter": N_("该问题由责任单位排查发现，没有第一举报人"),
}

#: the staff member whose registered phone verified the claim must stay out of the review
RECUSED = N_("申领验证的手机号码与您账号登记的号码相同，您须回避，不能办理这项奖励。")
THIRD_PERSON = N_("这项奖励因申领手机号码与工作人员登记的号码相同而暂停发放，须由建议人和批准人以外的第三人复核。")

FLAG_TITLES = {"repeat_phone": N_("同一手机号码在统计期内申领多笔奖励")}

HOLD_STAFF_PHONE = N_("申领验证的手机号码与工作人员登记的号码相同")
HOLD_CODE_CHECKS = N_("领奖码连续核对不一致")


@dataclass
class RewardEntry:
    at: datetime
    kind: str
    actor: str  #: a staff username, "reporter" or "system"
    note: str = ""
    data: dict = field(default_factory=dict)


@dataclass
class Proposal:
    amount_yuan: int
    reason: str
    by: str
    at: datetime


@dataclass
class Claim:
    method: ClaimMethod
    at: datetime
    #: a code sent to the reporter's verified phone was entered with the claim
    phone_checked: bool
    #: keyed hash of that phone (abuse checks), None without one
    phone_hash: str | None = None
    #: bank transfer: payee name, bank and account, as a keyring envelope only finance opens
    payee_envelope: str | None = None
    #: collection in person: keyed hash of the one-time code shown to the reporter
    collection_hash: str | None = None
    #: the same code as a keyring envelope, so that a repeated identical claim (a double tap, a
    #: lost answer) shows it again for a short while; dropped once the code is checked
    collection_envelope: str | None = None
    collection_checked_at: datetime | None = None
    failed_checks: int = 0
    #: staff accounts whose registered phone (keyed hash) equals the verifying phone: recused
    staff_matches: list[str] = field(default_factory=list)
    purged_at: datetime | None = None

    @property
    def holds_personal_data(self) -> bool:
        return bool(self.staff_matches) or any(
            v is not None for v in (self.payee_envelope, self.collection_hash, self.collection_envelope,
                                    self.phone_hash))


@dataclass
class Payment:
    paid_on: date
    amount_yuan: int
    reference: str
    by: str
    at: datetime


@dataclass
class Flag:
    kind: str
    at: datetime
    cleared_by: str | None = None
    cleared_at: datetime | None = None
    cleared_note: str = ""

    @property
    def open(self) -> bool:
        return self.cleared_at is None


@dataclass
class Reward:
    case_id: str
    county: str
    category: str
    complaint_id: str  #: the beneficiary: the first reporter's ticket
    discipline_only: bool  #: copied from that ticket at each recompute (who reviews and is alerted)
    created_at: datetime
    eligible_at: datetime
    state: RewardState = RewardState.ELIGIBLE
    proposal: Proposal | None = None
    approved_by: str | None = None
    approved_at: datetime | None = None
    window_ends_at: datetime | None = None
    claim: Claim | None = None
    payment: Payment | None = None
    hold_reason: str = ""
    closed_at: datetime | None = None  #: reached paid, expired or refused
    flags: list[Flag] = field(default_factory=list)
    history: list[RewardEntry] = field(default_factory=list)
    #: the beneficiary's ticket went to the discipline commission and took the reward along:
    #: the case it came from no longer moves it (``move_to_commission``)
    detached: bool = False
    version: int = 0

    # --- creation and recompute ---------------------------------------------------------
    @classmethod
    def open_for(cls, case: Case, member: CaseMember, discipline_only: bool, now: datetime) -> "Reward":
        """004 C20, L17: the first reporter of a case found true becomes eligible."""
        reward = cls(case_id=case.id, county=case.county, category=case.category, complaint_id=member.complaint_id,
                     discipline_only=discipline_only, created_at=now, eligible_at=now)
        reward._log(now, "eligible", "system")
        return reward

    def recompute(self, target: CaseMember | None, discipline_only: bool, reason: str, now: datetime,
                  actor: str) -> bool:
        """Follow the case's first reporter before payment; frozen once paid, expired or refused.
        ``target`` is None when the case no longer qualifies (``reason`` says why). True if changed."""
        if self.state in FINAL or self.detached:
            return False
        if target is None:
            if self.state == RewardState.WITHDRAWN:
                return False
            self._cancel(now, actor)
            self.state = RewardState.WITHDRAWN
            self._log(now, "withdrawn", actor, data={"reason": reason})
            return True
        if self.state == RewardState.WITHDRAWN:
            previous = self.complaint_id
            self.complaint_id, self.discipline_only = target.complaint_id, discipline_only
            self.state, self.eligible_at = RewardState.ELIGIBLE, now
            self._log(now, "reinstated", actor, data={"from": previous, "to": target.complaint_id})
            return True
        if target.complaint_id == self.complaint_id:
            if self.discipline_only == discipline_only:
                return False
            self.discipline_only = discipline_only
            return True
        previous = self.complaint_id
        self._cancel(now, actor)
        self.complaint_id, self.discipline_only = target.complaint_id, discipline_only
        self.state, self.eligible_at = RewardState.ELIGIBLE, now
        self._log(now, "retargeted", actor, data={"from": previous, "to": target.complaint_id})
        return True

    def move_to_commission(self, now: datetime) -> None:
        """The beneficiary's ticket became discipline-only (000 §2(3)) and left its case: the
        reporter keeps the reward, in whatever state it is, and the commission reviews it from
        now on. Recorded as the system's doing, with no note, so that nothing names the transfer."""
        if self.state == RewardState.WITHDRAWN:
            raise Conflict(N_("已撤回的奖励不能转由纪委监委审核。"))
        self.discipline_only = True
        self.detached = True
        self._log(now, "moved_to_commission", "system")

    def recused(self, actor: str) -> bool:
        """The actor's registered phone verified the claim: they stay out of its review."""
        return self.claim is not None and actor in self.claim.staff_matches

    def _require_not_recused(self, actor: str) -> None:
        if self.recused(actor):
            raise Forbidden(RECUSED)

    def needs_third_person(self, actor: str) -> bool:
        """A claim held because a staff phone verified it is released by neither the proposer
        nor the approver."""
        return (self.state == RewardState.HELD and self.hold_reason == HOLD_STAFF_PHONE
                and actor in {self.proposal.by if self.proposal else None, self.approved_by})

    def _cancel(self, now: datetime, actor: str) -> None:
        """Drop the proposal, the approval and the claim of a beneficiary who is no longer one."""
        if self.claim is not None:
            self._log(now, "claim_cancelled", actor, data={"method": self.claim.method.value})
        self.proposal = None
        self.approved_by = self.approved_at = self.window_ends_at = None
        self.claim = None
        self.hold_reason = ""
        for flag in self.flags:
            if flag.open:
                flag.cleared_by, flag.cleared_at = actor, now

    # --- staff decisions ------------------------------------------------------------------
    def propose(self, now: datetime, actor: str, amount_yuan: int, reason: str, band: RewardBand) -> None:
        """A proposal with an amount within the county's band for the category, and a reason."""
        if self.state != RewardState.ELIGIBLE:
            raise Conflict(N_("只有待提出建议的奖励才能提出奖励建议。"))
        if not band.min_yuan <= amount_yuan <= band.max_yuan:
            raise DomainError(N_("奖励金额应在 %(min)s 至 %(max)s 元之间（本县该类问题的奖励标准）。"), field="amount",
                              min=band.min_yuan, max=band.max_yuan)
        if not reason.strip():
            raise DomainError(N_("请写明奖励建议的理由。"), field="reason")
        self.proposal = Proposal(amount_yuan=amount_yuan, reason=reason.strip(), by=actor, at=now)
        self.state = RewardState.PROPOSED
        self._log(now, "proposed", actor, reason.strip(), {"amount": amount_yuan})

    def _second_person(self, actor: str, message: str) -> None:
        if self.proposal is not None and self.proposal.by == actor:
            raise Forbidden(message)

    def approve(self, now: datetime, actor: str, note: str, claim_window_days: int) -> None:
        """A second person approves; nobody approves their own proposal. The claim window
        (``claim_window_days``) runs from the approval to the end of its last day."""
        if self.state != RewardState.PROPOSED:
            raise Conflict(N_("只有待审批的奖励建议才能批准或驳回。"))
        self._second_person(actor, N_("不能批准自己提出的奖励建议，须由另一位有审批权限的人员审批。"))
        self._require_not_recused(actor)
        self.state = RewardState.APPROVED
        self.approved_by, self.approved_at = actor, now
        self.window_ends_at = end_of_local_day(local_date(now) + timedelta(days=claim_window_days))
        self._log(now, "approved", actor, note.strip(), {"amount": self.proposal.amount_yuan})

    def reject(self, now: datetime, actor: str, note: str) -> None:
        """A second person rejects; the reward is eligible again for a new proposal."""
        if self.state != RewardState.PROPOSED:
            raise Conflict(N_("只有待审批的奖励建议才能批准或驳回。"))
        self._second_person(actor, N_("不能驳回自己提出的奖励建议，须由另一位有审批权限的人员审批。"))
        self._require_not_recused(actor)
        if not note.strip():
            raise DomainError(N_("请写明驳回的理由。"), field="note")
        amount = self.proposal.amount_yuan
        self.proposal = None
        self.state = RewardState.ELIGIBLE
        self._log(now, "rejected", actor, note.strip(), {"amount": amount})

    def hold(self, now: datetime, actor: str, reason: str) -> None:
        if self.state != RewardState.CLAIMED:
            raise Conflict(N_("只有已申领、尚未发放的奖励才能暂停发放。"))
        self._require_not_recused(actor)
        if not reason.strip():
            raise DomainError(N_("请写明暂停发放的理由。"), field="note")
        self._hold(now, actor, reason.strip())

    def _hold(self, now: datetime, actor: str, reason: str) -> None:
        self.state = RewardState.HELD
        self.hold_reason = reason
        self._log(now, "held", actor, reason)

    def release(self, now: datetime, actor: str, note: str) -> None:
        """The review found nothing wrong: the claim can be paid. Not by a recused account;
        a staff-phone hold not by the proposer or the approver either (004 C20)."""
        if self.state != RewardState.HELD:
            raise Conflict(N_("只有暂停发放的奖励才能复核。"))
        self._require_not_recused(actor)
        if self.needs_third_person(actor):
            raise Forbidden(THIRD_PERSON)
        if not note.strip():
            raise DomainError(N_("请写明复核意见。"), field="note")
        self.state = RewardState.CLAIMED
        self.hold_reason = ""
        if self.claim is not None:
            self.claim.failed_checks = 0
        self._log(now, "released", actor, note.strip())

    def refuse(self, now: datetime, actor: str, note: str) -> None:
        """The review found abuse: the reward is not paid (final). Not by a recused account."""
        if self.state != RewardState.HELD:
            raise Conflict(N_("只有暂停发放的奖励才能复核。"))
        self._require_not_recused(actor)
        if not note.strip():
            raise DomainError(N_("请写明复核意见。"), field="note")
        self.state = RewardState.REFUSED
        self.closed_at = now
        self._log(now, "refused", actor, note.strip())

    def flag(self, now: datetime, kind: str) -> None:
        self.flags.append(Flag(kind=kind, at=now))
        self._log(now, "flagged", "system", data={"kind": kind})

    @property
    def open_flags(self) -> list[Flag]:
        return [f for f in self.flags if f.open]

    def clear_flags(self, now: datetime, actor: str, note: str) -> None:
        if not self.open_flags:
            raise Conflict(N_("这项奖励没有待处理的复核标记。"))
        self._require_not_recused(actor)
        if not note.strip():
            raise DomainError(N_("请写明复核意见。"), field="note")
        for flag in self.open_flags:
            flag.cleared_by, flag.cleared_at, flag.cleared_note = actor, now, note.strip()
        self._log(now, "flag_cleared", actor, note.strip())

    # --- the reporter's claim ------------------------------------------------------------------
    def claimable_until(self) -> datetime | None:
        return self.window_ends_at if self.state == RewardState.APPROVED else None

    def require_claimable(self, now: datetime) -> None:
        """Refuse a claim that cannot be made now, with what the reporter needs to know."""
        if self.state == RewardState.EXPIRED or (self.state == RewardState.APPROVED and now > self.window_ends_at):
            ends = local(self.window_ends_at) if self.window_ends_at else None
            raise Conflict(N_("领奖期限已于%(date)s届满，奖励已不能申领。"),
                           date=f"{ends.year}年{ends.month}月{ends.day}日" if ends else "")
        if self.state in (RewardState.ELIGIBLE, RewardState.PROPOSED):
            raise Conflict(N_("奖励金额尚在审批，批准后才能申领。"))
        if self.state in (RewardState.CLAIMED, RewardState.HELD, RewardState.PAID):
            raise Conflict(N_("这项奖励已经申领过了。"))
        if self.state != RewardState.APPROVED:
            raise Conflict(N_("这项奖励不能申领。"))

    def record_claim(self, now: datetime, claim: Claim, staff_phone: bool) -> None:
        """The reporter claims within the window. A claim verified from a phone a staff member
        registered (``claim.staff_matches``) is held for review at once."""
        self.require_claimable(now)
        self.claim = claim
        self.state = RewardState.CLAIMED
        self._log(now, "claimed", "reporter", data={"method": claim.method.value, "phone_checked": claim.phone_checked})
        if staff_phone or claim.staff_matches:
            self._hold(now, "system", HOLD_STAFF_PHONE)

    # --- finance -----------------------------------------------------------------------------
    def record_code_check(self, now: datetime, actor: str, ok: bool) -> None:
        """Finance checks the collection code the claimant shows at the counter. Repeated
        failures hold the reward for review."""
        if self.state != RewardState.CLAIMED or self.claim is None or self.claim.method != ClaimMethod.IN_PERSON:
            raise Conflict(N_("只有选择现场领取、待发放的奖励才能核对领奖码。"))
        if ok:
            self.claim.collection_checked_at = now
            self.claim.collection_envelope = None  # collected: never shown again
            self._log(now, "code_checked", actor)
            return
        self.claim.failed_checks += 1
        self._log(now, "code_check_failed", actor, data={"failures": self.claim.failed_checks})
        if self.claim.failed_checks >= MAX_CODE_CHECKS:
            self._hold(now, "system", HOLD_CODE_CHECKS)

    def pay(self, now: datetime, actor: str, paid_on: date, amount_yuan: int, reference: str) -> None:
        """Finance records the payment: date, amount (the approved one) and reference."""
        if self.state == RewardState.HELD:
            raise Conflict(N_("这项奖励正在复核，复核通过后才能发放。"))
        if self.state != RewardState.CLAIMED:
            raise Conflict(N_("只有已申领、待发放的奖励才能登记发放。"))
        if self.claim.method == ClaimMethod.IN_PERSON and self.claim.collection_checked_at is None:
            raise Conflict(N_("请先核对领奖人出示的领奖码，核对一致后才能登记发放。"))
        if amount_yuan != self.proposal.amount_yuan:
            raise DomainError(N_("发放金额应与批准金额 %(amount)s 元一致。"), field="amount",
                              amount=self.proposal.amount_yuan)
        if paid_on > local_date(now):
            raise DomainError(N_("发放日期不能晚于今天。"), field="paid_on")
        if paid_on < local_date(self.claim.at):
            raise DomainError(N_("发放日期不能早于举报人申领的日期。"), field="paid_on")
        if not reference.strip():
            raise DomainError(N_("请填写发放凭证号。"), field="reference")
        self.payment = Payment(paid_on=paid_on, amount_yuan=amount_yuan, reference=reference.strip(), by=actor,
                               at=now)
        self.state = RewardState.PAID
        self.closed_at = now
        self._log(now, "paid", actor, data={"amount": amount_yuan, "paid_on": paid_on.isoformat()})

    # --- time ----------------------------------------------------------------------------------
    def wake_at(self, retention_days: int | None = None) -> datetime | None:
        """When the sweeper must look at the reward (the due index): the end of the claim
        window, and, once final, when retention ends for the claim's personal data."""
        if self.state == RewardState.APPROVED and self.window_ends_at is not None:
            return self.window_ends_at + timedelta(seconds=1)
        if retention_days is not None:
            return self.purge_due_at(retention_days)
        return None

    def expire(self, now: datetime) -> bool:
        """An approved reward not claimed by the end of the window expires."""
        if self.state != RewardState.APPROVED or now <= self.window_ends_at:
            return False
        self.state = RewardState.EXPIRED
        self.closed_at = now
        self._log(now, "expired", "system")
        return True

    def purge_due_at(self, retention_days: int) -> datetime | None:
        """When the claim's personal data (payee envelope, collection-code hash, phone hash)
        must go: ``retention_days`` after the reward reached a final state."""
        if self.state not in FINAL or self.closed_at is None or self.claim is None:
            return None
        if not self.claim.holds_personal_data:
            return None
        return self.closed_at + timedelta(days=retention_days)

    def purge(self, now: datetime, retention_days: int) -> bool:
        due = self.purge_due_at(retention_days)
        if due is None or now < due:
            return False
        self.claim.payee_envelope = self.claim.collection_hash = self.claim.phone_hash = None
        self.claim.collection_envelope = None
        self.claim.staff_matches = []
        self.claim.purged_at = now
        self._log(now, "purged", "system")
        return True

    # --- history ---------------------------------------------------------------------------------
    def _log(self, at: datetime, kind: str, actor: str, note: str = "", data: dict | None = None) -> None:
        self.history.append(RewardEntry(at=at, kind=kind, actor=actor, note=note, data=data or {}))


# --- eligibility --------------------------------------------------------------------------------
def found_true(members: Iterable[Complaint]) -> bool:
    """004 C20, L17: the case counts as found true once a ticket of it stands concluded with
    a substantiated finding (属实 or 部分属实)."""
    return any(c.status in (Status.CONCLUDED, Status.CLOSED) and c.finding is not None and c.finding.substantiated
               for c in members)


def settle(reward: Reward | None, case: Case, members: list[Complaint], *, paid_elsewhere: bool,
           now: datetime, actor: str) -> tuple[Reward | None, bool]:
    """Eligibility after the case changed (004 C20, L17): the reward (created, moved, withdrawn
    or untouched) and whether it changed. ``members`` are the case's tickets as they now
    stand; ``paid_elsewhere``: one of them already holds a paid reward of another case."""
    reason = ""
    target: CaseMember | None = None
    if not case.active:
        reason = "merged"
    elif paid_elsewhere:
        reason = "paid_elsewhere"
    elif not case.members or not found_true(members):
        reason = "not_found_true"
    else:
        target = case.first_reporter()
    by_id = {c.id: c for c in members}
    if target is not None and not getattr(by_id.get(target.complaint_id), "has_reporter", True):
        # a responsible unit found it first (a campaign's survey): no citizen reported it first
        target, reason = None, "no_reporter"
    discipline_only = bool(target and by_id.get(target.complaint_id) and by_id[target.complaint_id].discipline_only)
    if reward is None:
        if target is None:
            return None, False
        return Reward.open_for(case, target, discipline_only, now), True
    return reward, reward.recompute(target, discipline_only, reason, now, actor)
