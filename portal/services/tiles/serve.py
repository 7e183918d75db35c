"""One tile for the county's map, never an error page.

Order of answers for a tile the route serves (inside the county's box and the zoom range):
1. the cached tile, if fetched less than ``max_age`` ago;
2. the upstream's tile, within the client's budget of upstream fetches, (its layers composed into one PNG), then kept in the cache, unless the
   source turns caching off (the provider's terms), when it is passed through;
3. the upstream failing: the cached tile however old, else the county's own layers drawn by the
   portal, both with a short browser lifetime so the real tile replaces them soon.
After a failure the upstream is left alone for ``UPSTREAM_PAUSE`` (per process), so a map of
twenty tiles waits for one timeout, not twenty.

Nothing from the citizen's request reaches the upstream: the fetcher is called with the URL
only. Upstream URLs carry the county's key, so no URL is ever logged or put in an answer.
"""

from __future__ import annotations

import io
import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Callable, Mapping

from portal.domain.basemap import (
    COUNTY_MAX_ZOOM, COUNTY_MIN_ZOOM, COUNTY_SOURCE, Tile, TileSource, serving_box, tile_served,
)
from portal.domain.county import County
from portal.ports import TileCache, TileFetcher, TileUnavailable

log = logging.getLogger(__name__)

#: browser lifetimes (seconds): a tile of the upstream; the county's own layers (they change
#: only with the county file); a stand-in while the upstream is down; a refusal
FRESH_SECONDS = 7 * 24 * 3600
COUNTY_SECONDS = 3600
STANDIN_SECONDS = 300
REFUSED_SECONDS = 24 * 3600
#: how long a process leaves an upstream alone after it failed
UPSTREAM_PAUSE = timedelta(seconds=30)
#: the largest tile image composed (retina tiles are 512 pixels)
MAX_TILE_PIXELS = 1024


@dataclass(frozen=True)
class TileAnswer:
    status: int  # 200, or 404 for a tile the route does not serve
    data: bytes
    content_type: str
    max_age: int
    #: whether shared caches may keep it (no for a source whose terms forbid storing tiles)
    shared: bool
    #: cache | upstream | passthrough | stale | drawn | county | blank | refused (for tests and the bench)
    origin: str


REFUSED = TileAnswer(404, b"", "text/plain; charset=utf-8", REFUSED_SECONDS, True, "refused")


