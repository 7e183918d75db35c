"""Complaints filed per second over HTTP on the embedded default, beside the same server
answering an empty POST (the floor), and their ratio.

    .venv/bin/python bench/intake.py [--requests 400] [--clients 8]

Starts `portal serve` (waitress, SQLite in a temporary folder) on a free port, fetches
filing tokens first (not timed), then times N form posts from C concurrent clients against
N empty POSTs to /healthz. Prints figures; asserts nothing.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
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
                    time.sleep(0.2)
            floor_runs, filing_runs = [], []
            for _ in range(args.rounds):
                tokens = [re.search(r'"token":\s*"([^"]+)"', post(base + "/api/v1/filing-tokens", b"", "application/json")).group(1)
                          for _ in range(args.requests)]
                forms = [urllib.parse.urlencode({
                    "token": t, "category": "l1-occupy-land", "description": "村口有人占用耕地建房，已经打好地基。",
                    "lat": "26.120", "lng": "113.780"}).encode() for t in tokens]
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


if __name__ == "__main__":
    main()
