"""Rewards through the services (004 C20, L17): eligibility follows the case through
conclusions, merges, splits and reopenings until payment; two people decide; the sweeper
expires unclaimed rewards; claims from staff phones are held and repeat phones flagged;
payee data is purged after retention."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal.domain.access import Actor, Role
from portal.domain.errors import Conflict, DomainError, Forbidden, NotFound
from portal.domain.rewards import RewardState
from portal.services import cases, reward_claims, reward_ledger, reward_views, rewards, staff_accounts, sweeper, workflow
from tests.services.helpers import file
from tests.web.staff_support import fast_argon2  # noqa: F401

COUNTY = "430225"
PHONE = "13800138000"
OFFICER = Actor("officer-1", Role.OFFICER, "natural_resources", COUNTY)
SUP1 = Actor("sup-1", Role.SUPERVISOR, "leading_group_office", COUNTY)
SUP2 = Actor("sup-2", Role.SUPERVISOR, "leading_group_office", COUNTY)
SUP3 = Actor("sup-3", Role.SUPERVISOR, "leading_group_office", COUNTY)
FINANCE = Actor("fin-1", Role.FINANCE, "finance", COUNTY)
DIS1 = Actor("dis-1", Role.DISCIPLINE, "discipline", COUNTY)
DIS2 = Actor("dis-2", Role.DISCIPLINE, "discipline", COUNTY)
PAYEE = {"method": "bank", "payee_name": "王小明", "bank": "中国农业银行炎陵支行", "account": "6228480012345678901"}


def now(deps):
    return deps.clock.now()


def conclude(deps, complaint_id, finding="substantiated", actor=OFFICER):
    workflow.accept(deps, actor, complaint_id, "", now(deps))
    workflow.conclude(deps, actor, complaint_id, finding, "已依法处理。", {}, now(deps))


def case_of(deps, complaint):
    return deps.repos.complaints.get(complaint.id).case_id


def reward_of(deps, complaint):
    return deps.repos.rewards.get(case_of(deps, complaint))


def approve(deps, case_id, amount="1000"):
    rewards.propose(deps, SUP1, case_id, amount, "经查属实。", now(deps))
    return rewards.approve(deps, SUP2, case_id, "同意", now(deps))


def claim_code(deps, complaint) -> str:
    reward_claims.send_code(deps, deps.repos.complaints.get(complaint.id), "client", now(deps))
    body = [m for m in deps.repos.outbox.for_record(f"CMP#{complaint.id}") if m.kind == "reward_code"][-1].body
    return re.search(r"领奖验证码(\d{6})", body).group(1)


def claim(deps, complaint, code=None, **fields):
    data = reward_claims.ClaimInput(**{**PAYEE, "code": code, **fields})
    return reward_claims.claim(deps, deps.repos.complaints.get(complaint.id), data, "client", now(deps))


def before_the_first_write(monkeypatch, deps, meddle) -> list:
    """Run ``meddle()`` once, just before the service's first write reaches the store: a
    concurrent change landing between its read and its write. Returns a list that holds True
    once it ran."""
    write, ran = deps.store.write, []

    def interleaved(ops):
        if not ran:
            ran.append(True)
            meddle()
        return write(ops)

    monkeypatch.setattr(deps.store, "write", interleaved)
    return ran


def pay(deps, case_id, amount="1000"):
    from portal.timeutil import local_date

    return rewards.record_payment(deps, FINANCE, case_id, local_date(now(deps)).isoformat(), amount, "PZ-001",
                                  now(deps))


@pytest.fixture
def two_reports(deps, clock):
    """Two reporters about the same violation, the first with a verified phone; merged into one case."""
    first, _ = file(deps, phone=PHONE, verify=True)
    clock.advance(minutes=30)
    later, _ = file(deps)
    cases.merge(deps, OFFICER, later.id, first.id, "同一处违法占地", now(deps))
    return first, later


@pytest.fixture
def approved(deps, two_reports):
    """The later report found true, the case's reward proposed and approved for the first reporter:
    (first, later, case id)."""
    first, later = two_reports
    conclude(deps, later.id)
    case_id = case_of(deps, first)
    approve(deps, case_id)
    return first, later, case_id


# --- eligibility ---------------------------------------------------------------------------------
def test_004_c20_l17_the_first_reporter_becomes_eligible_when_any_ticket_of_the_case_is_found_true(deps, two_reports):
    first, later = two_reports
    conclude(deps, later.id)  # the later ticket is the one concluded; the first is still open
    reward = reward_of(deps, first)
    assert reward.state == RewardState.ELIGIBLE and reward.complaint_id == first.id
    assert deps.repos.rewards.case_of(first.id) == reward.case_id
    assert deps.repos.rewards.case_of(later.id) is None
    assert reward_claims.reporter_part(deps, deps.repos.complaints.get(later.id), now(deps)).mine is False
    assert reward_claims.reporter_part(deps, deps.repos.complaints.get(first.id), now(deps)).state == "eligible"


def test_a_case_found_not_true_has_no_reward(deps, two_reports):
    first, later = two_reports
    conclude(deps, later.id, "not_substantiated")
    assert reward_of(deps, first) is None
    assert reward_claims.reporter_part(deps, deps.repos.complaints.get(first.id), now(deps)) is None


def test_004_c20_a_split_before_approval_moves_eligibility(deps, two_reports):
    first, later = two_reports
    conclude(deps, later.id)
    case_id = case_of(deps, first)
    rewards.propose(deps, SUP1, case_id, "800", "属实", now(deps))
    cases.split(deps, SUP1, first.id, "不是同一处", now(deps))
    reward = deps.repos.rewards.get(case_id)  # the case keeps the later report, which is now its first
    assert (reward.state, reward.complaint_id, reward.proposal) == (RewardState.ELIGIBLE, later.id, None)
    assert reward.history[-1].kind == "retargeted"
    own_case = case_of(deps, first)
    assert own_case != case_id and deps.repos.rewards.get(own_case) is None  # its own ticket is not concluded
    assert deps.repos.rewards.case_of(first.id) is None and deps.repos.rewards.case_of(later.id) == case_id
    conclude(deps, first.id)  # found true on its own: its own case rewards it
    assert deps.repos.rewards.get(own_case).complaint_id == first.id


def test_004_c20_a_merge_bringing_in_an_earlier_report_moves_eligibility_to_it(deps, clock):
    earlier, _ = file(deps)
    clock.advance(hours=1)
    later, _ = file(deps)
    conclude(deps, later.id)
    later_case = case_of(deps, later)
    assert deps.repos.rewards.get(later_case).complaint_id == later.id
    cases.merge(deps, OFFICER, later.id, earlier.id, "同一处", now(deps))
    survivor = case_of(deps, earlier)
    assert case_of(deps, later) == survivor != later_case
    assert deps.repos.rewards.get(later_case).state == RewardState.WITHDRAWN
    assert deps.repos.rewards.get(survivor).complaint_id == earlier.id
    assert deps.repos.rewards.case_of(later.id) is None and deps.repos.rewards.case_of(earlier.id) == survivor


def test_an_approval_cancelled_by_a_split_erases_the_claim_and_alerts_the_reviewers(deps, approved):
    first, later, case_id = approved
    claim(deps, first, claim_code(deps, first))
    cases.split(deps, SUP1, first.id, "不是同一处", now(deps))
    reward = deps.repos.rewards.get(case_id)
    assert reward.state == RewardState.ELIGIBLE and reward.claim is None and reward.complaint_id == later.id
    assert [e.kind for e in reward.history[-2:]] == ["claim_cancelled", "retargeted"]
    alerts = deps.repos.alerts.for_unit(COUNTY, "leading_group_office")
    assert [a["kind"] for a in alerts if a["clock"] == "reward"] == ["reward_cancelled"]


def test_004_c20_after_payment_nothing_moves(deps, approved, clock):
    first, later, case_id = approved
    claim(deps, first, claim_code(deps, first))
    pay(deps, case_id)
    paid = deps.repos.rewards.get(case_id)
    cases.split(deps, SUP1, first.id, "拆分", now(deps))
    conclude(deps, first.id)  # the paid reporter's ticket, now alone, is found true too
    assert deps.repos.rewards.get(case_id) == paid  # unchanged, version and all
    assert deps.repos.rewards.get(case_of(deps, first)) is None  # no second reward for one violation
    assert deps.repos.rewards.case_of(first.id) == case_id
    # a later merge with yet another report found true changes nothing either
    clock.advance(hours=1)
    third, _ = file(deps)
    conclude(deps, third.id)
    third_case = case_of(deps, third)
    assert deps.repos.rewards.get(third_case).complaint_id == third.id
    cases.merge(deps, OFFICER, third.id, first.id, "同一处", now(deps))
    assert deps.repos.rewards.get(case_id) == paid
    assert deps.repos.rewards.get(third_case).state == RewardState.WITHDRAWN  # merged away
    assert deps.repos.rewards.get(case_of(deps, first)) is None  # the merged case: already paid for
    assert reward_claims.reporter_part(deps, deps.repos.complaints.get(first.id), now(deps)).state == "paid"


def test_a_reopened_finding_withdraws_the_reward_and_a_new_conclusion_reinstates_it(deps, two_reports):
    first, later = two_reports
    conclude(deps, later.id)
    case_id = case_of(deps, first)
    workflow.reopen(deps, SUP1, later.id, "复查", now(deps))
    assert deps.repos.rewards.get(case_id).state == RewardState.WITHDRAWN
    assert reward_claims.reporter_part(deps, deps.repos.complaints.get(first.id), now(deps)) is None
    workflow.conclude(deps, OFFICER, later.id, "partly", "部分属实，已处理。", {}, now(deps))
    reward = deps.repos.rewards.get(case_id)
    assert reward.state == RewardState.ELIGIBLE and reward.history[-1].kind == "reinstated"


def test_000_s2_3_a_first_report_moved_to_the_discipline_commission_keeps_its_reward_under_the_commission(
        deps, approved):
    """The ticket leaves its case (no other department learns of it, 000 §2(3)); its reporter,
    first for the violation, keeps the approved reward (004 C20, L17), now reviewed by the
    commission: nothing is retargeted, cancelled or alerted, and the split is the system's."""
    first, later, case_id = approved
    workflow.transfer(deps, OFFICER, first.id, "discipline", "举报涉及公职人员", now(deps))
    reward = deps.repos.rewards.get(case_id)
    assert (reward.state, reward.complaint_id, reward.discipline_only, reward.detached) == (
        RewardState.APPROVED, first.id, True, True)
    assert (reward.proposal.by, reward.approved_by) == ("sup-1", "sup-2")
    assert [(e.kind, e.actor, e.note) for e in reward.history[-1:]] == [("moved_to_commission", "system", "")]
    assert deps.repos.rewards.case_of(first.id) == case_id and case_of(deps, first) != case_id
    assert [a for a in deps.repos.alerts.for_unit(COUNTY, "leading_group_office") if a["clock"] == "reward"] == []
    assert reward_views.in_view(deps, SUP1) == [] and [r.case_id for r in reward_views.in_view(deps, DIS1)] == [case_id]
    assert rewards.reviewer_unit(deps, reward) == "discipline"
    split = deps.repos.cases.get(case_id).history[-1]
    assert (split.kind, split.actor, split.note) == ("split_out", "system", "")
    assert reward_claims.reporter_part(deps, deps.repos.complaints.get(first.id), now(deps)).state == "approved"
    assert not reward_claims.reporter_part(deps, deps.repos.complaints.get(later.id), now(deps)).mine

    # the case it came from no longer moves it, and the reporter's own new case adds no second reward
    workflow.reopen(deps, SUP1, later.id, "复查", now(deps))
    workflow.conclude(deps, OFFICER, later.id, "substantiated", "已依法处理。", {}, now(deps))
    assert deps.repos.rewards.get(case_id).history == reward.history
    conclude(deps, first.id, actor=DIS1)
    assert deps.repos.rewards.get(case_of(deps, first)) is None
    claim(deps, first, claim_code(deps, first))
    assert deps.repos.rewards.get(case_id).state == RewardState.CLAIMED


