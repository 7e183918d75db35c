"""The oversight figures as charts (004 C21, L18), drawn on the server as SVG by the template
``staff/_charts.html``: they need no JavaScript, print, and read in black and white, because
every series has its own fill pattern (on time: solid; breached: hatched; not yet due: dotted)
and every bar its numbers written beside it. Each chart is followed on the page by its table,
which is what a screen reader reads (the SVG is one labelled image).

This module is pure geometry: it places the bars in a fixed coordinate box (the SVG's
``viewBox``, which the page scales to its width) from the figures of ``statistics.report``, the
same figures as the tables, the CSV and the notice. Units whose figures are all zero are not
drawn: their names go to ``hidden``, which the page lists behind "show all".

Charts: per clock (acceptance, on-site, result notice), on time against breached per unit
(``clock_chart``); the trend by month of receipt, the county's (``trend_chart``) and each unit's
(``trend_grid``); the half-year ranking by breach rate (``ranking_chart``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from portal.domain.oversight import COUNTED_CLOCKS, Figures, is_blank

#: a bar chart's rows: the unit's name on its own line (names run to 14 characters), the bar
#: under it with its numbers after it; the box is as wide as half the page, so the text keeps
#: its size when two charts stand side by side
BAR_X = 4
BAR_W = 330  #: the longest bar
VALUE_W = 106  #: room for the numbers, right of the bars
NAME_H = 17
ROW_H = 40
BAR_H = 15
TOP = 4
WIDTH = BAR_X + BAR_W + VALUE_W
LABEL_W = 150  #: the trend grid's name column

SERIES = ("met", "breached", "pending")  #: drawing order, left to right


@dataclass(frozen=True)
class Segment:
    series: str  #: met | breached | pending (the pattern)
    x: float
    width: float
    value: int


@dataclass(frozen=True)
class Bar:
    unit: str
    name: str
    y: float  #: the bar's top
    segments: tuple[Segment, ...]
    values: dict  #: series -> count, or for the ranking: rate, breached, decided


@dataclass
class BarChart:
    id: str
    bars: list[Bar]
    hidden: list[str] = field(default_factory=list)  #: names of the all-zero units not drawn
    width: int = WIDTH
    bar_x: int = BAR_X
    bar_h: int = BAR_H

    @property
    def height(self) -> int:
        return TOP * 2 + max(1, len(self.bars)) * ROW_H

    def name_y(self, bar: Bar) -> float:
        """The baseline of the unit's name, above its bar."""
        return bar.y - 4

    def text_y(self, bar: Bar) -> float:
        """The baseline of the numbers, beside the bar."""
        return bar.y + BAR_H - 3


def _scale(peak: int) -> float:
    return BAR_W / peak if peak else 0.0


def _segments(values: dict[str, int], scale: float) -> tuple[Segment, ...]:
    x, out = float(BAR_X), []
    for series in SERIES:
        n = values.get(series, 0)
        if n:
            out.append(Segment(series, x, max(n * scale, 2.0), n))
            x += n * scale
    return tuple(out)


def clock_chart(chart_id: str, rows: list[Figures], clock: str, name: Callable[[str], str]) -> BarChart:
    """On time, breached and not yet due of one clock, a bar per unit (004 C21, L18)."""
    shown = [f for f in rows if any(f.clocks[clock].values())]
    scale = _scale(max((sum(f.clocks[clock].values()) for f in shown), default=0))
    bars = [Bar(f.unit, name(f.unit), TOP + NAME_H + n * ROW_H, _segments(f.clocks[clock], scale),
                dict(f.clocks[clock])) for n, f in enumerate(shown)]
    return BarChart(chart_id, bars, hidden=[name(f.unit) for f in rows if f not in shown])


def ranking_chart(chart_id: str, ranked: list[Figures], name: Callable[[str], str]) -> BarChart:
    """The half-year ranking (半年排名): each unit's breach rate, lowest first. A unit with no
    clock decided has no rate and no bar (it ranks last, as in ``domain.oversight.ranking``)."""
    shown = [f for f in ranked if not is_blank(f) or f.decided]
    bars = []
    for n, f in enumerate(shown):
        rate = f.breach_rate
        width = BAR_W * rate if rate else 0.0
        segments = (Segment("breached", BAR_X, max(width, 2.0), f.breached),) if rate else ()
        bars.append(Bar(f.unit, name(f.unit), TOP + NAME_H + n * ROW_H, segments,
                        {"rank": n + 1, "rate": rate, "breached": f.breached, "decided": f.decided}))
    return BarChart(chart_id, bars, hidden=[name(f.unit) for f in ranked if f not in shown])


# --- the trend by month ------------------------------------------------------------------------

COLUMN_W = 52
TREND_H = 150  #: the tallest column
TREND_TOP = 22  #: room for the numbers above the columns
TREND_LABEL_H = 24


