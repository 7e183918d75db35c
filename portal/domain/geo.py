"""Plane geometry small enough to own: point in polygon (even-odd rule) and great-circle distance.

Coordinates are (longitude, latitude) in WGS84 degrees, as in GeoJSON. County polygons are
at most a few kilometres per edge, where treating degrees as planar for containment is exact
enough (the rule only decides which side of a surveyed edge a point lies).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

Ring = Sequence[tuple[float, float]]

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


def polygons_contain(polygons: Sequence[Ring], point: Point) -> bool:
    return any(ring_contains(ring, point) for ring in polygons)


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