# --- who decides -----------------------------------------------------------------------------------
def test_004_c20_a_second_supervisor_approves_and_nobody_approves_their_own_proposal(deps, two_reports):
    first, later = two_reports
    conclude(deps, later.id)
    case_id = case_of(deps, first)
    rewards.propose(deps, SUP1, case_id, "1000", "属实", now(deps))
    with pytest.raises(Forbidden):
        rewards.approve(deps, SUP1, case_id, "", now(deps))
    assert deps.repos.rewards.get(case_id).state == RewardState.PROPOSED
    for outsider in (OFFICER, FINANCE, DIS1, Actor("cus", Role.CUSTODIAN, "leading_group_office", COUNTY)):
        with pytest.raises((NotFound, Forbidden)):
            rewards.approve(deps, outsider, case_id, "", now(deps))
    rewards.approve(deps, SUP2, case_id, "同意", now(deps))
    assert deps.repos.rewards.get(case_id).approved_by == "sup-2"
    sms = [m for m in deps.repos.outbox.for_record(f"CMP#{first.id}") if m.kind == "reward"]
    assert len(sms) == 1 and "可申领举报奖励" in sms[0].body
    audit = [a["action"] for a in deps.repos.audit.for_complaint(first.id)]
    assert {"reward_propose", "reward_approve"} <= set(audit)


