"""The staff maps: a ticket's place in words (township and village), and the tickets of a
work queue as points for its map view (filtered and scoped exactly like the list)."""

from __future__ import annotations

from dataclasses import dataclass

from portal.domain.complaint import Complaint
from portal.domain.county import County
from portal.domain.gazetteer import Place, nearest_village


@dataclass(frozen=True)
class TicketPlace:
    village: Place | None  #: the nearest village or community of the ticket's township
    approximate: bool  #: the point is a village's point: the reporter chose the village, not a spot


def ticket_place(county: County, complaint: Complaint) -> TicketPlace:
    point = complaint.point
    if point is None:
        return TicketPlace(village=None, approximate=False)
    village = nearest_village(county.villages, point, complaint.township)
    return TicketPlace(village=village, approximate=village is not None and village.point == point)


@dataclass(frozen=True)
class TicketPoint:
    complaint: Complaint
    place: TicketPlace


def ticket_points(county: County, complaints: list[Complaint]) -> list[TicketPoint]:
    """The tickets that have a point, with their place; the caller passes the queue's tickets,
    already scoped to the viewer and filtered."""
    return [TicketPoint(c, ticket_place(county, c)) for c in complaints if c.point is not None]
