"""004 C18(1), L16(1): villages report the week's patrols by Thursday 16:00; 004 C17(1), L15(1):
townships by Friday 16:00. The holiday rule (README, Rules): a deadline on a day off moves to
16:00 of the next working day (a make-up working Saturday or Sunday included), and the
township's is always a working day after its villages'. Real calendars (the holidays
package's official arrangements) and one override calendar."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from portal.domain.calendar import WorkingCalendar
from portal.domain.patrols.weeks import Week, deadline, professional_deadline, township_deadline, village_deadline
from portal.timeutil import SHANGHAI

CAL = WorkingCalendar()


def at(day: str, hour: int = 16) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), tzinfo=SHANGHAI).replace(hour=hour)


def week_of(day: str) -> Week:
    return Week.of_date(date.fromisoformat(day))


def test_004_c18_1_and_c17_1_an_ordinary_week_thursday_and_friday_at_16():
    week = week_of("2026-03-16")  # Monday
    assert week.key == "2026-W12"
    assert village_deadline(week, CAL) == at("2026-03-19")  # Thursday 16:00
    assert township_deadline(week, CAL) == at("2026-03-20")  # Friday 16:00


@pytest.mark.parametrize("monday,village,township,why", [
    # Qingming 2025: Friday 4 April off; the village's Thursday stands, the township's moves to Monday
    ("2025-03-31", "2025-04-03", "2025-04-07", "Friday a holiday"),
    # National Day 2024: Tue 1 - Mon 7 October off; both move to Tuesday 8th, the township's a day later
    ("2024-09-30", "2024-10-08", "2024-10-09", "Thursday and Friday in a golden week"),
    # Dragon Boat 2023: Thu 22 - Sat 24 June off, Sunday 25th a make-up working day
    ("2023-06-19", "2023-06-25", "2023-06-26", "moved to a make-up Sunday, the township's to Monday"),
    # National Day 2022: Thu 6 and Fri 7 October off, Sat 8 and Sun 9 make-up working days
    ("2022-10-03", "2022-10-08", "2022-10-09", "make-up Saturday for the village, Sunday for the township"),
    # 2020: Thursday 8 October off, Friday 9th working, Saturday 10th a make-up working day
    ("2020-10-05", "2020-10-09", "2020-10-10", "the village's on Friday, the township's on the make-up Saturday"),
    # New Year 2026: Thu 1 and Fri 2 January off, Sunday 4th a make-up working day
    ("2025-12-29", "2026-01-04", "2026-01-05", "ISO week 2026-W01"),
    # Spring Festival 2025: Tue 28 January - Tue 4 February off
    ("2025-01-27", "2025-02-05", "2025-02-06", "into the next week"),
])
def test_004_c18_1_and_c17_1_holiday_weeks_move_to_the_next_working_day(monday, village, township, why):
    week = week_of(monday)
    assert village_deadline(week, CAL) == at(village), why
    assert township_deadline(week, CAL) == at(township), why


def test_004_c17_1_a_make_up_working_saturday_adds_no_deadline_of_its_own():
    """2024-W37: Saturday 14 September is a make-up working day; Thursday and Friday are
    ordinary working days, so the deadlines stay on them."""
    week = week_of("2024-09-09")
    assert CAL.is_working_day(date(2024, 9, 14))
    assert village_deadline(week, CAL) == at("2024-09-12")
    assert township_deadline(week, CAL) == at("2024-09-13")


def test_004_c17_1_the_override_table_moves_deadlines_too():
    """A year the package does not know: the office enters the State Council's arrangement
    (``portal calendar set``); here Friday off and the Saturday after it a make-up working day."""
    week = Week(2031, 10)  # Monday 3 March 2031
    calendar = WorkingCalendar({date(2031, 3, 7): False, date(2031, 3, 8): True})
    assert village_deadline(week, calendar) == at("2031-03-06")
    assert township_deadline(week, calendar) == at("2031-03-08")  # the make-up Saturday


def test_004_c17_1_the_township_deadline_is_never_on_or_before_its_villages():
    """Over ten years of real calendars, week by week."""
    week = Week(2016, 1)
    while week < Week(2027, 1):
        village, township = village_deadline(week, CAL), township_deadline(week, CAL)
        assert township.date() > village.date(), week.key
        assert CAL.is_working_day(village.date()) and CAL.is_working_day(township.date()), week.key
        assert village.date() >= week.thursday and village.hour == 16 and township.hour == 16
        week = week.next()


def test_004_c19_the_professional_patrol_week_is_judged_when_it_ends_holidays_included():
    week = week_of("2024-09-30")  # a golden week: still owed
    assert professional_deadline(week) == datetime(2024, 10, 7, 0, 0, tzinfo=SHANGHAI)
    assert deadline("professional", week, CAL) == professional_deadline(week)


def test_week_keys_parse_only_weeks_that_exist():
    assert Week.parse("2026-W12") == Week(2026, 12)
    assert Week.parse("2020-W53") == Week(2020, 53)  # 2020 has 53 ISO weeks
    for bad in ("2021-W53", "2026-W00", "2026-12", "2026-W1", "../W12", "", None, "9999-W01"):
        assert Week.parse(bad) is None, bad
    assert Week.of(datetime(2026, 1, 1, 12, tzinfo=SHANGHAI)).key == "2026-W01"
    assert Week.of(datetime(2024, 12, 30, 1, tzinfo=SHANGHAI)).key == "2025-W01"  # ISO: the year of its Thursday


def test_004_c18_1_c17_1_the_deadline_of_each_level_on_the_calendar_given():
    """The level names the rule, and the calendar passed is the one its holiday rule reads."""
    week = Week(2031, 10)
    calendar = WorkingCalendar({date(2031, 3, 6): False, date(2031, 3, 7): False})  # Thursday and Friday off
    assert deadline("village", week, calendar) == village_deadline(week, calendar) == at("2031-03-10")
    assert deadline("township", week, calendar) == township_deadline(week, calendar) == at("2031-03-11")
    assert deadline("village", week, CAL) == at("2031-03-06")
