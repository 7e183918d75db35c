"""One builder for the domain tests' tickets: a complaint filed with the routing a test names,
on a calendar without holidays unless given one. Each test file states only what differs."""

from __future__ import annotations

from datetime import datetime

from portal.domain.calendar import WorkingCalendar
from portal.domain.channels import Intake
from portal.domain.complaint import Complaint, Contact
from portal.domain.geo import Point
from portal.domain.routing import Routing

PLAIN_CALENDAR = WorkingCalendar({})
CASE_ID = "01CASECASECASECASECASECASE"


def filed_ticket(received_at: datetime, *, id: str = "01TESTTESTTESTTESTTESTTEST",
                 category: str = "c1-no-planning-permit", description: str = "农田里在盖房子",
                 point: Point = Point(113.85, 26.46), lead: str = "natural_resources", township: str = "xiayang",
                 in_built_up_area: bool = False, discipline_only: bool = False, contact: Contact | None = None,
                 calendar: WorkingCalendar = PLAIN_CALENDAR, quiet: bool = True, intake: Intake | None = None,
                 feedback_days: int | None = None) -> Complaint:
    """A ticket as filed: the township co-handles it unless it is discipline-only (then the
    commission leads alone). ``intake`` and ``feedback_days``: a report registered by staff
    (``portal.domain.channels``). ``quiet`` clears the filing's events and notices so that a test
    sees only what it does next."""
    routing = Routing(lead="discipline" if discipline_only else lead,
                      co_handler=None if discipline_only else township, township=township,
                      in_built_up_area=in_built_up_area, discipline_only=discipline_only)
    c = Complaint.file(id=id, seq=1, county="430225", category=category, description=description, address="",
                       point=point, routing=routing, received_at=received_at, receipt_hash="h", case_id=CASE_ID,
                       evidence=[], contact=contact, calendar=calendar, lead_name="县自然资源局", intake=intake,
                       feedback_days=feedback_days)
    if quiet:
        c.new_events.clear()
        c.new_notifications.clear()
    return c
