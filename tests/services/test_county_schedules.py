"""Every county of a deployment gets its schedules in the due index once: the monthly review
(004 C35) and the weekly report deadlines of the village, township and professional patrols
(004 C17(1), C18(1), C19), also a county added after the deployment's first sweep, and a
fresh process (a new Lambda container) creates none again."""

from __future__ import annotations

from portal.county_registry import load_registry
from portal.services import sweeper
from portal.services.oversight import review
from portal.services.patrols import sweep as patrol_sweep
from portal.services.patrols.sweep import LEVELS
from tests.fakes.province import write_province


def schedules_of(deps, code: str) -> tuple[bool, list[bool]]:
    return (deps.repos.oversight.schedule(code) is not None,
            [deps.repos.patrols.schedule(code, level) is not None for level in LEVELS])


def test_004_c35_c17_a_county_added_after_the_first_sweep_gets_its_review_and_weekly_schedules(deps, clock, tmp_path):
    first = deps.counties.default.code
    sweeper.sweep(deps, clock.now())
    assert schedules_of(deps, first) == (True, [True, True, True])

    deps.counties = load_registry(write_province(tmp_path / "province", 3))  # the deployment grows
    added = [code for code in deps.counties.codes if code != first]
    assert added and all(schedules_of(deps, code) == (False, [False, False, False]) for code in added)
    clock.advance(minutes=10)
    sweeper.sweep(deps, clock.now())
    for code in deps.counties.codes:
        assert schedules_of(deps, code) == (True, [True, True, True]), code
    for scheduled in (deps.repos.oversight.scheduled, deps.repos.patrols.scheduled):
        assert scheduled.read()[0] >= set(deps.counties.codes)

    deps.forget_caches()  # a fresh container: the records say every county is scheduled
    clock.advance(minutes=10)
    assert review.ensure_schedules(deps, clock.now()) == 0 and patrol_sweep.ensure_schedules(deps, clock.now()) == 0
