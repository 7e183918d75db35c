"""The operator's commands on a store of N complaints (each with a phone and a photo), on the
embedded default, as ratios to floors measured in the same run:

- ``portal backup`` against copying the same data dir with ``shutil.copytree``;
- ``portal backup --verify`` and ``portal restore`` against the backup itself;
- reading every record through the record formats (``FormattedStore``) against the engine's
  store directly;
- the key re-wrap after ``portal keys rotate`` against one read-only pass over the table.

    .venv/bin/python bench/operations.py [--complaints 300]

Needs the test install (`bash scripts/setup.sh --test`: the test helpers file the complaints).
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal.config import Settings  # noqa: E402
from portal.services import filing_tokens, intake  # noqa: E402
from portal.services.deps import build_deps  # noqa: E402
from portal.services.keys import rewrap, rotation  # noqa: E402
from portal.services.operations import backup, restore  # noqa: E402
from tests.fakes import images  # noqa: E402


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def scan_all(store) -> int:
    count, cursor = 0, None
    while True:
        page = store.scan(limit=500, cursor=cursor)
        count += len(page.items)
        cursor = page.cursor
        if not cursor:
            return count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--complaints", type=int, default=300)
    n = parser.parse_args().complaints
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        settings = Settings.from_env({}, data_dir=str(root / "live"), rate_limit_factor="1000", demo="1")
        deps = build_deps(settings)
        county, now = deps.counties.default, deps.clock.now()
        for k in range(n):
            data = intake.FilingInput(token=filing_tokens.issue(deps, now), category="l1-occupy-land",
                                      description=f"第{k}号：村口有人占用耕地建房，已经打好地基。", lat="26.120",
                                      lng="113.780", phone="13800138000")
            intake.submit_form(deps, county, data, [images.phone_jpeg(size=(320, 240), gps=False, when=False)],
                               "bench", now, reviewed=True)
        items = scan_all(deps.store.inner)
        size = sum(p.stat().st_size for p in settings.data_path.rglob("*") if p.is_file())

        floor = timed(lambda: shutil.copytree(settings.data_path, root / "plain-copy"))
        took = timed(lambda: backup.backup(settings, root / "backup", deps.secrets.hash_key,
                                           deps.keyring.current_key(), now))
        backup.export_keys(settings, root / "keys.json", "bench passphrase", now)
        verify = timed(lambda: backup.verify(root / "backup"))
        target = Settings.from_env({}, data_dir=str(root / "restored"))
        restored = timed(lambda: restore.restore(target, root / "backup", now, root / "keys.json", "bench passphrase"))
        print(f"{n} complaints, {items} records, {size / 2 ** 20:.1f} MiB in the data dir")
        print(f"backup          {took:6.2f} s   copytree floor {floor:6.3f} s   ratio {took / floor:5.1f}")
        print(f"verify          {verify:6.2f} s   ratio to the backup {verify / took:5.2f}")
        print(f"restore (keys)  {restored:6.2f} s   ratio to the backup {restored / took:5.2f}")

        raw = min(timed(lambda: scan_all(deps.store.inner)) for _ in range(3))
        formatted = min(timed(lambda: scan_all(deps.store)) for _ in range(3))
        print(f"read every record: formatted {formatted * 1000:7.1f} ms   engine {raw * 1000:7.1f} ms   "
              f"ratio {formatted / raw:5.2f}")

        rotation.rotate(deps, "both", "bench", now)
        rewrapped = timed(lambda: rewrap.run_to_end(deps, now))
        print(f"re-wrap after rotating both keys {rewrapped:6.2f} s   one read-only pass {formatted:6.3f} s   "
              f"ratio {rewrapped / formatted:5.1f}")
        deps.close()


if __name__ == "__main__":
    main()
