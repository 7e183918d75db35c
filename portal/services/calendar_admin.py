"""The working-day calendar's administration: the State Council's arrangement of a year
imported whole (which makes the year official), single days set by hand (which do not), the
year as ``portal calendar list`` shows it with the source of every day, and recomputing the
open clocks a change moves (their provisional mark included)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import yaml

from portal.domain.arrangement import Arrangement, ArrangementError
from portal.domain.calendar import PACKAGE_OFFICIAL_YEARS, WorkingCalendar, _package_year
from portal.ports import ConditionFailed
from portal.services.deps import Deps
from portal.store import keys as K
from portal.timeutil import SHANGHAI, end_of_local_day


def set_day(deps: Deps, day: date, workday: bool, note: str, actor: str, now: datetime) -> int:
    """Record the override, then recompute every open working-day clock that reaches that
    year. Returns how many clocks moved."""
    deps.repos.calendar.set(day, workday, note.strip(), actor, now)
    deps.forget_calendar()
    return recompute_open_clocks(deps, day.year, now)


def recompute_open_clocks(deps: Deps, year: int, now: datetime) -> int:
    calendar = deps.calendar()
    horizon = end_of_local_day(date(year + 1, 12, 31))
    moved = 0
    for ref in deps.repos.due.due(horizon):
        if ref.sk != K.META or not ref.pk.startswith("CMP#"):
            continue
        for _ in range(3):
            complaint = deps.repos.complaints.get(ref.pk.split("#", 1)[1])
            if complaint is None:
                break
            changed = complaint.recompute_clocks(calendar)
            if not changed:
                break
            complaint._record(now, "clocks_recomputed", "system", data={"clocks": changed, "year": year})
            try:
                deps.store.write(deps.repos.complaints.save_ops(complaint))
                deps.repos.complaints.committed(complaint)
                moved += len(changed)
                break
            except ConditionFailed:
                continue
    return moved


@dataclass(frozen=True)
class ImportOutcome:
    arrangement: Arrangement
    replaced: list[dict]  #: entries of the year the notice replaced (date, workday, note)
    moved: int  #: open clocks recomputed


def parse_arrangement(year: int, text: str) -> Arrangement:
    """The arrangement file's YAML (``portal.domain.arrangement``); ``ArrangementError`` if it is
    not one, or not the whole arrangement of ``year``."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ArrangementError(f"not YAML: {exc}") from None
    return Arrangement.parse(year, data)


def import_year(deps: Deps, arrangement: Arrangement, actor: str, now: datetime) -> ImportOutcome:
    """The State Council's arrangement of a year, entered whole: its days off and make-up
    working days replace the year's entries (the replaced ones are named in the arrangement
    record), the year becomes official, and every open clock reaching it is recomputed."""
    existing = deps.repos.calendar.year(arrangement.year)
    if arrangement.year - 1 in {d.year for d in arrangement.days_off | arrangement.workdays}:
        existing |= {d: row for d, row in deps.repos.calendar.year(arrangement.year - 1).items()
                     if d in arrangement.days_off or d in arrangement.workdays}
    ops, replaced = deps.repos.arrangements.import_ops(arrangement, existing, actor, now)
    deps.store.write(ops)
    deps.forget_calendar()
    return ImportOutcome(arrangement, replaced, recompute_open_clocks(deps, arrangement.year, now))


def calendar_for(deps: Deps, year: int) -> WorkingCalendar:
    """The calendar ``year`` is counted on: the cached one near today, else one read for it."""
    today = deps.clock.now().year
    if today - 1 <= year <= today + 2:
        return deps.calendar()
    return WorkingCalendar(deps.repos.calendar.for_years([year]), deps.repos.arrangements.official_years())


def describe_year(deps: Deps, year: int) -> list[str]:
    """``portal calendar list YEAR``: whether the year is official and from what source, then
    each day off and make-up working day with its own source."""
    calendar = calendar_for(deps, year)
    overrides = deps.repos.calendar.year(year)
    imported = deps.repos.arrangements.get(year)
    if imported is not None:
        head = (f"{year}: official arrangement, imported whole: {imported['source']} "
                f"({imported['days_off']} days off, {imported['workdays']} make-up working days; "
                f"by {imported['by']} at {imported['at']})")
    elif calendar.is_official(year):
        head = f"{year}: official arrangement, from the holidays package"
    else:
        head = (f"{year}: PROVISIONAL (statutory holidays only, no bridge days or make-up working days; import "
                f"the State Council's arrangement with `portal calendar import {year} FILE`)")
    lines = [head]
    source = "holidays package" if year in PACKAGE_OFFICIAL_YEARS else "statutory holiday"
    off, workdays = _package_year(year)
    for d in sorted(off):
        if d not in overrides:
            lines.append(f"  {d.isoformat()} holiday  ({source})")
    for d in sorted(workdays):
        if d not in overrides:
            lines.append(f"  {d.isoformat()} workday  (make-up working day, {source})")
    for d, row in sorted(overrides.items()):
        kind = "workday" if row["workday"] else "holiday"
        origin = "State Council arrangement" if row.get("arrangement") else f"set by hand: {row['note']}"
        lines.append(f"  {d.isoformat()} {kind}  ({origin})")
    return lines
