"""Reports near a pin, shown to a citizen before filing, and the limits that keep them safe.

FixMyStreet's suggestion radius and count: up to 5 reports, within 250 m, from the last 180
days. What is shown of each: its category, its status in words and the week it came in, at
the centre of a fixed grid cell of about 200 m; never a description, a photo, an exact point,
a day or a time. Shown only once a department has accepted the report (its township has by
then been on site, 004 C17(2), L15(2)), and never a report for the discipline commission
(000 §2(3), §4(2)4; 004 C36: that such a report exists is itself a secret).

Whether a report is listed depends on its cell, never on its exact point: it is listed when
its whole cell lies within 250 m of the pin (the cell's centre within 250 m less half the
cell's diagonal). Moving the pin about therefore tells nothing finer than the cell, and a
report more than 250 m from the pin is never listed. Threat model: docs/threat-model.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from portal.domain.complaint import Complaint, Status
from portal.domain.geo import EARTH_RADIUS_M, Point, distance_m
from portal.timeutil import local_date

RADIUS_M = 250.0
WINDOW_DAYS = 180
LIMIT = 5
CELL_M = 200.0
#: a cell's centre must lie this close to the pin for the whole cell to lie within the radius
CELL_REACH_M = RADIUS_M - CELL_M * math.sqrt(2) / 2

SHOWN_STATUSES = frozenset({Status.ACCEPTED, Status.CONCLUDED, Status.CLOSED})

_M_PER_DEG = math.pi * EARTH_RADIUS_M / 180
_LAT_STEP = CELL_M / _M_PER_DEG


@dataclass(frozen=True)
class NearbyReport:
    category: str
    status: Status  #: ACCEPTED, or CONCLUDED (a closed report shows as concluded)
    week: date  #: the Monday of the week it was received (local time)
    cell: Point  #: the centre of its grid cell, never its point


def cell_centre(point: Point) -> Point:
    """The centre of the fixed grid cell (about ``CELL_M`` on a side) holding the point. The grid
    is the same for every query: rows of equal latitude, each row's columns as wide in metres."""
    row = math.floor(point.lat / _LAT_STEP)
    lat = (row + 0.5) * _LAT_STEP
    lng_step = CELL_M / (_M_PER_DEG * math.cos(math.radians(lat)))
    col = math.floor(point.lng / lng_step)
    return Point(round((col + 0.5) * lng_step, 7), round(lat, 7))


def shown(complaint: Complaint, discipline_categories: frozenset[str], pin: Point, now: datetime) -> bool:
    """Whether a report may be listed for a pin: accepted, not for the discipline commission,
    received in the last ``WINDOW_DAYS`` days, with a place whose whole cell is within the radius."""
    if complaint.discipline_only or complaint.category in discipline_categories:
        return False
    if complaint.status not in SHOWN_STATUSES or complaint.point is None:
        return False
    if complaint.received_at < now - timedelta(days=WINDOW_DAYS) or complaint.received_at > now:
        return False
    return distance_m(pin, cell_centre(complaint.point)) <= CELL_REACH_M


def listed(candidates, discipline_categories: frozenset[str], pin: Point, now: datetime) -> list[NearbyReport]:
    """At most ``LIMIT`` reports to show, the most recent first, one per case."""
    chosen: list[Complaint] = []
    cases = set()
    for complaint in sorted(candidates, key=lambda c: c.received_at, reverse=True):
        if complaint.case_id in cases or not shown(complaint, discipline_categories, pin, now):
            continue
        cases.add(complaint.case_id)
        chosen.append(complaint)
        if len(chosen) == LIMIT:
            break
    return [NearbyReport(category=c.category,
                         status=Status.ACCEPTED if c.status == Status.ACCEPTED else Status.CONCLUDED,
                         week=_monday(c.received_at), cell=cell_centre(c.point)) for c in chosen]


def _monday(moment: datetime) -> date:
    day = local_date(moment)
    return day - timedelta(days=day.weekday())