def test_a_decision_racing_another_is_judged_again_on_a_fresh_copy(deps, two_reports, monkeypatch):
    """The reward is written on the version read: the loser of a race reloads and is refused."""
    first, later = two_reports
    conclude(deps, later.id)
    case_id = case_of(deps, first)
    before_the_first_write(monkeypatch, deps,
                           lambda: rewards.propose(deps, SUP2, case_id, "900", "同时提出", now(deps)))
    with pytest.raises(Conflict):
        rewards.propose(deps, SUP1, case_id, "1000", "属实", now(deps))
    reward = deps.repos.rewards.get(case_id)
    assert (reward.proposal.by, reward.proposal.amount_yuan) == ("sup-2", 900)
    assert [e.kind for e in reward.history].count("proposed") == 1


def test_000_s2_3_rewards_for_reports_about_officials_stay_with_the_discipline_commission(deps):
    report, _ = file(deps, category="o1-public-official")
    conclude(deps, report.id, actor=DIS1)
    case_id = case_of(deps, report)
    reward = deps.repos.rewards.get(case_id)
    assert reward.discipline_only
    with pytest.raises(NotFound):
        rewards.propose(deps, SUP1, case_id, "1000", "属实", now(deps))
    assert reward_views.in_view(deps, SUP1) == []
    rewards.propose(deps, DIS1, case_id, "3000", "属实", now(deps))  # o1 band: 500-5000
    with pytest.raises(Forbidden):
        rewards.approve(deps, DIS1, case_id, "", now(deps))
    rewards.approve(deps, DIS2, case_id, "", now(deps))
    assert [r.case_id for r in reward_views.in_view(deps, FINANCE)] == [case_id]  # finance pays it
    assert rewards.reviewer_unit(deps, reward) == "discipline"


