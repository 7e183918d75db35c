"""Cases on their own (004 C20, L17: the first reporter of a violation; 004 C22, L19: stock or
new): opening a case, merging one into another, splitting a complaint out, marking it, and
which reports are near enough to be merge candidates. Each change is on both cases' histories
with who, when, why and what moved; nothing is deleted."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from portal.domain.cases import Case, CaseChange, CaseMember, StockRule, check_stock_registration, \
    is_merge_candidate
from portal.domain.errors import Conflict, DomainError
from portal.domain.geo import Point

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
LATER = T0 + timedelta(hours=3)
RULE = StockRule(cutoff=date(2023, 7, 24))


def member(cid: str, minutes: int, seq: int) -> CaseMember:
    return CaseMember(cid, T0 + timedelta(minutes=minutes), seq)


def test_004_c20_a_case_opens_with_its_first_complaint_as_the_system_s_doing():
    case = Case.open_for("K1", "430225", "l1-occupy-land", member("A", 5, 1))
    assert (case.id, case.county, case.category, case.created_at, case.kind) == (
        "K1", "430225", "l1-occupy-land", T0 + timedelta(minutes=5), "new")
    assert case.members == [member("A", 5, 1)] and case.active and case.merged_into is None
    assert case.history == [CaseChange(at=T0 + timedelta(minutes=5), kind="created", actor="system")]


def test_004_c20_members_are_listed_and_the_first_reporter_found_by_receipt_then_sequence():
    case = Case.open_for("K1", "430225", "l1", member("late", 9, 1))
    case.members += [member("tie-high-seq", 2, 7), member("tie-low-seq", 2, 3)]
    assert case.member_ids() == ["tie-low-seq", "tie-high-seq", "late"]
    assert case.first_reporter().complaint_id == "tie-low-seq"
    with pytest.raises(DomainError):
        Case(id="K0", county="430225", category="l1", created_at=T0).first_reporter()


def test_004_c20_a_merge_moves_every_complaint_and_leaves_a_pointer_on_both_histories():
    into = Case.open_for("K1", "430225", "l1", member("A", 0, 1))
    other = Case.open_for("K2", "430225", "l1", member("B", 1, 2))
    other.members.append(member("C", 2, 3))
    into.absorb(other, LATER, "sup-1", "同一处违建")
    assert into.member_ids() == ["A", "B", "C"] and other.members == [] and other.merged_into == "K1"
    assert (into.active, other.active) == (True, False)
    assert into.history[-1] == CaseChange(LATER, "merged_in", "sup-1", "同一处违建", {"from": "K2", "complaints": ["B", "C"]})
    assert other.history[-1] == CaseChange(LATER, "merged_into", "sup-1", "同一处违建",
                                           {"into": "K1", "complaints": ["B", "C"]})


def test_004_c20_a_case_merges_neither_into_itself_nor_once_merged_away():
    case = Case.open_for("K1", "430225", "l1", member("A", 0, 1))
    with pytest.raises(Conflict):
        case.absorb(case, LATER, "sup-1", "")
    gone = Case.open_for("K2", "430225", "l1", member("B", 1, 2))
    third = Case.open_for("K3", "430225", "l1", member("C", 2, 3))
    case.absorb(gone, LATER, "sup-1", "")
    for into, other in ((case, gone), (gone, third)):
        with pytest.raises(Conflict):
            into.absorb(other, LATER, "sup-1", "")
    assert case.member_ids() == ["A", "B"] and third.member_ids() == ["C"] and len(case.history) == 2


def test_004_c20_a_split_takes_one_complaint_into_a_case_of_its_own_with_the_same_mark():
    case = Case.open_for("K1", "430225", "l1", member("A", 0, 1))
    case.members.append(member("B", 1, 2))
    case.mark("stock", T0, "sup-1", "旧账", RULE, registered_on=date(2023, 1, 5))
    new = case.split_out("B", "K9", LATER, "sup-2", "不是同一处")
    assert case.member_ids() == ["A"] and new.member_ids() == ["B"]
    assert (new.id, new.county, new.category, new.created_at, new.kind, new.stock_registered_on) == (
        "K9", "430225", "l1", LATER, "stock", date(2023, 1, 5))
    assert new.history == [CaseChange(LATER, "split_from", "sup-2", "不是同一处", {"from": "K1", "complaint": "B"})]
    assert case.history[-1] == CaseChange(LATER, "split_out", "sup-2", "不是同一处", {"into": "K9", "complaint": "B"})


def test_004_c20_only_a_member_of_a_case_of_several_is_split_out():
    case = Case.open_for("K1", "430225", "l1", member("A", 0, 1))
    with pytest.raises(Conflict):
        case.split_out("A", "K9", LATER, "sup-1", "")  # alone in its case
    case.members.append(member("B", 1, 2))
    with pytest.raises(Conflict):
        case.split_out("Z", "K9", LATER, "sup-1", "")  # not a member
    assert case.member_ids() == ["A", "B"] and len(case.history) == 1


def test_004_c22_l19_a_mark_is_recorded_with_its_date_and_only_stock_or_new_on_an_active_case():
    case = Case.open_for("K1", "430225", "l1", member("A", 0, 1))
    case.mark("stock", T0, "sup-1", "旧账", RULE, registered_on=date(2023, 7, 23))
    assert case.history[-1] == CaseChange(T0, "marked", "sup-1", "旧账", {"kind": "stock", "registered_on": "2023-07-23"})
    case.mark("new", LATER, "sup-2", "核实为新增", RULE, registered_on=date(2023, 7, 23))
    assert (case.kind, case.stock_registered_on) == ("new", None)
    assert case.history[-1] == CaseChange(LATER, "marked", "sup-2", "核实为新增", {"kind": "new"})
    with pytest.raises(DomainError) as refused:
        case.mark("old", LATER, "sup-2", "", RULE)
    assert refused.value.field == "kind"
    gone = Case.open_for("K2", "430225", "l1", member("B", 1, 2))
    case.absorb(gone, LATER, "sup-1", "")
    with pytest.raises(Conflict):
        gone.mark("new", LATER, "sup-1", "", RULE)


@pytest.mark.parametrize("registered_on,refused", [
    (date(2026, 11, 22), False), (date(2026, 11, 23), False), (date(2026, 11, 24), True)])
def test_004_c22_l19_a_registration_date_may_be_today_but_not_later(registered_on, refused):
    """Today in Asia/Shanghai (T0 is 10:00 on 23 November there); the date is checked before the cut-off."""
    rule = StockRule(cutoff=date(2030, 1, 1))
    if not refused:
        check_stock_registration(registered_on, rule, T0)
        return
    with pytest.raises(DomainError) as error:
        check_stock_registration(registered_on, rule, T0)
    assert error.value.field == "registered_on" and error.value.params == {}


def test_004_c22_l19_a_refusal_names_the_date_and_the_cut_off():
    with pytest.raises(DomainError) as error:
        check_stock_registration(date(2023, 7, 24), RULE, T0)
    assert error.value.field == "registered_on"
    assert error.value.params == {"date": "2023-07-24", "cutoff": "2023-07-24"}


@pytest.mark.parametrize("a,b,radius,candidate", [
    (Point(113.77, 26.49), Point(113.77, 26.49), 0.0, True),
    (Point(113.77, 26.49), Point(113.77, 26.491), 112.0, True),  # about 111 m apart
    (Point(113.77, 26.49), Point(113.77, 26.491), 110.0, False),
    (None, Point(113.77, 26.49), 1e9, False), (Point(113.77, 26.49), None, 1e9, False), (None, None, 1e9, False),
])
def test_004_c20_reports_are_merge_candidates_only_within_the_radius_and_with_both_places_known(a, b, radius, candidate):
    assert is_merge_candidate(a, b, radius) is candidate
