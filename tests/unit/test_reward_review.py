"""Who may decide on a reward (004 C20, L17: the reward goes to the reporter, decided by people
without a stake in it): the second person, the recusal of staff whose registered phone
verified the claim, the third person for a staff-phone hold, and the review of holds and flags."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.domain.errors import Conflict, DomainError, Forbidden
from portal.domain.rewards import (
    HOLD_CODE_CHECKS, HOLD_STAFF_PHONE, RECUSED, THIRD_PERSON, Claim, ClaimMethod, RewardState,
)
from tests.unit.test_reward_state_machine import BAND, T0, approved, bank_claim, claimed, eligible

LATER = T0 + timedelta(hours=1)


def staff_phone_claim(*matches: str) -> Claim:
    claim = bank_claim(T0, "staff-hash")
    claim.staff_matches = list(matches)
    return claim


def held_for_a_staff_phone(*matches: str):
    """Proposed by sup-1, approved by sup-2, claimed from a phone registered to ``matches``."""
    reward = approved()
    reward.record_claim(T0, staff_phone_claim(*matches), staff_phone=False)
    assert (reward.state, reward.hold_reason) == (RewardState.HELD, HOLD_STAFF_PHONE)
    return reward


def test_004_c20_a_claim_verified_from_a_registered_staff_phone_is_held_at_once_by_the_system():
    reward = held_for_a_staff_phone("sup-9")
    assert [(e.kind, e.actor, e.note) for e in reward.history[-2:]] == [
        ("claimed", "reporter", ""), ("held", "system", HOLD_STAFF_PHONE)]
    assert reward.history[-2].data == {"method": "bank", "phone_checked": True}
    flagged = approved()
    flagged.record_claim(T0, bank_claim(T0), staff_phone=True)  # the service found the match
    assert flagged.state == RewardState.HELD and flagged.hold_reason == HOLD_STAFF_PHONE


@pytest.mark.parametrize("decider", ["sup-1", "sup-2"], ids=["the proposer", "the approver"])
def test_004_c20_a_staff_phone_hold_is_released_by_a_third_person_only(decider):
    reward = held_for_a_staff_phone("sup-9")
    assert reward.needs_third_person(decider) is True
    with pytest.raises(Forbidden) as refused:
        reward.release(LATER, decider, "已核实")
    assert refused.value.message == THIRD_PERSON
    assert reward.state == RewardState.HELD
    assert reward.needs_third_person("sup-3") is False
    reward.release(LATER, "sup-3", "已核实，系举报人本人")
    assert (reward.state, reward.hold_reason) == (RewardState.CLAIMED, "")
    assert (reward.history[-1].kind, reward.history[-1].actor, reward.history[-1].note) == (
        "released", "sup-3", "已核实，系举报人本人")


def test_004_c20_the_third_person_rule_holds_only_for_a_staff_phone_hold_of_a_held_reward():
    """The proposer may release a hold for failed collection-code checks, and is no third
    person anywhere else (the rule is about the staff-phone hold alone)."""
    reward = claimed(method=ClaimMethod.IN_PERSON)
    assert reward.needs_third_person("sup-1") is False  # claimed, not held
    reward._hold(T0, "system", HOLD_CODE_CHECKS)
    assert reward.needs_third_person("sup-1") is False
    reward.release(LATER, "sup-1", "领奖人记错，已当面核实")
    assert reward.state == RewardState.CLAIMED
    staff = held_for_a_staff_phone("sup-9")
    staff.state = RewardState.CLAIMED  # as after a release by a third person
    assert staff.needs_third_person("sup-1") is False
    without_proposal = held_for_a_staff_phone("sup-9")
    without_proposal.proposal = None
    assert without_proposal.needs_third_person("sup-1") is False
    assert without_proposal.needs_third_person("sup-2") is True


@pytest.mark.parametrize("step", ["release", "refuse", "clear_flags"])
def test_004_c20_an_account_whose_phone_verified_the_claim_is_recused_from_its_review(step):
    reward = held_for_a_staff_phone("sup-9")
    reward.flag(T0, "repeat_phone")
    assert reward.recused("sup-9") and not reward.recused("sup-3")
    with pytest.raises(Forbidden) as refused:
        getattr(reward, step)(LATER, "sup-9", "本人复核")
    assert refused.value.message == RECUSED
    assert reward.state == RewardState.HELD and reward.open_flags
    getattr(reward, step)(LATER, "sup-3", "已核实")


def test_004_c20_an_account_whose_phone_verified_the_claim_may_not_hold_it():
    reward = claimed()
    reward.claim.staff_matches = ["sup-9"]
    with pytest.raises(Forbidden) as refused:
        reward.hold(LATER, "sup-9", "可疑")
    assert refused.value.message == RECUSED and reward.state == RewardState.CLAIMED
    reward.hold(LATER, "sup-3", "可疑")
    assert (reward.state, reward.hold_reason) == (RewardState.HELD, "可疑")
    assert (reward.history[-1].kind, reward.history[-1].actor, reward.history[-1].note) == ("held", "sup-3", "可疑")


@pytest.mark.parametrize("step", ["approve", "reject"])
def test_004_c20_a_recused_account_neither_approves_nor_rejects(step):
    """A reward record that names a staff match while a proposal waits (as a record may be read
    back in any state) is decided by nobody whose phone verified the claim."""
    reward = eligible()
    reward.propose(T0, "sup-1", 800, "属实", BAND)
    reward.claim = staff_phone_claim("sup-9")
    with pytest.raises(Forbidden) as refused:
        if step == "approve":
            reward.approve(LATER, "sup-9", "同意", claim_window_days=180)
        else:
            reward.reject(LATER, "sup-9", "不同意")
    assert refused.value.message == RECUSED and reward.state == RewardState.PROPOSED


def test_004_c20_nobody_is_recused_without_a_claim_or_a_match():
    reward = approved()
    assert reward.claim is None and reward.recused("sup-9") is False
    reward.record_claim(T0, bank_claim(T0), staff_phone=False)
    assert reward.recused("sup-9") is False and reward.state == RewardState.CLAIMED


def test_004_c20_a_hold_and_a_review_need_a_reason_and_only_fit_their_states():
    reward = approved()
    with pytest.raises(Conflict):
        reward.hold(LATER, "sup-3", "可疑")  # not claimed yet
    for step in ("release", "refuse"):
        with pytest.raises(Conflict):
            getattr(reward, step)(LATER, "sup-3", "意见")  # nothing held
    reward = claimed()
    with pytest.raises(DomainError) as refused:
        reward.hold(LATER, "sup-3", "  ")
    assert refused.value.field == "note" and reward.state == RewardState.CLAIMED
    reward.hold(LATER, "sup-3", " 可疑 ")
    assert reward.hold_reason == "可疑"
    for step in ("release", "refuse"):
        with pytest.raises(DomainError) as refused:
            getattr(reward, step)(LATER, "sup-3", " ")
        assert refused.value.field == "note" and reward.state == RewardState.HELD
    reward.refuse(LATER, "sup-3", " 确认作弊 ")
    assert (reward.state, reward.closed_at) == (RewardState.REFUSED, LATER)
    assert (reward.history[-1].kind, reward.history[-1].actor, reward.history[-1].note) == ("refused", "sup-3",
                                                                                            "确认作弊")


def test_004_c20_a_release_resets_the_failed_collection_code_checks():
    reward = claimed(method=ClaimMethod.IN_PERSON)
    for _ in range(5):
        reward.record_code_check(T0, "fin", ok=False)
    assert reward.state == RewardState.HELD and reward.claim.failed_checks == 5
    assert reward.history[-1].kind == "held" and reward.history[-1].actor == "system"
    assert reward.history[-2].data == {"failures": 5}
    reward.release(LATER, "sup-3", "已当面核实")
    assert reward.claim.failed_checks == 0
