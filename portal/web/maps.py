"""The basemap a page's map draws on, as data attributes of its map element: ``data-tiles``
(a URL template on the portal's own origin), ``data-attribution``, ``data-datum`` (wgs84,
gcj02 or cgcs2000), ``data-min-zoom``, ``data-max-zoom``. The map scripts (place.js,
staff-map.js) read them; with no tiles they draw the county's own layers only (outline,
townships, built-up area, every village name), and no request leaves the portal.

One place decides them for citizen and staff pages alike, from the request's county's tile
sources (``portal.services.tiles``): its first upstream whose key is configured, served at
``/tiles/<source>/{z}/{x}/{y}.png``. A county with none (the demo) gets no tiles: its own
layers, drawn by the map script, are the whole map."""

from __future__ import annotations

import html

from flask import url_for
from flask_babel import gettext
from markupsafe import Markup, escape

from portal.web.common import county, deps


def basemap() -> dict:
    """The tile source the maps use: {tiles, attribution, datum, min_zoom, max_zoom}; without a
    usable upstream, none (the county's layers alone)."""
    source = deps().tiles.shown(county())
    if source is None:
        return {}
    template = url_for("tiles.tile", source=source.name, z=0, x=0, y=0)
    template = template[: -len("0/0/0.png")] + "{z}/{x}/{y}.png"
    text = gettext("%(attribution)s · 审图号：%(number)s", attribution=source.attribution,
                   number=source.approval_number)
    # Leaflet writes an attribution as HTML: escaped once here, and once more as an attribute
    return {"tiles": template, "attribution": html.escape(text), "datum": source.datum,
            "min_zoom": source.min_zoom, "max_zoom": source.max_zoom}


def map_attributes() -> Markup:
    """`` data-tiles="…" data-datum="…"`` for the map element (a Jinja global)."""
    names = {"tiles": "data-tiles", "attribution": "data-attribution", "datum": "data-datum",
             "min_zoom": "data-min-zoom", "max_zoom": "data-max-zoom"}
    parts = [f' {names[k]}="{escape(v)}"' for k, v in basemap().items() if k in names and v not in (None, "")]
    return Markup("".join(parts))


def init(app) -> None:
    app.jinja_env.globals["map_attributes"] = map_attributes
