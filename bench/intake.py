"""Complaints filed per second over HTTP on the embedded default, beside the same server
answering an empty POST (the floor), and their ratio.

    .venv/bin/python bench/intake.py [--requests 400] [--clients 8] [--port P]   # the demo install will do

Starts `portal serve` (waitress, SQLite in a temporary folder) on a free port (or P), fetches
filing tokens first (not timed), then times N form posts from C concurrent clients against
N empty POSTs to /healthz. Then profiles --profile filings in this process (the app on the
embedded default, Flask's test client, cProfile) and prints the five functions that take
most of a filing's own time, with the share of each. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.results import record  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url: str, body: bytes, content_type: str) -> str:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read().decode()


def timed(fn, items, clients: int) -> float:
    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(fn, items))
    return time.perf_counter() - start


FORM = {"category": "l1-occupy-land", "description": "村口有人占用耕地建房，已经打好地基。", "lat": "26.120",
        "lng": "113.780"}


def profile(filings: int, top: int = 5) -> None:
    """The ``top`` functions by own time over ``filings`` form posts, in process."""
    import cProfile
    import pstats

    from portal import create_app
    from portal.config import Settings

    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings.from_env({}, data_dir=data_dir, rate_limit_factor="100000", log_level="WARNING")
        client = create_app(settings).test_client()
        tokens = [client.post("/api/v1/filing-tokens").get_json()["token"] for _ in range(filings + 5)]
        for token in tokens[:5]:  # warm: templates compiled, the calendar and the county read
            client.post("/report", data={"token": token, **FORM})
        profiler = cProfile.Profile()
        profiler.enable()
        for token in tokens[5:]:
            client.post("/report", data={"token": token, **FORM})
        profiler.disable()
    stats = pstats.Stats(profiler)
    total = sum(entry[2] for entry in stats.stats.values())  # own time of every function
    ranked = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:top]
    print(f"profile of {filings} filings in process (cProfile, own time; {total / filings * 1000:.1f} ms a filing "
          "under the profiler):")
    for (path, line, name), (_, calls, own, _, _) in ranked:
        where = path.split("site-packages/")[-1].split("/work/")[-1]
        print(f"    {own / total:6.1%}  {calls / filings:6.1f} calls a filing  {name} ({where}:{line})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=None, help="the port `portal serve` listens on (default: a free one)")
    parser.add_argument("--profile", type=int, default=200, help="filings profiled in process (0: none)")
    args = parser.parse_args()

    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    print(f"portal serve on {base}")
    portal = Path(sys.executable).with_name("portal")
    with tempfile.TemporaryDirectory() as data_dir:
        env = dict(os.environ, PORTAL_RATE_LIMIT_FACTOR="100000", PORTAL_LOG_LEVEL="WARNING")
        server = subprocess.Popen([str(portal), "serve", "--port", str(port), "--data-dir", data_dir,
                                   "--threads", str(args.clients)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(150):
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=1).read()
                    break
                except OSError:
                    if server.poll() is not None:
                        raise SystemExit(f"portal serve exited (is port {port} taken?)") from None
                    time.sleep(0.2)
            else:
                raise SystemExit(f"portal serve did not answer on {base}")
            floor_runs, filing_runs = [], []
            for _ in range(args.rounds):
                tokens = [re.search(r'"token":\s*"([^"]+)"', post(base + "/api/v1/filing-tokens", b"", "application/json")).group(1)
                          for _ in range(args.requests)]
                forms = [urllib.parse.urlencode({"token": t, **FORM}).encode() for t in tokens]
                floor_runs.append(args.requests / timed(
                    lambda _: post(base + "/healthz", b"", "application/x-www-form-urlencoded"),
                    range(args.requests), args.clients))
                filing_runs.append(args.requests / timed(
                    lambda body: post(base + "/report", body, "application/x-www-form-urlencoded"),
                    forms, args.clients))
        finally:
            server.terminate()
            server.wait(timeout=10)
    floor, filing = statistics.median(floor_runs), statistics.median(filing_runs)
    print(f"empty POST (floor):   {floor:8.1f} requests/s")
    print(f"complaints filed:     {filing:8.1f} complaints/s")
    print(f"ratio filing/floor:   {filing / floor:8.3f}")
    print(f"({args.requests} requests x {args.rounds} rounds, {args.clients} concurrent clients, medians; "
          f"waitress + SQLite on this machine)")
    if args.profile:
        profile(args.profile)
    record("intake", [("intake over HTTP, embedded default", f"{filing:.0f} complaints/s vs {floor:.0f} empty POSTs/s",
                       filing / floor, "≥ 0.3")])


if __name__ == "__main__":
    main()