def test_officers_and_others_have_no_reward_list(deps):
    for role in (Role.OFFICER, Role.HEAD, Role.TOWNSHIP, Role.CUSTODIAN, Role.ADMIN):
        with pytest.raises(Forbidden):
            reward_views.in_view(deps, Actor("x", role, "natural_resources", COUNTY))


def test_finance_sees_rewards_from_the_approval_on(deps, two_reports):
    first, later = two_reports
    conclude(deps, later.id)
    case_id = case_of(deps, first)
    assert reward_views.in_view(deps, FINANCE) == []
    with pytest.raises(NotFound):
        reward_views.view(deps, FINANCE, case_id)
    approve(deps, case_id)
    view = reward_views.view(deps, FINANCE, case_id)
    assert view.ticket_id is None and view.allowed == set()  # no ticket, nothing to do before the claim


# --- expiry ----------------------------------------------------------------------------------------
def test_004_c20_an_unclaimed_reward_expires_at_the_end_of_the_window_by_the_sweeper(deps, two_reports, clock):
    first, later = two_reports
    conclude(deps, later.id)
    case_id = case_of(deps, first)
    reward = approve(deps, case_id)
    clock.set(reward.window_ends_at)
    assert sweeper.sweep(deps, clock.now()).rewards_expired == 0
    clock.advance(seconds=1)
    dry = sweeper.sweep(deps, clock.now(), dry_run=True)
    assert any("reward" in line for line in dry.would) and deps.repos.rewards.get(case_id).state == RewardState.APPROVED
    assert sweeper.sweep(deps, clock.now()).rewards_expired == 1
    assert sweeper.sweep(deps, clock.now()).rewards_expired == 0
    expired = deps.repos.rewards.get(case_id)
    assert expired.state == RewardState.EXPIRED and expired.history[-1].kind == "expired"
    assert reward_claims.reporter_part(deps, deps.repos.complaints.get(first.id), clock.now()).state == "expired"
    rows = reward_ledger.rows(deps, SUP1, lambda s: s)
    assert rows[1][4] == "逾期未申领，已失效"


