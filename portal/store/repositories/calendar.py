"""The working-day calendar's records, over the store port.

=============================  ==================  =============================================
record                         pk                  sk
=============================  ==================  =============================================
a day off or working day       ``CAL#<year>``      ``YYYY-MM-DD`` (``CalendarOverrides``)
a year's official arrangement  ``CALSRC``          ``<year>``: its source, counts, who imported it
                                                   and the hand entries it replaced
=============================  ==================  =============================================

An import writes the arrangement record, every day of the notice and the removal of the
year's other entries in one transaction, so a year is never half official.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Sequence

from portal.domain.arrangement import Arrangement
from portal.ports import ANY, Delete, Item, Op, Put, Store
from portal.store.formats import declare
from portal.timeutil import to_store

ARRANGEMENTS = "CALSRC"
CALENDAR_OVERRIDE = declare("calendar override", pk="CAL#")
CALENDAR_ARRANGEMENT = declare("calendar arrangement", pk=ARRANGEMENTS)


def override_put(day: date, workday: bool, note: str, actor: str, now: datetime, *, arrangement: bool = False
                 ) -> Put:
    """One day of the override table; ``arrangement`` marks a day of an imported notice."""
    body = {"workday": workday, "note": note, "by": actor, "at": to_store(now)}
    if arrangement:
        body["arrangement"] = True
    return Put(Item(pk=f"CAL#{day.year}", sk=day.isoformat(), body=body), expect=ANY)


class CalendarOverrides:
    def __init__(self, store: Store):
        self.store = store

    def set(self, day: date, workday: bool, note: str, actor: str, now: datetime) -> None:
        self.store.write([override_put(day, workday, note, actor, now)])

    def year(self, year: int) -> dict[date, dict]:
        page = self.store.query(f"CAL#{year}", limit=400)
        return {date.fromisoformat(i.sk): dict(i.body) for i in page.items}

    def for_years(self, years: Sequence[int]) -> dict[date, bool]:
        out: dict[date, bool] = {}
        for year in years:
            out.update({d: row["workday"] for d, row in self.year(year).items()})
        return out


class CalendarArrangements:
    def __init__(self, store: Store):
        self.store = store

    def official_years(self) -> set[int]:
        """The years whose arrangement was imported whole (one partition, a row per year)."""
        return {int(i.sk) for i in self.store.query(ARRANGEMENTS, limit=500).items}

    def get(self, year: int) -> dict | None:
        item = self.store.get(ARRANGEMENTS, str(year))
        return dict(item.body) if item else None

    def import_ops(self, arrangement: Arrangement, existing: dict[date, dict], actor: str, now: datetime
                   ) -> tuple[list[Op], list[dict]]:
        """(the operations, the entries replaced): the notice's days, the removal of the year's
        other entries (named in the arrangement record, so nothing goes silently) and the record."""
        days = {d: False for d in arrangement.days_off} | {d: True for d in arrangement.workdays}
        ops: list[Op] = [override_put(d, workday, arrangement.source, actor, now, arrangement=True)
                         for d, workday in sorted(days.items())]
        replaced = [{"date": d.isoformat(), "workday": row["workday"], "note": row.get("note", "")}
                    for d, row in sorted(existing.items()) if d not in days]
        ops += [Delete(f"CAL#{d[:4]}", d) for d in (r["date"] for r in replaced)]
        body = {"source": arrangement.source, "by": actor, "at": to_store(now), "days_off": len(arrangement.days_off),
                "workdays": len(arrangement.workdays), "replaced": replaced}
        ops.append(Put(Item(pk=ARRANGEMENTS, sk=str(arrangement.year), body=body), expect=ANY))
        return ops, replaced
