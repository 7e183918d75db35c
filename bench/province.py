"""One deployment for a province: 122 county files against 1, for the cold start and for
placing a point, each printed as a ratio (target: at most 1.3 for both), beside its floor.

    bash scripts/setup.sh --test && .venv/bin/python bench/province.py [--counties 122] [--runs 7]

Needs the test install: the counties are the tests' made-up province (``tests.fakes.province``:
the demo county copied, moved on a grid and renamed, in a temporary folder), each with its
snapshot made as ``scripts/package.sh`` makes them (``portal.snapshots``).

- **Cold start**: a fresh interpreter imports ``portal.wsgi`` (the app built on the embedded
  default, its county files from ``PORTAL_COUNTY_FILES``: one folder), the way a container
  starts; the floor is the same start with 1 county. Also shown: the 122 without their
  snapshots (every file parsed and validated at start-up), which the snapshots avoid.
- **Placing a point**: the county that holds the point and its township (what filing does,
  ``intake.county_of_filing``), through the registry's bounding-box grid, for points spread
  over the deployment's counties and the gaps between them, after a first pass (which reads
  the counties and builds their placement grids, ``portal.domain.placement_grid``);
  the floor is the same with 1 county. Also shown: the same points tested against every
  county's outline in turn (no grid).

Prints figures; asserts nothing. Times on a shared machine vary: compare the ratios.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.results import record  # noqa: E402
from portal.county_registry import county_files, load_registry  # noqa: E402
from portal.domain.geo import Point  # noqa: E402
from portal.snapshots import write_county_snapshot  # noqa: E402
from tests.fakes.province import write_province  # noqa: E402


def cold_starts(configs: dict[str, Path | None], data: Path, runs: int) -> dict[str, float]:
    """Median seconds for a fresh interpreter to import the app with the county files of each
    folder (None: a bare interpreter that imports nothing), the configurations taking turns in
    each round so that the machine's load falls on all of them alike."""
    times: dict[str, list[float]] = {name: [] for name in configs}
    for round_ in range(runs):
        for name, folder in configs.items():
            env = {**os.environ, "PORTAL_DATA_DIR": str(data / f"{name}-{round_}"), "PORTAL_LOG_LEVEL": "WARNING"}
            code = "pass"
            if folder is not None:
                env["PORTAL_COUNTY_FILES"] = str(folder)
                code = "import portal.wsgi"
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def points(registry, count: int, seed: int = 21) -> list[Point]:
    """Points over the counties' boxes (inside an outline or in a gap between them)."""
    rng = random.Random(seed)
    entries = registry.entries
    found = []
    for _ in range(count):
        west, south, east, north = rng.choice(entries).bounds
        found.append(Point(rng.uniform(west, east), rng.uniform(south, north)))
    return found


def place(registry, point: Point):
    county = registry.county_at(point)
    return county.township_at(point) if county is not None else None


def place_without_index(counties, point: Point):
    for county in counties:
        if county.contains(point):
            return county.township_at(point)
    return None


def timed_placing(fn, batch: list[Point], rounds: int) -> float:
    """Median microseconds per point over ``rounds`` passes."""
    results = []
    for _ in range(rounds):
        start = time.perf_counter()
        for point in batch:
            fn(point)
        results.append((time.perf_counter() - start) / len(batch) * 1e6)
    return statistics.median(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counties", type=int, default=122)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--points", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        many, one, raw = tmp / "many", tmp / "one", tmp / "raw"
        files = write_province(many, args.counties)
        write_province(one, 1)
        write_province(raw, args.counties)  # the same, without snapshots
        for county_file in files + county_files([one]):
            write_county_snapshot(county_file)

        starts = cold_starts({"bare": None, "one": one, "many": many}, tmp / "data", args.runs)
        bare, start_one, start_many = starts["bare"], starts["one"], starts["many"]
        start_raw = cold_starts({"raw": raw}, tmp / "data", max(1, args.runs // 3))["raw"]
        print(f"cold start, `import portal.wsgi` in a fresh interpreter (median of {args.runs}; bare interpreter "
              f"{bare * 1000:.0f} ms)")
        print(f"  1 county (floor):                     {start_one * 1000:7.0f} ms")
        print(f"  {args.counties} counties, snapshots:            {start_many * 1000:7.0f} ms   "
              f"ratio {start_many / start_one:5.2f}   (target: at most 1.3)")
        print(f"  {args.counties} counties, parsed at start-up:   {start_raw * 1000:7.0f} ms   "
              f"ratio {start_raw / start_one:5.2f}   (what the snapshots avoid)")

        registry_one, registry_many = load_registry([one]), load_registry([many])
        batch = points(registry_many, args.points)
        batch_one = points(registry_one, args.points)
        every = list(registry_many)  # every county read whole first: placing is timed, not reading
        list(registry_one)
        for point in batch:  # and every outline's bands built (on a county's first placement)
            place(registry_many, point)
        for point in batch_one:
            place(registry_one, point)
        placed = sum(1 for p in batch if registry_many.county_at(p) is not None)
        floor_runs, indexed_runs = [], []
        for _ in range(args.runs):  # taking turns, so that the machine's load falls on both alike
            floor_runs.append(timed_placing(lambda p: place(registry_one, p), batch_one, 1))
            indexed_runs.append(timed_placing(lambda p: place(registry_many, p), batch, 1))
        floor, indexed = statistics.median(floor_runs), statistics.median(indexed_runs)
        scanned = timed_placing(lambda p: place_without_index(every, p), batch[: max(1, args.points // 10)], 3)
        print(f"placing a point (county, then township; {args.points} points, {placed} inside a county, the rest "
              f"in gaps; median of {args.runs})")
        print(f"  1 county (floor):                     {floor:7.1f} us")
        print(f"  {args.counties} counties, bounding-box grid:    {indexed:7.1f} us   ratio {indexed / floor:5.2f}   "
              f"(target: at most 1.3)")
        print(f"  {args.counties} counties, every outline tested: {scanned:7.1f} us   ratio {scanned / floor:5.2f}   "
              f"(no index)")
        record("province", [
            (f"cold start, {args.counties} counties vs 1", f"{start_many * 1000:.0f} ms vs {start_one * 1000:.0f} ms",
             start_many / start_one, "≤ 1.3"),
            (f"placing a point, {args.counties} counties vs 1", f"{indexed:.1f} µs vs {floor:.1f} µs",
             indexed / floor, "≤ 1.3"),
        ])


if __name__ == "__main__":
    main()
