"""Work queues: the tickets a staff member's role lists, nearest deadline first.

- officers, heads and the discipline commission: the tickets their unit leads
  (index ``queue``, partitions ``Q#<county>#<unit>#active|done``);
- a township: the tickets it co-handles for the on-site check, and any it leads
  (index ``area``, ``A#<county>#<township>#active|done``, plus its own ``queue`` partition);
- supervisors: every ticket of the county except discipline-only ones (index ``county``,
  ``K#<county>#active|done``; discipline-only tickets carry no key there);
- the county's demolition department (urban management, 004 C25) also lists the open tickets
  handed over to it for forced demolition: it reads the county's active partition and keeps
  those ``can_view`` lets it see (no index of its own; closed ones are not listed).

The index sort key of an open ticket is its next due instant, so reading a partition in
order is reading the queue in order. Every ticket read is checked with ``can_view`` again.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from datetime import datetime

from portal.domain.access import Actor, Role, can_see_queue_of, can_view
from portal.domain.complaint import Complaint, Status
from portal.domain.errors import DomainError, Forbidden
from portal.i18n import N_
from portal.timeutil import to_store

ACTIVE_STATUSES = (Status.RECEIVED, Status.ACCEPTED, Status.CONCLUDED)
DONE_STATUSES = (Status.DECLINED, Status.CLOSED)
DONE_PAGE = 50

NO_QUEUE = N_("您的角色不办理举报，没有举报队列。")


@dataclass(frozen=True)
class QueueFilter:
    bucket: str = "active"  #: active (open and awaiting the result notice) | done
    status: str = ""
    category: str = ""
    township: str = ""
    overdue: bool = False

    @classmethod
    def parse(cls, args) -> "QueueFilter":
        """From query arguments; anything unknown is dropped, never echoed."""
        bucket = args.get("bucket") if args.get("bucket") in ("active", "done") else "active"
        statuses = {s.value for s in (ACTIVE_STATUSES if bucket == "active" else DONE_STATUSES)}
        status = args.get("status") if args.get("status") in statuses else ""
        category = (args.get("category") or "")[:64]
        township = (args.get("township") or "")[:64]
        return cls(bucket=bucket, status=status, category=category, township=township,
                   overdue=args.get("overdue") == "1")

    def keeps(self, c: Complaint, now: datetime) -> bool:
        return ((not self.status or c.status.value == self.status)
                and (not self.category or c.category == self.category)
                and (not self.township or c.township == self.township)
                and (not self.overdue or c.is_overdue(now)))


@dataclass
class Queue:
    tickets: list[Complaint]
    counts: dict[str, int] = field(default_factory=dict)  #: status -> open tickets (before filters)
    overdue: int = 0
    cursor: str | None = None  #: next page of the done list


def partitions(actor: Actor, bucket: str) -> list[tuple[str, str]]:
    """(index, partition) pairs the actor's queue reads."""
    kind = can_see_queue_of(actor)
    if kind == "unit":
        return [("queue", f"Q#{actor.county}#{actor.unit}#{bucket}")]
    if kind == "area":
        return [("area", f"A#{actor.county}#{actor.unit}#{bucket}"), ("queue", f"Q#{actor.county}#{actor.unit}#{bucket}")]
    if kind == "county":
        return [("county", f"K#{actor.county}#{bucket}")]
    raise Forbidden(NO_QUEUE)


def _demolition_partitions(deps, actor: Actor, bucket: str) -> list[tuple[str, str]]:
    """004 C25: the open tickets another unit handed over to this department for forced demolition."""
    if bucket != "active" or actor.role not in (Role.OFFICER, Role.HEAD):
        return []
    county = deps.counties.get(actor.county)
    if county is None or county.demolition_department != actor.unit:
        return []
    return [("county", f"K#{actor.county}#active")]


def _order(c: Complaint) -> str:
    if c.status in ACTIVE_STATUSES:
        return to_store(c.next_due() or c.received_at)
    return to_store(c.closed_at or c.concluded_at or c.received_at)


def visible_tickets(deps, actor: Actor, bucket: str) -> list[Complaint]:
    """All of the actor's tickets in one bucket (active: nearest deadline first; done: latest first)."""
    seen: set[str] = set()
    rows: list[Complaint] = []
    for index, partition in partitions(actor, bucket) + _demolition_partitions(deps, actor, bucket):
        for complaint in deps.repos.complaints.iterate(index, partition):
            if complaint.id not in seen and can_view(actor, complaint):
                seen.add(complaint.id)
                rows.append(complaint)
    rows.sort(key=_order, reverse=bucket == "done")
    return rows


def load(deps, actor: Actor, flt: QueueFilter, now: datetime, cursor: str | None = None) -> Queue:
    """The queue page: open tickets in full (counted per status), or done tickets a page at a time."""
    if flt.bucket == "active":
        every = visible_tickets(deps, actor, "active")
        counts = {s.value: 0 for s in ACTIVE_STATUSES}
        overdue = 0
        for c in every:
            counts[c.status.value] += 1
            overdue += c.is_overdue(now)
        return Queue(tickets=[c for c in every if flt.keeps(c, now)], counts=counts, overdue=overdue)
    pairs = partitions(actor, "done")
    if len(pairs) > 1:  # a township reads two partitions: merge them whole
        return Queue(tickets=[c for c in visible_tickets(deps, actor, "done") if flt.keeps(c, now)])
    index, partition = pairs[0]
    page, next_cursor = deps.repos.complaints.list(index, partition, limit=DONE_PAGE,
                                                   cursor=_open_cursor(deps, partition, cursor), descending=True)
    return Queue(tickets=[c for c in page if can_view(actor, c) and flt.keeps(c, now)],
                 cursor=_seal_cursor(deps, partition, next_cursor))


def _mac(deps, partition: str, cursor: str) -> str:
    return deps.hasher.digest("queue-cursor", f"{partition}\x00{cursor}")[:24]


def _seal_cursor(deps, partition: str, cursor: str | None) -> str | None:
    """The store's cursor is opaque and adapter-specific: it goes out sealed to the partition,
    so the store only ever reads back cursors it issued for that list."""
    return f"{cursor}.{_mac(deps, partition, cursor)}" if cursor else None


def _open_cursor(deps, partition: str, sealed: str | None) -> str | None:
    if not sealed:
        return None
    cursor, _, mac = sealed[:2000].rpartition(".")
    if not cursor or not hmac.compare_digest(mac, _mac(deps, partition, cursor)):
        raise DomainError(N_("翻页参数无效，请从第一页重新查看。"), field="cursor")
    return cursor
