"""The scheduled Lambda function (every 5 minutes): runs the sweeper.

Zappa calls ``functions.deadlines.handler(event, context)`` from its scheduled event. The
services are built once per container; the sweep itself reads only due items."""

from __future__ import annotations

import logging

from portal.services import sweeper

log = logging.getLogger(__name__)
_deps = None


def _services():
    global _deps
    if _deps is None:
        from portal.config import Settings
        from portal.services.deps import build_deps

        _deps = build_deps(Settings.from_env())
    return _deps


def handler(event, context, deps=None):
    deps = deps or _services()
    try:
        report = sweeper.sweep(deps, deps.clock.now())
    except Exception:
        log.exception("%s: the sweep did not run", sweeper.ERROR_TOKEN)
        raise
    summary = report.as_dict()
    log.info("sweep: %d due, %d complaints, %d breaches, messages %s, %d errors",
             report.due, report.complaints, report.breaches, report.messages, report.errors)
    return summary
