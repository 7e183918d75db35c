"""Patrol records, weekly reports and concealment flags (004 C17-C19, C33), over the store port.

===========================  ===============================  ==================================
record                       pk                               sk
===========================  ===============================  ==================================
patrol                       ``PATROL#<id>``                  ``#META``
weekly report                ``WEEKLY#<county>#<week>``       ``V#<village>`` / ``T#<township>``
missing report (sweeper)     ``WEEKLY#<county>#<week>``       ``M#<level>#<unit>`` (once)
violation in a village week  ``VIOL#<county>#<week>#<vil.>``  ``<ticket id>``
concealment flag             ``CONCEAL#<county>``             ``F#<week>#<village>#<ticket>`` (once)
the office's decision        ``CONCEAL#<county>``             ``D#<week>#<village>``
deadline schedule (sweeper)  ``PATROLS#<county>``             ``SCHEDULE#<level>`` (index ``due``)
===========================  ===============================  ==================================

Index keys: a patrol is listed in its week (``area``: ``PATW#<county>#<week>`` /
``<township>#<village or ->#<id>``, so a township's or a village's patrols of a week are one
prefix read) and by day for the oversight periods (``county``: ``PATROLS#<county>`` /
``<date>#<id>``). Weekly reports and missing reports are listed by week for the periods
(``county``: ``WEEKLYS#<county>`` / ``<week>#<sk>``); a missing report is also listed for the
unit told of it (``queue``: ``PATNOTE#<county>#<unit>`` / ``<flagged at>#<week>#<sk>``).

A village week's partition holds the tickets of new violations found in the village's grids
that week (not by the village's own patrol): read when the village files a zero report, to
raise the concealment flags. Nothing here is ever deleted. Each kind is declared with its format (``portal.store.formats``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Iterable, Mapping

from portal.domain.patrols.concealment import Decision, Flag
from portal.domain.patrols.records import MissingReport, Patrol, WeeklyReport
from portal.ports import ABSENT, ConditionFailed, Item, Op, Put, Store
from portal.store import keys as K
from portal.store.codec import dump, load
from portal.store.formats import declare
from portal.store.repositories.base import ScheduledCounties, every_item, expect_version
from portal.timeutil import to_store

SCHEDULE = "SCHEDULE#"
LEVEL_PREFIX = {"village": "V", "township": "T"}

PATROL = declare("patrol", pk="PATROL#", sk=K.META)
VILLAGE_REPORT = declare("village weekly report", pk="WEEKLY#", sk="V#")
TOWNSHIP_REPORT = declare("township weekly report", pk="WEEKLY#", sk="T#")
MISSING_REPORT = declare("missing weekly report", pk="WEEKLY#", sk="M#")
VIOLATION = declare("violation in a village week", pk="VIOL#")
CONCEALMENT_FLAG = declare("concealment flag", pk="CONCEAL#", sk="F#")
CONCEALMENT_DECISION = declare("concealment decision", pk="CONCEAL#", sk="D#")
PATROL_SCHEDULE = declare("weekly deadline schedule", pk="PATROLS#", sk=SCHEDULE)
SCHEDULED_COUNTIES = declare("counties with weekly deadline schedules", pk="PATROLS", sk=K.POINTER)


def patrol_pk(patrol_id: str) -> str:
    return f"PATROL#{patrol_id}"


def weekly_pk(county: str, week: str) -> str:
    return f"WEEKLY#{county}#{week}"


def report_sk(level: str, unit: str) -> str:
    return f"{LEVEL_PREFIX[level]}#{unit}"


def missing_sk(level: str, unit: str) -> str:
    return f"M#{level}#{unit}"


def conceal_pk(county: str) -> str:
    return f"CONCEAL#{county}"


def schedule_pk(county: str) -> str:
    return f"PATROLS#{county}"


class PatrolRecords:
    def __init__(self, store: Store, shards: int):
        self.store, self.shards = store, shards
        #: the counties with their weekly deadline schedules
        self.scheduled = ScheduledCounties(store, SCHEDULED_COUNTIES.pk)

    def _items(self, partition: str, index: str | None = None, **bounds) -> Iterable[Item]:
        return every_item(self.store, partition, index=index, **bounds)

    # --- patrols -------------------------------------------------------------------------
    def patrol_op(self, p: Patrol) -> Op:
        keys = {"area_pk": f"PATW#{p.county}#{p.week}", "area_sk": f"{p.township}#{p.village or '-'}#{p.id}",
                "county_pk": f"PATROLS#{p.county}", "county_sk": f"{p.patrolled_on.isoformat()}#{p.id}"}
        return Put(Item(pk=patrol_pk(p.id), sk=K.META, body=dump(p), version=p.version, keys=keys),
                   expect=expect_version(p.version))

    @staticmethod
    def _patrol(item: Item) -> Patrol:
        p = load(Patrol, dict(item.body))
        p.version = item.version
        return p

    def patrol(self, patrol_id: str) -> Patrol | None:
        item = self.store.get(patrol_pk(patrol_id), K.META)
        return self._patrol(item) if item else None

    def of_week(self, county: str, week: str, township: str | None = None, village: str | None = None
                ) -> list[Patrol]:
        """The week's patrols: of the county, of a township, or of one village's grids."""
        prefix = ""
        if township:
            prefix = f"{township}#" + (f"{village}#" if village else "")
        bounds = {"sk_prefix": prefix} if prefix else {}
        return [self._patrol(i) for i in self._items(f"PATW#{county}#{week}", index="area", **bounds)]

    def between(self, county: str, first: date, last: date) -> list[Patrol]:
        """Patrols of the days ``first``..``last`` (the oversight periods)."""
        return [self._patrol(i) for i in self._items(f"PATROLS#{county}", index="county",
                                                     sk_from=first.isoformat(), sk_to=f"{last.isoformat()}#{K.HIGH}")]

    # --- weekly reports and missing reports ------------------------------------------------
    def report_op(self, r: WeeklyReport) -> Op:
        sk = report_sk(r.level, r.unit)
        return Put(Item(pk=weekly_pk(r.county, r.week), sk=sk, body=dump(r),
                        keys={"county_pk": f"WEEKLYS#{r.county}", "county_sk": f"{r.week}#{sk}"}), expect=ABSENT)

    @staticmethod
    def report_key(county: str, week: str, level: str, unit: str) -> tuple[str, str]:
        return weekly_pk(county, week), report_sk(level, unit)

    def report(self, county: str, week: str, level: str, unit: str,
               read_ahead: Mapping[tuple[str, str], Item | None] | None = None) -> WeeklyReport | None:
        """The unit's report of the week; taken from ``read_ahead`` (items already read in a
        batch, by key) when it holds the key, else read."""
        key = self.report_key(county, week, level, unit)
        item = read_ahead[key] if read_ahead is not None and key in read_ahead else self.store.get(*key)
        return load(WeeklyReport, dict(item.body)) if item else None

    def week(self, county: str, week: str) -> tuple[list[WeeklyReport], list[MissingReport]]:
        """Every report filed for the week and every missing report flagged (one partition read)."""
        reports, missing = [], []
        for item in self._items(weekly_pk(county, week)):
            if item.sk.startswith("M#"):
                missing.append(load(MissingReport, dict(item.body)))
            else:
                reports.append(load(WeeklyReport, dict(item.body)))
        return reports, missing

    def weeks(self, county: str, first: str, last: str) -> tuple[list[WeeklyReport], list[MissingReport]]:
        """Reports and missing reports of the weeks ``first``..``last`` (keys): the periods."""
        reports, missing = [], []
        for item in self._items(f"WEEKLYS#{county}", index="county", sk_from=f"{first}#",
                                sk_to=f"{last}#{K.HIGH}"):
            if item.sk.startswith("M#"):
                missing.append(load(MissingReport, dict(item.body)))
            else:
                reports.append(load(WeeklyReport, dict(item.body)))
        return reports, missing

    def missing_op(self, m: MissingReport) -> Op:
        """Once: a second sweep's attempt fails its condition and writes nothing."""
        sk = missing_sk(m.level, m.unit)
        keys = {"county_pk": f"WEEKLYS#{m.county}", "county_sk": f"{m.week}#{sk}",
                "queue_pk": f"PATNOTE#{m.county}#{m.notified}", "queue_sk": f"{to_store(m.flagged_at)}#{m.week}#{sk}"}
        return Put(Item(pk=weekly_pk(m.county, m.week), sk=sk, body=dump(m), keys=keys), expect=ABSENT)

    def notices(self, county: str, unit: str, limit: int = 50) -> list[MissingReport]:
        """Missing reports told to ``unit``, newest first."""
        page = self.store.query(f"PATNOTE#{county}#{unit}", index="queue", limit=limit, descending=True)
        return [load(MissingReport, dict(i.body)) for i in page.items]

    def write_once(self, ops: list[Op]) -> bool:
        """Write ``ops``; False if their conditions say it was written before."""
        try:
            self.store.write(ops)
        except ConditionFailed:
            return False
        return True

    # --- violations and concealment flags (004 C33, L29) ------------------------------------
    def violation_op(self, county: str, week: str, village: str, ticket: str, source: str, at: datetime) -> Op:
        return Put(Item(pk=f"VIOL#{county}#{week}#{village}", sk=ticket,
                        body={"ticket": ticket, "source": source, "at": to_store(at)}), expect=ABSENT)

    def violations(self, county: str, week: str, village: str) -> list[dict]:
        return [dict(i.body) for i in self._items(f"VIOL#{county}#{week}#{village}")]

    def flag_op(self, f: Flag) -> Op:
        return Put(Item(pk=conceal_pk(f.county), sk=f"F#{f.week}#{f.village}#{f.ticket}", body=dump(f)),
                   expect=ABSENT)

    def flags(self, county: str, year: str | None = None) -> list[Flag]:
        prefix = f"F#{year}-W" if year else "F#"
        return [load(Flag, dict(i.body)) for i in self._items(conceal_pk(county), sk_prefix=prefix)]

    def decision_op(self, d: Decision) -> Op:
        return Put(Item(pk=conceal_pk(d.county), sk=f"D#{d.week}#{d.village}", body=dump(d), version=d.version),
                   expect=expect_version(d.version))

    def decisions(self, county: str, year: str | None = None) -> list[Decision]:
        prefix = f"D#{year}-W" if year else "D#"
        out = []
        for i in self._items(conceal_pk(county), sk_prefix=prefix):
            d = load(Decision, dict(i.body))
            d.version = i.version
            out.append(d)
        return out

    def decision(self, county: str, week: str, village: str) -> Decision | None:
        item = self.store.get(conceal_pk(county), f"D#{week}#{village}")
        if item is None:
            return None
        d = load(Decision, dict(item.body))
        d.version = item.version
        return d

    # --- the sweeper's schedules ------------------------------------------------------------
    def schedule(self, county: str, level: str) -> Item | None:
        return self.store.get(schedule_pk(county), f"{SCHEDULE}{level}")

    def schedule_op(self, county: str, level: str, week: str, wake: datetime, version: int) -> Op:
        pk, sk = schedule_pk(county), f"{SCHEDULE}{level}"
        return Put(Item(pk=pk, sk=sk, body={"county": county, "level": level, "week": week},
                        version=version, keys=K.due_keys(pk, sk, wake, self.shards)), expect=expect_version(version))
