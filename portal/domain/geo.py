"""Plane geometry small enough to own: point in polygon (even-odd rule) and great-circle distance.

Coordinates are (longitude, latitude) in WGS84 degrees, as in GeoJSON. County polygons are
at most a few kilometres per edge, where treating degrees as planar for containment is exact
enough (the rule only decides which side of a surveyed edge a point lies).

An ``Area`` is what GeoJSON calls MultiPolygon coordinates: polygons, each its outer ring
followed by its holes (a management area inside a town is a hole in the town).
"""

from __future__ import annotations

import math
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
