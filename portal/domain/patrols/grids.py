"""The county's grids (网格): 004 C17(1), L15(1) 以村组区域为网格; C18(1), L16(1) 以村民小组为网格单元.

A township's area is divided by village (行政村/社区); a village may be divided further into
its village groups (村民小组), each a grid unit of its own. Every grid names its responsible
persons by title (驻村干部, 村委会主任, 村民小组组长, ...) with a phone, and the table is
published (004 C17(1): 将辖区内各级网格划分表、责任人及其联系电话进行公布).

The table lives in the county's grid file (``portal/counties/<county>.grids.yaml``), beside
the place file that holds the villages; the demo county's titles are generic and its phones
placeholders, marked so.

**The grid of a point.** Villages come with a point, not a boundary, until the county
supplies surveyed ones; so a point belongs to the village of its township whose point is
nearest (``village_at``), with no distance limit. That is the village whose zero report a
violation found there is checked against (004 C33, L29). Village groups have no geometry:
a point is placed in its village, never in a group.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.domain.gazetteer import Place, normalise, search
from portal.domain.geo import Point, distance_m

#: 004 C19: the county built-up area's professional patrol, led by natural resources with
#: housing, urban management and the town the built-up area lies in (霞阳镇)
PROFESSIONAL_KIND = "professional"


@dataclass(frozen=True)
class GridPerson:
    title: str  #: e.g. 驻村干部, 村委会主任, 村民小组组长 (a title, not a name)
    phone: str
    placeholder: bool = False  #: a demo phone, not the person's


@dataclass(frozen=True)
class Grid:
    code: str  #: the village's division code, or ``<village code>-<nn>`` for a village group
    township: str
    village: str  #: the village's division code
    village_name: str
    persons: tuple[GridPerson, ...]
    group: str | None = None  #: the village group's name (第一村民小组), None for the village grid
    demo: bool = False

    @property
    def name(self) -> str:
        return f"{self.village_name}{self.group}" if self.group else self.village_name

    @property
    def is_group(self) -> bool:
        return self.group is not None


@dataclass(frozen=True)
class ProfessionalPatrol:
    """004 C19: who patrols the built-up area every week (the four named units)."""

    lead: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class GridTable:
    grids: tuple[Grid, ...] = ()
    source: str = ""
    demo: bool = False

    def grid(self, code: str | None) -> Grid | None:
        return next((g for g in self.grids if g.code == code), None) if code else None

    def of_village(self, village: str) -> list[Grid]:
        """The village grid first, then its groups."""
        return [g for g in self.grids if g.village == village]

    def of_township(self, township: str) -> list[Grid]:
        return [g for g in self.grids if g.township == township]

    @property
    def villages(self) -> list[str]:
        """Division codes of the villages that have grids, in table order (each reports weekly)."""
        return list(dict.fromkeys(g.village for g in self.grids))

    def villages_of(self, township: str) -> list[str]:
        return list(dict.fromkeys(g.village for g in self.grids if g.township == township))

    @property
    def townships(self) -> list[str]:
        """Townships (and management areas) with grids: each reports weekly to the county."""
        return list(dict.fromkeys(g.township for g in self.grids))

    def find(self, places: tuple[Place, ...], query: str, limit: int = 20) -> list[Grid]:
        """Grids of the villages a query names (by name, pinyin or initials, as the place
        search does); every grid of the county for an empty query."""
        if not normalise(query):
            return list(self.grids)
        villages = [p for p in places if p.is_village]
        found = search(tuple(villages), query, limit=limit)
        return [g for v in found for g in self.of_village(v.code or "")]


def village_at(villages: tuple[Place, ...], point: Point, township: str) -> Place | None:
    """The village of ``township`` whose point is nearest to ``point`` (see the module's
    docstring); None when the township has no village."""
    best, best_d = None, float("inf")
    for village in villages:
        if village.township != township:
            continue
        d = distance_m(point, village.point)
        if d < best_d:
            best, best_d = village, d
    return best
