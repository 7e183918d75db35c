"""The sweeper at the weekly deadlines (004 C18(1), L16(1): villages by Thursday 16:00; 004
C17(1), L15(1): townships by Friday 16:00; 004 C19: a professional patrol every week): a
missing report is flagged once at its deadline, told to the township or the county office,
and counted; holiday weeks follow the holiday rule."""

from __future__ import annotations

import threading
from datetime import timedelta

from portal.services import sweeper
from portal.services.patrols import sweep as patrol_sweep, weekly
from tests.patrols import PROFESSIONAL, TOWNSHIP, VILLAGE, VILLAGER, patrol, shanghai

COUNTY = "430225"


def missing(deps, week="2026-W48"):
    return deps.repos.patrols.week(COUNTY, week)[1]


def start(deps, clock, *when):
    clock.set(shanghai(*when))
    sweeper.sweep(deps, clock.now())  # the first sweep creates the schedules


def test_004_c18_1_a_missing_village_report_is_flagged_once_at_thursday_16_and_told_to_the_township(deps, clock):
    start(deps, clock, 2026, 11, 23, 10)
    patrol(deps)
    weekly.file_report(deps, VILLAGER, "village", "2026-W48", "", clock.now())
    clock.set(shanghai(2026, 11, 26, 15, 59))
    sweeper.sweep(deps, clock.now())
    assert missing(deps) == []  # not yet
    clock.set(shanghai(2026, 11, 26, 16, 5))
    report = sweeper.sweep(deps, clock.now())
    villages = deps.counties.default.grids.villages
    flagged = {m.unit for m in missing(deps) if m.level == "village"}
    assert VILLAGE not in flagged and flagged == set(villages) - {VILLAGE}
    assert report.reports_missing == len(villages) - 1 and report.weeks_judged == 1
    again = sweeper.sweep(deps, clock.now() + timedelta(minutes=5))
    assert again.reports_missing == 0 and len(missing(deps)) == len(villages) - 1  # exactly once
    told = deps.repos.patrols.notices(COUNTY, TOWNSHIP, limit=500)
    assert {m.unit for m in told} == {v for v in flagged if deps.counties.default.village(v).township == TOWNSHIP}
    assert all(m.notified == deps.counties.default.village(m.unit).township for m in missing(deps))


def test_004_c17_1_a_missing_township_report_is_flagged_once_at_friday_16_and_told_to_the_office(deps, clock):
    start(deps, clock, 2026, 11, 23, 10)
    clock.set(shanghai(2026, 11, 27, 16, 0, 1))
    sweeper.sweep(deps, clock.now())
    townships = {m.unit for m in missing(deps) if m.level == "township"}
    assert townships == set(deps.counties.default.grids.townships)
    told = deps.repos.patrols.notices(COUNTY, "leading_group_office", limit=500)
    assert {m.unit for m in told if m.level == "township"} == townships
    sweeper.sweep(deps, clock.now())
    assert len([m for m in missing(deps) if m.level == "township"]) == len(townships)


def test_a_report_filed_after_the_deadline_is_still_flagged_missing_at_the_deadline_and_counts_late(deps, clock):
    start(deps, clock, 2026, 11, 23, 10)
    patrol(deps)
    clock.set(shanghai(2026, 11, 26, 16, 2))  # two minutes late, before the sweeper's next run
    assert weekly.file_report(deps, VILLAGER, "village", "2026-W48", "", clock.now()).status == "late"
    sweeper.sweep(deps, clock.now())
    assert VILLAGE in {m.unit for m in missing(deps)}


def test_004_c18_1_in_a_holiday_week_the_flag_waits_for_the_moved_deadline(deps, clock):
    """2025-W40: Thursday 2 and Friday 3 October off; the villages' deadline is Thursday 9th
    16:00, the townships' Friday 10th 16:00 (the holiday rule)."""
    start(deps, clock, 2025, 9, 29, 10)
    clock.set(shanghai(2025, 10, 2, 16, 5))
    sweeper.sweep(deps, clock.now())
    assert missing(deps, "2025-W40") == []
    clock.set(shanghai(2025, 10, 9, 16, 5))
    sweeper.sweep(deps, clock.now())
    levels = {m.level for m in missing(deps, "2025-W40")}
    assert levels == {"village", "professional"}  # 2025-W41's villages are due the same instant
    assert {m.level for m in missing(deps, "2025-W41")} == {"village"}
    clock.set(shanghai(2025, 10, 10, 16, 5))
    sweeper.sweep(deps, clock.now())
    assert "township" in {m.level for m in missing(deps, "2025-W40")}


