"""The key rotation under way (``KEYS`` / ``ROTATION``): which keys were retired, how far the
background re-wrap has read the table; due for the sweeper while the re-wrap runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from portal.ports import Item, Op, Put, Store
from portal.store import keys as K
from portal.store.codec import dump
from portal.store.formats import declare
from portal.store.repositories.base import expect_version, versioned

PK, SK = "KEYS", "ROTATION"
KEY_ROTATION = declare("key rotation", pk=PK, sk=SK)


@dataclass
class KeyRotation:
    started_at: datetime
    by: str
    #: the master key (or KMS key material) and the hash key retired by this rotation
    master_retired: list[str] = field(default_factory=list)
    master_current: str | None = None
    hash_retired: list[str] = field(default_factory=list)
    hash_current: str | None = None
    #: ``rewrapping`` until a pass over the table finds nothing left to move, then ``done``
    state: str = "rewrapping"
    not_before: datetime | None = None
    cursor: str | None = None
    passes: int = 1
    #: this pass so far: envelopes re-wrapped, phone hashes re-made, records that failed or
    #: changed meanwhile, envelopes under a retired key in a place no record kind declares
    rewrapped: int = 0
    rehashed: int = 0
    failed: int = 0
    undeclared: int = 0
    #: the counts of the last pass finished (what ``portal keys status`` shows)
    last_pass: dict = field(default_factory=dict)
    #: every pass together
    total_rewrapped: int = 0
    total_rehashed: int = 0
    destroyed: list[str] = field(default_factory=list)
    done_at: datetime | None = None
    version: int = 0


class KeyRotations:
    def __init__(self, store: Store, shards: int):
        self.store, self.shards = store, shards

    def get(self) -> KeyRotation | None:
        item = self.store.get(PK, SK)
        return versioned(KeyRotation, item) if item else None

    def save_op(self, r: KeyRotation) -> Op:
        wake = (r.not_before or r.started_at) if r.state == "rewrapping" else None
        return Put(Item(pk=PK, sk=SK, body=dump(r), version=r.version, keys=K.due_keys(PK, SK, wake, self.shards)),
                   expect=expect_version(r.version))

    @staticmethod
    def committed(r: KeyRotation) -> None:
        r.version += 1
