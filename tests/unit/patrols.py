"""One builder for the domain tests' patrols: a patrol recorded with nothing found, by "x",
along route "r", in no particular village or grid. Each test file states only what differs."""

from __future__ import annotations

from datetime import date, datetime

from portal.domain.patrols.records import Patrol


def recorded_patrol(*, patrolled_on: date, week: str, recorded_at: datetime, id: str = "P", county: str = "430225",
                    kind: str = "village", unit: str = "u", township: str = "xiayang") -> Patrol:
    return Patrol(id=id, county=county, kind=kind, unit=unit, township=township, village=None, grid=None,
                  patrolled_on=patrolled_on, week=week, route="r", nothing_found=True, recorded_by="x",
                  recorded_at=recorded_at)