# --- abuse checks ------------------------------------------------------------------------------------
def test_a_claim_verified_from_a_staff_phone_is_held_for_review(deps, two_reports):
    staff_accounts.create(deps, county=deps.counties.default, username="li.si", unit="natural_resources",
                          role="officer", display_name="李四", password="a-long-password-1", now=now(deps),
                          phone="138 0013 8000")
    first, later = two_reports
    conclude(deps, later.id)
    case_id = case_of(deps, first)
    approve(deps, case_id)
    claim(deps, first, claim_code(deps, first))
    reward = deps.repos.rewards.get(case_id)
    assert reward.state == RewardState.HELD and reward.hold_reason == "申领验证的手机号码与工作人员登记的号码相同"
    alerts = [a for a in deps.repos.alerts.for_unit(COUNTY, "leading_group_office") if a["clock"] == "reward"]
    assert [a["kind"] for a in alerts] == ["reward_held"]
    assert reward.claim.staff_matches == ["li.si"]  # the account, found by keyed hash; no phone anywhere
    with pytest.raises(Conflict):
        pay(deps, case_id)
    for decided in (SUP1, SUP2):  # the proposer and the approver: a third person reviews
        with pytest.raises(Forbidden, match="第三人复核"):
            rewards.release(deps, decided, case_id, "已核实", now(deps))
        assert "release" not in reward_views.view(deps, decided, case_id).allowed
    assert "release" in reward_views.view(deps, SUP3, case_id).allowed
    rewards.release(deps, SUP3, case_id, "已核实：系工作人员亲属代为接收短信", now(deps))
    assert deps.repos.rewards.get(case_id).state == RewardState.CLAIMED
    pay(deps, case_id)