@dataclass(frozen=True)
class Column:
    month: str  #: YYYY-MM
    x: float
    segments: tuple[tuple[str, float, float, int], ...]  #: (series, y, height, value), bottom up
    met: int
    breached: int


@dataclass
class TrendChart:
    id: str
    columns: list[Column]
    column_w: int = COLUMN_W
    base_y: int = TREND_TOP + TREND_H

    @property
    def width(self) -> int:
        return max(1, len(self.columns)) * COLUMN_W + 10

    @property
    def height(self) -> int:
        return TREND_TOP + TREND_H + TREND_LABEL_H


def trend_chart(chart_id: str, by_month: dict[str, Figures]) -> TrendChart:
    """The county's decided clocks by month of receipt: on time (solid) under breached (hatched)."""
    decided = {m: (sum(t["met"] for t in f.clocks.values()), f.breached) for m, f in by_month.items()}
    peak = max((met + breached for met, breached in decided.values()), default=0)
    scale = TREND_H / peak if peak else 0.0
    columns = []
    for n, (month, (met, breached)) in enumerate(sorted(decided.items())):
        base, segments = float(TREND_TOP + TREND_H), []
        for series, value in (("met", met), ("breached", breached)):
            if value:
                height = max(value * scale, 2.0)
                base -= height
                segments.append((series, base, height, value))
        columns.append(Column(month, 10 + n * COLUMN_W, tuple(segments), met, breached))
    return TrendChart(chart_id, columns)


@dataclass(frozen=True)
class Cell:
    month: str
    x: float
    met: int
    breached: int
    met_w: float
    breached_w: float


@dataclass
class TrendGrid:
    """Small multiples: a row per unit, a cell per month, each a short bar (on time solid,
    breached hatched) over its two numbers."""

    id: str
    months: list[str]
    rows: list[tuple[str, str, float, list[Cell]]]  #: (unit, name, y, cells)
    hidden: list[str] = field(default_factory=list)
    label_w: int = LABEL_W
    cell_w: int = COLUMN_W
    row_h: int = 34

    @property
    def width(self) -> int:
        return LABEL_W + max(1, len(self.months)) * COLUMN_W

    @property
    def height(self) -> int:
        return 22 + max(1, len(self.rows)) * self.row_h


def trend_grid(grid_id: str, rows: list[Figures], by_month: dict[str, dict[str, Figures]], months: list[str],
               name: Callable[[str], str]) -> TrendGrid:
    """Each unit's decided clocks per month; units with none in the period are hidden."""
    def counts(f: Figures) -> tuple[int, int]:
        return sum(t["met"] for t in f.clocks.values()), f.breached

    table = {f.unit: {m: counts(by_month[f.unit][m]) if f.unit in by_month else (0, 0) for m in months}
             for f in rows}
    shown = [f for f in rows if any(met or breached for met, breached in table[f.unit].values())]
    peak = max((met + breached for f in shown for met, breached in table[f.unit].values()), default=0)
    scale = (COLUMN_W - 12) / peak if peak else 0.0
    out = []
    for n, f in enumerate(shown):
        cells = [Cell(m, LABEL_W + i * COLUMN_W + 6, met, breached, met * scale, breached * scale)
                 for i, (m, (met, breached)) in enumerate(table[f.unit].items())]
        out.append((f.unit, name(f.unit), 22 + n * 34, cells))
    return TrendGrid(grid_id, months, out, hidden=[name(f.unit) for f in rows if f not in shown])


# --- the page's charts --------------------------------------------------------------------------


@dataclass
class OversightCharts:
    clocks: list[str]  #: the counted clocks, in column order
    by_township: dict[str, BarChart]  #: clock -> chart
    by_lead: dict[str, BarChart]
    trend: TrendChart
    trend_townships: TrendGrid
    trend_leads: TrendGrid
    ranking_townships: BarChart | None = None  #: the half-year view only
    ranking_leads: BarChart | None = None


def for_report(result, name: Callable[[str], str]) -> OversightCharts:
    """Every chart of the oversight page, from ``statistics.report``'s result (``name`` gives a
    unit's name)."""
    stats = result.stats
    months = result.stats.period.months()
    clocks = [k.value for k in COUNTED_CLOCKS]
    return OversightCharts(
        clocks=clocks,
        by_township={k: clock_chart(f"chart-township-{k}", result.townships, k, name) for k in clocks},
        by_lead={k: clock_chart(f"chart-lead-{k}", result.leads, k, name) for k in clocks},
        trend=trend_chart("chart-trend", stats.by_month),
        trend_townships=trend_grid("chart-trend-townships", result.townships, stats.township_by_month, months, name),
        trend_leads=trend_grid("chart-trend-leads", result.leads, stats.lead_by_month, months, name),
        ranking_townships=ranking_chart("chart-ranking-townships", result.township_ranking, name)
        if result.township_ranking else None,
        ranking_leads=ranking_chart("chart-ranking-leads", result.lead_ranking, name) if result.lead_ranking else None,
    )
