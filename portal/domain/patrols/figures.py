"""The control chain in the oversight figures (004 C21, L18: 重点检查网格管理……), per township
for a month, quarter, half-year or year, pure Python:

- **patrols recorded** in the township's grids (village, township and professional patrols);
- **weekly reports** of its villages and of the township itself: on time, late, missing. A
  week belongs to the period its Thursday falls in (ISO weeks; ``weeks``); a report not yet
  due and not filed counts nowhere, one past due and not filed is missing once the sweeper
  has flagged it at its deadline (so the weeks before the portal ran, which the sweeper never
  judges, count against nobody in the figures or the ranking);
- **findings by patrol against findings by citizen report**: tickets received in the period
  in the township, by source (a patrol's finding, or a report with a reporter: web, phone,
  letter, hand-over; a campaign survey's finding is neither), never a report for the
  discipline commission alone;
- **professional patrols** held (004 C19), counted in the built-up area's town, with the
  weeks without one;
- **concealment confirmed** (004 C33, L29): village weeks of the period the office confirmed.

The half-year ranking weighs missing reports and confirmed concealment after the breach rate
and the monthly-review findings (``portal.domain.oversight.ranking``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Iterable

from portal.domain.patrols.concealment import Concern
from portal.domain.patrols.records import MissingReport, Patrol, WeeklyReport
from portal.domain.patrols.weeks import Week
from portal.timeutil import SHANGHAI


def _tally() -> dict[str, int]:
    return {"on_time": 0, "late": 0, "missing": 0}


@dataclass
class PatrolFigures:
    unit: str
    patrols: int = 0
    village_reports: dict[str, int] = field(default_factory=_tally)
    township_reports: dict[str, int] = field(default_factory=_tally)
    by_patrol: int = 0
    by_citizen: int = 0
    professional: int = 0
    professional_weeks_missed: int = 0
    concealment_confirmed: int = 0
    #: the confirmed village weeks (004 C33, L29), with their step on the village head's ladder
    confirmed: list[Concern] = field(default_factory=list)

    @property
    def reports_missing(self) -> int:
        return self.village_reports["missing"] + self.township_reports["missing"]

    @property
    def penalty(self) -> int:
        """What the ranking weighs: missing reports, weeks without the professional patrol, and
        confirmed concealment."""
        return self.reports_missing + self.professional_weeks_missed + self.concealment_confirmed


def period_weeks(start: datetime, end: datetime) -> list[Week]:
    """The ISO weeks whose Thursday falls in [start, end)."""
    weeks, week = [], Week.of(start).previous()
    while True:
        thursday = datetime.combine(week.thursday, time(12, 0), tzinfo=SHANGHAI)
        if thursday >= end:
            return weeks
        if thursday >= start:
            weeks.append(week)
        week = week.next()


def tally(townships: list[str], villages_of: dict[str, list[str]], weeks: list[Week],
          due: dict[tuple[str, str], datetime], patrols: Iterable[Patrol], reports: Iterable[WeeklyReport],
          missing: Iterable[MissingReport], tickets: Iterable, concerns: Iterable[Concern], built_up_town: str | None,
          now: datetime) -> dict[str, PatrolFigures]:
    """``due[(level, week key)]``: the deadline of each week and level; ``tickets``: the
    tickets received in the period that may be counted (never discipline-only)."""
    rows = {t: PatrolFigures(unit=t) for t in townships}

    def row(code: str | None) -> PatrolFigures | None:
        if code is None:
            return None
        return rows.setdefault(code, PatrolFigures(unit=code))

    keys = {w.key for w in weeks}
    for p in patrols:
        r = row(p.township)
        r.patrols += 1
        if p.kind == "professional":
            r.professional += 1
    filed = {(r.week, r.level, r.unit): r for r in reports if r.week in keys}
    missing = list(missing)
    flagged = {(m.week, m.level, m.unit) for m in missing}
    for week in weeks:
        for township in townships:
            for level, units in (("village", villages_of.get(township, [])), ("township", [township])):
                tally_of = rows[township].village_reports if level == "village" else rows[township].township_reports
                deadline = due[(level, week.key)]
                for unit in units:
                    report = filed.get((week.key, level, unit))
                    if report is not None:
                        tally_of["on_time" if report.filed_at <= deadline else "late"] += 1
                    elif now > deadline and (week.key, level, unit) in flagged:
                        tally_of["missing"] += 1  # judged by the sweeper: never a week before the portal ran
    for m in missing:
        if m.level == "professional" and m.week in keys:
            target = row(m.township or built_up_town)
            if target is not None:
                target.professional_weeks_missed += 1
    for c in tickets:
        r = row(c.co_handler or c.township)
        if getattr(c, "patrol", None) is not None:
            r.by_patrol += 1
        elif getattr(c, "has_reporter", True):  # a campaign survey's finding is neither
            r.by_citizen += 1
    for c in concerns:
        if c.status == "confirmed" and c.week in keys:
            row(c.township).concealment_confirmed += 1
            row(c.township).confirmed.append(c)
    return rows
