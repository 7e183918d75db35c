"""The sweeper's part in the weekly reports (004 C17(1), C18(1), C19), through the due index.

Each county has three schedule records (``PATROLS#<county>`` / ``SCHEDULE#<level>``), one per
deadline: the villages' (Thursday 16:00), the townships' (Friday 16:00), each moved by the
holiday rule (``portal.domain.patrols.weeks``), and the end of the week for the professional
patrol (004 C19). A schedule names the next week to judge and wakes at that week's deadline.
When it wakes, the week is judged and the schedule moves to the next week:

- every village (township) of the grid table without a report filed by the deadline gets a
  missing report, written once ("must not exist": a second sweep, or a sweep run again after
  a crash half way, writes nothing more), listed for the unit told of it: the township for a
  village's report, the county office for a township's;
- a week without a professional patrol in the built-up area is flagged to the county office;
- at the townships' deadline, the week's concealment flags are reconciled (``concealment``).

A schedule is created by the first sweep that finds none, for the first week whose deadline
is still ahead: weeks before the portal ran are never judged. A sweep that was down for a
while judges every week it missed, oldest first, a few per sweep.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from portal.domain.county import County
from portal.domain.patrols.records import MissingReport
from portal.domain.patrols.weeks import Week, deadline
from portal.domain.routing import built_up_township
from portal.ports import ConditionFailed
from portal.services import county_schedules
from portal.services.deps import Deps
from portal.services.patrols import violations

LEVELS = ("village", "township", "professional")
#: weeks one sweep may judge for one schedule (a sweeper down for longer catches up over sweeps)
CATCH_UP = 8


@dataclass
class Judged:
    week: str
    level: str
    flagged: int = 0
    concealment: int = 0


def _levels(county: County) -> list[str]:
    levels = []
    if county.grids.grids:
        levels += ["village", "township"]
    if county.professional_patrol is not None and county.built_up_area:
        levels.append("professional")
    return levels


def _office(county: County) -> str:
    return next(d.code for d in county.departments if d.kind == "oversight")


def ensure_schedules(deps: Deps, now: datetime) -> int:
    """Give every county its three schedules (``LEVELS``; a level the county does not use wakes
    weekly and judges nothing, so no county is read whole to know its levels), through
    ``portal.services.county_schedules``. Returns how many schedules were created."""
    records = deps.repos.patrols
    calendar = None

    def create(code: str) -> int:
        nonlocal calendar
        created = 0
        for level in LEVELS:
            if records.schedule(code, level) is not None:
                continue
            calendar = calendar or deps.calendar()
            week = Week.of(now)
            while deadline(level, week, calendar) <= now:
                week = week.next()
            created += county_schedules.write_once(
                deps, records.schedule_op(code, level, week.key, deadline(level, week, calendar), 0))
        return created

    return county_schedules.ensure(deps, records.scheduled, create)


def judge(deps: Deps, county: County, level: str, week: Week, due: datetime, now: datetime) -> Judged:
    """Flag once what is missing at ``due`` (see the module's docstring)."""
    records = deps.repos.patrols
    out = Judged(week=week.key, level=level)
    flags: list[MissingReport] = []
    if level in ("village", "township"):
        reports, _ = records.week(county.code, week.key)
        filed = {r.unit for r in reports if r.level == level and r.filed_at <= due}
        if level == "village":
            for code in county.grids.villages:
                place = county.village(code)
                if code not in filed and place is not None:
                    flags.append(MissingReport(county=county.code, week=week.key, level=level, unit=code,
                                               township=place.township, due_at=due, flagged_at=now,
                                               notified=place.township))
        else:
            for code in county.grids.townships:
                if code not in filed:
                    flags.append(MissingReport(county=county.code, week=week.key, level=level, unit=code,
                                               township=code, due_at=due, flagged_at=now, notified=_office(county)))
            out.concealment = violations.reconcile(deps, county, week.key, now)
    else:
        town = built_up_township(county)
        held = [p for p in records.of_week(county.code, week.key, town) if p.kind == "professional"] if town else []
        if not held:
            flags.append(MissingReport(county=county.code, week=week.key, level=level,
                                       unit=county.professional_patrol.lead, township=town, due_at=due,
                                       flagged_at=now, notified=_office(county)))
    for flag in flags:
        out.flagged += records.write_once([records.missing_op(flag)])
    return out


def scheduled(deps: Deps, county_code: str, level: str, now: datetime) -> list[Judged]:
    """The sweeper's handler for one schedule: judge every week whose deadline has come."""
    records = deps.repos.patrols
    item = records.schedule(county_code, level)
    county = deps.counties.get(county_code)
    if item is None or county is None:
        return []
    used = level in _levels(county)  # else the week passes unjudged: nothing of that level to report
    week = Week.parse(item.body.get("week"))
    if week is None:
        return []
    calendar = deps.calendar()
    judged = []
    for _ in range(CATCH_UP):
        due = deadline(level, week, calendar)
        if due > now:
            break
        if used:
            judged.append(judge(deps, county, level, week, due, now))
        week = week.next()
    # rewritten even when nothing was due: a calendar change may have moved the deadline
    try:
        deps.store.write([records.schedule_op(county_code, level, week.key, deadline(level, week, calendar),
                                              item.version)])
    except ConditionFailed:
        pass  # another sweep moved it; its flags and these are the same records
    return judged
