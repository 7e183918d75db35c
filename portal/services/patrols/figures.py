"""The control chain's oversight figures per township (004 C21, L18; ``portal.domain.patrols.figures``)
for the leading-group office, beside the complaint figures of ``portal.services.oversight``,
which hands over the tickets it has already read (no second read of the county index).

Cost: one ranged read of the period's patrols (``PATROLS#<county>``, by day), one of its
weekly and missing reports (``WEEKLYS#<county>``, by week), and the year's concealment flags
and decisions (one partition) with one ``get`` per ticket they name.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from portal.domain.access import Actor
from portal.domain.oversight import Period
from portal.domain.patrols.figures import PatrolFigures, period_weeks, tally
from portal.domain.patrols.weeks import township_deadline, village_deadline
from portal.domain.routing import built_up_township
from portal.services.deps import Deps
from portal.services.patrols import concealment
from portal.timeutil import local_date


def compute(deps: Deps, actor: Actor, period: Period, tickets: list, now: datetime) -> dict[str, PatrolFigures]:
    """Figures per township code for ``period``; ``tickets``: those the office's figures count."""
    county = deps.counties.get(actor.county) or deps.counties.default
    weeks = period_weeks(period.start, period.end)
    records = deps.repos.patrols
    calendar = deps.calendar()
    due = {}
    for week in weeks:
        due[("village", week.key)] = village_deadline(week, calendar)
        due[("township", week.key)] = township_deadline(week, calendar)
    last_day = local_date(period.end) - timedelta(days=1)
    patrols = records.between(county.code, local_date(period.start), last_day)
    reports, missing = records.weeks(county.code, weeks[0].key, weeks[-1].key) if weeks else ([], [])
    concerns = concealment.view(deps, actor, str(period.year))
    received = [c for c in tickets if period.contains(c.received_at)]
    townships = [t.code for t in county.townships]
    villages_of = {t: county.grids.villages_of(t) for t in townships}
    return tally([t for t in townships if villages_of[t]], villages_of, weeks, due, patrols, reports, missing,
                 received, concerns, built_up_township(county), now)
