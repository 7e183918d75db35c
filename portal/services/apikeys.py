"""API keys for Open311 clients (e.g. a hotline's system filing on a caller's behalf).

A key is shown once at creation; the store keeps its keyed hash only. Scope ``public`` never
sees a complaint's description, media or a location finer than about 1 km; scope ``staff``
(the county's own systems) does. Neither ever sees a reporter's phone or receipt.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from portal.domain.errors import DomainError
from portal.i18n import N_
from portal.services.deps import Deps
from portal.services.keys import lookups

SCOPES = ("public", "staff")
_NAME = re.compile(r"^[\w\-. ]{1,64}$")


def create(deps: Deps, name: str, scope: str, county: str, now: datetime) -> str:
    if not _NAME.match(name or ""):
        raise DomainError(N_("名称只能包含字母、数字、空格和 - _ ."), field="name")
    if scope not in SCOPES:
        raise DomainError(N_("权限范围只能是 public 或 staff。"), field="scope")
    if deps.counties.get(county) is None:
        raise DomainError(N_("没有这个县。"), field="county")
    key = "k_" + secrets.token_urlsafe(32)
    deps.repos.api_keys.add(deps.hasher.digest("apikey", key), name, scope, county, now)
    return key


def authenticate(deps: Deps, key: str | None) -> dict | None:
    if not key or len(key) > 128:
        return None
    return lookups.api_key_record(deps, key)
