"""The concealment check's pure rules (004 C33, L29; ``portal.domain.patrols.concealment``):
the village head's ladder through the year, the office's decision with a reason, and what a
viewer sees of a village's week (the grid and the week, how many and how found; never a
ticket). The services' tests drive the same rules through the store."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from portal.domain.errors import Conflict, DomainError
from portal.domain.patrols.concealment import (
    REASON_MAX, Decision, Flag, concerns, decide, ladder_step, without_decision_detail,
)

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
VILLAGE, OTHER = "430225100202", "430225100203"


def flag(week="2026-W48", village=VILLAGE, ticket="t1", source="citizen", at=T0) -> Flag:
    return Flag(county="430225", week=week, village=village, township="xiayang", ticket=ticket, source=source,
                raised_at=at)


def decided(week="2026-W48", village=VILLAGE, confirm=True, at=T0 + timedelta(days=1), before=None) -> Decision:
    return decide(before, county="430225", week=week, village=village, township="xiayang", confirm=confirm,
                  reason="核实", by="ban.sun", now=at, pending=True)


def everything(_ticket: str) -> bool:
    return True


def test_004_c33_l29_the_ladder_warning_accountability_then_a_dismissal_proposal_from_the_third_on():
    assert [ladder_step(n) for n in (1, 2, 3, 4, 9)] == [
        "warning", "accountability", "dismissal_proposal", "dismissal_proposal", "dismissal_proposal"]
    for bad in (0, -1):
        with pytest.raises(ValueError):
            ladder_step(bad)


def test_004_c33_the_office_decides_with_a_reason_and_a_confirmed_week_is_final():
    for reason in ("", "   \n"):
        with pytest.raises(DomainError) as refused:
            decide(None, county="430225", week="2026-W48", village=VILLAGE, township="xiayang", confirm=True,
                   reason=reason, by="b", now=T0, pending=True)
        assert refused.value.field == "reason"
    long = "理" * (REASON_MAX + 1)
    with pytest.raises(DomainError):
        decide(None, county="430225", week="2026-W48", village=VILLAGE, township="xiayang", confirm=True,
               reason=long, by="b", now=T0, pending=True)
    exactly = decide(None, county="430225", week="2026-W48", village=VILLAGE, township="xiayang", confirm=False,
                     reason=" " + "理" * REASON_MAX + " ", by="b", now=T0, pending=True)
    assert exactly.reason == "理" * REASON_MAX and exactly.status == "dismissed"  # trimmed, then measured
    with pytest.raises(Conflict):
        decide(exactly, county="430225", week="2026-W48", village=VILLAGE, township="xiayang", confirm=True,
               reason="再议", by="b", now=T0, pending=False)
    again = decide(exactly, county="430225", week="2026-W48", village=VILLAGE, township="xiayang", confirm=True,
                   reason="核实为漏报", by="c", now=T0 + timedelta(hours=1), pending=True)
    assert again is exactly and (again.status, again.reason, again.decided_by) == ("confirmed", "核实为漏报", "c")
    assert again.decided_at == T0 + timedelta(hours=1)
    assert [(e.status, e.by) for e in again.history] == [("dismissed", "b"), ("confirmed", "c")]


def test_004_c33_a_week_is_named_by_grid_and_week_with_how_many_and_how_found_never_a_ticket():
    shown = concerns([flag(ticket="t1"), flag(ticket="t2", source="patrol", at=T0 + timedelta(hours=2)),
                      flag(ticket="t3", source="citizen", at=T0 + timedelta(hours=1))], [], everything)
    [c] = shown
    assert (c.week, c.village, c.township, c.found, c.status) == ("2026-W48", VILLAGE, "xiayang", 3, "pending")
    assert c.sources == {"citizen": 2, "patrol": 1} and c.raised_at == T0
    assert c.ordinal is None and c.step is None and c.decision is None
    assert not any(t in repr(c) for t in ("t1", "t2", "t3"))


def test_000_s2_3_and_004_c22_a_ticket_that_no_longer_counts_leaves_the_week_and_a_week_left_empty_goes():
    flags = [flag(ticket="moved"), flag(ticket="kept"), flag(week="2026-W47", ticket="stock")]
    [c] = concerns(flags, [], lambda ticket: ticket == "kept")
    assert (c.week, c.found) == ("2026-W48", 1)


def test_004_c33_a_dismissed_week_is_pending_again_after_a_later_violation_only():
    dismissed = decided(confirm=False, at=T0 + timedelta(days=1))
    [c] = concerns([flag(at=T0)], [dismissed], everything)
    assert c.status == "dismissed" and c.decision is dismissed and c.step is None
    [c] = concerns([flag(at=T0), flag(ticket="t2", at=T0 + timedelta(days=1))], [dismissed], everything)
    assert c.status == "dismissed"  # raised at the very instant of the decision: seen by it
    [c] = concerns([flag(at=T0), flag(ticket="t2", at=T0 + timedelta(days=1, seconds=1))], [dismissed], everything)
    assert c.status == "pending" and c.found == 2


def test_004_c33_l29_confirmed_weeks_climb_per_village_and_year_in_the_order_confirmed():
    flags, decisions = [], []
    # the office confirms W47 before W45 and W46: the order confirmed, not the order of the weeks
    for week, day in (("2026-W47", 1), ("2026-W45", 2), ("2026-W46", 3), ("2026-W44", 4)):
        flags.append(flag(week=week, ticket=week))
        decisions.append(decided(week=week, at=T0 + timedelta(days=day)))
    flags += [flag(week="2026-W47", village=OTHER, ticket="o")]  # another village starts its own ladder
    decisions += [decided(week="2026-W47", village=OTHER, at=T0 + timedelta(days=5))]
    flags += [flag(week="2027-W01", ticket="n")]  # a new year starts the ladder again
    decisions += [decided(week="2027-W01", at=T0 + timedelta(days=40))]
    flags += [flag(week="2026-W43", ticket="p")]  # pending: not on the ladder
    by = {(c.week, c.village): (c.ordinal, c.step) for c in concerns(flags, decisions, everything)}
    assert by[("2026-W47", VILLAGE)] == (1, "warning")
    assert by[("2026-W45", VILLAGE)] == (2, "accountability")
    assert by[("2026-W46", VILLAGE)] == (3, "dismissal_proposal")
    assert by[("2026-W44", VILLAGE)] == (4, "dismissal_proposal")
    assert by[("2026-W47", OTHER)] == (1, "warning")
    assert by[("2027-W01", VILLAGE)] == (1, "warning")
    assert by[("2026-W43", VILLAGE)] == (None, None)


def test_004_c33_a_confirmed_week_hidden_from_the_viewer_leaves_no_gap_on_the_ladder():
    flags = [flag(week="2026-W45", ticket="discipline"), flag(week="2026-W46", ticket="t")]
    decisions = [decided(week="2026-W45", at=T0 + timedelta(days=1)), decided(week="2026-W46", at=T0 + timedelta(days=2))]
    [c] = concerns(flags, decisions, lambda ticket: ticket != "discipline")
    assert (c.week, c.ordinal, c.step) == ("2026-W46", 1, "warning")


def test_the_weeks_are_listed_newest_first_and_a_township_reads_no_reason():
    flags = [flag(week="2026-W45", ticket="a"), flag(week="2026-W48", ticket="b"), flag(week="2026-W48", village=OTHER,
                                                                                     ticket="c")]
    shown = concerns(flags, [decided(week="2026-W48")], everything)
    assert [(c.week, c.village) for c in shown] == [("2026-W48", OTHER), ("2026-W48", VILLAGE), ("2026-W45", VILLAGE)]
    confirmed = shown[1]
    seen = without_decision_detail(confirmed)
    assert seen.decision is None and (seen.status, seen.step, seen.ordinal) == ("confirmed", "warning", 1)
    assert confirmed.decision is not None  # the office's own view keeps it
    assert confirmed.year == "2026"
