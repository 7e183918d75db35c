"""Static files and page compression.

Static files are linked by fingerprinted names (``css/citizen.3f2a1b0c9d8e.css``, the first
12 hex digits of the file's SHA-256, computed when the app starts), so they are cached for a
year as ``immutable``: a changed file has a new name. Their gzip and brotli variants are made
at build time (``scripts/assets.sh`` -> ``static/.precompressed/<digest>.gz|.br``), keyed by
the same digest, so a stale variant is never served: a file without one goes out as it is.

Pages (HTML and JSON) are gzipped on the fly when the client accepts it, on the embedded
server and on Lambda alike (Zappa base64-encodes a body with a ``Content-Encoding``, and the
API's ``BinaryMediaTypes`` passes it through).
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response, abort, request, send_from_directory, url_for

PRECOMPRESSED = ".precompressed"
YEAR = 365 * 86400
#: bodies smaller than this are sent as they are (the gzip header costs more than it saves)
MIN_COMPRESS_BYTES = 1024
COMPRESSIBLE = ("text/html", "text/css", "text/javascript", "application/javascript", "application/json",
                "image/svg+xml", "text/plain", "application/xml", "text/xml", "application/geo+json")


@dataclass(frozen=True)
class Asset:
    path: str  #: relative to the static folder, e.g. css/citizen.css
    digest: str  #: 12 hex digits of its SHA-256
    mimetype: str

    @property
    def hashed(self) -> str:
        stem, dot, suffix = self.path.rpartition(".")
        return f"{stem}.{self.digest}.{suffix}" if dot else f"{self.path}.{self.digest}"


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


class Assets:
    """The static folder's files by their plain and their fingerprinted names."""

    def __init__(self, root: Path):
        self.root = root
        self.by_path: dict[str, Asset] = {}
        self.by_hashed: dict[str, Asset] = {}
        if not root.is_dir():
            return
        for file in sorted(root.rglob("*")):
            rel = file.relative_to(root).as_posix()
            if not file.is_file() or rel.startswith(PRECOMPRESSED + "/"):
                continue
            mimetype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            asset = Asset(rel, digest_of(file.read_bytes()), mimetype)
            self.by_path[rel] = asset
            self.by_hashed[asset.hashed] = asset

    def url_path(self, path: str) -> str:
        """The fingerprinted name of a static file (the plain name if there is no such file)."""
        asset = self.by_path.get(path)
        return asset.hashed if asset else path

    def variant(self, asset: Asset, encoding: str) -> Path | None:
        suffix = {"br": "br", "gzip": "gz"}[encoding]
        candidate = self.root / PRECOMPRESSED / f"{asset.digest}.{suffix}"
        return candidate if candidate.is_file() else None


def accepted_encodings() -> set[str]:
    """The codings the client accepts (``q=0`` refuses one)."""
    accepted = set()
    for part in request.headers.get("Accept-Encoding", "").split(","):
        name, _, params = part.strip().partition(";")
        if not name:
            continue
        q = params.strip()
        if q.startswith("q="):
            try:
                if float(q[2:]) == 0:
                    continue
            except ValueError:
                continue
        accepted.add(name.strip().lower())
    return accepted


def _serve(assets: Assets, filename: str):
    asset = assets.by_hashed.get(filename)
    if asset is None:
        if filename not in assets.by_path:
            abort(404)
        # a plain name (Leaflet's CSS names its images so): an hour, revalidated after
        response = send_from_directory(assets.root, filename, max_age=3600)
        response.headers["Cache-Control"] = "public, max-age=3600"
        return response
    accepted = accepted_encodings()
    encoding = next((e for e in ("br", "gzip") if e in accepted and assets.variant(asset, e)), None)
    source = assets.variant(asset, encoding) if encoding else assets.root / asset.path
    response = Response(source.read_bytes(), mimetype=asset.mimetype)
    if asset.mimetype.startswith("text/") or asset.mimetype in ("application/javascript", "image/svg+xml"):
        response.charset = "utf-8"
        response.headers["Content-Type"] = f"{asset.mimetype}; charset=utf-8"
    if encoding:
        response.headers["Content-Encoding"] = encoding
    if asset.mimetype.startswith(COMPRESSIBLE):
        response.vary.add("Accept-Encoding")
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    response.set_etag(asset.digest + ("-" + encoding if encoding else ""))
    return response.make_conditional(request)


def compress_page(response: Response) -> Response:
    """Gzip an HTML or JSON answer on the fly when the client accepts it."""
    if (response.direct_passthrough or response.is_streamed or "Content-Encoding" in response.headers
            or response.status_code < 200 or response.status_code in (204, 304) or request.method == "HEAD"
            or not (response.mimetype or "").startswith(COMPRESSIBLE)):
        return response
    body = response.get_data()
    if len(body) < MIN_COMPRESS_BYTES:
        return response
    response.vary.add("Accept-Encoding")
    if "gzip" not in accepted_encodings():
        return response
    response.set_data(gzip.compress(body, compresslevel=6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    return response


def init(app: Flask, root: Path) -> Assets:
    assets = Assets(root)
    app.extensions["portal_assets"] = assets
    app.view_functions["static"] = lambda filename: _serve(assets, filename)

    @app.template_global()
    def asset_url(path: str) -> str:
        """The fingerprinted URL of a static file (behind the API's own URL, with the stage)."""
        return url_for("static", filename=assets.url_path(path))

    @app.route("/favicon.ico")
    def favicon():
        """Browsers ask for /favicon.ico whatever the page says: a day's cache (the name never changes)."""
        response = _serve(assets, assets.url_path("img/favicon.ico"))
        response.headers["Cache-Control"] = "public, max-age=86400"
        return response

    app.after_request(compress_page)
    return assets