def test_004_c20_the_staff_member_whose_phone_matched_is_recused_from_every_decision_on_the_reward(
        deps, two_reports):
    """A supervisor whose registered phone is the first reporter's may not propose or approve
    the reward, nor release, refuse or clear the flags of the claim it verified (004 C20)."""
    staff_accounts.create(deps, county=deps.counties.default, username="sup-9", unit="leading_group_office",
                          role="supervisor", display_name="赵九", password="a-long-password-1", now=now(deps),
                          phone=PHONE)
    sup9 = Actor("sup-9", Role.SUPERVISOR, "leading_group_office", COUNTY)
    first, later = two_reports
    conclude(deps, later.id)
    case_id = case_of(deps, first)
    assert reward_views.view(deps, sup9, case_id).allowed == set() and reward_views.view(deps, sup9, case_id).recused
    with pytest.raises(Forbidden, match="回避"):
        rewards.propose(deps, sup9, case_id, "1000", "属实", now(deps))
    rewards.propose(deps, SUP1, case_id, "1000", "属实", now(deps))
    with pytest.raises(Forbidden, match="回避"):
        rewards.approve(deps, sup9, case_id, "同意", now(deps))
    rewards.approve(deps, SUP2, case_id, "同意", now(deps))
    claim(deps, first, claim_code(deps, first))
    reward = deps.repos.rewards.get(case_id)
    assert reward.state == RewardState.HELD and reward.claim.staff_matches == ["sup-9"]
    for call in (rewards.release, rewards.refuse):
        with pytest.raises(Forbidden, match="回避"):
            call(deps, sup9, case_id, "没问题", now(deps))
    reward.flag(now(deps), "repeat_phone")
    deps.store.write([deps.repos.rewards.save_op(reward)])
    with pytest.raises(Forbidden, match="回避"):
        rewards.clear_flags(deps, sup9, case_id, "没问题", now(deps))
    # even with the account's phone removed since, the claim remembers the match
    staff_accounts.set_phone(deps, "sup-9", None, now(deps))
    with pytest.raises(Forbidden, match="回避"):
        rewards.release(deps, sup9, case_id, "没问题", now(deps))
    assert deps.repos.rewards.get(case_id).state == RewardState.HELD


def test_one_phone_claiming_more_than_the_county_allows_is_flagged(deps, clock):
    limit = deps.counties.default.rewards.flag_after_rewards
    reports = []
    for n in range(limit + 1):
        clock.advance(hours=1)
        report, _ = file(deps, phone=PHONE, verify=True, place=("26.12", f"113.7{n}"))
        conclude(deps, report.id)
        approve(deps, case_of(deps, report))
        reports.append(report)
    for report in reports:
        clock.advance(minutes=2)
        claim(deps, report, claim_code(deps, report))
    flags = [deps.repos.rewards.get(case_of(deps, r)).open_flags for r in reports]
    assert [len(f) for f in flags] == [0] * limit + [1]
    flagged = deps.repos.rewards.get(case_of(deps, reports[-1]))
    assert flagged.state == RewardState.CLAIMED  # a flag does not stop payment, it asks for a look
    alerts = [a for a in deps.repos.alerts.for_unit(COUNTY, "leading_group_office") if a["kind"] == "reward_flag"]
    assert [a["complaint"] for a in alerts] == [reports[-1].id]
    assert [a.kind for a in reward_views.alerts_for(deps, SUP1, reward_views.in_view(deps, SUP1))] == ["reward_flag"]
    rewards.clear_flags(deps, SUP2, flagged.case_id, "已核实为热心群众，分别举报不同地点", now(deps))
    assert deps.repos.rewards.get(flagged.case_id).open_flags == []


# --- retention ---------------------------------------------------------------------------------------
def test_purge_payee_removes_payee_code_and_phone_after_payment_plus_retention(deps, approved, clock):
    first, later, case_id = approved
    claim(deps, first, claim_code(deps, first))
    assert rewards.purge_payee(deps, case_id, now(deps)) is False  # not paid: nothing to purge yet
    pay(deps, case_id)
    retention = int(deps.settings.retention_days)
    phone_hash = deps.repos.complaints.get(first.id).contact.phone_hash
    assert deps.repos.rewards.phone_claims_since(phone_hash, now(deps) - timedelta(days=1)) == [case_id]
    clock.advance(days=retention - 1)
    assert rewards.purge_payee(deps, case_id, now(deps)) is False
    clock.advance(days=1)
    assert rewards.purge_payee(deps, case_id, now(deps)) is True
    reward = deps.repos.rewards.get(case_id)
    assert reward.claim.payee_envelope is None and reward.claim.phone_hash is None
    assert reward.claim.purged_at == now(deps) and reward.history[-1].kind == "purged"
    assert deps.repos.rewards.phone_claims_since(phone_hash, now(deps) - timedelta(days=1000)) == []
    assert rewards.purge_payee(deps, case_id, now(deps)) is False
    assert reward.state == RewardState.PAID and reward.payment.reference == "PZ-001"  # the payment record stays


