"""Patrol weeks and the weekly deadlines of the zero reports (零汇报), pure Python.

A **patrol week** is an ISO week, Monday 00:00 to Sunday 24:00 Asia/Shanghai, named by its
ISO key (``2026-W12``). ISO gives each week to the year of its Thursday, so a week belongs to
exactly one year (the village head's ladder, 004 C33 / L29, counts through that year) and to
the month of its Thursday (the oversight periods, 004 C21 / L18).

**Deadlines** (004 C18(1), L16(1): 各村委会每周四 16:00 前 → the township; 004 C17(1), L15(1):
各乡镇每周五 16:00 前 → the county leading-group office):

- the village's report is due at 16:00 on the week's Thursday;
- the township's at 16:00 on the week's Friday;
- **holiday rule** (the seeds are silent; README "Rules"): a deadline whose day is not a
  working day (a statutory holiday or its bridge day, ``portal.domain.calendar``) moves to
  16:00 of the next working day, as the Civil Code (民法典 Art. 203) moves a period that ends
  on a holiday to the day after it. That day may be a make-up working Saturday or Sunday
  (调休上班) and may lie in the following week. A make-up working day adds no deadline of its
  own; it counts only as the working day a moved deadline lands on;
- the township's report is built from its villages' reports, so it is never due on or before
  the day its villages' reports are due: when the moves put both on one day, the township's
  goes on to 16:00 of the next working day after it.

**The professional patrol** (004 C19: 每周不少于1次) is owed in every week, holidays
included; the week is judged when it ends (Monday 00:00 of the next week).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from portal.domain.calendar import WorkingCalendar
from portal.timeutil import SHANGHAI, local_date

DEADLINE_TIME = time(16, 0)  # 004 C17(1), C18(1): 16:00
VILLAGE_WEEKDAY = 3  # Thursday, 004 C18(1), L16(1)
TOWNSHIP_WEEKDAY = 4  # Friday, 004 C17(1), L15(1)
_KEY = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True, order=True)
class Week:
    year: int  #: the ISO week-numbering year (the year of the week's Thursday)
    number: int

    @property
    def key(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    def day(self, weekday: int) -> date:
        """The day of the week, 0 = Monday."""
        return self.monday + timedelta(days=weekday)

    @property
    def thursday(self) -> date:
        return self.day(3)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.monday, time(0, 0), tzinfo=SHANGHAI)

    @property
    def end(self) -> datetime:
        """The first instant after the week (Monday 00:00 of the next)."""
        return self.start + timedelta(days=7)

    def contains(self, instant: datetime) -> bool:
        return self.start <= instant < self.end

    def holds(self, day: date) -> bool:
        return self.monday <= day < self.monday + timedelta(days=7)

    def next(self) -> "Week":
        return Week.of_date(self.monday + timedelta(days=7))

    def previous(self) -> "Week":
        return Week.of_date(self.monday - timedelta(days=7))

    @classmethod
    def of_date(cls, day: date) -> "Week":
        year, number, _ = day.isocalendar()
        return cls(year, number)

    @classmethod
    def of(cls, instant: datetime) -> "Week":
        return cls.of_date(local_date(instant))

    @classmethod
    def parse(cls, key: str | None) -> "Week | None":
        """From ``2026-W12``; None for anything else (a week that does not exist included)."""
        found = _KEY.match(key or "")
        if not found:
            return None
        try:
            date.fromisocalendar(int(found.group(1)), int(found.group(2)), 1)
        except ValueError:
            return None
        year = int(found.group(1))
        return cls(year, int(found.group(2))) if 2000 <= year <= 2100 else None


def _at_four(day: date) -> datetime:
    return datetime.combine(day, DEADLINE_TIME, tzinfo=SHANGHAI)


def _working_on_or_after(day: date, calendar: WorkingCalendar) -> date:
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def village_deadline(week: Week, calendar: WorkingCalendar) -> datetime:
    """004 C18(1), L16(1): 16:00 on the week's Thursday, or of the next working day when the
    Thursday is not one (the holiday rule above)."""
    return _at_four(_working_on_or_after(week.day(VILLAGE_WEEKDAY), calendar))


def township_deadline(week: Week, calendar: WorkingCalendar) -> datetime:
    """004 C17(1), L15(1): 16:00 on the week's Friday, or of the next working day when the
    Friday is not one; and always a working day after the villages' deadline day."""
    village_day = village_deadline(week, calendar).date()
    day = _working_on_or_after(week.day(TOWNSHIP_WEEKDAY), calendar)
    if day <= village_day:
        day = _working_on_or_after(village_day + timedelta(days=1), calendar)
    return _at_four(day)


def professional_deadline(week: Week) -> datetime:
    """004 C19: the week's professional patrol is judged when the week ends."""
    return week.end


DEADLINES = {"village": village_deadline, "township": township_deadline}


def deadline(level: str, week: Week, calendar: WorkingCalendar) -> datetime:
    if level == "professional":
        return professional_deadline(week)
    return DEADLINES[level](week, calendar)


def weeks_between(first: Week, last: Week) -> list[Week]:
    out, week = [], first
    while week <= last:
        out.append(week)
        week = week.next()
    return out
