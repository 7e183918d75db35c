"""Which counties' boxes may hold a point: a flat grid over the deployment's counties, built
from their boxes alone when the registry loads (no outline read: the cold start stays that of
one county), used by ``CountyRegistry.county_at``.

Each cell of the grid (``CELL_DEGREES`` on a side, small beside a county of about half a
degree) names the counties whose box meets it. A cell lying wholly inside one county's box
and meeting no other is answered by that county with no box compared (most cells of a
province); a cell on a box's edge gives its counties whose box covers the point.

Why a flat array and not a mapping keyed by (column, row): a lookup then reads one machine
integer and one small tuple, not a tuple key, its two integers and a list of boxes scattered
over the heap; with a province's counties in memory, objects the processor does not hold
were where the many-county lookup lost its time against the one-county lookup.
"""

from __future__ import annotations

from array import array
from typing import Sequence

from portal.domain.geo import Point

Box = tuple[float, float, float, float]  #: (west, south, east, north)

#: the side of the grid's cells, in degrees
CELL_DEGREES = 0.1
#: far more than the rounding of a cell's side, far less than anything surveyed (degrees)
EPSILON = 1e-9
#: at most this many cells: a deployment spread over the whole country gets coarser cells
MAX_CELLS = 1 << 20


def _covers(box: Box, x: float, y: float) -> bool:
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


class BoxIndex:
    __slots__ = ("boxes", "west", "south", "scale", "columns", "rows", "cells", "candidates_of")

    def __init__(self, boxes: Sequence[Box | None]):
        """``boxes``: each county's box, in the registry's order (a county is its ordinal); None
        for a county without an outline (it holds no point, and its (0, 0) must not stretch
        the grid across the globe)."""
        self.boxes = tuple(tuple(box) if box is not None else None for box in boxes)
        present = [b for b in self.boxes if b is not None]
        self.west = min((b[0] for b in present), default=0.0)
        self.south = min((b[1] for b in present), default=0.0)
        east = max((b[2] for b in present), default=0.0)
        north = max((b[3] for b in present), default=0.0)
        size = CELL_DEGREES
        while ((east - self.west) / size + 1) * ((north - self.south) / size + 1) > MAX_CELLS:
            size *= 2
        self.scale = 1.0 / size
        self.columns = int((east - self.west) * self.scale) + 1
        self.rows = int((north - self.south) * self.scale) + 1
        met: dict[int, list[int]] = {}
        for ordinal, box in enumerate(self.boxes):
            if box is None:
                continue
            west, south, east_, north_ = box
            for j in range(self._row(south), self._row(north_) + 1):
                for i in range(self._column(west), self._column(east_) + 1):
                    met.setdefault(j * self.columns + i, []).append(ordinal)
        #: per cell: k >= 0, ``candidates_of[k]`` answers every point of the cell; k < 0, the
        #: counties of ``candidates_of[-k]`` whose box covers the point (0: no county)
        self.cells = array("i", bytes(4 * self.columns * self.rows))
        self.candidates_of: list[tuple[int, ...]] = [()]
        known: dict[tuple[int, ...], int] = {(): 0}
        for key, ordinals in met.items():
            i, j = key % self.columns, key // self.columns
            whole = len(ordinals) == 1 and self._within(i, j, size, self.boxes[ordinals[0]])
            index = known.get(tuple(ordinals))
            if index is None:
                index = known[tuple(ordinals)] = len(self.candidates_of)
                self.candidates_of.append(tuple(ordinals))
            self.cells[key] = index if whole else -index

    def _within(self, i: int, j: int, size: float, box: Box) -> bool:
        """Whether every point the lookup puts in cell (i, j) lies in the box: its sides clear
        the box's by more than rounding, or share the grid's own west or south edge (a point
        west or south of it is never looked up)."""
        west, south = self.west + i * size, self.south + j * size
        return ((box[0] < west - EPSILON or (i == 0 and box[0] == self.west))
                and (box[1] < south - EPSILON or (j == 0 and box[1] == self.south))
                and west + size + EPSILON < box[2] and south + size + EPSILON < box[3])

    def _column(self, x: float) -> int:
        return min(self.columns - 1, max(0, int((x - self.west) * self.scale)))

    def _row(self, y: float) -> int:
        return min(self.rows - 1, max(0, int((y - self.south) * self.scale)))

    def candidates(self, point: Point) -> tuple[int, ...]:
        """The ordinals of the counties whose box covers the point, in the registry's order."""
        x, y = point.lng, point.lat
        if x < self.west or y < self.south:
            return ()
        i, j = int((x - self.west) * self.scale), int((y - self.south) * self.scale)
        if i >= self.columns or j >= self.rows:
            return ()
        k = self.cells[j * self.columns + i]
        if k >= 0:
            return self.candidates_of[k]
        candidates = self.candidates_of[-k]
        if len(candidates) == 1:  # a cell on one box's edge (a province's most common other case)
            west, south, east, north = self.boxes[candidates[0]]
            return candidates if west <= x <= east and south <= y <= north else ()
        return tuple(o for o in candidates if _covers(self.boxes[o], x, y))
