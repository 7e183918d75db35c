"""``portal db upgrade``: every stored record brought to its kind's current format at once
(records are also migrated one by one when read: ``portal.store.formats``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from portal.ports import ConditionFailed, Put
from portal.store.formats import FORMAT_FIELD, FormattedStore, stored_format


@dataclass
class UpgradeReport:
    #: per kind: records already current, records migrated, records of a newer format (untouched)
    current: dict[str, int] = field(default_factory=dict)
    migrated: dict[str, int] = field(default_factory=dict)
    newer: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"current": dict(sorted(self.current.items())), "migrated": dict(sorted(self.migrated.items())),
                "newer": dict(sorted(self.newer.items()))}


def _count(counts: dict[str, int], name: str) -> None:
    counts[name] = counts.get(name, 0) + 1


def upgrade_all(store: FormattedStore, page_size: int = 500) -> UpgradeReport:
    """Read every item through the engine's own store and write back each one that is not at
    its kind's current format (conditional on the version read; a record changed meanwhile is
    read again, which migrates it). Records of a newer format are counted and left alone."""
    report = UpgradeReport()
    cursor = None
    while True:
        page = store.inner.scan(limit=page_size, cursor=cursor)
        for item in page.items:
            kind = store.kinds.kind_of(item.pk, item.sk)
            if kind.counter:
                continue
            found = stored_format(item)
            if found > kind.version:
                _count(report.newer, kind.name)
            elif found == kind.version and FORMAT_FIELD in item.body:
                _count(report.current, kind.name)
            else:
                try:
                    store.inner.write([Put(kind.upgrade(item), expect=item.version)])
                except ConditionFailed:
                    store.get(item.pk, item.sk)  # written meanwhile: reading it migrates it
                _count(report.migrated, kind.name)
        cursor = page.cursor
        if not cursor:
            return report
