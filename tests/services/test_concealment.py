"""004 C33, L29: a new violation found by someone else in a grid whose village filed a zero
report that week is flagged to the county office as a possible 瞒报/漏报; the office confirms or
dismisses it with a reason; confirmed weeks climb the village head's ladder through the year."""

from __future__ import annotations

import pytest

from portal.domain.access import Actor, Role
from portal.domain.errors import Conflict, DomainError, Forbidden
from portal.ports import Delete
from portal.services import cases, workflow
from portal.services.patrols import concealment, violations, weekly
from tests.patrols import (
    NEIGHBOUR, OFFICE, PROFESSIONAL, TOWNSHIP_PATROL, VILLAGE, VILLAGER, finding, patrol, point_of, shanghai,
)
from tests.services.helpers import file

TOWNSHIP_TEAM = Actor("zfd", Role.TOWNSHIP, "xiayang", "430225")


def zero_report(deps, clock, week="2026-W48"):
    patrol(deps)
    return weekly.file_report(deps, VILLAGER, "village", week, "", clock.now())


def office_view(deps, year="2026"):
    return concealment.view(deps, OFFICE, year)


def test_004_c33_a_citizen_report_in_a_zero_report_grid_is_flagged_to_the_office(deps, clock):
    zero_report(deps, clock)
    clock.advance(hours=3)
    complaint, _ = file(deps, category="l5-villager-house-without-approval", place=point_of(deps))
    [concern] = office_view(deps)
    assert (concern.week, concern.village, concern.township, concern.status) == ("2026-W48", VILLAGE, "xiayang",
                                                                                 "pending")
    assert concern.found == 1 and concern.sources == {"citizen": 1}
    assert not hasattr(concern, "ticket") and complaint.id not in repr(concern)  # the grid and week, not the report


def test_004_c33_the_flag_is_raised_when_the_zero_report_comes_second(deps, clock):
    complaint, _ = file(deps, place=point_of(deps))  # Monday: a citizen reports
    assert office_view(deps) == []
    clock.advance(days=2)
    report = zero_report(deps, clock)  # Wednesday: the village reports "nothing found"
    assert report.zero
    [concern] = office_view(deps)
    assert concern.village == VILLAGE and concern.found == 1


def test_004_c33_no_flag_without_a_zero_report_or_outside_the_grid_or_week(deps, clock):
    patrol(deps, found=finding())  # the village found something itself: its report is not zero
    weekly.file_report(deps, VILLAGER, "village", "2026-W48", "", clock.now())
    file(deps, place=point_of(deps))
    assert office_view(deps) == []
    file(deps, place=point_of(deps, NEIGHBOUR))  # another village, which filed nothing
    clock.set(shanghai(2026, 11, 30, 10))  # the next week
    file(deps, place=point_of(deps))
    assert office_view(deps) == []


def test_004_c33_another_units_patrol_counts_the_villages_own_does_not(deps, clock):
    zero_report(deps, clock)
    patrol(deps, VILLAGER, found=finding())  # after its zero report, the village finds one itself
    assert office_view(deps) == []
    patrol(deps, TOWNSHIP_PATROL, grid=VILLAGE, found=finding())
    [concern] = office_view(deps)
    assert concern.sources == {"patrol": 1}


def test_000_s2_3_and_004_c22_reports_for_the_discipline_commission_and_stock_cases_never_count(deps, clock):
    zero_report(deps, clock)
    file(deps, category="o1-public-official", place=point_of(deps))
    assert office_view(deps) == []
    complaint, _ = file(deps, place=point_of(deps))
    assert len(office_view(deps)) == 1
    team = Actor("nr", Role.OFFICER, complaint.lead, "430225")
    cases.mark(deps, team, complaint.id, "stock", "早已登记", clock.now(), "2022-10-01")
    assert office_view(deps) == []  # no new violation behind it any more


def test_000_s2_3_a_ticket_moved_to_the_discipline_commission_leaves_the_flag(deps, clock):
    zero_report(deps, clock)
    complaint, _ = file(deps, place=point_of(deps))
    officer = Actor("nr", Role.OFFICER, complaint.lead, "430225")
    workflow.transfer(deps, officer, complaint.id, "discipline", "涉及村干部", clock.now())
    assert office_view(deps) == []


