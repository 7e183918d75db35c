"""`portal serve` sweeps in the background on the embedded default."""

from __future__ import annotations

import time

from portal.services.background import start_sweeper
from tests.services.helpers import reload, file


def test_the_background_sweeper_records_breaches_without_cron(deps, clock):
    complaint, _ = file(deps)
    clock.advance(days=10)
    sweeping = start_sweeper(deps, 0.05)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not reload(deps, complaint).clocks["acceptance"].is_breached:
            time.sleep(0.05)
    finally:
        assert sweeping.stop()  # ended, before the fixture closes the store under it
    assert reload(deps, complaint).clocks["acceptance"].is_breached


def test_stopping_the_background_sweeper_waits_for_the_sweep_under_way(deps, monkeypatch):
    import threading

    from portal.services import sweeper

    started, release, finished = threading.Event(), threading.Event(), []

    def slow_sweep(deps, now):
        started.set()
        release.wait(5)
        finished.append(now)

    monkeypatch.setattr(sweeper, "sweep", slow_sweep)
    sweeping = start_sweeper(deps, 0.01)
    assert started.wait(5)
    threading.Timer(0.2, release.set).start()
    assert sweeping.stop() and len(finished) == 1  # stop returned only once the sweep had ended
