"""Sweep time with 100 000 open complaints and 100 due, beside 1 000 open and 100 due, and
their ratio (target: at most 1.2: the sweeper reads the due index only).

    .venv/bin/python bench/sweep.py [--large 100000] [--small 1000] [--due 100]

Builds each SQLite database once (complaints written through the repositories, as filing
would store them), then times a full sweep (reminders, breaches, escalation alerts written)
on fresh copies, three times each. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from portal.config import Settings
from portal.domain.cases import Case, CaseMember
from portal.domain.complaint import Complaint
from portal.domain.geo import Point
from portal.domain.routing import route
from portal.ids import new_id
from portal.services import sweeper
from portal.services.deps import build_deps
from portal.store.sqlite import SqliteStore
from portal.timeutil import parse_iso

T0 = parse_iso("2026-11-23T10:00:00+08:00")
SWEEP_AT = T0 + timedelta(hours=1)


class FixedClock:
    def __init__(self, now):
        self._now = now

    def now(self):
        return self._now


def build(folder: Path, open_count: int, due: int) -> Path:
    settings = Settings.from_env({}, data_dir=str(folder))
    deps = build_deps(settings, clock=FixedClock(T0))
    county = deps.counties.default
    calendar = deps.calendar()
    point = Point(113.780, 26.120)
    routing = route(county, "l1-occupy-land", point)
    batch = []
    for n in range(open_count):
        # the due ones were received 3 hours before the sweep: their 2-hour on-site clock has run out
        received = T0 - timedelta(hours=3) if n < due else T0
        complaint_id = new_id(received)
        complaint = Complaint.file(
            id=complaint_id, seq=n + 1, county=county.code, category="l1-occupy-land", description="bench",
            address="", point=point, routing=routing, received_at=received, receipt_hash=f"{n:064x}",
            case_id=complaint_id, evidence=[], contact=None, calendar=calendar, lead_name="x")
        batch += deps.repos.complaints.save_ops(complaint)
        batch.append(deps.repos.cases.save_op(Case.open_for(complaint_id, county.code, "l1-occupy-land",
                                                            CaseMember(complaint_id, received, n + 1))))
        if len(batch) >= 96:  # the store's transaction limit is 100 operations
            deps.store.write(batch)
            batch = []
    if batch:
        deps.store.write(batch)
    deps.close()
    return settings.sqlite_file


def time_sweep(db: Path, scratch: Path, due: int) -> float:
    copy = scratch / "copy" / "portal.sqlite3"
    if copy.parent.exists():
        shutil.rmtree(copy.parent)
    copy.parent.mkdir(parents=True)
    shutil.copy(db, copy)
    # a server's database is on disk, not in dirty page cache: flush the fresh copy first, or
    # the first WAL checkpoint's fsync would time the copy instead of the sweep
    with open(copy, "rb+") as handle:
        os.fsync(handle.fileno())
    settings = Settings.from_env({}, data_dir=str(copy.parent), key_file=str(db.parent / "keys" / "master.key"))
    deps = build_deps(settings, clock=FixedClock(SWEEP_AT), store=SqliteStore(copy))
    start = time.perf_counter()
    report = sweeper.sweep(deps, SWEEP_AT)
    elapsed = time.perf_counter() - start
    deps.close()
    if report.complaints != due:
        raise SystemExit(f"expected {due} due complaints, the sweep handled {report.complaints}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--due", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        results = {}
        for label, count in (("small", args.small), ("large", args.large)):
            started = time.perf_counter()
            db = build(tmp / label, count, args.due)
            built = time.perf_counter() - started
            runs = [time_sweep(db, tmp / label, args.due) for _ in range(args.rounds)]
            results[label] = statistics.median(runs)
            print(f"{count:>7} open, {args.due} due: sweep {results[label] * 1000:8.1f} ms "
                  f"(median of {args.rounds}; database built in {built:.0f} s)")
    print(f"ratio large/small: {results['large'] / results['small']:.3f}   (target: at most 1.2)")


if __name__ == "__main__":
    main()
