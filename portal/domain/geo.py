"""Plane geometry small enough to own: point in polygon (even-odd rule) and great-circle distance.

Coordinates are (longitude, latitude) in WGS84 degrees, as in GeoJSON. County polygons are
at most a few kilometres per edge, where treating degrees as planar for containment is exact
enough (the rule only decides which side of a surveyed edge a point lies).

An ``Area`` is what GeoJSON calls MultiPolygon coordinates: polygons, each its outer ring
followed by its holes (a management area inside a town is a hole in the town).
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass
from typing import Sequence

Ring = Sequence[tuple[float, float]]
Polygon = Sequence[Ring]  #: outer ring, then holes
Area = Sequence[Polygon]

EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class Point:
    lng: float
    lat: float

    def __post_init__(self):
        if not (-180.0 <= self.lng <= 180.0 and -90.0 <= self.lat <= 90.0):
            raise ValueError("coordinates out of range")

    def rounded(self, places: int) -> "Point":
        return Point(round(self.lng, places), round(self.lat, places))


def ring_contains(ring: Ring, point: Point) -> bool:
    """Even-odd rule; a point on a shared edge belongs to exactly one of two neighbours
    (half-open in latitude), so adjacent townships never both claim it."""
    inside = False
    x, y = point.lng, point.lat
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i]
        x2, y2 = ring[(i + 1) % n]
        if (y1 > y) != (y2 > y):
            x_cross = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < x_cross:
                inside = not inside
    return inside


def area_contains(area: Area, point: Point) -> bool:
    """In one of the polygons' outer rings and in none of that polygon's holes."""
    return any(ring_contains(polygon[0], point) and not any(ring_contains(hole, point) for hole in polygon[1:])
               for polygon in area)


def area_bounds(area: Area) -> tuple[float, float, float, float]:
    """(west, south, east, north) of the outer rings."""
    xs = [p[0] for polygon in area for p in polygon[0]]
    ys = [p[1] for polygon in area for p in polygon[0]]
    return min(xs), min(ys), max(xs), max(ys)


def offset(point: Point, east_m: float, north_m: float) -> Point:
    """The point moved by metres east and north (a local flat approximation, fine within a county)."""
    dlat = north_m / (math.pi * EARTH_RADIUS_M / 180)
    dlng = east_m / (math.pi * EARTH_RADIUS_M / 180 * math.cos(math.radians(point.lat)))
    return Point(point.lng + dlng, point.lat + dlat)


def distance_m(a: Point, b: Point) -> float:
    """Haversine distance in metres."""
    phi1, phi2 = math.radians(a.lat), math.radians(b.lat)
    dphi = phi2 - phi1
    dlmb = math.radians(b.lng - a.lng)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def ring_area_deg2(ring: Ring) -> float:
    total = 0.0
    for i in range(len(ring)):
        x1, y1 = ring[i]
        x2, y2 = ring[(i + 1) % len(ring)]
        total += x1 * y2 - x2 * y1
    return abs(total) / 2


def centroid(ring: Ring) -> Point:
    xs = [p[0] for p in ring[:-1]] or [ring[0][0]]
    ys = [p[1] for p in ring[:-1]] or [ring[0][1]]
    return Point(sum(xs) / len(xs), sum(ys) / len(ys))


class BandedArea:
    """An area whose edges are sorted into latitude bands, so that a point is tested against
    the few edges of its own band instead of every edge: the same even-odd, half-open rule as
    ``area_contains`` and the same answers (an edge whose latitudes do not reach the point's
    band cannot cross the point's horizontal ray). Built once per county outline
    (``County.contains``, ``Township.contains``): placing a point then costs about the same whatever the
    outline's length and however many outlines a deployment holds."""

    BANDS = 64

    def __init__(self, area: Area):
        self.west, self.south, self.east, self.north = area_bounds(area) if area else (0.0, 0.0, -1.0, -1.0)
        self.height = (self.north - self.south) or 1.0
        #: per polygon, per ring (outer, then holes): the edges (x1, y1, x2, y2) of each band
        self.polygons = [[self._bands(ring) for ring in polygon] for polygon in area]

    def _band(self, y: float) -> int:
        return min(self.BANDS - 1, max(0, int((y - self.south) / self.height * self.BANDS)))

    def _bands(self, ring: Ring) -> list[list[tuple[float, float, float, float]]]:
        bands: list[list[tuple[float, float, float, float]]] = [[] for _ in range(self.BANDS)]
        n = len(ring)
        for i in range(n):
            x1, y1 = ring[i]
            x2, y2 = ring[(i + 1) % n]
            if y1 == y2:
                continue  # a level edge never crosses a horizontal ray
            for band in range(self._band(min(y1, y2)), self._band(max(y1, y2)) + 1):
                bands[band].append((x1, y1, x2, y2))
        # each band's edges as one flat, contiguous array of floats: a point touches a few
        # cache lines, not four float objects and a tuple per edge (with a province's outlines
        # in memory, most of a placement's time is memory the processor does not hold)
        return [array("d", [v for edge in edges for v in edge]) for edges in bands]

    @staticmethod
    def _crossings(edges, x: float, y: float) -> bool:
        inside = False
        values = iter(edges)
        for x1, y1, x2, y2 in zip(values, values, values, values):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
        return inside

    def contains(self, point: Point) -> bool:
        x, y = point.lng, point.lat
        if not (self.west <= x <= self.east and self.south <= y <= self.north):
            return False  # outside the box: no edge looked at (a township's neighbours, mostly)
        band = self._band(y)
        return any(self._crossings(rings[0][band], x, y)
                   and not any(self._crossings(hole[band], x, y) for hole in rings[1:])
                   for rings in self.polygons)
