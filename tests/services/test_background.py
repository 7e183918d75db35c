"""`portal serve` sweeps in the background on the embedded default."""

from __future__ import annotations

import time

from portal.services.background import start_sweeper
from tests.services.helpers import reload, file


def test_the_background_sweeper_records_breaches_without_cron(deps, clock):
    complaint, _ = file(deps)
    clock.advance(days=10)
    stop = start_sweeper(deps, 0.05)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not reload(deps, complaint).clocks["acceptance"].is_breached:
            time.sleep(0.05)
    finally:
        stop.set()
    assert reload(deps, complaint).clocks["acceptance"].is_breached
