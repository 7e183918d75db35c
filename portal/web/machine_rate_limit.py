"""The rate limit of the machine interfaces (the JSON API and Open311), per client.

Registered by ``create_app`` itself, not by the API it guards: the API is a lazy part of the
app (``portal.web.routing``), registered at its first request, while Open311 is another;
either may be a container's first request, and each must be counted from the first."""

from __future__ import annotations

from flask import Flask, request

from portal.services import ratelimit
from portal.web.common import client_key, deps, now

#: read-only county data (outline, catalog, what a pin says, the gazetteer) costs nothing to
#: serve and reads no record: not counted, so an office of staff behind one address never
#: exhausts the limit by opening maps, nor a citizen by typing in the search box
UNCOUNTED = frozenset({"api.MapView", "api.CatalogView", "api.PlaceView", "api.PlaceSearchView"})


def init(app: Flask) -> None:
    @app.before_request
    def api_rate_limit():
        if request.path.startswith(("/api/", "/open311/")) and request.endpoint not in UNCOUNTED:
            ratelimit.check(deps(), "api", client_key(), now())
