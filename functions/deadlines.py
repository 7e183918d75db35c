"""The scheduled Lambda function (every 5 minutes): runs the sweeper.

Zappa calls ``functions.deadlines.handler(event, context)`` from its scheduled event. The
services are built once per container (shared with the web app); the sweep itself reads only due items."""

from __future__ import annotations

import logging

from portal.runtime import services
from portal.services import sweeper

log = logging.getLogger(__name__)


def handler(event, context, deps=None):
    deps = deps or services()
    try:
        report = sweeper.sweep(deps, deps.clock.now())
    except Exception:
        log.exception("%s: the sweep did not run", sweeper.ERROR_TOKEN)
        raise
    return report.as_dict()  # the sweeper logged its summary line (event "sweep")
