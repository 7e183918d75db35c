"""Helpers every repository shares: expiry instants, the expected version of a write,
reading a versioned domain record back from its item, and reading a whole partition page by
page."""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from portal.ports import ABSENT, Item, Store
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
