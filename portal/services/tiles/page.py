"""What a map element needs to show the county's basemap: the tile URL on the portal's own
origin (never the upstream's, never the key), the datum the tiles are drawn in, the zoom
range, and the attribution with the map approval number (审图号) to show on the map."""

from __future__ import annotations

from dataclasses import dataclass

from portal.domain.basemap import COUNTY_MAX_ZOOM, COUNTY_MIN_ZOOM, COUNTY_SOURCE
from portal.domain.county import County
from portal.services.tiles.serve import TileService


@dataclass(frozen=True)
class MapBasemap:
    source: str
    datum: str  # wgs84 | cgcs2000 | gcj02
    min_zoom: int
    max_zoom: int
    #: the provider's attribution and approval number; None for the county's own layers
    attribution: str | None
    approval_number: str | None


def basemap_of(tiles: TileService, county: County) -> MapBasemap:
    source = tiles.shown(county)
    if source is None:
        return MapBasemap(COUNTY_SOURCE, "wgs84", COUNTY_MIN_ZOOM, COUNTY_MAX_ZOOM, None, None)
    return MapBasemap(source.name, source.datum, source.min_zoom, source.max_zoom, source.attribution,
                      source.approval_number)
