"""Helpers every repository shares: expiry instants, the expected version of a write,
reading a versioned domain record back from its item, reading a whole partition page by
page, and the record of the counties a kind of schedule exists for."""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from portal.ports import ABSENT, Item, Op, Put, Store
from portal.store import keys as K
from portal.store.codec import load


def epoch(instant: datetime) -> int:
    return int(instant.timestamp())


def expect_version(version: int) -> int:
    return ABSENT if version == 0 else version


def versioned(cls, item: Item):
    """A domain record read back from its item, carrying the version its next write expects."""
    record = load(cls, dict(item.body))
    record.version = item.version
    return record


def every_item(store: Store, partition: str, **query) -> Iterable[Item]:
    """Every item of a partition (of the table or of ``index=``), 500 a page, in the order
    ``query`` asks (``sk_prefix``, bounds, ``descending``)."""
    cursor = None
    while True:
        page = store.query(partition, limit=500, cursor=cursor, **query)
        yield from page.items
        cursor = page.cursor
        if not cursor:
            return


class ScheduledCounties:
    """The record naming the counties whose schedules of one kind exist (partition
    ``partition``, ``portal.services.county_schedules``), and ``seen``: the counties this
    process has seen named there. Schedules are never deleted, so a sweep need not read them
    again (one Lambda container sweeps many times)."""

    def __init__(self, store: Store, partition: str):
        self.store, self.partition = store, partition
        self.seen: set[str] = set()

    def read(self) -> tuple[set[str], int]:
        """(the counties named, the record's version: 0 when there is none)."""
        item = self.store.get(self.partition, K.POINTER)
        return (set(item.body["counties"]), item.version) if item else (set(), 0)

    def op(self, counties: set[str], version: int) -> Op:
        return Put(Item(pk=self.partition, sk=K.POINTER, body={"counties": sorted(counties)}, version=version),
                   expect=expect_version(version))
