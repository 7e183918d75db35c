"""The reward of a case (004 C20, L17: the first reporter of a report found true is rewarded;
the land rules say cash), as a pure state machine: who becomes eligible, the two-person
decision, the claim window, the recompute rules, abuse holds, payment and the purge."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from portal.domain.cases import Case, CaseMember
from portal.domain.complaint import Finding, Status
from portal.domain.county import RewardBand
from portal.domain.errors import Conflict, DomainError, Forbidden
from portal.domain.rewards import (
    MAX_CODE_CHECKS, Claim, ClaimMethod, Reward, RewardState, found_true, settle,
)
from portal.timeutil import iso_local

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)  # Monday 10:00 in Asia/Shanghai
BAND = RewardBand(min_yuan=200, max_yuan=2000)


def ticket(cid: str, status: Status = Status.ACCEPTED, finding: Finding | None = None, discipline_only=False):
    return SimpleNamespace(id=cid, status=status, finding=finding, discipline_only=discipline_only)


def case_of(*members: tuple[str, int], case_id: str = "C1") -> Case:
    """Members as (complaint id, minutes after T0 it was received); the sequence follows the order given."""
    case = Case(id=case_id, county="430225", category="l1-occupy-land", created_at=T0)
    case.members = [CaseMember(cid, T0 + timedelta(minutes=m), seq) for seq, (cid, m) in enumerate(members)]
    return case


def eligible(now=T0) -> Reward:
    case = case_of(("A", 0), ("B", 5))
    reward, changed = settle(None, case, [ticket("A"), ticket("B", Status.CONCLUDED, Finding.SUBSTANTIATED)],
                             paid_elsewhere=False, now=now, actor="officer")
    assert changed
    return reward


def approved(now=T0) -> Reward:
    reward = eligible(now)
    reward.propose(now, "sup-1", 1000, "经查属实，举报及时。", BAND)
    reward.approve(now, "sup-2", "同意", claim_window_days=180)
    return reward


def bank_claim(now, phone_hash=None) -> Claim:
    return Claim(method=ClaimMethod.BANK, at=now, phone_checked=phone_hash is not None, phone_hash=phone_hash,
                 payee_envelope="envelope")


def claimed(now=T0, method=ClaimMethod.BANK) -> Reward:
    reward = approved(now)
    claim = bank_claim(now) if method == ClaimMethod.BANK else Claim(
        method=ClaimMethod.IN_PERSON, at=now, phone_checked=False, collection_hash="hash")
    reward.record_claim(now, claim, staff_phone=False)
    return reward


# --- eligibility ------------------------------------------------------------------------------------
@pytest.mark.parametrize("finding,expected", [
    (Finding.SUBSTANTIATED, True), (Finding.PARTLY, True), (Finding.NOT_SUBSTANTIATED, False)])
def test_004_c20_a_case_is_found_true_when_a_ticket_is_concluded_substantiated(finding, expected):
    for status in (Status.CONCLUDED, Status.CLOSED):
        assert found_true([ticket("A"), ticket("B", status, finding)]) is expected
    assert found_true([ticket("A", Status.ACCEPTED, Finding.SUBSTANTIATED)]) is False  # not concluded


def test_004_c20_l17_only_the_first_reporter_becomes_eligible_even_when_a_later_ticket_is_concluded():
    reward = eligible()
    assert reward.state == RewardState.ELIGIBLE and reward.complaint_id == "A"
    assert [e.kind for e in reward.history] == ["eligible"]


def test_004_c20_the_store_sequence_breaks_a_tie_in_receipt_time():
    case = case_of(("late-seq", 0), ("early-seq", 0))
    case.members[0].seq, case.members[1].seq = 9, 3
    reward, _ = settle(None, case, [ticket("late-seq", Status.CONCLUDED, Finding.SUBSTANTIATED), ticket("early-seq")],
                       paid_elsewhere=False, now=T0, actor="x")
    assert reward.complaint_id == "early-seq"


def test_a_case_not_found_true_gets_no_reward():
    case = case_of(("A", 0))
    reward, changed = settle(None, case, [ticket("A", Status.CONCLUDED, Finding.NOT_SUBSTANTIATED)],
                             paid_elsewhere=False, now=T0, actor="x")
    assert reward is None and not changed


# --- proposal and approval --------------------------------------------------------------------------
def test_004_c20_the_amount_must_lie_within_the_county_band_and_have_a_reason():
    reward = eligible()
    for amount in (199, 2001):
        with pytest.raises(DomainError) as refused:
            reward.propose(T0, "sup-1", amount, "理由", BAND)
        assert refused.value.field == "amount" and refused.value.params == {"min": 200, "max": 2000}
    with pytest.raises(DomainError):
        reward.propose(T0, "sup-1", 500, "  ", BAND)
    assert reward.state == RewardState.ELIGIBLE and reward.history[-1].kind == "eligible"


def test_004_c20_nobody_approves_or_rejects_their_own_proposal():
    reward = eligible()
    reward.propose(T0, "sup-1", 800, "属实", BAND)
    with pytest.raises(Forbidden):
        reward.approve(T0, "sup-1", "", claim_window_days=180)
    with pytest.raises(Forbidden):
        reward.reject(T0, "sup-1", "不同意")
    assert reward.state == RewardState.PROPOSED
    reward.approve(T0, "sup-2", "同意", claim_window_days=180)
    assert (reward.state, reward.approved_by) == (RewardState.APPROVED, "sup-2")


def test_a_rejection_returns_the_reward_to_eligible_for_a_new_proposal():
    reward = eligible()
    reward.propose(T0, "sup-1", 1800, "属实", BAND)
    with pytest.raises(DomainError):
        reward.reject(T0, "sup-2", "")
    reward.reject(T0, "sup-2", "金额偏高")
    assert reward.state == RewardState.ELIGIBLE and reward.proposal is None
    reward.propose(T0, "sup-3", 1000, "属实，按标准调整", BAND)
    assert reward.state == RewardState.PROPOSED
    assert [(e.kind, e.actor) for e in reward.history[1:]] == [
        ("proposed", "sup-1"), ("rejected", "sup-2"), ("proposed", "sup-3")]
    assert reward.history[2].note == "金额偏高" and reward.history[2].data == {"amount": 1800}


# --- the claim window -------------------------------------------------------------------------------
def test_the_claim_window_runs_from_the_approval_to_the_end_of_its_last_day():
    reward = approved()
    assert iso_local(reward.window_ends_at) == "2027-05-22T23:59:59+08:00"  # 2026-11-23 + 180 days
    assert reward.wake_at() == reward.window_ends_at + timedelta(seconds=1)
    assert eligible().wake_at() is None  # only an approved reward can expire


def test_a_claim_after_the_window_is_refused_with_the_date():
    reward = approved()
    late = reward.window_ends_at + timedelta(seconds=1)
    with pytest.raises(Conflict) as refused:
        reward.record_claim(late, bank_claim(late), staff_phone=False)
    assert refused.value.message == "领奖期限已于%(date)s届满，奖励已不能申领。"
    assert refused.value.params == {"date": "2027年5月22日"}
    assert reward.state == RewardState.APPROVED and reward.claim is None
    reward.record_claim(reward.window_ends_at, bank_claim(reward.window_ends_at), staff_phone=False)  # the last second
    assert reward.state == RewardState.CLAIMED


def test_an_unclaimed_approved_reward_expires_after_the_window_and_then_is_frozen():
    reward = approved()
    assert reward.expire(reward.window_ends_at) is False
    assert reward.expire(reward.window_ends_at + timedelta(seconds=1)) is True
    assert reward.state == RewardState.EXPIRED and reward.history[-1].kind == "expired"
    assert reward.expire(reward.window_ends_at + timedelta(days=1)) is False
    with pytest.raises(Conflict):
        reward.record_claim(T0, bank_claim(T0), staff_phone=False)
    assert reward.recompute(CaseMember("B", T0, 1), False, "", T0, "x") is False


def test_claims_before_approval_or_twice_are_refused():
    reward = eligible()
    with pytest.raises(Conflict, match="审批"):
        reward.record_claim(T0, bank_claim(T0), staff_phone=False)
    reward = claimed()
    with pytest.raises(Conflict, match="已经申领"):
        reward.record_claim(T0, bank_claim(T0), staff_phone=False)


# --- recompute ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("build", [eligible, approved, claimed], ids=["eligible", "approved", "claimed"])
def test_004_c20_before_payment_the_reward_follows_the_case_first_reporter(build):
    reward = build()
    assert reward.recompute(CaseMember("B", T0, 1), False, "", T0 + timedelta(hours=1), "sup-1") is True
    assert (reward.state, reward.complaint_id) == (RewardState.ELIGIBLE, "B")
    assert reward.proposal is None and reward.approved_by is None and reward.window_ends_at is None
    assert reward.claim is None  # the payee envelope of a claim made by someone else is gone
    assert reward.history[-1].kind == "retargeted" and reward.history[-1].data == {"from": "A", "to": "B"}


def test_a_case_no_longer_found_true_withdraws_the_reward_and_a_new_finding_reinstates_it():
    reward = approved()
    assert reward.recompute(None, False, "not_found_true", T0, "sup-1") is True
    assert reward.state == RewardState.WITHDRAWN and reward.history[-1].data == {"reason": "not_found_true"}
    assert reward.recompute(None, False, "not_found_true", T0, "sup-1") is False
    assert reward.recompute(CaseMember("A", T0, 0), False, "", T0, "sup-1") is True
    assert reward.state == RewardState.ELIGIBLE and reward.history[-1].kind == "reinstated"


@pytest.mark.parametrize("final", ["paid", "expired", "refused"])
def test_004_c20_after_payment_expiry_or_refusal_nothing_moves(final):
    reward = claimed()
    if final == "paid":
        reward.pay(T0, "fin", date(2026, 11, 23), 1000, "PZ-1")
    elif final == "expired":
        reward = approved()
        reward.expire(reward.window_ends_at + timedelta(seconds=1))
    else:
        reward.hold(T0, "sup-2", "可疑")
        reward.refuse(T0, "sup-2", "确认作弊")
    before = (reward.state, reward.complaint_id, len(reward.history))
    assert reward.recompute(CaseMember("B", T0, 1), False, "", T0, "x") is False
    assert reward.recompute(None, False, "merged", T0, "x") is False
    assert (reward.state, reward.complaint_id, len(reward.history)) == before


def test_a_reporter_already_paid_for_the_violation_is_not_rewarded_twice():
    case = case_of(("A", 0))
    reward, changed = settle(None, case, [ticket("A", Status.CONCLUDED, Finding.SUBSTANTIATED)], paid_elsewhere=True,
                             now=T0, actor="x")
    assert reward is None and not changed


def test_a_merged_away_case_withdraws_its_unpaid_reward():
    reward = eligible()
    case = case_of(("A", 0))
    case.merged_into = "C2"
    _, changed = settle(reward, case, [], paid_elsewhere=False, now=T0, actor="sup-1")
    assert changed and reward.state == RewardState.WITHDRAWN and reward.history[-1].data == {"reason": "merged"}


# --- abuse checks -------------------------------------------------------------------------------------
def test_a_claim_from_a_staff_phone_is_held_and_reviewed():
    reward = approved()
    reward.record_claim(T0, bank_claim(T0, "staff-hash"), staff_phone=True)
    assert reward.state == RewardState.HELD and reward.hold_reason
    with pytest.raises(Conflict, match="复核"):
        reward.pay(T0, "fin", date(2026, 11, 23), 1000, "PZ")
    reward.release(T0, "sup-3", "系工作人员家属代为验证，已核实")
    assert reward.state == RewardState.CLAIMED
    assert [e.kind for e in reward.history][-3:] == ["claimed", "held", "released"]


def test_a_flag_stays_visible_until_a_reviewer_clears_it():
    reward = claimed()
    reward.flag(T0, "repeat_phone")
    assert reward.state == RewardState.CLAIMED and [f.kind for f in reward.open_flags] == ["repeat_phone"]
    with pytest.raises(DomainError):
        reward.clear_flags(T0, "sup-2", "")
    reward.clear_flags(T0, "sup-2", "已核实为不同案件")
    assert reward.open_flags == [] and reward.flags[0].cleared_by == "sup-2"
    with pytest.raises(Conflict):
        reward.clear_flags(T0, "sup-2", "再次")


# --- payment --------------------------------------------------------------------------------------------
def test_in_person_payment_needs_the_collection_code_checked_and_failures_hold_the_reward():
    reward = claimed(method=ClaimMethod.IN_PERSON)
    with pytest.raises(Conflict, match="领奖码"):
        reward.pay(T0, "fin", date(2026, 11, 23), 1000, "XJ-1")
    for n in range(1, MAX_CODE_CHECKS):
        reward.record_code_check(T0, "fin", ok=False)
        assert reward.state == RewardState.CLAIMED and reward.claim.failed_checks == n
    reward.record_code_check(T0, "fin", ok=False)
    assert reward.state == RewardState.HELD
    reward.release(T0, "sup-2", "领奖人记错，已当面核实")
    reward.record_code_check(T0, "fin", ok=True)
    reward.pay(T0, "fin", date(2026, 11, 23), 1000, "XJ-1")
    assert reward.state == RewardState.PAID and reward.payment.reference == "XJ-1"


def test_payment_records_the_approved_amount_on_a_plausible_date_with_a_reference():
    reward = claimed()
    with pytest.raises(DomainError, match="一致"):
        reward.pay(T0, "fin", date(2026, 11, 23), 999, "PZ")
    with pytest.raises(DomainError, match="晚于今天"):
        reward.pay(T0, "fin", date(2026, 11, 24), 1000, "PZ")
    with pytest.raises(DomainError, match="早于"):
        reward.pay(T0, "fin", date(2026, 11, 22), 1000, "PZ")
    with pytest.raises(DomainError, match="凭证号"):
        reward.pay(T0, "fin", date(2026, 11, 23), 1000, " ")
    assert reward.state == RewardState.CLAIMED and reward.payment is None
    reward.pay(T0, "fin", date(2026, 11, 23), 1000, "PZ-2026-001")
    assert reward.state == RewardState.PAID and reward.closed_at == T0
    assert reward.history[-1].kind == "paid" and reward.history[-1].actor == "fin"


# --- retention --------------------------------------------------------------------------------------------
def test_payee_data_is_purged_only_after_the_retention_period_and_the_purge_is_recorded():
    reward = claimed()
    reward.claim.phone_hash = "phone-hash"
    assert reward.purge(T0, 365) is False  # not final yet
    reward.pay(T0, "fin", date(2026, 11, 23), 1000, "PZ")
    assert reward.purge_due_at(365) == T0 + timedelta(days=365)
    assert reward.purge(T0 + timedelta(days=364), 365) is False
    assert reward.purge(T0 + timedelta(days=365), 365) is True
    assert not reward.claim.holds_personal_data and reward.claim.purged_at is not None
    assert reward.history[-1].kind == "purged"
    assert reward.purge(T0 + timedelta(days=400), 365) is False
