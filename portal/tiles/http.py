"""The HTTP client that fetches upstream tiles (urllib3: pooled connections, short timeouts).

What the upstream sees is the portal, never a citizen: a fixed User-Agent and Accept, and no
header of the citizen's request (no X-Forwarded-For, cookie, referer, language or user agent);
the route never passes any on. No retries (a slow upstream must not hold a map), no redirects
(a redirect could point anywhere), no proxy from the environment, at most ``MAX_TILE_BYTES``
read, and only PNG, JPEG or WebP bytes are taken as a tile (an upstream answers a bad key with
XML or an HTML page, sometimes with status 200).

Upstream URLs carry the county's key, so nothing here logs a URL, and the errors raised name
only the kind of failure (urllib3's own errors, which quote the URL, are dropped). urllib3
logs each request line at DEBUG: ``portal.web.logs.hide`` masks the key in every log record.
"""

from __future__ import annotations

import threading

from portal.ports import TileUnavailable
from portal.tiles import image_type

USER_AGENT = "complaint-portal-basemap/1.0"
MAX_TILE_BYTES = 1024 * 1024


class HttpTileFetcher:
    def __init__(self, timeout_seconds: float = 3.0, max_connections: int = 8):
        self.timeout = float(timeout_seconds)
        self.max_connections = max_connections
        self._manager = None
        self._lock = threading.Lock()

    @property
    def _pool(self):
        """Made at the first fetch: a container that serves no upstream tile never imports urllib3."""
        with self._lock:
            if self._manager is None:
                import urllib3

                self._manager = urllib3.PoolManager(
                    num_pools=8, maxsize=self.max_connections, block=False, retries=False,
                    timeout=urllib3.Timeout(total=self.timeout, connect=self.timeout, read=self.timeout),
                    headers={"User-Agent": USER_AGENT, "Accept": "image/png,image/jpeg,image/webp,image/*;q=0.8"},
                )
            return self._manager

    def fetch(self, url: str) -> tuple[bytes, str]:
        try:
            response = self._pool.request("GET", url, redirect=False, retries=False, preload_content=False)
        except Exception as exc:  # connection refused, timeout, TLS, a malformed URL: all mean "no tile"
            raise TileUnavailable(f"upstream unreachable ({type(exc).__name__})") from None
        complete = False
        try:
            if response.status != 200:
                raise TileUnavailable(f"upstream answered HTTP {response.status}", pause=response.status != 404)
            data = response.read(MAX_TILE_BYTES + 1)
            complete = len(data) <= MAX_TILE_BYTES
        except TileUnavailable:
            raise
        except Exception as exc:
            raise TileUnavailable(f"upstream broke off ({type(exc).__name__})") from None
        finally:
            if not complete:  # an unread body must not go back into the pool with its connection
                response.close()
            response.release_conn()
        if len(data) > MAX_TILE_BYTES:
            raise TileUnavailable("upstream tile too large")
        kind = image_type(data)
        if kind is None:
            raise TileUnavailable("upstream answered something that is not an image")
        return data, kind

    def close(self) -> None:
        with self._lock:
            if self._manager is not None:
                self._manager.clear()
