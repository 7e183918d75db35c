"""A local fake of a tile upstream on loopback, driven by the portal's real HTTP client.

It answers Tianditu-shaped WMTS GetTile requests (``/<layer>_w/wmts?...&TILEMATRIX=z&TILEROW=y
&TILECOL=x&tk=KEY``) with a 256-pixel PNG of its own for each layer and tile: opaque for a map
layer, transparent with a mark for a label layer (``cva``, ``cia``, ``cta``), so composing can
be seen. A wrong or missing ``tk`` gets what Tianditu sends then: an XML error (status 403).
Every request is recorded (path, query, headers) in ``requests``.

Failure controls: ``stop()`` / ``start()`` (connection refused in between, same URL),
``fail_next(n, status)``, ``hang_next(n, seconds)`` (answer only after the portal's timeout),
``garbage_next(n)`` (status 200 with an HTML page, as a captive portal or a broken CDN does).
"""

from __future__ import annotations

import hashlib
import io
import threading
import time
from dataclasses import dataclass

from PIL import Image, ImageDraw
from werkzeug.wrappers import Request, Response

from tests.fakes.twilio_api import LoopbackServer

LABEL_LAYERS = {"cva", "cia", "cta"}


@dataclass(frozen=True)
class SeenRequest:
    path: str
    query: dict[str, str]
    headers: dict[str, str]

    @property
    def tile(self) -> tuple[str, int, int, int]:
        layer = self.path.strip("/").split("_")[0]
        return layer, int(self.query["TILEMATRIX"]), int(self.query["TILECOL"]), int(self.query["TILEROW"])


def tile_png(layer: str, z: int, x: int, y: int) -> bytes:
    """The fake's tile: a colour of its own per layer and tile; labels on a transparent layer."""
    seed = hashlib.sha256(f"{layer}/{z}/{x}/{y}".encode()).digest()
    if layer in LABEL_LAYERS:
        image = Image.new("RGBA", (256, 256), (0, 0, 0, 0))
        ImageDraw.Draw(image).rectangle((96, 120, 160, 136), fill=(20, 20, 20, 255))
    else:
        image = Image.new("RGBA", (256, 256), (seed[0], seed[1], seed[2], 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


class FakeTileUpstream:
    def __init__(self, key: str = "fake-tianditu-key-0123456789abcdef"):
        self.key = key
        self.requests: list[SeenRequest] = []
        self._lock = threading.Lock()
        self._plan: list[tuple[str, float]] = []  # ("fail", status) | ("hang", seconds) | ("garbage", 0)
        self._server = LoopbackServer(self._app)

    # --- lifecycle -----------------------------------------------------------------------
    @property
    def url(self) -> str:
        return self._server.url

    def start(self) -> None:
        self._server.start()

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def template(self, layer: str = "vec") -> str:
        """A Tianditu WMTS GetTile URL template on this fake, for an ``xyz`` source with a key."""
        return (f"{self.url}/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={layer}"
                "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}")

    # --- failure controls ------------------------------------------------------------------
    def fail_next(self, n: int = 1, status: int = 503) -> None:
        with self._lock:
            self._plan += [("fail", status)] * n

    def hang_next(self, n: int = 1, seconds: float = 2.0) -> None:
        with self._lock:
            self._plan += [("hang", seconds)] * n

    def garbage_next(self, n: int = 1) -> None:
        with self._lock:
            self._plan += [("garbage", 0)] * n

    @property
    def tiles_served(self) -> int:
        return len(self.requests)

    # --- the WSGI app ----------------------------------------------------------------------
    def _app(self, environ, start_response):
        request = Request(environ)
        with self._lock:
            self.requests.append(SeenRequest(request.path, dict(request.args), dict(request.headers)))
            action = self._plan.pop(0) if self._plan else None
        if action and action[0] == "hang":
            time.sleep(action[1])
        elif action and action[0] == "fail":
            return Response("upstream error", status=int(action[1]))(environ, start_response)
        elif action and action[0] == "garbage":
            return Response("<html><body>请登录</body></html>", content_type="text/html")(environ, start_response)
        if request.args.get("tk") != self.key:
            body = ('<?xml version="1.0" encoding="UTF-8"?><ows:ExceptionReport><ows:Exception>'
                    "<ows:ExceptionText>权限类型错误</ows:ExceptionText></ows:Exception></ows:ExceptionReport>")
            return Response(body, status=403, content_type="text/xml")(environ, start_response)
        try:
            layer = request.path.strip("/").split("_")[0]
            z, x, y = (int(request.args[k]) for k in ("TILEMATRIX", "TILECOL", "TILEROW"))
        except (KeyError, ValueError):
            return Response("bad request", status=400)(environ, start_response)
        return Response(tile_png(layer, z, x, y), content_type="image/png")(environ, start_response)
