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
    return deps().counties.for_host(request.host)


def client_key() -> str:
    """A keyed, daily-salted hash of the client address; the address itself goes nowhere."""
    return ratelimit.client_key(deps(), request.remote_addr, now())


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
