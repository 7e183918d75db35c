"""Child process of ``test_store_closed_under_use``: threads read, write and count on one
SQLite store while the main thread closes it again and again, until it has closed the store
at least ``closes`` times and every thread has done at least ``rounds`` rounds (so the closes
fell among the operations however fast the machine is). Exits 0 when every operation gave its
right answer; 2 when the deadline, a safety stop only, came first; a connection closed under
a running statement kills the process."""

from __future__ import annotations

import sys
import threading
import time

from portal.ports import ANY, Item, Put
from portal.store.sqlite import SqliteStore


def main(path: str, closes_wanted: int, rounds_wanted: int, deadline_seconds: float) -> int:
    store = SqliteStore(path)
    for first in (0, 100):
        store.write([Put(Item(pk="P#0", sk=f"S#{n:03}", body={"n": n}, keys={}), ANY) for n in range(first, first + 100)])
    stop, errors, counts = threading.Event(), [], [0] * 4

    def work(worker: int) -> None:
        try:
            while not stop.is_set():
                assert len(store.query("P#0", limit=200).items) == 200
                assert store.get("P#0", "S#007").body == {"n": 7}
                assert [i.body["n"] for i in store.get_many([("P#0", "S#001"), ("P#0", "S#199")])] == [1, 199]
                store.write([Put(Item(pk=f"W#{worker}", sk="S", body={"round": counts[worker]}, keys={}), ANY)])
                assert store.increment("C#", f"{worker}") == counts[worker] + 1
                counts[worker] += 1
        except BaseException as exc:  # noqa: BLE001 - reported by the exit code
            errors.append(repr(exc))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    closes, deadline, late = 0, time.monotonic() + deadline_seconds, False
    while not errors and (closes < closes_wanted or min(counts) < rounds_wanted):
        if time.monotonic() > deadline:
            late = True
            break
        store.close()
        closes += 1
        time.sleep(0.0005)
    stop.set()
    for thread in threads:
        thread.join()
    store.close()
    print(f"closes={closes} rounds={sum(counts)} least_rounds={min(counts)} late={late} errors={errors[:3]}")
    if errors or min(counts) == 0:
        return 1
    return 2 if late else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])))
