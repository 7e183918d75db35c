"""The concealment check (004 C33, L29: 村委会主要负责人故意瞒报、漏报的，第1次予以警告；第2次予以
追责；第3次提出免职建议) as pure domain rules (``portal.domain.patrols.concealment``): the
ladder, the office's decision with its reason, and the village weeks a viewer sees."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from portal.domain.errors import Conflict, DomainError
from portal.domain.patrols.concealment import (
    REASON_MAX, Decision, Flag, concerns, decide, ladder_step, without_decision_detail,
)
from portal.timeutil import SHANGHAI

T0 = datetime(2026, 3, 20, 10, 0, tzinfo=SHANGHAI)
S = timedelta(seconds=1)
VILLAGE, OTHER = "430225100202", "430225100203"


def flag(week="2026-W12", village=VILLAGE, ticket="T1", source="citizen", at=T0, township="xiayang") -> Flag:
    return Flag(county="430225", week=week, village=village, township=township, ticket=ticket, source=source,
                raised_at=at)


def decision(week="2026-W12", village=VILLAGE, status="confirmed", at=T0 + timedelta(days=1)) -> Decision:
    return Decision(county="430225", week=week, village=village, township="xiayang", status=status, reason="r",
                    decided_by="office", decided_at=at)


def every(_ticket: str) -> bool:
    return True


@pytest.mark.parametrize("ordinal,step", [(1, "warning"), (2, "accountability"), (3, "dismissal_proposal"),
                                          (4, "dismissal_proposal"), (9, "dismissal_proposal")])
def test_004_c33_l29_the_ladder_warning_then_accountability_then_a_dismissal_proposal(ordinal, step):
    assert ladder_step(ordinal) == step


def test_004_c33_l29_the_ladder_starts_at_the_first_time():
    with pytest.raises(ValueError):
        ladder_step(0)


def test_004_c33_l29_a_decision_needs_a_reason_within_the_limit():
    args = dict(county="430225", week="2026-W12", village=VILLAGE, township="xiayang", confirm=True, by="office",
                now=T0, pending=True)
    with pytest.raises(DomainError) as blank:
        decide(None, reason="  \n ", **args)
    assert blank.value.field == "reason" and blank.value.params == {}
    with pytest.raises(DomainError) as long:
        decide(None, reason="理" * (REASON_MAX + 1), **args)
    assert (long.value.field, long.value.params) == ("reason", {"n": 1000})
    assert decide(None, reason=" " + "理" * REASON_MAX + " ", **args).reason == "理" * REASON_MAX


def test_004_c33_l29_a_week_already_decided_and_not_flagged_again_is_not_decided_twice():
    with pytest.raises(Conflict):
        decide(decision(), county="430225", week="2026-W12", village=VILLAGE, township="xiayang", confirm=False,
               reason="r", by="office", now=T0, pending=False)


def test_004_c33_l29_the_first_decision_is_recorded_whole_with_its_history():
    d = decide(None, county="430225", week="2026-W12", village=VILLAGE, township="xiayang", confirm=True,
               reason=" 核实属瞒报 ", by="office.sun", now=T0, pending=True)
    assert (d.county, d.week, d.village, d.township, d.status, d.reason, d.decided_by, d.decided_at) == (
        "430225", "2026-W12", VILLAGE, "xiayang", "confirmed", "核实属瞒报", "office.sun", T0)
    assert [(e.at, e.status, e.reason, e.by) for e in d.history] == [(T0, "confirmed", "核实属瞒报", "office.sun")]


def test_004_c33_l29_a_dismissed_week_flagged_again_is_decided_again_and_keeps_its_history():
    first = decide(None, county="430225", week="2026-W12", village=VILLAGE, township="xiayang", confirm=False,
                   reason="非本村", by="a", now=T0, pending=True)
    assert first.status == "dismissed"
    again = decide(first, county="430225", week="2026-W12", village=VILLAGE, township="xiayang", confirm=True,
                   reason="再次发现", by="b", now=T0 + S, pending=True)
    assert again is first
    assert (again.status, again.reason, again.decided_by, again.decided_at) == ("confirmed", "再次发现", "b", T0 + S)
    assert [(e.status, e.by, e.at) for e in again.history] == [("dismissed", "a", T0), ("confirmed", "b", T0 + S)]


def test_004_c33_a_week_is_shown_by_grid_and_week_with_its_count_and_sources_never_a_ticket():
    flags = [flag(ticket="A", source="citizen", at=T0 + 2 * S), flag(ticket="B", source="patrol", at=T0),
             flag(ticket="C", source="citizen", at=T0 + S), flag(ticket="D", village=OTHER, township="other")]
    shown = concerns(flags, [], every)
    assert [(c.week, c.village) for c in shown] == [("2026-W12", OTHER), ("2026-W12", VILLAGE)]
    mine = shown[1]
    assert (mine.found, mine.sources, mine.status, mine.raised_at, mine.township) == (
        3, {"citizen": 2, "patrol": 1}, "pending", T0, "xiayang")
    assert (mine.decision, mine.ordinal, mine.step) == (None, None, None)
    assert shown[0].township == "other"
    assert not any(hasattr(c, "ticket") for c in shown)


def test_004_c33_a_flag_whose_ticket_no_longer_counts_is_not_shown_and_a_week_left_with_none_disappears():
    flags = [flag(ticket="A"), flag(ticket="B"), flag(ticket="GONE", village=OTHER)]
    shown = concerns(flags, [], lambda t: t != "GONE" and t != "B")
    assert [(c.village, c.found) for c in shown] == [(VILLAGE, 1)]


def test_004_c33_l29_a_dismissed_week_stays_dismissed_until_a_violation_is_flagged_after_the_decision():
    decided_at = T0 + timedelta(days=1)
    dismissed = decision(status="dismissed", at=decided_at)
    assert concerns([flag(at=T0)], [dismissed], every)[0].status == "dismissed"
    assert concerns([flag(at=T0), flag(ticket="B", at=decided_at)], [dismissed], every)[0].status == "dismissed"
    again = concerns([flag(at=T0), flag(ticket="B", at=decided_at + S)], [dismissed], every)[0]
    assert (again.status, again.decision) == ("pending", dismissed)
    confirmed = decision(status="confirmed", at=decided_at)
    assert concerns([flag(at=T0), flag(ticket="B", at=decided_at + S)], [confirmed], every)[0].status == "confirmed"


def test_004_c33_l29_confirmed_weeks_climb_the_ladder_per_village_and_year_in_the_order_confirmed():
    weeks = ["2026-W10", "2026-W11", "2026-W12", "2026-W13"]
    flags = [flag(week=w) for w in weeks] + [flag(week="2025-W50"), flag(week="2026-W11", village=OTHER)]
    day = timedelta(days=1)
    decisions = [decision(week="2026-W12", at=T0 + day), decision(week="2026-W10", at=T0 + 2 * day),
                 decision(week="2026-W13", at=T0 + 3 * day), decision(week="2026-W11", at=T0 + 4 * day),
                 decision(week="2025-W50", at=T0), decision(week="2026-W11", village=OTHER, at=T0 + 5 * day)]
    shown = {(c.week, c.village): c for c in concerns(flags, decisions, every)}
    assert {k[0]: (c.ordinal, c.step) for k, c in shown.items() if k[1] == VILLAGE} == {
        "2026-W12": (1, "warning"), "2026-W10": (2, "accountability"), "2026-W13": (3, "dismissal_proposal"),
        "2026-W11": (4, "dismissal_proposal"), "2025-W50": (1, "warning")}
    assert (shown[("2026-W11", OTHER)].ordinal, shown[("2026-W11", OTHER)].step) == (1, "warning")
    assert shown[("2025-W50", VILLAGE)].year == "2025"


def test_004_c33_l29_weeks_confirmed_at_the_same_instant_climb_in_week_order():
    same = T0 + timedelta(days=1)
    decisions = [decision(week="2026-W12", at=same), decision(week="2026-W11", at=same)]
    shown = {c.week: c.ordinal for c in concerns([flag(week="2026-W12"), flag(week="2026-W11")], decisions, every)}
    assert shown == {"2026-W11": 1, "2026-W12": 2}


def test_004_c33_l29_a_hidden_confirmed_week_leaves_no_gap_on_the_ladder():
    decisions = [decision(week="2026-W10", at=T0 + S), decision(week="2026-W11", at=T0 + 2 * S)]
    flags = [flag(week="2026-W10", ticket="HIDDEN"), flag(week="2026-W11", ticket="SHOWN")]
    shown = concerns(flags, decisions, lambda t: t == "SHOWN")
    assert [(c.week, c.ordinal, c.step) for c in shown] == [("2026-W11", 1, "warning")]


def test_004_c33_a_township_sees_the_status_and_step_but_not_the_offices_reason():
    shown = concerns([flag()], [decision()], every)[0]
    seen = without_decision_detail(shown)
    assert seen.decision is None and shown.decision is not None
    assert (seen.week, seen.village, seen.status, seen.ordinal, seen.step, seen.found) == (
        shown.week, shown.village, "confirmed", 1, "warning", 1)
