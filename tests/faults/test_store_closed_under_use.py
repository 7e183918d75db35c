"""Closing the SQLite store while other threads use it (a server's threads, the background
sweeper, when the process shuts down or a test ends): ``close`` waits for the operations
running, and the next operation opens a new connection. Before, a connection closed under a
running statement crashed the process (a segmentation fault, in CI) or failed the operation
with "Cannot operate on a closed database"."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_closing_the_store_under_four_busy_threads_neither_crashes_nor_fails_an_operation(tmp_path):
    done = subprocess.run([sys.executable, "-m", "tests.faults.store_close_child", str(tmp_path / "store.sqlite3"),
                           "200", "100", "60"],  # at least 200 closes and 100 rounds a thread; 60 s a safety stop
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, (done.returncode, done.stdout[-2000:], done.stderr[-2000:])
    closes = int(done.stdout.split("closes=")[1].split()[0])
    rounds = int(done.stdout.split("rounds=")[1].split()[0])
    assert closes > 50 and rounds > 50  # the closes really fell among the operations
