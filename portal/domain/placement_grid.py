"""A county's placement grid: where a point is (in the county or not, in which township),
answered for nearly every point by one or two array lookups.

The county's box is cut into ``CELLS`` x ``CELLS`` cells. A cell that no edge of the county's
outline or of a township's area passes through lies wholly on one side of every edge, so every
point in it has the answer its centre has: that answer is stored. A cell an edge passes
through is cut again into ``SUB`` x ``SUB`` sub-cells, answered the same way; only a sub-cell
an edge passes through stores ``BOUNDARY``, and its points are tested against the outlines
(``BandedArea``). The answers are therefore the outlines' own, exactly; the grid only skips
the tests where their result cannot differ.

Why two levels: with one level of 64 x 64 cells, one point in six fell in a cell an edge
crosses and paid for an exact test, reading a county's bands from memory the processor did
not hold (with a province's outlines in memory, most of a placement's time); a uniform grid
fine enough to leave one point in a hundred to the tests would hold 64 times as many cells,
most of them in the county's interior where one value per cell suffices.

Why it is cheap to build (at a county's first placement): a cell is marked only where an edge
really passes (each edge's span in each row of cells, not its whole box), and the unmarked
cells of a row come in runs that share one answer; a run under an unmarked cell of the row
above takes that cell's answer, so only a few runs per area's piece are tested.
"""

from __future__ import annotations

from array import array
from typing import Callable, Iterable, Sequence

from portal.domain.geo import Area, Point

#: the sub-cell's points must be tested against the outlines
BOUNDARY = -1


def encode(inside: bool, township: int | None) -> int:
    """One cell's answer: whether the county holds it, and the index of its township (or none)."""
    return ((township + 1 if township is not None else 0) << 1) | int(inside)


def decode(code: int) -> tuple[bool, int | None]:
    township = (code >> 1) - 1
    return bool(code & 1), (township if township >= 0 else None)


def _index(value: float, origin: float, scale: float, cells: int) -> int:
    return min(cells - 1, max(0, int((value - origin) * scale)))


def mark_edges(rings: Iterable[Sequence[tuple[float, float]]], cells: int, bounds: tuple[float, float, float, float],
               margin: float) -> bytearray:
    """The cells (``cells`` x ``cells`` over ``bounds``, row by row from the south) that an edge of
    the rings passes through or comes within ``margin`` of: per edge and row of cells, the
    edge's span of longitudes in that row (widened by the margin against rounding)."""
    west, south, east, north = bounds
    x_scale, y_scale = cells / ((east - west) or 1.0), cells / ((north - south) or 1.0)
    touched = bytearray(cells * cells)
    last = cells - 1
    for ring in rings:
        count = len(ring)
        for k in range(count):
            x1, y1 = ring[k]
            x2, y2 = ring[(k + 1) % count]
            low, high = min(y1, y2), max(y1, y2)
            j0 = _index(low - margin, south, y_scale, cells)
            j1 = _index(high + margin, south, y_scale, cells)
            for j in range(j0, j1 + 1):
                if j1 - j0 < 2:
                    # an edge within two rows: its whole box (the span of a nearly level edge,
                    # interpolated, would magnify rounding)
                    xa, xb = min(x1, x2), max(x1, x2)
                else:
                    ya = max(low, south + j / y_scale - margin)
                    yb = min(high, south + (j + 1) / y_scale + margin)
                    if ya > yb:  # a row reached by clamping (the edge leaves the box): all of it
                        ya, yb = low, high
                    xa = x1 + (ya - y1) * (x2 - x1) / (y2 - y1)
                    xb = x1 + (yb - y1) * (x2 - x1) / (y2 - y1)
                    if xa > xb:
                        xa, xb = xb, xa
                i0 = max(0, int((xa - margin - west) * x_scale))
                i1 = min(last, int((xb + margin - west) * x_scale))
                touched[j * cells + i0:j * cells + i1 + 1] = b"\x01" * (i1 - i0 + 1)
    return touched


