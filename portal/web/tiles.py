"""The basemap on the portal's own origin: ``/tiles/<source>/<z>/<x>/<y>.png``.

Thin: the service decides what the answer is (``portal.services.tiles.serve``); this module
only turns it into a response with cache headers, and gives templates the map element's
``data-*`` attributes. Nothing of the request but the path reaches the service, so no header
of the citizen's (address, cookie, referer, user agent) can reach the upstream.
"""

from __future__ import annotations

import html

from flask import Blueprint, make_response, request, url_for
from flask_babel import gettext

from portal.domain.errors import RateLimited
from portal.services import ratelimit
from portal.services.tiles.page import basemap_of
from portal.web.common import client_key, county, deps, now

bp = Blueprint("tiles", __name__)


@bp.get("/tiles/<source>/<int:z>/<int:x>/<int:y>.png")
def tile(source: str, z: int, x: int, y: int):
    answer = deps().tiles.tile(county(), source, z, x, y, now(), may_fetch=_within_fetch_budget)
    response = make_response(answer.data, answer.status)
    response.content_type = answer.content_type
    response.cache_control.max_age = answer.max_age
    if answer.shared:
        response.cache_control.public = True
    else:
        response.cache_control.private = True
    if answer.status == 200:
        response.add_etag()
        response.make_conditional(request)
    return response


def _within_fetch_budget() -> bool:
    """Counted only when the tile is not cached: a keyed hash of the client, as every limit."""
    try:
        ratelimit.check(deps(), "tile_fetch", client_key(), now())
    except RateLimited:
        return False
    return True


def map_attributes(c=None) -> dict:
    """The map element's ``data-tiles``, ``data-attribution``, ``data-datum``, ``data-min-zoom``
    and ``data-max-zoom``. The attribution is HTML-escaped once more than the attribute needs,
    because Leaflet writes attributions as HTML."""
    c = c or county()
    basemap = basemap_of(deps().tiles, c)
    template = url_for("tiles.tile", source=basemap.source, z=0, x=0, y=0)
    template = template[: -len("0/0/0.png")] + "{z}/{x}/{y}.png"
    if basemap.attribution is None:
        text = gettext("%(county)s自有图层（示意图，非标准地图）", county=c.name)
    else:
        text = gettext("%(attribution)s · 审图号：%(number)s", attribution=basemap.attribution,
                       number=basemap.approval_number)
    return {"tiles": template, "attribution": html.escape(text), "datum": basemap.datum,
            "min_zoom": basemap.min_zoom, "max_zoom": basemap.max_zoom}
