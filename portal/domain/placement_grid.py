"""A county's placement grid: where a point is (in the county or not, in which township),
answered for most points by one array lookup.

The county's box is cut into ``CELLS`` x ``CELLS`` cells. A cell that no edge of the county's
outline or of a township's area touches lies wholly on one side of every edge, so every point
in it has the answer its centre has: that answer is stored. A cell an edge touches (every cell
of the edge's box is marked, widened by a hair against rounding) stores ``BOUNDARY``, and its
points are tested against the outlines as before (``BandedArea``). The answers are therefore
the outlines' own, exactly; the grid only skips the tests where their result cannot differ.

With a province's outlines in memory, testing a point means reading objects scattered over
the heap (the county, its townships, their bands): most of a placement's time went to memory
the processor did not hold. A lookup reads one small array.
"""

from __future__ import annotations

from array import array
from typing import Callable, Iterable

from portal.domain.geo import Area, Point

#: the cell's points must be tested against the outlines
BOUNDARY = -1


def encode(inside: bool, township: int | None) -> int:
    """One cell's answer: whether the county holds it, and the index of its township (or none)."""
    return ((township + 1 if township is not None else 0) << 1) | int(inside)


def decode(code: int) -> tuple[bool, int | None]:
    township = (code >> 1) - 1
    return bool(code & 1), (township if township >= 0 else None)


class PlacementGrid:
    __slots__ = ("west", "south", "east", "north", "x_scale", "y_scale", "values")
    CELLS = 64
    #: how far (in degrees) an edge's box is widened when its cells are marked
    MARGIN = 1e-9

    def __init__(self, bounds: tuple[float, float, float, float], areas: Iterable[Area],
                 answer: Callable[[Point], int]):
        """``bounds``: the county's box; ``areas``: every area whose edges divide the answers
        (the county's outline, the townships' areas); ``answer``: a point's encoded answer,
        from the outlines."""
        n = self.CELLS
        self.west, self.south, self.east, self.north = bounds
        self.x_scale = n / ((self.east - self.west) or 1.0)
        self.y_scale = n / ((self.north - self.south) or 1.0)
        touched = bytearray(n * n)
        for area in areas:
            for polygon in area:
                for ring in polygon:
                    self._mark(ring, touched)
        values = array("h")
        for j in range(n):
            lat = self.south + (j + 0.5) / self.y_scale
            for i in range(n):
                if touched[j * n + i]:
                    values.append(BOUNDARY)
                else:
                    values.append(answer(Point(self.west + (i + 0.5) / self.x_scale, lat)))
        self.values = values

    def _index(self, value: float, origin: float, scale: float) -> int:
        return min(self.CELLS - 1, max(0, int((value - origin) * scale)))

    def _mark(self, ring, touched: bytearray) -> None:
        n, margin = self.CELLS, self.MARGIN
        count = len(ring)
        for k in range(count):
            x1, y1 = ring[k]
            x2, y2 = ring[(k + 1) % count]
            i0 = self._index(min(x1, x2) - margin, self.west, self.x_scale)
            i1 = self._index(max(x1, x2) + margin, self.west, self.x_scale)
            for j in range(self._index(min(y1, y2) - margin, self.south, self.y_scale),
                           self._index(max(y1, y2) + margin, self.south, self.y_scale) + 1):
                touched[j * n + i0:j * n + i1 + 1] = b"\x01" * (i1 - i0 + 1)

    def code(self, point: Point) -> int:
        """The point's encoded answer, or ``BOUNDARY`` (test it against the outlines): also for a
        point outside the county's box, which the outlines answer."""
        x, y = point.lng, point.lat
        if not (self.west <= x < self.east and self.south <= y < self.north):
            return BOUNDARY
        n = self.CELLS
        row = min(n - 1, int((y - self.south) * self.y_scale))
        return self.values[row * n + min(n - 1, int((x - self.west) * self.x_scale))]

    @property
    def share_answered(self) -> float:
        """The share of the box's cells answered without a test."""
        return sum(1 for v in self.values if v != BOUNDARY) / len(self.values)
