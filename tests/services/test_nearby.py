"""Reports near a pin, before filing (issue 19; docs/threat-model.md): up to 5 accepted reports
within 250 m from the last 180 days, each as category, status and week at a ~200 m cell.
Never a report for the discipline commission (000 §2(3), §4(2)4; 004 C36), one not yet
accepted, one farther than 250 m, a description, a photo or a point closer than the grid."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from portal.domain.access import Actor, Role
from portal.domain.geo import Point, distance_m, offset
from portal.domain.nearby import CELL_M, CELL_REACH_M, RADIUS_M, cell_centre
from portal.services import cases, workflow
from portal.services.places.nearby import reports_near
from tests.services.helpers import file

COUNTY = "430225"
OFFICER = Actor("officer-1", Role.OFFICER, "natural_resources", COUNTY)
DISCIPLINE = Actor("dis-1", Role.DISCIPLINE, "discipline", COUNTY)
#: a pin in 霞阳镇 outside the built-up area, at the centre of its grid cell
PIN = cell_centre(Point(113.850, 26.460))


def at(point: Point) -> tuple[str, str]:
    return f"{point.lat:.7f}", f"{point.lng:.7f}"


def accepted(deps, point: Point, category="l1-occupy-land", actor=OFFICER):
    complaint, _ = file(deps, category=category, place=at(point))
    return workflow.accept(deps, actor, complaint.id, "已受理", deps.clock.now())


def test_an_accepted_report_at_the_pin_is_shown_as_category_status_and_week_at_its_cell(deps):
    report = accepted(deps, offset(PIN, 30, -20))
    [shown] = reports_near(deps, deps.counties.default, PIN, deps.clock.now())
    assert (shown.category, shown.status.value) == ("l1-occupy-land", "accepted")
    assert shown.week.weekday() == 0 and shown.week <= report.received_at.date()
    assert shown.cell == cell_centre(report.point) and shown.cell != report.point
    assert {f.name for f in dataclasses.fields(shown)} == {"category", "status", "week", "cell"}  # nothing else


def test_a_discipline_only_report_a_report_not_yet_accepted_and_one_300_m_away_are_never_shown(deps):
    here = offset(PIN, 10, 10)
    accepted(deps, here, category="o1-public-official", actor=DISCIPLINE)  # accepted, but discipline-only
    file(deps, place=at(here))  # received, not yet accepted
    far = accepted(deps, offset(PIN, 300, 0))
    assert distance_m(PIN, far.point) == pytest.approx(300, abs=1)
    assert reports_near(deps, deps.counties.default, PIN, deps.clock.now()) == []
    # and with the pin moved anywhere within its cell: still none of them
    for east, north in ((-90, -90), (90, 90), (-90, 90), (90, -90), (0, 0)):
        assert reports_near(deps, deps.counties.default, offset(PIN, east, north), deps.clock.now()) == []


def test_no_report_more_than_250_m_away_is_ever_shown_and_no_position_is_finer_than_the_grid(deps):
    """A ring of accepted reports from 100 to 400 m around the pin, pins moved about: every shown
    report lies within 250 m of the pin, and every shown position is a cell centre, the same
    whatever the pin."""
    reports = []
    for i, metres in enumerate((100, 160, 220, 260, 320, 400)):
        angle_east, angle_north = ((1, 0), (0, 1), (-1, 0), (0, -1), (0.7, 0.7), (-0.7, 0.7))[i]
        reports.append(accepted(deps, offset(PIN, angle_east * metres, angle_north * metres)))
    by_cell = {cell_centre(r.point): r for r in reports}
    for east in range(-150, 151, 50):
        for north in range(-150, 151, 50):
            pin = offset(PIN, east, north)
            for shown in reports_near(deps, deps.counties.default, pin, deps.clock.now()):
                report = by_cell[shown.cell]
                assert distance_m(pin, report.point) <= RADIUS_M
                assert shown.cell == cell_centre(report.point)  # a grid cell's centre, never the point
                assert distance_m(shown.cell, report.point) <= CELL_M * 0.75
                assert distance_m(pin, shown.cell) <= CELL_REACH_M


def test_at_most_five_most_recent_first_and_not_older_than_180_days(deps):
    old = accepted(deps, offset(PIN, 5, 5))
    deps.clock.advance(days=181)
    recent = []
    for n in range(7):
        recent.append(accepted(deps, offset(PIN, n * 5, 0)))
        deps.clock.advance(hours=1)
    shown = reports_near(deps, deps.counties.default, PIN, deps.clock.now())
    assert len(shown) == 5
    assert all(s.week >= recent[0].received_at.date() - timedelta(days=6) for s in shown)
    assert old.received_at.date() < min(s.week for s in shown)


def test_the_county_can_turn_the_list_off(deps):
    accepted(deps, PIN)
    county = dataclasses.replace(deps.counties.default, nearby_reports=False)
    assert reports_near(deps, county, PIN, deps.clock.now()) == []
    assert len(reports_near(deps, deps.counties.default, PIN, deps.clock.now())) == 1


def test_a_report_filed_anyway_joins_the_case_later_and_the_first_reporter_keeps_first_place(deps):
    """Issue 19: the list does not stop anyone filing; the report filed anyway is merged into the
    case, where the first reporter (004 C20, L17: rewarded) stays first."""
    first = accepted(deps, PIN)
    assert reports_near(deps, deps.counties.default, PIN, deps.clock.now())
    deps.clock.advance(hours=2)
    second = accepted(deps, offset(PIN, 20, 0))
    cases.merge(deps, OFFICER, second.id, first.id, "同一处违建", deps.clock.now())
    merged = deps.repos.complaints.get(second.id)
    case = deps.repos.cases.get(merged.case_id)
    assert case.first_reporter().complaint_id == first.id
    assert len(reports_near(deps, deps.counties.default, PIN, deps.clock.now())) == 1  # one line per case
