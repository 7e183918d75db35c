"""Helpers every blueprint uses: the services' dependencies, the county of the request, the
anonymous client key for rate limits, and the translation of domain messages."""

from __future__ import annotations

from flask import current_app, request
from flask_babel import gettext

from portal.domain.county import County
from portal.services import ratelimit
from portal.services.deps import Deps


def deps() -> Deps:
    return current_app.extensions["portal"]


def now():
    return deps().clock.now()


def county() -> County:
    """The request's county: named by its path (``portal.web.county_paths``), else by its host."""
    return deps().counties.for_request(request.host, request.environ.get("portal.county"))


def client_address() -> str | None:
    """The address the request came from, for rate limits only (never stored or logged).

    On Lambda it is the source address API Gateway saw (``requestContext.identity.sourceIp``
    of the event Zappa keeps in the environ as ``lambda.event``; ``http.sourceIp`` for HTTP API
    events). Zappa's own ``REMOTE_ADDR`` is read from ``X-Forwarded-For`` and, behind a
    regional API, is whatever the client wrote there, so it is never used. Elsewhere it is
    ``REMOTE_ADDR``: waitress sets it from ``X-Forwarded-For`` only for the proxy named by
    ``PORTAL_TRUSTED_PROXY``."""
    event = request.environ.get("lambda.event")
    if isinstance(event, dict):
        context = event.get("requestContext") or {}
        for part in ("identity", "http"):
            source = (context.get(part) or {}).get("sourceIp")
            if isinstance(source, str) and source:
                return source
        return None  # an event without a source: one shared client rather than a spoofable one
    return request.remote_addr


def client_key() -> str:
    """A keyed, daily-salted hash of the client address; the address itself goes nowhere."""
    return ratelimit.client_key(deps(), client_address(), now())


def translate(message: str | None, params: dict | None = None) -> str:
    """Translate a domain msgid and fill its placeholders (``*_msg`` values are msgids too)."""
    if not message:
        return ""
    values = {k: (gettext(v) if k.endswith("_msg") and isinstance(v, str) else v) for k, v in (params or {}).items()}
    text = gettext(message)
    try:
        return text % values if values else text
    except (KeyError, TypeError, ValueError):
        return text


def error_text(exc) -> str:
    return translate(exc.message, exc.params)
