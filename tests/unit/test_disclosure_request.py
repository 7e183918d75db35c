"""A request to see the reporter's phone, step by step (004 C20, L17: the reporter's identity is
kept confidential; the rare lawful disclosure is decided by a custodian, never by the person
who asked): the reason, the decision, the 3 days an approval waits, the 15-minute window, and
the withdrawal when the ticket moves to another unit. Every instant is checked at its edge."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from portal.domain.access import Actor, Role
from portal.domain.disclosure import (
    APPROVAL_VALID, REASON_MAX, REASON_MIN, VIEW_WINDOW, DisclosureRequest, DisclosureStatus, clean_reason,
)
from portal.domain.errors import Conflict, DomainError, Forbidden

COUNTY = "430225"
T0 = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
S = timedelta(seconds=1)
OFFICER = Actor("li.si", Role.OFFICER, "natural_resources", COUNTY)
CUSTODIAN = Actor("chen.qi", Role.CUSTODIAN, "leading_group_office", COUNTY)


def request(now: datetime = T0) -> DisclosureRequest:
    return DisclosureRequest.open(complaint_id="01TEST", n=2, county=COUNTY, actor=OFFICER,
                                  reason="  法院要求\n举报人出庭作证 ", now=now)


def approved(at: datetime = T0) -> DisclosureRequest:
    r = request()
    r.decide(at, CUSTODIAN, True, "依法批准")
    return r


def test_004_c20_a_request_records_who_asked_for_which_ticket_when_and_why():
    r = request()
    assert (r.complaint_id, r.n, r.county, r.requested_by, r.requested_unit, r.requested_at) == (
        "01TEST", 2, COUNTY, "li.si", "natural_resources", T0)
    assert (r.reason, r.status, r.views, r.decided_by) == ("法院要求 举报人出庭作证", DisclosureStatus.PENDING, [], None)
    assert r.is_open(T0 + timedelta(days=365)) and not r.readable(T0)  # pending for ever, never readable


@pytest.mark.parametrize("text,ok", [
    ("一二三", False), ("一二三四", True), (None, False), ("   ", False),
    ("字" * REASON_MAX, True), ("字" * (REASON_MAX + 1), False),
])
def test_004_c20_a_reason_has_4_to_500_characters_after_spaces_are_folded(text, ok):
    if ok:
        assert clean_reason(text, "why") == text
        return
    with pytest.raises(DomainError) as refused:
        clean_reason(text, "why")
    assert refused.value.field == "why"
    assert refused.value.params == {"n": REASON_MIN if len(" ".join((text or "").split())) < REASON_MIN else REASON_MAX}


def test_004_c20_spaces_inside_a_reason_fold_to_one():
    assert clean_reason(" 法院 \t 要求\n出庭 ", "reason") == "法院 要求 出庭"


@pytest.mark.parametrize("custodian,error", [
    (Actor("zhao.liu", Role.SUPERVISOR, "leading_group_office", COUNTY), Forbidden),
    (Actor("zhou.ba", Role.CUSTODIAN, "leading_group_office", "999999"), Forbidden),
    (Actor("li.si", Role.CUSTODIAN, "leading_group_office", COUNTY), Forbidden),  # the requester
])
def test_004_c20_only_a_custodian_of_the_county_other_than_the_requester_decides(custodian, error):
    r = request()
    with pytest.raises(error):
        r.decide(T0, custodian, True, "依法批准")
    assert (r.status, r.decided_by, r.decided_at, r.decision_reason) == (DisclosureStatus.PENDING, None, None, "")


@pytest.mark.parametrize("approve,status", [(True, DisclosureStatus.APPROVED), (False, DisclosureStatus.DENIED)])
def test_004_c20_a_decision_is_made_once_with_a_reason(approve, status):
    r = request()
    with pytest.raises(DomainError) as refused:
        r.decide(T0, CUSTODIAN, approve, "不")
    assert refused.value.field == "decision_reason" and r.status == DisclosureStatus.PENDING
    r.decide(T0 + S, CUSTODIAN, approve, " 依法 决定 ")
    assert (r.status, r.decided_by, r.decided_at, r.decision_reason) == (status, "chen.qi", T0 + S, "依法 决定")
    with pytest.raises(Conflict):
        r.decide(T0 + 2 * S, CUSTODIAN, not approve, "改变决定")
    assert r.status == status


def test_004_c20_an_approval_waits_3_days_for_the_first_view_to_the_second():
    r = approved()
    assert r.readable_until() == T0 + APPROVAL_VALID
    assert r.readable(T0 + APPROVAL_VALID) and not r.readable(T0 + APPROVAL_VALID + S)
    assert r.is_open(T0 + APPROVAL_VALID) and not r.is_open(T0 + APPROVAL_VALID + S)
    with pytest.raises(Conflict):
        r.view(T0 + APPROVAL_VALID + S, OFFICER)
    assert r.views == []


def test_004_c20_the_first_view_opens_15_minutes_every_view_is_recorded_then_the_request_is_spent():
    r = approved()
    first = T0 + timedelta(days=1)
    r.view(first, OFFICER)
    assert r.readable_until() == first + VIEW_WINDOW
    r.view(first + VIEW_WINDOW, OFFICER)  # the last second of the window
    assert r.views == [first, first + VIEW_WINDOW]
    with pytest.raises(Conflict):
        r.view(first + VIEW_WINDOW + S, OFFICER)
    assert not r.is_open(first + VIEW_WINDOW + S)


def test_004_c20_only_the_requester_reads_and_only_once_approved():
    pending = request()
    for who, error in ((OFFICER, Conflict), (Actor("wang.wu", Role.OFFICER, "natural_resources", COUNTY), Forbidden)):
        with pytest.raises(error):
            pending.view(T0, who)
    r = approved()
    with pytest.raises(Forbidden):
        r.view(T0, Actor("wang.wu", Role.OFFICER, "natural_resources", COUNTY))
    denied = request()
    denied.decide(T0, CUSTODIAN, False, "理由不足")
    with pytest.raises(Conflict):
        denied.view(T0, OFFICER)
    assert denied.readable_until() is None and not denied.is_open(T0)
    assert pending.views == r.views == denied.views == []


@pytest.mark.parametrize("build", [request, approved], ids=["pending", "approved"])
def test_004_c20_a_transfer_withdraws_an_open_request_which_is_then_neither_decided_nor_read(build):
    r = build()
    r.withdraw(T0 + S)
    assert (r.status, r.withdrawn_at) == (DisclosureStatus.WITHDRAWN, T0 + S)
    assert not r.is_open(T0 + S) and r.readable_until() is None
    with pytest.raises(Conflict):
        r.view(T0 + S, OFFICER)
    with pytest.raises(Conflict):
        r.decide(T0 + S, CUSTODIAN, True, "依法批准")
    with pytest.raises(Conflict):
        r.withdraw(T0 + 2 * S)
    assert r.withdrawn_at == T0 + S


def test_004_c20_a_spent_or_denied_request_is_not_withdrawn():
    spent = approved()
    with pytest.raises(Conflict):
        spent.withdraw(T0 + APPROVAL_VALID + S)
    assert spent.status == DisclosureStatus.APPROVED and spent.withdrawn_at is None
    spent.withdraw(T0 + APPROVAL_VALID)  # still open at its last second
    assert spent.status == DisclosureStatus.WITHDRAWN


def test_004_c20_a_request_without_a_reason_names_the_reason_field():
    with pytest.raises(DomainError) as refused:
        DisclosureRequest.open(complaint_id="01TEST", n=1, county=COUNTY, actor=OFFICER, reason="短", now=T0)
    assert refused.value.field == "reason"
