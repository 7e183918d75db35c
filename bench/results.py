"""The latest run of each bench, kept in ``bench/results/<bench>.json`` (committed), from which
``scripts/readme_benches.py`` writes the README's performance table (and, from
``aws_calls.json``, the "What it costs" section); ``tests/unit/test_readme.py`` checks the
README matches these files.

Each file holds the bench's headline rows: the measure, the figures beside their floor, their
ratio and the target; when and on what machine it ran, with the load average then (the
project's machine is shared: a ratio, measured in one run, is what to compare)."""

from __future__ import annotations

import json
import os
import platform
from datetime import datetime, timezone
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
#: where a run keeps its figures instead (the tests run the benches on toy sizes: their runs
#: must not replace the committed figures the README is checked against)
ELSEWHERE = "PORTAL_BENCH_RESULTS"


def machine() -> str:
    cores = os.cpu_count() or 1
    load = os.getloadavg()[0]
    state = "loaded" if load > cores * 0.5 else "quiet"
    return f"{cores} cores, {state} (load {load:.1f})"


def record(bench: str, rows: list[tuple[str, str, float | None, str]], **extra) -> Path:
    """Keep a run's headline ``rows``: (measure, figures beside the floor, ratio or None, target)."""
    folder = Path(os.environ.get(ELSEWHERE) or RESULTS)
    folder.mkdir(exist_ok=True)
    document = {
        "bench": bench,
        "measured": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "python": platform.python_version(),
        "rows": [{"measure": m, "figures": f, "ratio": None if r is None else round(r, 3), "target": t}
                 for m, f, r, t in rows],
        **extra,
    }
    target = folder / f"{bench}.json"
    target.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"(kept in {target}; scripts/readme_benches.py puts bench/results/ in the README)")
    return target


def load(bench: str) -> dict | None:
    path = RESULTS / f"{bench}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
