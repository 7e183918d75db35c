"""The embedded default's sweeper: a daemon thread in `portal serve` that sweeps every N
seconds (on AWS a scheduled event does this). Several servers sweeping at once is safe:
the sweep's writes are conditional."""

from __future__ import annotations

import logging
import threading

from portal.services import sweeper
from portal.services.deps import Deps

log = logging.getLogger(__name__)


def start_sweeper(deps: Deps, every_seconds: float) -> threading.Event:
    """Start sweeping; set the returned event to stop."""
    stop = threading.Event()

    def loop():
        while not stop.wait(every_seconds):
            try:
                sweeper.sweep(deps, deps.clock.now())
            except Exception:  # the next round tries again; the error is logged with its token
                log.exception("%s: background sweep failed", sweeper.ERROR_TOKEN)

    threading.Thread(target=loop, name="sweeper", daemon=True).start()
    return stop
