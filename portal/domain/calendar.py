"""Chinese working days (工作日): weekends are off except official make-up working days
(调休上班), statutory holidays and their official bridge days are off.

Sources, in order of precedence:
1. the override table: the State Council's arrangement of a year the installed ``holidays``
   package does not know yet, imported whole (``portal calendar import YEAR FILE``), and any
   single day set by hand (``portal calendar set``);
2. the ``holidays`` package's China calendar for years it has the official arrangement of;
3. for any other year, the statutory holidays alone (no bridge days, no make-up weekends).

A year is **official** only when the package ships its arrangement or the State Council's
arrangement was imported whole (``Arrangement``): a day set by hand, or several, never make
a year official. Clocks that reach a year that is not official are *provisional*, say so
wherever their due instant is shown, and are recomputed when the calendar changes.

A clock of N working days from an instant ends at 23:59:59 Asia/Shanghai of the Nth working
day after the local date of that instant; the day of receipt is not counted, and a receipt
on a weekend or holiday counts from the next working day by the same rule (004 C20, L17).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Iterable, Mapping

import holidays
from holidays.countries.china import ChinaStaticHolidays

from portal.timeutil import SHANGHAI, end_of_local_day, local_date

#: years whose official arrangement (bridge days and make-up working weekends) the package holds
PACKAGE_OFFICIAL_YEARS = frozenset(ChinaStaticHolidays.special_public_holidays)


@lru_cache(maxsize=64)
def _package_year(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """(days off, make-up working days) for ``year`` from the holidays package."""
    if year in PACKAGE_OFFICIAL_YEARS:
        cn = holidays.China(years=year, observed=True)
        off = frozenset(d for d in cn if d.year == year)
        workdays = frozenset(d for d in cn.weekend_workdays if d.year == year)
        return off, workdays
    statutory = holidays.China(years=year, observed=False)
    return frozenset(d for d in statutory if d.year == year), frozenset()


class WorkingCalendar:
    """Pure: built from the override table's rows, ``{date: is_working_day}``, and the years
    whose official arrangement was imported whole (``official_years``)."""

    def __init__(self, overrides: Mapping[date, bool] | None = None, official_years: Iterable[int] = ()):
        self.overrides = dict(overrides or {})
        self.official_years = frozenset(official_years)

    def is_official(self, year: int) -> bool:
        """The year's arrangement is the State Council's: shipped by the holidays package or
        imported whole. Overrides alone (a day set by hand) do not make a year official."""
        return year in PACKAGE_OFFICIAL_YEARS or year in self.official_years

    def is_working_day(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        off, workdays = _package_year(day.year)
        if day in workdays:
            return True
        if day in off:
            return False
        return day.weekday() < 5

    def nth_working_day_after(self, start: date, n: int) -> date:
        if n < 1:
            raise ValueError("n must be at least 1")
        day, counted = start, 0
        while counted < n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def previous_working_day(self, day: date) -> date:
        day -= timedelta(days=1)
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def due_after_working_days(self, instant: datetime, n: int) -> tuple[datetime, bool]:
        """(23:59:59 Asia/Shanghai of the Nth working day after the local date, provisional?)."""
        start = local_date(instant)
        end = self.nth_working_day_after(start, n)
        provisional = any(not self.is_official(y) for y in range(start.year, end.year + 1))
        return end_of_local_day(end), provisional

    def start_of_previous_working_day(self, due: datetime, hour: int = 8) -> datetime:
        """08:00 Asia/Shanghai of the working day before ``due``'s local date (reminders)."""
        day = self.previous_working_day(local_date(due))
        return datetime.combine(day, time(hour, 0), tzinfo=SHANGHAI)
