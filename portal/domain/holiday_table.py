"""China's days off and make-up working days as the ``holidays`` package computes them, per
year: from a table made when the Lambda package is built (``portal.snapshots``, written beside
this module as ``china_holidays.snapshot``), else from the package itself.

Importing ``holidays``' China calendar imports every country the package knows (its
``countries`` package does), a tenth of a cold start; the table holds the same answers for
``TABLE_YEARS`` and is used only when it was made from the very version installed beside it
(a table of another version is ignored). A year outside it is computed by the package, imported
then. ``tests/unit/test_holiday_table.py`` checks the table against the package.
"""

from __future__ import annotations

import importlib.util
import json
from datetime import date
from functools import lru_cache
from pathlib import Path

TABLE_FILE = Path(__file__).with_name("china_holidays.snapshot")
TABLE_FORMAT = 1
#: the years the table holds
TABLE_YEARS = range(2000, 2061)

Year = tuple[frozenset[date], frozenset[date]]


def installed_version() -> str | None:
    """The installed ``holidays`` version, read from its metadata folder (without importing it)."""
    spec = importlib.util.find_spec("holidays")
    if spec is None or not spec.submodule_search_locations:
        return None
    site = Path(next(iter(spec.submodule_search_locations))).parent
    found = sorted(site.glob("holidays-*.dist-info"))
    return found[-1].name[len("holidays-"):-len(".dist-info")] if found else None


@lru_cache(maxsize=1)
def _table() -> tuple[frozenset[int], dict[int, Year]] | None:
    try:
        raw = json.loads(TABLE_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if raw.get("format") != TABLE_FORMAT or raw.get("holidays") != installed_version():
        return None
    years = {int(y): (frozenset(date(int(y), int(d[:2]), int(d[2:])) for d in v["off"]),
                      frozenset(date(int(y), int(d[:2]), int(d[2:])) for d in v["workdays"]))
             for y, v in raw["years"].items()}
    return frozenset(raw["official_years"]), years


def official_years() -> frozenset[int]:
    """Years whose official arrangement (bridge days, make-up weekends) the package holds."""
    table = _table()
    if table is not None:
        return table[0]
    from holidays.countries.china import ChinaStaticHolidays

    return frozenset(ChinaStaticHolidays.special_public_holidays)


@lru_cache(maxsize=128)
def year(value: int) -> Year:
    """(days off, make-up working days) of the year: with the official arrangement for the
    years the package holds it, the statutory holidays alone for the others."""
    table = _table()
    if table is not None and value in table[1]:
        return table[1][value]
    return computed_year(value)


def computed_year(value: int) -> Year:
    """The same, from the holidays package (imported here)."""
    import holidays

    if value in official_years():
        cn = holidays.China(years=value, observed=True)
        return (frozenset(d for d in cn if d.year == value),
                frozenset(d for d in cn.weekend_workdays if d.year == value))
    statutory = holidays.China(years=value, observed=False)
    return frozenset(d for d in statutory if d.year == value), frozenset()


def table_document() -> dict:
    """The table as ``portal.snapshots`` writes it (from the installed package)."""
    from holidays.countries.china import ChinaStaticHolidays

    years = {}
    for value in TABLE_YEARS:
        off, workdays = computed_year(value)
        years[str(value)] = {"off": sorted(d.strftime("%m%d") for d in off),
                             "workdays": sorted(d.strftime("%m%d") for d in workdays)}
    return {"format": TABLE_FORMAT, "holidays": installed_version(),
            "official_years": sorted(ChinaStaticHolidays.special_public_holidays), "years": years}
