"""The override table of the working-day calendar, and recomputing the clocks it moves."""

from __future__ import annotations

from datetime import date, datetime, timedelta

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


def describe_year(deps: Deps, year: int) -> list[str]:
    calendar = deps.calendar() if year in range(deps.clock.now().year - 1, deps.clock.now().year + 3) else \
        WorkingCalendar(deps.repos.calendar.for_years([year]))
    overrides = deps.repos.calendar.year(year)
    lines = [f"{year}: " + ("official arrangement" if calendar.is_official(year) else
                            "PROVISIONAL (statutory holidays only; set the State Council's arrangement with "
                            "`portal calendar set`)")]
    source = "holidays package" if year in PACKAGE_OFFICIAL_YEARS else "statutory holidays"
    off, workdays = _package_year(year)
    for d in sorted(off):
        if d not in overrides:
            lines.append(f"  {d.isoformat()} holiday  ({source})")
    for d in sorted(workdays):
        if d not in overrides:
            lines.append(f"  {d.isoformat()} workday  (make-up working day, {source})")
    for d, row in sorted(overrides.items()):
        lines.append(f"  {d.isoformat()} {'workday' if row['workday'] else 'holiday'}  (override: {row['note']})")
    return lines
