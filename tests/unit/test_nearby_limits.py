"""The limits of the nearby-report list, on the domain function alone (portal.domain.nearby;
the service test tests/services/test_nearby.py drives it through the store)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

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


def test_the_most_recent_report_of_each_case_first_with_its_category_status_and_week():
    """FixMyStreet's list: the newest first, one per case (the case's newest report); what is
    shown: the category, accepted or concluded (a closed report shows as concluded), the
    Monday of its local week."""
    pin = cell_centre(PIN)
    reports = [ticket(pin, n=n, category=f"cat{n}", age=timedelta(days=1, hours=n)) for n in range(7)]
    reports[1].case_id = reports[0].case_id
    reports[2].status, reports[3].status = Status.CONCLUDED, Status.CLOSED
    result = listed(list(reversed(reports)), frozenset(), pin, NOW)
    assert [(r.category, r.status) for r in result] == [
        ("cat0", Status.ACCEPTED), ("cat2", Status.CONCLUDED), ("cat3", Status.CONCLUDED), ("cat4", Status.ACCEPTED),
        ("cat5", Status.ACCEPTED)]
    assert {r.week for r in result} == {date(2026, 11, 16)}  # received on Sunday 22 November, local time


def test_the_week_is_the_local_one():
    """Received at 00:30 on Monday 23 November in China (16:30 on Sunday in UTC): that Monday's week."""
    report = ticket(cell_centre(PIN), age=NOW - datetime(2026, 11, 22, 16, 30, tzinfo=timezone.utc))
    assert [r.week for r in listed([report], frozenset(), cell_centre(PIN), NOW)] == [date(2026, 11, 23)]


@pytest.mark.parametrize("age,is_shown", [
    (timedelta(days=180), True), (timedelta(days=180, seconds=1), False),  # the window's first instant
    (timedelta(0), True), (timedelta(seconds=-1), False),  # received now; a clock ahead: never
])
def test_a_report_is_shown_from_now_back_to_180_days_and_not_beyond(age, is_shown):
    pin = cell_centre(PIN)
    assert shown(ticket(pin, age=age), frozenset(), pin, NOW) is is_shown


def test_the_cell_centre_is_given_to_seven_decimals():
    """About a centimetre: nothing finer than the cell is ever computed into a shown position."""
    for east in (0, 137, 1900):
        centre = cell_centre(offset(PIN, east, east / 3))
        assert (round(centre.lng, 7), round(centre.lat, 7)) == (centre.lng, centre.lat)
        assert (round(centre.lng, 6), round(centre.lat, 6)) != (centre.lng, centre.lat)
