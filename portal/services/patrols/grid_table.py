"""The published grid table (004 C17(1), L15(1): 将辖区内各级网格划分表、责任人及其联系电话进行公布),
searchable by village name, pinyin or initials (the place search's keys)."""

from __future__ import annotations

from dataclasses import dataclass

from portal.domain.county import County
from portal.domain.patrols.grids import Grid

QUERY_MAX = 40


@dataclass(frozen=True)
class TownshipGrids:
    township: str
    name: str
    grids: list[Grid]


def lookup(county: County, query: str | None) -> tuple[str, list[TownshipGrids]]:
    """(the query as searched, the grids found grouped by township in the county file's order)."""
    q = (query or "").strip()[:QUERY_MAX]
    found = county.grids.find(county.villages, q, limit=20)
    groups = []
    for township in county.townships:
        mine = [g for g in found if g.township == township.code]
        if mine:
            groups.append(TownshipGrids(township.code, township.name, mine))
    return q, groups