def fill_answers(touched: bytearray, cells: int, answer_at: Callable[[int, int], int]) -> array:
    """Each cell's answer (``BOUNDARY`` where marked): a run of unmarked cells in a row shares
    one answer (no edge passes between them); it is the answer of an unmarked cell just above
    the run if there is one (no edge between them either), else ``answer_at(column, row)`` of
    the run's first cell."""
    values = array("h", bytes(2 * cells * cells))
    for j in range(cells):
        row, end_of_row = j * cells, (j + 1) * cells
        start = row
        while start < end_of_row:
            marked = touched.find(1, start, end_of_row)
            stop = end_of_row if marked < 0 else marked
            if stop > start:
                above = touched.find(0, start - cells, stop - cells) if j else -1
                value = values[above] if above >= 0 else answer_at(start - row, j)
                values[start:stop] = array("h", [value]) * (stop - start)
            if marked < 0:
                break
            start = touched.find(0, marked, end_of_row)
            start = end_of_row if start < 0 else start
            values[marked:start] = array("h", [BOUNDARY]) * (start - marked)
    return values


class PlacementGrid:
    # what a lookup reads first (one object's first slots, not entries of the county's dict)
    __slots__ = ("west", "x_scale", "south", "y_scale", "cells", "blocks", "named", "east", "north", "share_answered")
    CELLS = 64
    #: sub-cells across a cell an edge passes through
    SUB = 8
    #: how far (in degrees) an edge's span is widened when its cells are marked
    MARGIN = 1e-9

    def __init__(self, bounds: tuple[float, float, float, float], areas: Iterable[Area],
                 answer: Callable[[Point], int], named: Sequence = ()):
        """``bounds``: the county's box; ``areas``: every area whose edges divide the answers
        (the county's outline, the townships' areas); ``answer``: a point's encoded answer,
        from the outlines; ``named``: what an answer's township index names (the county's
        townships), kept here so that a lookup reads it from the grid it already holds."""
        self.named = tuple(named)
        n, sub = self.CELLS, self.SUB
        assert (n, sub) == (64, 8), "code() reads the cells with these sizes' shifts"
        fine_n = n * sub
        west, south, east, north = bounds
        self.east, self.north = east, north
        # the four numbers every lookup reads, made here one after the other (adjacent in
        # memory), not the outline's own coordinates scattered over the county's data
        self.west, self.south = west + 0.0, south + 0.0
        self.x_scale = n / ((east - west) or 1.0)
        self.y_scale = n / ((north - south) or 1.0)
        fine_x, fine_y = self.x_scale * sub, self.y_scale * sub
        rings = [ring for area in areas for polygon in area for ring in polygon]
        touched = mark_edges(rings, n, bounds, self.MARGIN)
        fine = fill_answers(mark_edges(rings, fine_n, bounds, self.MARGIN), fine_n,
                            lambda i, j: answer(Point(west + (i + 0.5) / fine_x, south + (j + 0.5) / fine_y)))
        #: per cell: its answer (>= 0), or -1 - the index of its block of sub-cells in ``blocks``
        self.cells = array("h")
        self.blocks = array("h")
        answered = 0
        for j in range(n):
            for i in range(n):
                first = j * sub * fine_n + i * sub  # the cell's south-west sub-cell
                if not touched[j * n + i] and fine[first] != BOUNDARY:
                    self.cells.append(fine[first])  # no edge in the cell: one answer for all of it
                    answered += sub * sub
                    continue
                self.cells.append(-1 - len(self.blocks) // (sub * sub))
                for row in range(sub):
                    block_row = fine[first + row * fine_n:first + row * fine_n + sub]
                    self.blocks.extend(block_row)
                    answered += sub - block_row.count(BOUNDARY)
        #: the share of the box answered without a test
        self.share_answered = answered / (fine_n * fine_n)

    def code(self, point: Point) -> int:
        """The point's encoded answer, or ``BOUNDARY`` (test it against the outlines): also for a
        point outside the county's box, which the outlines answer. (The hot path of placing a
        point: the literals are ``CELLS`` = 64 = 1 << 6 and ``SUB`` = 8 = 1 << 3.)"""
        fx = (point.lng - self.west) * self.x_scale
        fy = (point.lat - self.south) * self.y_scale
        if not (0.0 <= fx < 64.0 and 0.0 <= fy < 64.0):
            return BOUNDARY
        i, j = int(fx), int(fy)
        value = self.cells[(j << 6) | i]
        if value >= 0:
            return value
        # fy - j is exact and below 1, so the sub-cell's row and column are below 8
        return self.blocks[((-1 - value) << 6) | (int((fy - j) * 8.0) << 3) | int((fx - i) * 8.0)]