def test_004_c19_a_week_without_a_professional_patrol_is_flagged_once_to_the_office(deps, clock):
    start(deps, clock, 2026, 11, 23, 10)
    clock.set(shanghai(2026, 11, 30, 0, 1))  # the week has ended
    sweeper.sweep(deps, clock.now())
    [flag] = [m for m in missing(deps) if m.level == "professional"]
    assert flag.unit == "natural_resources" and flag.notified == "leading_group_office"
    patrol(deps, PROFESSIONAL, grid=None)  # 2026-W49: held
    clock.set(shanghai(2026, 12, 7, 0, 1))
    sweeper.sweep(deps, clock.now())
    sweeper.sweep(deps, clock.now())
    assert [m for m in missing(deps, "2026-W49") if m.level == "professional"] == []
    assert len([m for m in missing(deps) if m.level == "professional"]) == 1


def test_a_professional_patrol_outside_the_built_up_area_grids_does_not_count(deps, clock):
    """Only a patrol of the professional kind counts: the village's own patrols in the
    built-up area's town do not make the week's C19 patrol."""
    start(deps, clock, 2026, 11, 23, 10)
    patrol(deps)  # a village patrol in 霞阳镇
    clock.set(shanghai(2026, 11, 30, 0, 1))
    sweeper.sweep(deps, clock.now())
    assert [m.level for m in missing(deps) if m.level == "professional"] == ["professional"]


def test_weeks_before_the_portal_ran_are_never_judged_and_a_stopped_sweeper_catches_up(deps, clock):
    start(deps, clock, 2026, 11, 26, 17)  # Thursday after 16:00: this week's villages are past due
    assert missing(deps) == []
    clock.set(shanghai(2026, 12, 18, 12))  # three weeks later
    sweeper.sweep(deps, clock.now())
    assert {m.level for m in missing(deps, "2026-W48")} == {"township", "professional"}
    for week in ("2026-W49", "2026-W50"):
        assert {m.level for m in missing(deps, week)} == {"village", "township", "professional"}
    assert {m.level for m in missing(deps, "2026-W51")} == {"village"}


def test_two_sweeps_at_once_flag_each_missing_report_once(deps, clock):
    start(deps, clock, 2026, 11, 23, 10)
    clock.set(shanghai(2026, 11, 26, 16, 5))
    barrier = threading.Barrier(2)
    results = []

    def run():
        barrier.wait()
        results.append(patrol_sweep.scheduled(deps, COUNTY, "village", clock.now()))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(j.flagged for r in results for j in r) == len(deps.counties.default.grids.villages)
    assert len(missing(deps)) == len(deps.counties.default.grids.villages)


def test_004_c18_1_a_week_judged_again_after_a_crash_flags_and_tells_nothing_more(deps, clock):
    """A sweep that wrote its flags and crashed before moving the schedule judges the week
    again on its next run: the flags are written once, the township is told once."""
    start(deps, clock, 2026, 11, 23, 10)
    county, week = deps.counties.default, patrol_sweep.Week.parse("2026-W48")
    due = shanghai(2026, 11, 26, 16)
    clock.set(shanghai(2026, 11, 26, 16, 5))
    first = patrol_sweep.judge(deps, county, "village", week, due, clock.now())
    clock.set(shanghai(2026, 11, 26, 16, 20))
    second = patrol_sweep.judge(deps, county, "village", week, due, clock.now())
    villages = county.grids.villages
    assert first.flagged == len(villages) and second.flagged == 0
    assert {m.flagged_at for m in missing(deps)} == {shanghai(2026, 11, 26, 16, 5)}
    told = deps.repos.patrols.notices(COUNTY, TOWNSHIP, limit=500)
    assert len(told) == len({m.unit for m in told}) == len(county.grids.villages_of(TOWNSHIP))
