"""The benchmark scripts drive the app through its public API, so an API change can break them
without any other test noticing. ``bench/aws_calls.py`` runs in seconds (DynamoDB Local, moto,
the fake Twilio): it runs here whole and must print its table. It asserts nothing about the
figures themselves (benchmarks print, tests do not time)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bench.results import ELSEWHERE

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def toy_results(tmp_path) -> Path:
    """These runs are toy-sized: their figures go to a temporary folder (bench/results.py),
    never over the committed ones in bench/results/ (which the README is checked against)."""
    folder = tmp_path / "bench-results"
    folder.mkdir()
    return folder


def run_bench(results: Path, script: str, *args: str) -> subprocess.CompletedProcess:
    """Run ``bench/<script>`` with ``args`` from the project root, its figures kept in ``results``."""
    return subprocess.run([sys.executable, f"bench/{script}", *args], cwd=ROOT,
                          env=dict(os.environ, **{ELSEWHERE: str(results)}), capture_output=True, text=True,
                          timeout=300)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_aws_calls_bench_runs_one_complaint_life_to_the_end_on_the_port_asked(toy_results):
    port = free_port()  # issue #18: --port was refused
    done = run_bench(toy_results, "aws_calls.py", "--port", str(port))
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[0] == f"DynamoDB Local on http://127.0.0.1:{port}"
    total = next(line for line in lines if line.startswith("one complaint life, total"))
    assert len(total.split()) > 8
    for step in ("1 form page", "2 photo", "3 filing", "4 phone verified", "6 accepted", "7 concluded",
                 "8 Twilio callbacks"):
        assert any(line.startswith(step) for line in lines), step


def test_the_tile_bench_runs_and_prints_the_cache_ratio(toy_results):
    done = run_bench(toy_results, "tiles.py", "--tiles", "8")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "upstream / cache" in done.stdout
    assert "16 for 8 tiles on the first pass, 0 on the second" in done.stdout


def test_the_map_page_bench_measures_both_visits_against_its_floor(toy_results):
    """``bench/map_page.py`` (Chromium, the portal on a loopback port) prints the map page's
    bytes on a first and a second visit; it runs whole so a page change cannot break it."""
    done = run_bench(toy_results, "map_page.py")
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    for label in ("status page, first", "map page, first", "map page, second"):
        line = next(line for line in lines if line.startswith(label))
        assert "x floor" in line and "data" in line
    assert any(line.startswith("second visit / first visit of the map page") for line in lines)


def test_the_operations_bench_runs_backup_restore_and_the_re_wrap_to_the_end(toy_results):
    done = run_bench(toy_results, "operations.py", "--complaints", "5")
    assert done.returncode == 0, done.stderr[-2000:]
    for start in ("5 complaints,", "backup ", "verify ", "restore (keys) ", "read every record:", "re-wrap after"):
        assert any(line.startswith(start) for line in done.stdout.splitlines()), start


def test_the_intake_bench_serves_the_portal_on_the_port_asked_and_prints_its_ratio(toy_results):
    port = free_port()  # issue #18: --port was refused
    committed = (ROOT / "bench" / "results" / "intake.json").read_bytes()
    done = run_bench(toy_results, "intake.py", "--port", str(port), "--requests", "10", "--rounds", "1",
                     "--clients", "2")
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[0] == f"portal serve on http://127.0.0.1:{port}"  # and the figures below came from there
    assert any(line.startswith("ratio filing/floor:") for line in lines)
    # the toy run's figures are kept aside: the committed ones, which the README shows, stay
    assert (toy_results / "intake.json").exists()
    assert (ROOT / "bench" / "results" / "intake.json").read_bytes() == committed
