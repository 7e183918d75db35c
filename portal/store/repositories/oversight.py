"""Oversight records (004 C21, L18; C35, L31), over the store port like every repository.

==============================  ===================  ==========================================
record                          pk                   sk
==============================  ===================  ==========================================
monthly-review finding          ``REVIEW#<county>``  ``FIND#<YYYY-MM>#<township>`` (never deleted)
monthly review held             ``REVIEW#<county>``  ``RUN#<YYYY-MM>`` (one per month: idempotence)
next review (sweeper)           ``REVIEW#<county>``  ``SCHEDULE`` (index ``due``: wakes on the 1st)
counties with a schedule        ``REVIEWS``          ``#``: the codes, so that a sweep in a new
                                                     process reads one item, not one per county
==============================  ===================  ==========================================

A county's findings of a year are one partition read with a prefix (``FIND#<YYYY>-``);
a period's with a range. The complaints of a period are read through the ``county`` index
(see ``portal.services.oversight`` for the cost).
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable, Iterable

from portal.domain.complaint import Complaint
from portal.domain.oversight import ReviewFinding
from portal.ports import ABSENT, Item, Op, Put, Store
from portal.store import keys as K
from portal.store.codec import dump, load
from portal.store.formats import declare
from portal.store.repositories.base import ScheduledCounties, every_item
from portal.timeutil import to_store

SCHEDULE = "SCHEDULE"

REVIEW_FINDING = declare("monthly-review finding", pk="REVIEW#", sk="FIND#")
REVIEW_RUN = declare("monthly review held", pk="REVIEW#", sk="RUN#")
REVIEW_SCHEDULE = declare("monthly-review schedule", pk="REVIEW#", sk=SCHEDULE)
SCHEDULED_COUNTIES = declare("counties with a review schedule", pk="REVIEWS", sk=K.POINTER)


def review_pk(county: str) -> str:
    return f"REVIEW#{county}"


class OversightRecords:
    def __init__(self, store: Store, shards: int):
        self.store, self.shards = store, shards
        #: the counties with a review schedule
        self.scheduled = ScheduledCounties(store, SCHEDULED_COUNTIES.pk)

    # --- the complaints a period's figures read ------------------------------------------
    def window(self, index: str, active_partition: str, done_partition: str, since: datetime,
               from_item: Callable[[Item], Complaint]) -> tuple[list[Complaint], list[Complaint]]:
        """(every open ticket, every ticket closed at or after ``since``) of one index's
        partitions. The ``done`` sort key is the closing instant, and a ticket closes after it
        is received, so this holds every ticket received since ``since``."""
        active = [from_item(i) for i in self._items(index, active_partition, {})]
        done = [from_item(i) for i in self._items(index, done_partition, {"sk_from": to_store(since)})]
        return active, done

    def open_in_area(self, county: str, township: str, from_item: Callable[[Item], Complaint]) -> list[Complaint]:
        """The tickets a township co-handles that are not closed (index ``area``; none is
        discipline-only: those carry no ``area`` key)."""
        return [from_item(i) for i in self._items("area", f"A#{county}#{township}#active", {})]

    def _items(self, index: str, partition: str, bounds: dict) -> Iterable[Item]:
        return every_item(self.store, partition, index=index, **bounds)

    # --- monthly review (004 C35, L31) -----------------------------------------------------
    def finding_op(self, f: ReviewFinding) -> Op:
        return Put(Item(pk=review_pk(f.county), sk=f"FIND#{f.month}#{f.township}", body=dump(f)), expect=ABSENT)

    def run_op(self, county: str, month: str, at: datetime, run_by: str, found: int, read: int) -> Op:
        """The review of ``month`` held: must not exist, so a second run writes nothing."""
        return Put(Item(pk=review_pk(county), sk=f"RUN#{month}",
                        body={"at": to_store(at), "run_by": run_by, "townships_found": found, "tickets_read": read}),
                   expect=ABSENT)

    def run(self, county: str, month: str) -> dict | None:
        item = self.store.get(review_pk(county), f"RUN#{month}")
        return dict(item.body) if item else None

    def findings(self, county: str, first_month: str, last_month: str) -> list[ReviewFinding]:
        """Findings of the review months ``first_month``..``last_month`` (``YYYY-MM``), in order."""
        out = []
        for item in self._items(None, review_pk(county), {"sk_from": f"FIND#{first_month}#",
                                                          "sk_to": f"FIND#{last_month}#{K.HIGH}"}):
            out.append(load(ReviewFinding, dict(item.body)))
        return out

    def counts_in_year(self, county: str, year: int, before_month: str) -> dict[str, int]:
        """Stored findings per township in ``year`` at reviews before ``before_month``, every one
        counted (the review's ordinal base counts only findings still shown: ``services.oversight``)."""
        counts: dict[str, int] = {}
        for f in self.findings(county, f"{year}-01", f"{year}-12"):
            if f.month < before_month:
                counts[f.township] = counts.get(f.township, 0) + 1
        return counts

    # --- the sweeper's schedule --------------------------------------------------------------
    def schedule(self, county: str) -> Item | None:
        return self.store.get(review_pk(county), SCHEDULE)

    def schedule_op(self, county: str, wake: datetime, version: int) -> Op:
        pk = review_pk(county)
        return Put(Item(pk=pk, sk=SCHEDULE, body={"county": county, "next_at": to_store(wake)}, version=version,
                        keys=K.due_keys(pk, SCHEDULE, wake, self.shards)),
                   expect=ABSENT if version == 0 else version)
