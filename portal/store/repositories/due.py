"""The due index: what the sweeper reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from portal.ports import Store
from portal.store import keys as K
from portal.timeutil import to_store


@dataclass(frozen=True)
class DueRef:
    pk: str
    sk: str
    wake: str


class DueIndex:
    def __init__(self, store: Store, shards: int):
        self.store, self.shards = store, shards

    def due(self, now: datetime, limit_per_shard: int = 200) -> list[DueRef]:
        """Every item whose wake instant is at or before ``now``, read through the sparse,
        sharded due index only (never a scan of open complaints)."""
        upper = to_store(now) + K.HIGH
        refs = []
        for partition in K.due_partitions(self.shards):
            cursor = None
            while True:
                page = self.store.query(partition, index="due", sk_to=upper, limit=limit_per_shard, cursor=cursor)
                refs += [DueRef(i.pk, i.sk, i.keys["due_sk"].split("#", 1)[0]) for i in page.items]
                cursor = page.cursor
                if not cursor:
                    break
        refs.sort(key=lambda r: r.wake)
        return refs
