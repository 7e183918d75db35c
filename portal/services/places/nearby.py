"""Reports near a pin, before filing (the limits: ``portal.domain.nearby``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from portal.domain.county import County
from portal.domain.geo import Point
from portal.domain.nearby import WINDOW_DAYS, NearbyReport, listed
from portal.services.deps import Deps


def reports_near(deps: Deps, county: County, pin: Point, now: datetime) -> list[NearbyReport]:
    """Up to 5 accepted reports whose cell lies within 250 m of the pin, from the last 180 days;
    none when the county turned the list off or the pin is outside the county. Discipline-only
    categories are not even read."""
    if not county.nearby_reports or not county.contains(pin):
        return []
    since = now - timedelta(days=WINDOW_DAYS)
    discipline = frozenset(c.code for c in county.categories if c.discipline_only)
    candidates = []
    for category in county.categories:
        if category.code in discipline:
            continue
        candidates += deps.repos.complaints.recent_in_category(county.code, category.code, since)
    return listed(candidates, discipline, pin, now)
