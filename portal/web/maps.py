"""The basemap a page's map draws on, as data attributes of its map element: ``data-tiles``
(a URL template on the portal's own origin), ``data-attribution``, ``data-datum`` (wgs84,
gcj02 or cgcs2000), ``data-min-zoom``, ``data-max-zoom``. The map scripts (place.js,
staff-map.js) read them; with no tiles they draw the county's own layers only (outline,
townships, built-up area, every village name), and no request leaves the portal.

One place decides them for citizen and staff pages alike: the tile source's configuration
(issue 19 item 3) fills ``basemap`` below."""

from __future__ import annotations

from markupsafe import Markup, escape

from portal.web.common import deps


def basemap() -> dict:
    """The tile source the maps use: {tiles, attribution, datum, min_zoom, max_zoom}; empty
    values are left out. Without a tile source, none (the county's layers alone)."""
    settings = deps().settings
    return {"tiles": settings.map_tiles_url or "", "datum": "wgs84" if settings.map_tiles_url else ""}


def map_attributes() -> Markup:
    """`` data-tiles="…" data-datum="…"`` for the map element (a Jinja global)."""
    names = {"tiles": "data-tiles", "attribution": "data-attribution", "datum": "data-datum",
             "min_zoom": "data-min-zoom", "max_zoom": "data-max-zoom"}
    parts = [f' {names[k]}="{escape(v)}"' for k, v in basemap().items() if k in names and v not in (None, "")]
    return Markup("".join(parts))


def init(app) -> None:
    app.jinja_env.globals["map_attributes"] = map_attributes
