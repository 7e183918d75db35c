"""One set of services per process: on Lambda the WSGI app, the scheduled sweeper and the
S3 trigger run in the same container and share it, so a cold container reads its secrets
from SSM once and opens one set of clients."""

from __future__ import annotations

import threading

from portal.config import Settings
from portal.services.deps import Deps, build_deps

_lock = threading.Lock()
_services: Deps | None = None


def services() -> Deps:
    global _services
    with _lock:
        if _services is None:
            from portal.web import logs

            settings = Settings.from_env()
            logs.configure(settings)
            _services = build_deps(settings)
        return _services
