"""The embedded default's sweeper: a daemon thread in `portal serve` that sweeps every N
seconds (on AWS a scheduled event does this). Several servers sweeping at once is safe:
the sweep's writes are conditional."""

from __future__ import annotations

import logging
import threading

from portal.services import sweeper
from portal.services.deps import Deps

log = logging.getLogger(__name__)


class BackgroundSweeper:
    """The sweeping thread; ``stop`` ends it after the sweep under way and waits for that."""

    def __init__(self, deps: Deps, every_seconds: float):
        self._deps, self._every = deps, every_seconds
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="sweeper", daemon=True)

    def _loop(self) -> None:
        while not self._stopping.wait(self._every):
            try:
                sweeper.sweep(self._deps, self._deps.clock.now())
            except Exception:  # the next round tries again; the error is logged with its token
                log.exception("%s: background sweep failed", sweeper.ERROR_TOKEN)

    def start(self) -> "BackgroundSweeper":
        self._thread.start()
        return self

    def stop(self, timeout: float = 60.0) -> bool:
        """Ask the thread to end and wait for it (a sweep under way finishes first, so that
        the store is not closed under it); whether it ended within ``timeout`` seconds."""
        self._stopping.set()
        self._thread.join(timeout)
        return not self._thread.is_alive()


def start_sweeper(deps: Deps, every_seconds: float) -> BackgroundSweeper:
    """Start sweeping every ``every_seconds``; ``stop()`` the result before closing ``deps``."""
    return BackgroundSweeper(deps, every_seconds).start()