def test_004_c33_the_office_confirms_or_dismisses_with_a_reason(deps, clock):
    zero_report(deps, clock)
    file(deps, place=point_of(deps))
    with pytest.raises(DomainError):
        concealment.decide_week(deps, OFFICE, "2026-W48", VILLAGE, True, " ", clock.now())
    with pytest.raises(Forbidden):
        concealment.decide_week(deps, TOWNSHIP_PATROL, "2026-W48", VILLAGE, True, "理由", clock.now())
    done = concealment.decide_week(deps, OFFICE, "2026-W48", VILLAGE, False, "举报的是已批准的建房", clock.now())
    assert done.status == "dismissed" and done.step is None
    with pytest.raises(Conflict):
        concealment.decide_week(deps, OFFICE, "2026-W48", VILLAGE, True, "再看", clock.now())
    clock.advance(hours=1)
    file(deps, place=point_of(deps))  # another violation in that week: pending again
    [again] = office_view(deps)
    assert again.status == "pending" and again.found == 2
    confirmed = concealment.decide_week(deps, OFFICE, "2026-W48", VILLAGE, True, "核实为漏报", clock.now())
    assert confirmed.status == "confirmed" and confirmed.step == "warning"
    assert [e.status for e in confirmed.decision.history] == ["dismissed", "confirmed"]
    assert {a["action"] for a in deps.repos.audit.recent("430225")} >= {"concealment_dismissed",
                                                                        "concealment_confirmed"}


def test_004_c33_l29_the_village_heads_ladder_through_three_confirmations(deps, clock):
    """1st warning, 2nd accountability, 3rd a dismissal proposal (提出免职建议); a 4th stays there."""
    steps = []
    for n, monday in enumerate([(2026, 11, 2), (2026, 11, 9), (2026, 11, 16), (2026, 11, 23)]):
        clock.set(shanghai(*monday, 10))
        week = f"2026-W{45 + n}"
        zero_report(deps, clock, week)
        file(deps, place=point_of(deps))
        steps.append(concealment.decide_week(deps, OFFICE, week, VILLAGE, True, "核实", clock.now()).step)
    assert steps == ["warning", "accountability", "dismissal_proposal", "dismissal_proposal"]
    by_week = {c.week: (c.ordinal, c.step) for c in office_view(deps)}
    assert by_week["2026-W47"] == (3, "dismissal_proposal")


def test_004_c33_the_ladder_starts_again_each_year_and_counts_per_village(deps, clock):
    clock.set(shanghai(2025, 12, 15, 10))
    zero_report(deps, clock, "2025-W51")
    file(deps, place=point_of(deps))
    assert concealment.decide_week(deps, OFFICE, "2025-W51", VILLAGE, True, "核实", clock.now()).step == "warning"
    clock.set(shanghai(2026, 1, 5, 10))
    zero_report(deps, clock, "2026-W02")
    file(deps, place=point_of(deps))
    assert concealment.decide_week(deps, OFFICE, "2026-W02", VILLAGE, True, "核实", clock.now()).step == "warning"


def test_a_township_sees_its_villages_weeks_without_the_offices_reason(deps, clock):
    zero_report(deps, clock)
    file(deps, place=point_of(deps))
    concealment.decide_week(deps, OFFICE, "2026-W48", VILLAGE, True, "核实为漏报", clock.now())
    for viewer in (TOWNSHIP_PATROL, TOWNSHIP_TEAM):
        [seen] = concealment.view(deps, viewer, "2026")
        assert seen.status == "confirmed" and seen.step == "warning" and seen.decision is None
    assert concealment.view(deps, Actor("t", Role.TOWNSHIP_PATROL, "longxi", "430225"), "2026") == []
    for nobody in (VILLAGER, PROFESSIONAL, Actor("o", Role.OFFICER, "natural_resources", "430225")):
        with pytest.raises(Forbidden):
            concealment.view(deps, nobody, "2026")


def test_the_sweeper_reconciles_a_flag_both_paths_missed(deps, clock):
    """A ticket and a zero report committed at the same moment: neither saw the other."""
    county = deps.counties.default
    complaint, _ = file(deps, place=point_of(deps))
    report = zero_report(deps, clock)
    # simulate the race: remove the flag the report's path raised
    deps.store.write([Delete("CONCEAL#430225", f"F#2026-W48#{VILLAGE}#{complaint.id}")])
    assert office_view(deps) == [] and report.zero
    assert violations.reconcile(deps, county, "2026-W48", clock.now()) == 1
    assert violations.reconcile(deps, county, "2026-W48", clock.now()) == 0  # once
    assert len(office_view(deps)) == 1


def test_004_c33_a_hand_over_registered_at_the_desk_for_the_zero_report_week_is_flagged(deps, clock):
    """上级交办 (004 C9, C14(1), L8) received on Monday, typed in on Wednesday after the village's
    zero report of that week: the week is the week received."""
    from tests.services.channel_support import register

    zero_report(deps, clock)
    clock.advance(days=2)
    lat, lng = point_of(deps)
    _, ticket, _ = register(deps, "assigned", received_on="2026-11-23", lat=lat, lng=lng)
    assert ticket.intake.channel == "assigned"
    [concern] = office_view(deps)
    assert concern.week == "2026-W48" and concern.sources == {"handover": 1}