def test_purge_payee_removes_a_collection_code_hash_too(deps, approved, clock):
    first, later, case_id = approved
    code = claim(deps, first, claim_code(deps, first), method="in_person").collection_code
    rewards.check_collection_code(deps, FINANCE, case_id, code, now(deps))
    pay(deps, case_id)
    clock.advance(days=int(deps.settings.retention_days))
    assert rewards.purge_payee(deps, case_id, now(deps)) is True
    assert deps.repos.rewards.get(case_id).claim.collection_hash is None


def test_finance_reads_payee_details_only_to_pay_or_for_a_payment_made(deps, approved):
    first, later, case_id = approved
    with pytest.raises(Conflict):
        rewards.reveal_payee(deps, FINANCE, case_id, now(deps))  # nothing claimed yet
    claim(deps, first, claim_code(deps, first))
    assert rewards.reveal_payee(deps, FINANCE, case_id, now(deps)).account == PAYEE["account"]
    rewards.hold(deps, SUP1, case_id, "待核实", now(deps))
    with pytest.raises(Conflict):
        rewards.reveal_payee(deps, FINANCE, case_id, now(deps))  # held: not to be paid now
    with pytest.raises(Forbidden):
        rewards.reveal_payee(deps, SUP1, case_id, now(deps))
    reads = [a for a in deps.repos.audit.for_complaint(first.id) if a["action"] == "reward_payee_read"]
    assert len(reads) == 1 and reads[0]["detail"] == {"case": case_id}  # the audit names no payee detail


def test_the_sweeper_purges_payee_details_on_the_rewards_own_clock(deps, two_reports, clock):
    """A reward paid late (after its ticket's own purge) is still purged: the reward's entry in
    the due index wakes the sweeper when its retention ends."""
    from portal.services import sweeper

    first, later = two_reports
    conclude(deps, later.id)
    case_id = case_of(deps, first)
    approve(deps, case_id)
    claim(deps, first, claim_code(deps, first))
    pay(deps, case_id)
    retention = int(deps.settings.retention_days)
    clock.advance(days=retention - 1)
    sweeper.sweep(deps, now(deps))
    assert deps.repos.rewards.get(case_id).claim.payee_envelope is not None
    clock.advance(days=1, minutes=1)
    report = sweeper.sweep(deps, now(deps))
    assert report.errors == 0
    reward = deps.repos.rewards.get(case_id)
    assert reward.claim.payee_envelope is None and reward.history[-1].kind == "purged"
    assert sweeper.sweep(deps, now(deps)).purged == 0  # once


def test_a_write_conflict_while_claiming_spends_no_extra_try_of_the_code(deps, two_reports, monkeypatch):
    """004 C20: the right code after four wrong ones still claims when the commit has to be retried
    (another write touched the reward): the retry does not count the same code a second time."""
    from portal.ports import ConditionFailed

    first, later = two_reports
    conclude(deps, later.id)
    case_id = case_of(deps, first)
    approve(deps, case_id)
    code = claim_code(deps, first)
    wrong = "111111" if code != "111111" else "222222"
    for _ in range(reward_claims.MAX_TRIES - 1):
        with pytest.raises(DomainError):
            claim(deps, first, wrong)
    def conflict():
        raise ConditionFailed("a concurrent write")

    conflicts = before_the_first_write(monkeypatch, deps, conflict)
    claim(deps, first, code)
    assert conflicts and deps.repos.rewards.get(case_id).state == RewardState.CLAIMED


