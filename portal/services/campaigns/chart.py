"""The campaign's progress against its phase dates, as an SVG chart drawn on the server by the
template ``staff/campaigns/_progress.html`` (no JavaScript; prints; reads in black and white).

Pure geometry in a fixed coordinate box (the SVG's ``viewBox``): the campaign's days run left
to right, each phase a band across the top with its name (003 §2(3): 组织准备, 排查摸底, 查处整改,
检查验收), the reporting days ticked on the axis, today marked; three cumulative step lines, each
with its own dash pattern and its last value written at its end: items found (solid), handled
(dashed), written off (dotted). The figure's table (``points``) is what a screen reader reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from portal.domain.campaigns.campaign import Campaign
from portal.domain.campaigns.items import ProgressPoint

WIDTH = 720
LEFT = 44  #: room for the counts on the y axis
RIGHT = 64  #: room for the values at the lines' ends
TOP = 8
BAND_H = 34  #: the phases' row
PLOT_TOP = TOP + BAND_H + 10
PLOT_H = 170
AXIS_H = 46  #: month labels and today's mark under the plot
HEIGHT = PLOT_TOP + PLOT_H + AXIS_H
SERIES = ("found", "handled", "written_off")
DASHES = {"found": "", "handled": "7 4", "written_off": "2 3"}
WIDTHS = {"found": 2.5, "handled": 2.5, "written_off": 3.2}


@dataclass(frozen=True)
class Band:
    name: str
    kind: str
    start: date
    end: date
    x: float
    width: float
    shade: int  #: 0 or 1, alternating fills
    label_fits: bool


@dataclass(frozen=True)
class Line:
    series: str
    points: str  #: the polyline's "x,y x,y ..."
    last_x: float
    last_y: float
    label_y: float  #: the value's baseline, kept 13 units from the other lines' values
    value: int
    dash: str
    stroke_width: float


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass
class ProgressChart:
    id: str
    bands: list[Band]
    lines: list[Line]
    months: list[Tick]  #: the first day of each month, labelled M月
    reports: list[float]  #: x of each reporting day
    today_x: float | None
    peak: int
    rows: list[ProgressPoint]  #: the table: each reporting day so far and the last day drawn
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    plot_top: int = PLOT_TOP
    plot_h: int = PLOT_H
    band_top: int = TOP
    band_h: int = BAND_H

    @property
    def plot_right(self) -> int:
        return WIDTH - RIGHT

    @property
    def base_y(self) -> int:
        return PLOT_TOP + PLOT_H


def build(chart_id: str, campaign: Campaign, points: list[ProgressPoint], today: date) -> ProgressChart:
    span = (campaign.end - campaign.start).days + 1
    plot_w = WIDTH - LEFT - RIGHT

    def x(day: date) -> float:
        return LEFT + plot_w * (day - campaign.start).days / span

    bands = []
    for n, phase in enumerate(campaign.phases):
        left, right = x(phase.start), x(phase.end + timedelta(days=1))
        bands.append(Band(phase.name, phase.kind, phase.start, phase.end, left, right - left, n % 2,
                          label_fits=(right - left) >= 14 * len(phase.name) + 6))
    peak = max((p.found for p in points), default=0)
    scale = PLOT_H / peak if peak else 0.0
    base = PLOT_TOP + PLOT_H
    lines = []
    for series in SERIES:
        coords, value, last = [], 0, (float(LEFT), float(base))
        for p in points:
            value = getattr(p, series)
            y = base - value * scale
            coords += [(x(p.day), y), (x(p.day + timedelta(days=1)), y)]
            last = coords[-1]
        if coords:
            lines.append(Line(series, " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords), last[0], last[1],
                              last[1] + 4, value, DASHES[series], WIDTHS[series]))
    lines = _spread_labels(lines)
    months, day = [], campaign.start.replace(day=1)
    while day <= campaign.end:
        if day >= campaign.start:
            months.append(Tick(x(day), f"{day.month}"))
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    reporting = campaign.reporting_days()
    on_report = set(reporting)
    rows = [p for p in points if p.day in on_report or p is points[-1]]
    today_x = x(today) + plot_w / span / 2 if campaign.start <= today <= campaign.end else None
    return ProgressChart(id=chart_id, bands=bands, lines=lines, months=months, reports=[x(d) for d in reporting],
                         today_x=today_x, peak=peak, rows=rows)


def _spread_labels(lines: list[Line]) -> list[Line]:
    """The values written at the lines' ends, moved up so that none overlaps another (equal
    counts end at the same height)."""
    placed, floor = {}, float(PLOT_TOP + PLOT_H + 4)
    for line in sorted(lines, key=lambda line: -line.last_y):
        y = min(line.last_y + 4, floor)
        placed[line.series] = y
        floor = y - 13
    return [Line(line.series, line.points, line.last_x, line.last_y, placed[line.series], line.value, line.dash,
                 line.stroke_width) for line in lines]
