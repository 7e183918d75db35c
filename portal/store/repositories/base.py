"""Helpers every repository shares: expiry instants, the expected version of a write, and
reading a versioned domain record back from its item."""

from __future__ import annotations

from datetime import datetime

from portal.ports import ABSENT, Item
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
