"""A county chosen by path: ``/430225/report`` is the report form of the county whose division
code is 430225, on any host of the deployment (one host for a whole province).

The middleware moves a leading 6-digit code that names a county of the deployment from the
path to the script name, so that every route matches as it does on the county's own host and
every link the pages build (``url_for``) keeps the prefix; ``portal.web.common.county`` reads
the code back. The staff app is never under a county's path: a staff member's county is their
account's. A code no county has is left in the path (a 404)."""

from __future__ import annotations

import re
from typing import Iterable

ENVIRON_KEY = "portal.county"
_PREFIX = re.compile(r"^/(\d{6})(/.*)?$")


class CountyPaths:
    def __init__(self, app, codes: Iterable[str]):
        self.app = app
        self.codes = frozenset(codes)

    def __call__(self, environ, start_response):
        found = _PREFIX.match(environ.get("PATH_INFO") or "")
        if found and found.group(1) in self.codes and not (found.group(2) or "").startswith("/staff"):
            code, rest = found.group(1), found.group(2) or "/"
            environ["SCRIPT_NAME"] = (environ.get("SCRIPT_NAME") or "").rstrip("/") + "/" + code
            environ["PATH_INFO"] = rest
            environ[ENVIRON_KEY] = code
        return self.app(environ, start_response)
