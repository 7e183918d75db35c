"""The basemap on the portal's own origin: ``/tiles/<source>/<z>/<x>/<y>.png``.

Thin: the service decides what the answer is (``portal.services.tiles.serve``); this module
only turns it into a response with cache headers (``portal.web.maps`` gives pages the map
element's ``data-*`` attributes). Nothing of the request but the path reaches the service,
so no header of the citizen's (address, cookie, referer, user agent) reaches the upstream.
"""

from __future__ import annotations

from flask import Blueprint, make_response, request

from portal.domain.errors import RateLimited
from portal.services import ratelimit
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
