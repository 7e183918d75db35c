"""Working days against the State Council's official 2025 and 2026 arrangements, and the
due-instant rule: a clock of N working days ends at 23:59:59 Asia/Shanghai of the Nth
working day after the local date of receipt (004 C20, L17)."""

from __future__ import annotations

from datetime import date

import pytest

from portal.domain.calendar import WorkingCalendar
from portal.timeutil import iso_local, parse_iso

CAL = WorkingCalendar()


@pytest.mark.parametrize("day,working", [
    ("2025-01-26", True),  # Sunday, make-up working day before Spring Festival
    ("2025-01-28", False), ("2025-02-04", False),  # Spring Festival 28 Jan - 4 Feb
    ("2025-02-08", True),  # Saturday, make-up
    ("2025-04-27", True),  # Sunday, make-up before Labour Day
    ("2025-05-05", False),
    ("2025-09-28", True), ("2025-10-08", False), ("2025-10-11", True),  # National Day + Mid-Autumn
    ("2026-01-02", False), ("2026-01-04", True),  # New Year bridge, Sunday make-up
    ("2026-02-14", True), ("2026-02-16", False), ("2026-02-23", False), ("2026-02-28", True),  # Spring Festival
    ("2026-05-05", False), ("2026-05-09", True),  # Labour Day
    ("2026-09-20", True), ("2026-10-07", False), ("2026-10-10", True),  # National Day
    ("2026-11-23", True), ("2026-11-28", False),  # an ordinary Monday and Saturday
])
def test_official_arrangements(day, working):
    assert CAL.is_working_day(date.fromisoformat(day)) is working


@pytest.mark.parametrize("received,n,due", [
    # 2025 Spring Festival: a Friday before it; the make-up Sunday itself
    ("2025-01-24T10:00:00+08:00", 3, "2025-02-05T23:59:59+08:00"),
    ("2025-01-26T09:00:00+08:00", 3, "2025-02-06T23:59:59+08:00"),
    # 2025 National Day: before it (make-up Sunday counts); the last day before; on a holiday
    ("2025-09-26T16:00:00+08:00", 3, "2025-09-30T23:59:59+08:00"),
    ("2025-09-30T15:00:00+08:00", 3, "2025-10-11T23:59:59+08:00"),
    ("2025-10-03T11:00:00+08:00", 3, "2025-10-11T23:59:59+08:00"),
    # 2026 Spring Festival: Friday before (make-up Saturday counts); on the make-up Saturday; on a holiday
    ("2026-02-13T10:00:00+08:00", 3, "2026-02-25T23:59:59+08:00"),
    ("2026-02-14T09:00:00+08:00", 3, "2026-02-26T23:59:59+08:00"),
    ("2026-02-18T20:00:00+08:00", 3, "2026-02-26T23:59:59+08:00"),
    # 2026 National Day: before it, 3 and 7 working days (the 7-day result notice)
    ("2026-09-29T15:00:00+08:00", 3, "2026-10-09T23:59:59+08:00"),
    ("2026-09-29T15:00:00+08:00", 7, "2026-10-14T23:59:59+08:00"),
    ("2026-09-19T10:00:00+08:00", 3, "2026-09-22T23:59:59+08:00"),  # Saturday; make-up Sunday 20th counts
    # late at night in UTC: the local (Asia/Shanghai) date decides
    ("2026-02-13T15:30:00Z", 3, "2026-02-25T23:59:59+08:00"),  # Fri 23:30 local
    ("2026-02-13T17:30:00Z", 3, "2026-02-26T23:59:59+08:00"),  # Sat 01:30 local (make-up day)
    ("2026-11-22T16:00:00Z", 3, "2026-11-26T23:59:59+08:00"),  # Mon 00:00 local
    ("2026-11-22T15:59:59Z", 3, "2026-11-25T23:59:59+08:00"),  # Sun 23:59:59 local -> counts from Monday
    ("2026-11-23T09:00:00-05:00", 1, "2026-11-24T23:59:59+08:00"),  # any offset accepted
])
def test_004_c20_due_instants(received, n, due):
    instant, provisional = CAL.due_after_working_days(parse_iso(received), n)
    assert iso_local(instant) == due
    assert provisional is False


def test_a_span_into_a_year_without_an_official_arrangement_is_provisional():
    due, provisional = CAL.due_after_working_days(parse_iso("2026-12-28T10:00:00+08:00"), 7)
    assert provisional is True
    # statutory holidays only: 1 Jan 2027 is off, no bridge days are assumed
    assert iso_local(due) == "2027-01-07T23:59:59+08:00"
    assert CAL.is_official(2026) and not CAL.is_official(2027)


def test_overrides_win_but_only_an_imported_arrangement_makes_a_year_official():
    overrides = {date(2027, 1, 4): False, date(2027, 1, 9): True}
    calendar = WorkingCalendar(overrides)
    assert not calendar.is_official(2027)  # days set by hand: still a guess (tests/unit/test_calendar_arrangement.py)
    assert not calendar.is_working_day(date(2027, 1, 4))
    assert calendar.is_working_day(date(2027, 1, 9))  # a Saturday made a working day
    due, provisional = calendar.due_after_working_days(parse_iso("2026-12-31T10:00:00+08:00"), 3)
    # 1 Jan off (statutory), 2-3 weekend, 4 off (override), 5, 6, 7 -> the 7th
    assert (iso_local(due), provisional) == ("2027-01-07T23:59:59+08:00", True)
    imported = WorkingCalendar(overrides, official_years={2027})
    assert imported.due_after_working_days(parse_iso("2026-12-31T10:00:00+08:00"), 3)[1] is False


def test_reminder_instant_is_08_00_of_the_previous_working_day():
    due, _ = CAL.due_after_working_days(parse_iso("2026-02-13T10:00:00+08:00"), 3)
    assert iso_local(CAL.start_of_previous_working_day(due)) == "2026-02-24T08:00:00+08:00"


def test_naive_instants_are_refused():
    with pytest.raises(ValueError):
        parse_iso("2026-02-13T10:00:00")


def test_004_c20_the_years_the_holidays_package_arranged_are_read_lazily_from_the_holiday_table():
    """``calendar.PACKAGE_OFFICIAL_YEARS`` (which years' bridge days and make-up working weekends
    are official, 004 C20's working days) is the table's set; any other missing name is an
    AttributeError naming it."""
    from portal.domain import calendar, holiday_table

    assert calendar.PACKAGE_OFFICIAL_YEARS == holiday_table.official_years() and 2024 in calendar.PACKAGE_OFFICIAL_YEARS
    with pytest.raises(AttributeError) as error:
        calendar.NO_SUCH_NAME  # noqa: B018
    assert error.value.args == ("NO_SUCH_NAME",)
