"""The State Council's holiday arrangement of a year (国务院办公厅关于某年部分节假日安排的通知),
as an operator imports it whole (``portal calendar import YEAR FILE``). Pure: parsing and
checking only; ``portal.services.calendar_admin`` stores it.

The file is YAML, the notice's lists as they are printed::

    source: 国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕N号）
    days_off:            # 放假 (statutory holidays, bridge days and the weekends inside them)
      - 2027-01-01
      - 2027-02-05..2027-02-11
    workdays:            # 调休上班 (make-up working days: weekends)
      - 2027-02-13

A range ``A..B`` is every day from A to B. An arrangement counts as *whole* (and its year as
official, ``portal.domain.calendar``) only if it names its source, lists every statutory
holiday of the year among its days off (the package's statutory dates: New Year, the Spring
Festival, Qingming, Labour Day, Dragon Boat, Mid-Autumn, National Day), makes up only on
weekends, and no day is both off and worked. The notice may reach into the last weeks of the
year before (2019's made up 2018-12-29): December of the year before is accepted, nothing else
outside the year. Errors are English, for the operator's terminal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import holidays
from holidays.countries.china import ChinaStaticHolidays

#: sane bounds: a real notice has about 30 days off and 5 make-up days
MAX_DAYS_OFF = 60
MAX_WORKDAYS = 20
MAX_RANGE_DAYS = 12
SOURCE_MAX = 200


class ArrangementError(ValueError):
    """The file is not a whole arrangement of the year; the message says what is wrong."""


@dataclass(frozen=True)
class Arrangement:
    year: int
    source: str  #: the notice's title and number, shown by ``portal calendar list``
    days_off: frozenset[date]
    workdays: frozenset[date]

    @classmethod
    def parse(cls, year: int, data) -> "Arrangement":
        """From the YAML document's mapping; raises ``ArrangementError``."""
        if not isinstance(data, dict):
            raise ArrangementError("the file must be a YAML mapping with source, days_off and workdays")
        unknown = set(data) - {"year", "source", "days_off", "workdays"}
        if unknown:
            raise ArrangementError(f"unknown key(s): {', '.join(sorted(map(str, unknown)))}")
        if "year" in data and data["year"] != year:
            raise ArrangementError(f"the file is for {data['year']}, not {year}")
        source = data.get("source")
        if not isinstance(source, str) or not source.strip():
            raise ArrangementError("source: name the State Council's notice (title and number)")
        if len(source.strip()) > SOURCE_MAX:
            raise ArrangementError(f"source: at most {SOURCE_MAX} characters")
        days_off = _days(data.get("days_off"), "days_off", year, MAX_DAYS_OFF)
        workdays = _days(data.get("workdays", []), "workdays", year, MAX_WORKDAYS)
        arrangement = cls(year=year, source=source.strip(), days_off=days_off, workdays=workdays)
        arrangement.check_whole()
        return arrangement

    def check_whole(self) -> None:
        both = sorted(self.days_off & self.workdays)
        if both:
            raise ArrangementError(f"{both[0].isoformat()} is both a day off and a make-up working day")
        weekday = sorted(d for d in self.workdays if d.weekday() < 5)
        if weekday:
            raise ArrangementError(f"{weekday[0].isoformat()} is a weekday: make-up working days are weekends")
        missing = sorted(statutory_holidays(self.year) - self.days_off)
        if missing:
            raise ArrangementError("not the whole arrangement: the statutory holiday(s) "
                                   f"{', '.join(d.isoformat() for d in missing)} are not among the days off")


def statutory_holidays(year: int) -> frozenset[date]:
    """The statutory holidays (法定节假日) of ``year``, without bridge days or make-up days."""
    calendar = holidays.China(years=year, observed=False)
    # for the years it knows, the package adds their bridge days (调休放假) to the holidays
    bridges = {date(year, entry[0], entry[1]) for entry in ChinaStaticHolidays.special_public_holidays.get(year, ())}
    return frozenset(d for d in calendar if d.year == year and d not in bridges)


def _days(value, field: str, year: int, limit: int) -> frozenset[date]:
    if value is None:
        raise ArrangementError(f"{field}: missing")
    if not isinstance(value, list):
        raise ArrangementError(f"{field}: a list of dates (YYYY-MM-DD) or ranges (YYYY-MM-DD..YYYY-MM-DD)")
    out: set[date] = set()
    for entry in value:
        out.update(_entry(entry, field))
    if len(out) > limit:
        raise ArrangementError(f"{field}: {len(out)} days, more than a notice ever has ({limit})")
    first = date(year - 1, 12, 1)
    for day in sorted(out):
        if not first <= day <= date(year, 12, 31):
            raise ArrangementError(f"{field}: {day.isoformat()} is outside {year} (December {year - 1} is accepted)")
    return frozenset(out)


def _entry(entry, field: str) -> list[date]:
    if isinstance(entry, date):
        return [entry]
    if not isinstance(entry, str):
        raise ArrangementError(f"{field}: {entry!r} is not a date")
    start_text, sep, end_text = entry.strip().partition("..")
    start = _date(start_text, field)
    if not sep:
        return [start]
    end = _date(end_text, field)
    span = (end - start).days
    if not 0 <= span < MAX_RANGE_DAYS:
        raise ArrangementError(f"{field}: {entry} is not a range of 1 to {MAX_RANGE_DAYS} days")
    return [start + timedelta(days=n) for n in range(span + 1)]


def _date(text: str, field: str) -> date:
    try:
        if len(text.strip()) != 10:
            raise ValueError
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ArrangementError(f"{field}: {text.strip()!r} is not a date (YYYY-MM-DD)") from None
