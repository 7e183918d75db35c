"""Builders for the report-channel tests (``portal.services.channels``): a registration form
filled as an officer would, one per channel, and the store's row count (nothing stored)."""

from __future__ import annotations

import sqlite3

from portal.domain.access import Actor, Role
from portal.services import filing_tokens
from portal.services.channels import registration

COUNTY = "430225"
#: the housing bureau receives; the reports below are routed to natural resources (another unit)
RECEIVER = Actor("reception", Role.OFFICER, "housing", COUNTY)
LEAD = Actor("handler", Role.OFFICER, "natural_resources", COUNTY)
VILLAGE = ("26.460", "113.850")  # 霞阳镇, outside the built-up area: lead 县自然资源局, co-handler 霞阳镇

#: each channel with what it needs (004 C20, L17; 上级交办 and 相关部门移交, C9, L8)
CHANNELS = {
    "phone": {"channel": "phone"},
    "letter": {"channel": "letter"},
    "email": {"channel": "email"},
    "visit": {"channel": "visit"},
    "assigned": {"channel": "assigned", "source": "12345", "external_ref": "YL12345-20261120-0007"},
    "transferred": {"channel": "transferred", "from_unit": "县市场监督管理局"},
}


def form(deps, channel: str = "letter", **fields) -> registration.RegistrationInput:
    values = {"token": filing_tokens.issue(deps, deps.clock.now()), "category": "c1-no-planning-permit",
              "description": "有人在农田里违法建房，已经砌到二层。", "lat": VILLAGE[0], "lng": VILLAGE[1],
              "received_on": "2026-11-20", "contact_kind": "none", **CHANNELS[channel]}
    values.update(fields)
    return registration.RegistrationInput(**values)


def register(deps, channel: str = "letter", actor: Actor = RECEIVER, photos=(), **fields):
    data = form(deps, channel, **fields)
    result = registration.register(deps, actor, deps.counties.default, data, list(photos), deps.clock.now())
    return result, deps.repos.complaints.get(result.complaint_id), data


def rows(deps) -> int:
    """Every item in the SQLite table: what "nothing stored" is checked against."""
    connection = sqlite3.connect(deps.settings.sqlite_file)
    try:
        return connection.execute("SELECT COUNT(*) FROM items").fetchone()[0]
    finally:
        connection.close()
