"""The basemap a county serves from its own origin: its tile sources and which tiles it serves.

A source is county data (the ``basemap`` section of the county file): where its tiles come
from (URL templates, a key held as a secret), the datum its tiles are drawn in, and the
attribution and map approval number (审图号) a public map in China must show. The route
serves only tiles of the county's bounding box and the source's zoom range, so it is never an
open proxy for the upstream's whole map. Tiles are Web Mercator (EPSG:3857) XYZ tiles.

Pure values and arithmetic: no I/O, as everywhere in the domain.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from portal.domain.geo import Area, area_bounds

#: datums a source may declare; CGCS2000 (Tianditu) is within centimetres of WGS84
DATUMS = ("wgs84", "cgcs2000", "gcj02")

#: the source the portal always has: the county's own layers, drawn by the portal itself
COUNTY_SOURCE = "county"

#: the zoom range of the county's own layers
COUNTY_MIN_ZOOM, COUNTY_MAX_ZOOM = 8, 18

#: tiles are served for the county's box grown by this margin: tiles along the edge, and the
#: offset of a GCJ-02 basemap from WGS84 (at most about 700 m in mainland China)
BOX_MARGIN_M = 1500.0

TILE_SIZE = 256
MAX_LATITUDE = 85.0511287798


@dataclass(frozen=True)
class TileSource:
    """One upstream basemap. ``templates`` are drawn bottom to top (a Tianditu map and its
    labels); each may hold ``{z}``, ``{x}``, ``{y}``, ``{s}`` (one of ``subdomains``, chosen by
    the tile) and ``{key}`` (the secret named ``key_secret``, filled in only when fetching)."""

    name: str
    templates: tuple[str, ...]
    datum: str
    attribution: str
    approval_number: str
    min_zoom: int
    max_zoom: int
    cache: bool = True
    key_secret: str | None = None
    subdomains: str = ""

    @property
    def fingerprint(self) -> str:
        """Changes when the tiles would: a new template or subdomain set starts a new cache."""
        text = "\n".join((*self.templates, self.subdomains))
        return hashlib.sha256(text.encode()).hexdigest()[:10]

    def urls(self, tile: "Tile", key: str | None) -> list[str]:
        """The upstream URLs of one tile, key included: for the fetcher only, never for a page or a log."""
        sub = self.subdomains[(tile.x + tile.y) % len(self.subdomains)] if self.subdomains else ""
        values = {"z": str(tile.z), "x": str(tile.x), "y": str(tile.y), "s": sub, "key": key or ""}
        return [_fill(template, values) for template in self.templates]


def _fill(template: str, values: dict[str, str]) -> str:
    out = template
    for name, value in values.items():
        out = out.replace("{" + name + "}", value)
    return out


#: Tianditu's Web Mercator layers (``_w``) and the label layer drawn over each
TIANDITU_LABELS = {"vec": "cva", "img": "cia", "ter": "cta"}


def tianditu_templates(layer: str) -> tuple[str, ...]:
    """The WMTS GetTile URLs of a Tianditu map layer and its Chinese labels (``tk`` is the key)."""
    if layer not in TIANDITU_LABELS:
        raise ValueError(f"unknown Tianditu layer {layer!r}")
    return tuple(
        f"https://t{{s}}.tianditu.gov.cn/{name}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
        f"&LAYER={name}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
        "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}"
        for name in (layer, TIANDITU_LABELS[layer]))


# --- the tile grid -------------------------------------------------------------------------


@dataclass(frozen=True)
class Tile:
    z: int
    x: int
    y: int

    def bounds(self) -> tuple[float, float, float, float]:
        """(west, south, east, north) in degrees."""
        n = 2 ** self.z
        west, east = self.x / n * 360.0 - 180.0, (self.x + 1) / n * 360.0 - 180.0
        return west, _lat(self.y + 1, n), east, _lat(self.y, n)

    @property
    def valid(self) -> bool:
        return 0 <= self.z <= 24 and 0 <= self.x < 2 ** self.z and 0 <= self.y < 2 ** self.z


def _lat(y: float, n: int) -> float:
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / n))))


def world_pixel(lng: float, lat: float, z: int) -> tuple[float, float]:
    """The point's pixel position in the whole world's image at zoom ``z`` (256-pixel tiles)."""
    lat = max(-MAX_LATITUDE, min(MAX_LATITUDE, lat))
    scale = TILE_SIZE * 2 ** z
    x = (lng + 180.0) / 360.0 * scale
    s = math.sin(math.radians(lat))
    y = (0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * scale
    return x, y


@dataclass(frozen=True)
class Box:
    west: float
    south: float
    east: float
    north: float

    def grown(self, metres: float) -> "Box":
        dlat = metres / 111_320.0
        dlng = metres / (111_320.0 * math.cos(math.radians(max(abs(self.south), abs(self.north)))))
        return Box(self.west - dlng, self.south - dlat, self.east + dlng, self.north + dlat)

    def intersects(self, west: float, south: float, east: float, north: float) -> bool:
        return west < self.east and east > self.west and south < self.north and north > self.south


def serving_box(boundary: Area) -> Box:
    """The box of the county's outline (whatever its shape) with the margin."""
    return Box(*area_bounds(boundary)).grown(BOX_MARGIN_M)


def tile_served(box: Box, min_zoom: int, max_zoom: int, tile: Tile) -> bool:
    """Whether the route serves this tile: inside the zoom range and touching the county's box."""
    return tile.valid and min_zoom <= tile.z <= max_zoom and box.intersects(*tile.bounds())