def test_parallel_wrong_claim_codes_that_read_the_same_record_are_each_counted(deps, two_reports, monkeypatch):
    """Guesses sent together all read the code record before any is counted (simulated: every
    read returns the same stale copy); each still spends a try, so the sixth try, even with the
    right code, is refused and nothing is claimed."""
    from portal.domain.errors import DomainError

    first, later = two_reports
    conclude(deps, later.id)
    case_id = case_of(deps, first)
    approve(deps, case_id)
    code = claim_code(deps, first)
    stale = deps.repos.records.get(f"CMP#{first.id}", reward_claims.CODE_SK)
    read = deps.repos.records.get
    monkeypatch.setattr(deps.repos.records, "get",
                        lambda pk, sk: stale if sk == reward_claims.CODE_SK else read(pk, sk))
    wrong = "111111" if code != "111111" else "222222"
    left = []
    for n in range(reward_claims.MAX_TRIES):
        with pytest.raises(DomainError) as refused:
            reward_claims.claim(deps, deps.repos.complaints.get(first.id), reward_claims.ClaimInput(**{
                **PAYEE, "code": wrong}), f"client-{n}", now(deps))
        left.append(refused.value.params["n"])
    assert left == [4, 3, 2, 1, 0]
    with pytest.raises(DomainError) as refused:
        claim(deps, first, code)
    assert "输错次数太多" in refused.value.message
    assert deps.repos.rewards.get(case_id).state == RewardState.APPROVED


# --- case changes against an approved reward (004 C20: two people approved it) ------------------------
def test_004_c20_a_case_worker_cannot_void_an_approved_or_claimed_reward_by_splitting_or_merging(deps, approved,
                                                                                                   clock):
    first, later, case_id = approved
    claim(deps, first, claim_code(deps, first))
    before = deps.repos.rewards.get(case_id)
    with pytest.raises(Forbidden, match="须由有奖励审批权限的人员办理"):
        cases.split(deps, OFFICER, first.id, "不是同一处", now(deps))
    with pytest.raises(Forbidden, match="须由有奖励审批权限的人员办理"):
        cases.merge(deps, OFFICER, later.id, _earlier_report(deps, clock).id, "同一处", now(deps))
    assert deps.repos.rewards.get(case_id) == before  # the payee and the claim untouched
    assert case_of(deps, first) == case_of(deps, later) == case_id
    cases.split(deps, SUP1, first.id, "不是同一处", now(deps))  # the leading-group office may, and re-approves
    reward = deps.repos.rewards.get(case_id)
    assert reward.state == RewardState.ELIGIBLE and reward.claim is None


def _earlier_report(deps, clock):
    """A report of the same violation received before the case's first one (an earlier receipt)."""
    back = clock.now()
    clock.set(back - timedelta(days=1))
    earlier, _ = file(deps)
    clock.set(back)
    return earlier


def test_a_split_needs_the_right_to_handle_the_tickets_that_stay_too(deps):
    nr, _ = file(deps)
    housing, _ = file(deps, category="c4-no-work-permit")
    assert deps.repos.complaints.get(housing.id).lead == "housing"
    cases.merge(deps, SUP1, nr.id, housing.id, "同一处", now(deps))
    case_id = case_of(deps, nr)
    with pytest.raises(DomainError, match="这个案件中有您无权办理的举报"):
        cases.split(deps, OFFICER, nr.id, "不是同一处", now(deps))
    assert case_of(deps, nr) == case_of(deps, housing) == case_id
    cases.split(deps, SUP1, nr.id, "不是同一处", now(deps))
    assert case_of(deps, nr) != case_of(deps, housing)


# --- races -------------------------------------------------------------------------------------------
def test_004_c20_a_conclusion_racing_a_split_is_judged_again_on_the_cases_new_members(deps, two_reports,
                                                                                      monkeypatch):
    """The conclusion read the case before a split committed: its commit fails on the case's
    version and the retry recomputes the reward on the members that remain."""
    first, later = two_reports
    workflow.accept(deps, OFFICER, later.id, "", now(deps))
    case_id = case_of(deps, first)
    before_the_first_write(monkeypatch, deps, lambda: cases.split(deps, SUP1, first.id, "不是同一处", now(deps)))
    workflow.conclude(deps, OFFICER, later.id, "substantiated", "已依法处理。", {}, now(deps))
    reward = deps.repos.rewards.get(case_id)
    assert reward.complaint_id == later.id  # not the ticket that left the case
    assert deps.repos.rewards.case_of(first.id) is None and deps.repos.rewards.case_of(later.id) == case_id