@dataclass
class TileService:
    cache: TileCache
    fetcher: TileFetcher
    #: secret name -> key, for the sources that need one; never logged or shown
    keys: Mapping[str, str] = field(repr=False, default_factory=dict)
    max_age: timedelta = timedelta(days=30)
    _paused_until: dict[str, datetime] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # --- which sources a county can show -------------------------------------------------
    def usable(self, source: TileSource) -> bool:
        return source.key_secret is None or bool(self.keys.get(source.key_secret))

    def shown(self, county: County) -> TileSource | None:
        """The source the county's maps show: its first usable upstream; None: its own layers."""
        return next((s for s in county.basemap if self.usable(s)), None)

    # --- one tile ----------------------------------------------------------------------
    def tile(self, county: County, source_name: str, z: int, x: int, y: int, now: datetime,
             may_fetch: Callable[[], bool] | None = None) -> TileAnswer:
        """``may_fetch`` is asked just before the upstream would be: the requesting client's
        budget of upstream fetches (no: the tile is answered as if the upstream were down).
        Whatever fails, the answer is a tile, never an error page: at worst a blank one."""
        try:
            return self._answer(county, source_name, z, x, y, now, may_fetch)
        except Exception as exc:  # the kind only: a message could quote an upstream URL and its key
            log.error("tile %s/%s/%s/%s failed (%s)", source_name, z, x, y, type(exc).__name__)
            return TileAnswer(200, blank_png(), "image/png", STANDIN_SECONDS, True, "blank")

    def _answer(self, county: County, source_name: str, z: int, x: int, y: int, now: datetime,
                may_fetch: Callable[[], bool] | None) -> TileAnswer:
        from portal.services.tiles import render  # Pillow's drawing modules: only once a tile is drawn

        tile = Tile(z, x, y)
        box = serving_box(county.boundary)
        if source_name == COUNTY_SOURCE:
            if not tile_served(box, COUNTY_MIN_ZOOM, COUNTY_MAX_ZOOM, tile):
                return REFUSED
            return TileAnswer(200, render.county_tile(county, tile), "image/png", COUNTY_SECONDS, True, "county")
        source = next((s for s in county.basemap if s.name == source_name), None)
        if source is None or not tile_served(box, source.min_zoom, source.max_zoom, tile):
            return REFUSED
        key = f"{county.code}/{source.name}-{source.fingerprint}/{z}/{x}/{y}"
        cached = self._cached(source, key)
        if cached is not None and now - cached.stored_at < self.max_age:
            return TileAnswer(200, cached.data, cached.content_type, FRESH_SECONDS, True, "cache")
        fetched = self._fetch(source, tile, now, may_fetch) if self.usable(source) else None
        if fetched is not None:
            data, content_type = fetched
            if not source.cache:
                return TileAnswer(200, data, content_type, FRESH_SECONDS, False, "passthrough")
            self._keep(key, data, content_type, now)
            return TileAnswer(200, data, content_type, FRESH_SECONDS, True, "upstream")
        if cached is not None:
            return TileAnswer(200, cached.data, cached.content_type, STANDIN_SECONDS, True, "stale")
        return TileAnswer(200, render.county_tile(county, tile, datum=source.datum), "image/png", STANDIN_SECONDS,
                          True, "drawn")

    # --- the ports, each failure contained ---------------------------------------------
    def _cached(self, source: TileSource, key: str):
        if not source.cache:
            return None
        try:
            return self.cache.get(key)
        except Exception as exc:  # the cache is an optimisation: a failing one is a miss
            log.warning("tile cache read failed (%s)", type(exc).__name__)
            return None

    def _keep(self, key: str, data: bytes, content_type: str, now: datetime) -> None:
        try:
            self.cache.put(key, data, content_type, now)
        except Exception as exc:
            log.warning("tile cache write failed (%s)", type(exc).__name__)

    def _fetch(self, source: TileSource, tile: Tile, now: datetime,
               may_fetch: Callable[[], bool] | None) -> tuple[bytes, str] | None:
        with self._lock:
            paused = self._paused_until.get(source.fingerprint)
        if paused is not None and now < paused:
            return None
        try:
            if may_fetch is not None and not may_fetch():
                return None
        except Exception as exc:  # the budget cannot be counted (the store): no fetch, the map still draws
            log.warning("tile fetch budget unavailable (%s)", type(exc).__name__)
            return None
        key = self.keys.get(source.key_secret) if source.key_secret else None
        try:
            layers = [self.fetcher.fetch(url) for url in source.urls(tile, key)]
            return layers[0] if len(layers) == 1 else (compose([data for data, _ in layers]), "image/png")
        except TileUnavailable as exc:
            if exc.pause:
                with self._lock:
                    self._paused_until[source.fingerprint] = now + UPSTREAM_PAUSE
            log.warning("basemap %s: %s", source.name, exc)
            return None

    def close(self) -> None:
        closer = getattr(self.fetcher, "close", None)
        if closer:
            closer()


@lru_cache(maxsize=1)
def blank_png() -> bytes:
    """A plain tile, for the answer of last resort."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (256, 256), (226, 224, 219)).save(out, "PNG")
    return out.getvalue()


def compose(layers: list[bytes]) -> bytes:
    """Upstream layers drawn bottom to top into one PNG (a map and its labels)."""
    from PIL import Image

    try:
        base = None
        for data in layers:
            with Image.open(io.BytesIO(data)) as image:
                if max(image.size) > MAX_TILE_PIXELS:
                    raise TileUnavailable("upstream tile too large")
                layer = image.convert("RGBA")
            if base is None:
                base = layer
            else:
                if layer.size != base.size:
                    layer = layer.resize(base.size)
                base.alpha_composite(layer)
        out = io.BytesIO()
        base.convert("RGB").save(out, "PNG")
        return out.getvalue()
    except TileUnavailable:
        raise
    except Exception as exc:  # an image Pillow cannot read
        raise TileUnavailable(f"upstream image unreadable ({type(exc).__name__})") from None
