"""A reward's own history, entry by entry (004 C20, L17: the first reporter's reward tracked to
payment; every transition is recorded, nothing deleted): who did what, when, with which note
and data, along a whole life; and every refusal names the field at fault."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from portal.domain.cases import CaseMember
from portal.domain.complaint import Finding, Status
from portal.domain.errors import Conflict, DomainError, Forbidden
from portal.domain.rewards import (
    HOLD_STAFF_PHONE, Claim, ClaimMethod, Flag, Payment, Proposal, Reward, RewardEntry, RewardState, settle,
)
from tests.unit.test_reward_state_machine import BAND, T0, approved, bank_claim, case_of, claimed, eligible, ticket


def t(n: int) -> datetime:
    return T0 + timedelta(hours=n)


def test_004_c20_l17_a_reward_s_whole_life_is_on_its_history():
    case = case_of(("A", 0), ("B", 5))
    reward, _ = settle(None, case, [ticket("A"), ticket("B", Status.CONCLUDED, Finding.SUBSTANTIATED)],
                       paid_elsewhere=False, now=t(1), actor="off")
    assert (reward.case_id, reward.county, reward.category, reward.complaint_id, reward.discipline_only) == (
        "C1", "430225", "l1-occupy-land", "A", False)
    assert (reward.created_at, reward.eligible_at, reward.state) == (t(1), t(1), RewardState.ELIGIBLE)
    reward.propose(t(2), "sup-1", 800, " 举报属实 ", BAND)
    assert reward.proposal == Proposal(amount_yuan=800, reason="举报属实", by="sup-1", at=t(2))
    reward.reject(t(3), "sup-2", " 金额偏高 ")
    reward.propose(t(4), "sup-3", 1000, "按标准", BAND)
    reward.approve(t(5), "sup-2", " 同意 ", claim_window_days=30)
    assert (reward.approved_by, reward.approved_at) == ("sup-2", t(5))
    claim = Claim(method=ClaimMethod.IN_PERSON, at=t(6), phone_checked=True, phone_hash="p", collection_hash="c",
                  collection_envelope="e")
    reward.record_claim(t(6), claim, staff_phone=False)
    reward.flag(t(7), "repeat_phone")
    assert reward.flags == [Flag(kind="repeat_phone", at=t(7))]
    reward.record_code_check(t(8), "fin", ok=False)
    reward.clear_flags(t(9), "sup-2", " 已核实 ")
    reward.record_code_check(t(10), "fin", ok=True)
    assert (claim.collection_checked_at, claim.collection_envelope, claim.collection_hash) == (t(10), None, "c")
    reward.pay(t(11), "fin", date(2026, 11, 23), 1000, " XJ-1 ")
    assert reward.payment == Payment(paid_on=date(2026, 11, 23), amount_yuan=1000, reference="XJ-1", by="fin", at=t(11))
    assert (reward.state, reward.closed_at) == (RewardState.PAID, t(11))
    claim.staff_matches = ["sup-9"]
    assert reward.purge(t(11) + timedelta(days=7), 7) is True
    assert (claim.phone_hash, claim.collection_hash, claim.staff_matches, claim.purged_at) == (
        None, None, [], t(11) + timedelta(days=7))
    assert reward.history == [
        RewardEntry(t(1), "eligible", "system"),
        RewardEntry(t(2), "proposed", "sup-1", "举报属实", {"amount": 800}),
        RewardEntry(t(3), "rejected", "sup-2", "金额偏高", {"amount": 800}),
        RewardEntry(t(4), "proposed", "sup-3", "按标准", {"amount": 1000}),
        RewardEntry(t(5), "approved", "sup-2", "同意", {"amount": 1000}),
        RewardEntry(t(6), "claimed", "reporter", "", {"method": "in_person", "phone_checked": True}),
        RewardEntry(t(7), "flagged", "system", "", {"kind": "repeat_phone"}),
        RewardEntry(t(8), "code_check_failed", "fin", "", {"failures": 1}),
        RewardEntry(t(9), "flag_cleared", "sup-2", "已核实"),
        RewardEntry(t(10), "code_checked", "fin"),
        RewardEntry(t(11), "paid", "fin", "", {"amount": 1000, "paid_on": "2026-11-23"}),
        RewardEntry(t(11) + timedelta(days=7), "purged", "system"),
    ]
    assert reward.flags == [Flag(kind="repeat_phone", at=t(7), cleared_by="sup-2", cleared_at=t(9),
                                 cleared_note="已核实")]


def test_004_c20_a_new_first_reporter_cancels_the_claim_and_its_holds_and_flags_on_the_history():
    reward = approved()
    reward.record_claim(t(1), bank_claim(t(1), "staff-hash"), staff_phone=True)
    reward.flag(t(2), "repeat_phone")
    assert reward.recompute(CaseMember("B", T0, 1), False, "", t(3), "sup-1") is True
    assert (reward.state, reward.complaint_id, reward.eligible_at, reward.hold_reason, reward.claim) == (
        RewardState.ELIGIBLE, "B", t(3), "", None)
    assert (reward.flags[0].cleared_by, reward.flags[0].cleared_at) == ("sup-1", t(3))
    assert reward.history[-5:] == [
        RewardEntry(t(1), "claimed", "reporter", "", {"method": "bank", "phone_checked": True}),
        RewardEntry(t(1), "held", "system", HOLD_STAFF_PHONE),
        RewardEntry(t(2), "flagged", "system", "", {"kind": "repeat_phone"}),
        RewardEntry(t(3), "claim_cancelled", "sup-1", "", {"method": "bank"}),
        RewardEntry(t(3), "retargeted", "sup-1", "", {"from": "A", "to": "B"}),
    ]


def test_004_c20_withdrawn_then_reinstated_for_another_first_reporter_on_the_history():
    reward = claimed()
    assert reward.recompute(None, False, "merged", t(1), "sup-1") is True
    assert reward.recompute(CaseMember("B", T0, 1), True, "", t(2), "sup-2") is True
    assert (reward.state, reward.complaint_id, reward.discipline_only, reward.eligible_at) == (
        RewardState.ELIGIBLE, "B", True, t(2))
    assert reward.history[-3:] == [
        RewardEntry(t(1), "claim_cancelled", "sup-1", "", {"method": "bank"}),
        RewardEntry(t(1), "withdrawn", "sup-1", "", {"reason": "merged"}),
        RewardEntry(t(2), "reinstated", "sup-2", "", {"from": "A", "to": "B"}),
    ]


def test_000_s2_3_the_same_first_reporter_moved_to_the_commission_changes_only_who_reviews():
    reward = approved()
    entries = len(reward.history)
    assert reward.recompute(CaseMember("A", T0, 0), True, "", t(1), "x") is True
    assert (reward.discipline_only, reward.state, len(reward.history)) == (True, RewardState.APPROVED, entries)
    assert reward.recompute(CaseMember("A", T0, 0), True, "", t(2), "x") is False


@pytest.mark.parametrize("members,paid_elsewhere,reason", [
    ([ticket("A")], False, "not_found_true"), ([ticket("A", Status.CONCLUDED, Finding.SUBSTANTIATED)], True,
                                                "paid_elsewhere")])
def test_004_c20_settle_withdraws_the_reward_naming_why(members, paid_elsewhere, reason):
    reward = eligible()
    _, changed = settle(reward, case_of(("A", 0)), members, paid_elsewhere=paid_elsewhere, now=t(1), actor="sup-1")
    assert changed and reward.history[-1] == RewardEntry(t(1), "withdrawn", "sup-1", "", {"reason": reason})


def test_000_s2_3_settle_copies_whether_the_first_reporter_s_ticket_is_for_the_commission():
    case = case_of(("A", 0), ("B", 5))
    members = [ticket("A", discipline_only=True), ticket("B", Status.CONCLUDED, Finding.SUBSTANTIATED)]
    reward, _ = settle(None, case, members, paid_elsewhere=False, now=t(1), actor="x")
    assert reward.discipline_only is True and reward.created_at == t(1)
    plain = eligible()
    _, changed = settle(plain, case, members, paid_elsewhere=False, now=t(2), actor="sup-1")
    assert changed and plain.discipline_only is True and plain.complaint_id == "A"
    moved = eligible()
    _, changed = settle(moved, case_of(("B", 5)), members, paid_elsewhere=False, now=t(3), actor="sup-1")
    assert changed and moved.history[-1] == RewardEntry(t(3), "retargeted", "sup-1", "", {"from": "A", "to": "B"})


def test_004_c20_an_unclaimed_reward_expires_by_the_system_on_its_history():
    reward = approved()
    late = reward.window_ends_at + timedelta(seconds=1)
    assert reward.expire(late) is True
    assert (reward.closed_at, reward.history[-1]) == (late, RewardEntry(late, "expired", "system"))


def test_004_c20_the_sweeper_wakes_a_reward_at_its_window_end_then_for_the_purge_only_once_final():
    reward = claimed()
    assert reward.window_ends_at is not None
    assert reward.wake_at() is None and reward.wake_at(365) is None  # claimed: nothing to expire, not final
    reward.pay(t(1), "fin", date(2026, 11, 23), 1000, "PZ")
    assert reward.wake_at() is None and reward.wake_at(365) == t(1) + timedelta(days=365)


def test_004_c20_every_refusal_of_a_decision_names_its_field_and_message():
    reward = eligible()
    for amount in (BAND.min_yuan, BAND.max_yuan):  # the band's ends are inside it
        r = eligible()
        r.propose(T0, "sup-1", amount, "理由", BAND)
        assert r.proposal.amount_yuan == amount
    with pytest.raises(DomainError) as refused:
        reward.propose(T0, "sup-1", 500, " ", BAND)
    assert (refused.value.field, refused.value.message) == ("reason", "请写明奖励建议的理由。")
    reward.propose(T0, "sup-1", 500, "理由", BAND)
    for step, message in (("approve", "不能批准自己提出的奖励建议，须由另一位有审批权限的人员审批。"),
                          ("reject", "不能驳回自己提出的奖励建议，须由另一位有审批权限的人员审批。")):
        with pytest.raises(Forbidden) as refused:
            if step == "approve":
                reward.approve(T0, "sup-1", "", claim_window_days=30)
            else:
                reward.reject(T0, "sup-1", "不同意")
        assert refused.value.message == message
    with pytest.raises(DomainError) as refused:
        reward.reject(T0, "sup-2", " ")
    assert (refused.value.field, refused.value.message) == ("note", "请写明驳回的理由。")


@pytest.mark.parametrize("paid_on,amount,reference,field,params", [
    (date(2026, 11, 23), 999, "PZ", "amount", {"amount": 1000}),
    (date(2026, 11, 24), 1000, "PZ", "paid_on", {}),
    (date(2026, 11, 22), 1000, "PZ", "paid_on", {}),
    (date(2026, 11, 23), 1000, " ", "reference", {}),
])
def test_004_c20_a_payment_refusal_names_its_field(paid_on, amount, reference, field, params):
    reward = claimed()
    with pytest.raises(DomainError) as refused:
        reward.pay(T0, "fin", paid_on, amount, reference)
    assert (refused.value.field, refused.value.params) == (field, params)
    assert reward.state == RewardState.CLAIMED


def test_004_c20_only_an_in_person_claim_still_to_be_paid_has_its_code_checked():
    bank = claimed()
    with pytest.raises(Conflict):
        bank.record_code_check(T0, "fin", ok=True)
    without_claim = claimed(method=ClaimMethod.IN_PERSON)
    without_claim.claim = None
    with pytest.raises(Conflict):
        without_claim.record_code_check(T0, "fin", ok=True)
    held = claimed(method=ClaimMethod.IN_PERSON)
    held.hold(T0, "sup-3", "可疑")
    with pytest.raises(Conflict):
        held.record_code_check(T0, "fin", ok=True)
    assert bank.history[-1].kind == "claimed" and held.history[-1].kind == "held"


def test_004_c20_an_expired_record_without_a_window_still_refuses_a_claim_plainly():
    reward = Reward(case_id="C1", county="430225", category="l1", complaint_id="A", discipline_only=False,
                    created_at=T0, eligible_at=T0, state=RewardState.EXPIRED)
    with pytest.raises(Conflict) as refused:
        reward.require_claimable(T0)
    assert refused.value.params == {"date": ""}


def test_000_s2_3_a_reward_moved_to_the_commission_keeps_its_state_and_leaves_the_case():
    reward = approved()
    reward.move_to_commission(t(1))
    assert (reward.discipline_only, reward.detached, reward.state) == (True, True, RewardState.APPROVED)
    assert reward.history[-1] == RewardEntry(t(1), "moved_to_commission", "system")
    assert reward.recompute(CaseMember("B", T0, 1), False, "", t(2), "x") is False  # the case no longer moves it
    withdrawn = eligible()
    withdrawn.recompute(None, False, "merged", t(1), "x")
    with pytest.raises(Conflict):
        withdrawn.move_to_commission(t(2))
    assert withdrawn.detached is False


def test_004_c20_only_an_approved_reward_is_claimable_until_its_window_ends():
    reward = approved()
    assert reward.claimable_until() == reward.window_ends_at
    assert eligible().claimable_until() is None and claimed().claimable_until() is None


def test_004_c20_reviews_of_holds_and_flags_are_on_the_history_at_their_instants():
    reward = claimed()
    reward.hold(t(1), "sup-3", " 可疑 ")
    reward.release(t(2), "sup-4", " 已核实 ")
    reward.flag(t(3), "repeat_phone")
    with pytest.raises(DomainError) as refused:
        reward.clear_flags(t(4), "sup-4", " ")
    assert refused.value.field == "note"
    reward.hold(t(5), "sup-3", "再查")
    reward.refuse(t(6), "sup-4", " 确认作弊 ")
    assert reward.history[-5:] == [
        RewardEntry(t(1), "held", "sup-3", "可疑"), RewardEntry(t(2), "released", "sup-4", "已核实"),
        RewardEntry(t(3), "flagged", "system", "", {"kind": "repeat_phone"}), RewardEntry(t(5), "held", "sup-3", "再查"),
        RewardEntry(t(6), "refused", "sup-4", "确认作弊")]


def test_004_c20_failed_collection_code_checks_hold_the_reward_at_the_last_check():
    reward = claimed(method=ClaimMethod.IN_PERSON)
    for n in range(5):
        reward.record_code_check(t(n), "fin", ok=False)
    assert reward.hold_reason == "领奖码连续核对不一致"
    assert reward.history[-1] == RewardEntry(t(4), "held", "system", "领奖码连续核对不一致")


def test_004_c20_a_final_reward_without_a_claim_or_a_closing_instant_has_nothing_to_purge():
    expired = approved()
    expired.expire(expired.window_ends_at + timedelta(seconds=1))
    assert expired.claim is None and expired.purge_due_at(30) is None
    paid = claimed()
    paid.pay(t(1), "fin", date(2026, 11, 23), 1000, "PZ")
    paid.closed_at = None
    assert paid.purge_due_at(30) is None
