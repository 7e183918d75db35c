"""Datums: the one place where coordinates change datum.

Everything the portal stores, routes and exports is WGS84, which is what a phone's GPS gives.
A basemap may be drawn in another datum, and a point tapped on it carries that datum:

- ``wgs84``: GPS, OpenStreetMap-style tiles;
- ``cgcs2000``: China's geodetic datum (Tianditu). It differs from WGS84 by centimetres,
  far below what a tap on a phone can pick, so it is taken as WGS84;
- ``gcj02``: the obfuscated datum every map published in China under an approval number
  (AMap, Tencent) is drawn in, offset from WGS84 by some hundreds of metres. The forward
  transformation is the published GCJ-02 formula (Krasovsky 1940 ellipsoid and two
  polynomial-sine series); it has no closed inverse, so WGS84 is found by fixed-point
  iteration to well under a millimetre. Outside China GCJ-02 equals WGS84.

The page sends coordinates tagged with its basemap's datum; the server converts here.
"""

from __future__ import annotations

import math

from portal.domain.geo import Point

WGS84 = "wgs84"
GCJ02 = "gcj02"
CGCS2000 = "cgcs2000"
DATUMS = (WGS84, GCJ02, CGCS2000)

_A = 6378245.0  #: Krasovsky 1940 semi-major axis, as the GCJ-02 formula uses it
_EE = 0.00669342162296594323  #: its first eccentricity squared


def _out_of_china(lng: float, lat: float) -> bool:
    """The rough box the published formula leaves unshifted."""
    return not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _series_lat(x: float, y: float) -> float:
    r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    r += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return r


def _series_lng(x: float, y: float) -> float:
    r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    r += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return r


def _gcj_offset(lng: float, lat: float) -> tuple[float, float]:
    """(dlng, dlat) in degrees that GCJ-02 adds to a WGS84 point."""
    dlat = _series_lat(lng - 105.0, lat - 35.0)
    dlng = _series_lng(lng - 105.0, lat - 35.0)
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    dlng = (dlng * 180.0) / (_A / sqrt_magic * math.cos(rad) * math.pi)
    return dlng, dlat


def wgs84_to_gcj02(lng: float, lat: float) -> tuple[float, float]:
    if _out_of_china(lng, lat):
        return lng, lat
    dlng, dlat = _gcj_offset(lng, lat)
    return lng + dlng, lat + dlat


def gcj02_to_wgs84(lng: float, lat: float) -> tuple[float, float]:
    """Fixed-point iteration: find w with wgs84_to_gcj02(w) == the given point (to 1e-10°)."""
    if _out_of_china(lng, lat):
        return lng, lat
    w_lng, w_lat = lng, lat
    for _ in range(30):
        g_lng, g_lat = wgs84_to_gcj02(w_lng, w_lat)
        d_lng, d_lat = g_lng - lng, g_lat - lat
        w_lng, w_lat = w_lng - d_lng, w_lat - d_lat
        if abs(d_lng) < 1e-10 and abs(d_lat) < 1e-10:
            break
    return w_lng, w_lat


def check(datum: str | None) -> str:
    """A datum name, ``wgs84`` when none is given; ValueError for one the portal does not know."""
    name = (datum or WGS84).strip().lower()
    if name not in DATUMS:
        raise ValueError(f"unknown datum {datum!r}")
    return name


def to_wgs84(point: Point, datum: str | None) -> Point:
    """A point given in ``datum`` (one of ``DATUMS``), as WGS84."""
    if check(datum) == GCJ02:
        lng, lat = gcj02_to_wgs84(point.lng, point.lat)
        return Point(lng, lat)
    return point


def from_wgs84(point: Point, datum: str | None) -> Point:
    """A WGS84 point, as drawn on a basemap in ``datum``."""
    if check(datum) == GCJ02:
        lng, lat = wgs84_to_gcj02(point.lng, point.lat)
        return Point(lng, lat)
    return point
