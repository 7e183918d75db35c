"""The limits of the nearby-report list, on the domain function alone (portal.domain.nearby;
the service test tests/services/test_nearby.py drives it through the store)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.domain.complaint import Status
from portal.domain.geo import Point, distance_m, offset
from portal.domain.nearby import CELL_M, LIMIT, RADIUS_M, cell_centre, listed, shown
from tests.unit.tickets import filed_ticket

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
PIN = Point(113.850, 26.460)


def ticket(point, *, status=Status.ACCEPTED, discipline_only=False, category="c1-no-planning-permit", n=0,
           age=timedelta(days=1)):
    c = filed_ticket(NOW - age, id=f"01TEST{n:020d}", point=point, discipline_only=discipline_only, category=category)
    c.status, c.case_id = status, f"CASE{n}"
    return c


def test_a_discipline_only_report_is_never_shown_even_at_the_pin():
    """000 §2(3), §4(2)4; 004 C36: that a report about an official exists is a secret."""
    assert not shown(ticket(PIN, discipline_only=True), frozenset(), PIN, NOW)
    assert not shown(ticket(PIN, category="o1-public-official"), frozenset({"o1-public-official"}), PIN, NOW)
    assert shown(ticket(cell_centre(PIN)), frozenset({"o1-public-official"}), cell_centre(PIN), NOW)


def test_only_accepted_reports_are_shown():
    pin = cell_centre(PIN)
    for status in Status:
        assert shown(ticket(pin, status=status), frozenset(), pin, NOW) is (
            status in (Status.ACCEPTED, Status.CONCLUDED, Status.CLOSED)), status


@settings(max_examples=300, deadline=None)
@given(st.floats(-400, 400), st.floats(-400, 400), st.floats(-100, 100), st.floats(-100, 100))
def test_a_shown_report_is_within_250_m_and_its_position_a_cell_centre(east, north, pin_east, pin_north):
    pin = offset(PIN, pin_east, pin_north)
    report = ticket(offset(PIN, east, north))
    result = listed([report], frozenset(), pin, NOW)
    if result:
        assert distance_m(pin, report.point) <= RADIUS_M
        assert result[0].cell == cell_centre(report.point)
        assert distance_m(result[0].cell, report.point) <= CELL_M / 2 * 2 ** 0.5 + 1
    # what decides is the cell, not the point: any other point of the same cell, the same answer
    twin = ticket(cell_centre(report.point))
    assert bool(listed([twin], frozenset(), pin, NOW)) == bool(result)


def test_the_grid_is_about_200_m_and_the_same_for_every_query():
    a = cell_centre(PIN)
    east = cell_centre(offset(a, CELL_M, 0))
    north = cell_centre(offset(a, 0, CELL_M))
    assert abs(distance_m(a, east) - CELL_M) < 5 and abs(distance_m(a, north) - CELL_M) < 5  # rows shift a little
    assert cell_centre(offset(a, 60, -60)) == a == cell_centre(a)


def test_at_most_five_one_per_case_and_only_the_last_180_days():
    pin = cell_centre(PIN)
    many = [ticket(pin, n=n, age=timedelta(days=1, hours=n)) for n in range(8)]
    many[1].case_id = many[0].case_id
    old = ticket(pin, n=99, age=timedelta(days=181))
    result = listed(many + [old], frozenset(), pin, NOW)
    assert len(result) == LIMIT
    assert all(r.week >= (NOW - timedelta(days=8)).date() for r in result)
