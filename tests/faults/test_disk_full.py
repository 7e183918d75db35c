"""Disk full while filing, on a real small filesystem: a size-limited tmpfs mounted in a
mount namespace of its own (``unshare``; a user namespace too when the tests do not run as
root), so nothing outside the test sees it and no loop device or privilege on the host is
needed. The run itself is ``tests/faults/disk_full_child.py``.

What the reporter sees: a clean error that says nothing was saved, the form filed once space
is back. What the operator's log shows: the engine's ``database or disk is full`` (as
``STORE_FULL``), never ``cannot rollback - no transaction is active`` from a rollback
SQLite had already done."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_in_small_filesystem(module: str, mount: Path, size: str) -> dict:
    """Run ``python -m module MOUNT`` with a fresh tmpfs of ``size`` at ``mount``, private to it."""
    mount.mkdir(parents=True, exist_ok=True)
    namespace = ["unshare", "--mount", "--propagation", "private"]
    if os.geteuid() != 0:
        namespace = ["unshare", "--user", "--map-root-user", "--mount", "--propagation", "private"]
    script = 'mount -t tmpfs -o size="$1",mode=0700 tmpfs "$2" && exec "$3" -m "$4" "$2"'
    done = subprocess.run([*namespace, "sh", "-c", script, "sh", size, str(mount), sys.executable, module],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"the run in a {size} filesystem failed:\n{done.stderr[-4000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_disk_full_while_filing_gives_a_clean_error_keeps_nothing_half_stored_and_logs_the_real_error(tmp_path):
    seen = run_in_small_filesystem("tests.faults.disk_full_child", tmp_path / "fs", "8m")

    # the reporter: a clean error in Chinese saying nothing was saved, no receipt
    assert seen["form_status"] == 503 and seen["form_says_not_saved"] and not seen["form_shows_receipt"]
    assert seen["api_status"] == 503 and seen["api_body"]["message"] == "系统暂时无法保存，请稍后再试。这次提交没有保存。"
    # nothing half-stored: no complaint, no photo beyond the first report's
    assert seen["complaints_while_full"] == 1 and seen["blobs_added_while_full"] == []

    # the store port raises the engine's error, with the original as its cause
    for name in ("increment", "write"):
        assert seen[name]["type"] == "StoreFull", seen[name]
        assert seen[name]["message"] == "database or disk is full"
        assert seen[name]["cause"] == "OperationalError: database or disk is full"

    # the operator's log names the real error and never the rollback that hid it
    log = "\n".join(seen["log"])
    assert "STORE_FULL on POST /report: database or disk is full" in log
    assert "STORE_FULL on POST /api/v1/filing-tokens: database or disk is full" in log
    assert "cannot rollback" not in log

    # space back: the same form files once; the first report still opens; nothing was lost
    assert seen["after_status"] == 200 and seen["second_receipt"]
    assert seen["complaints_after"] == 2 and seen["first_receipt_opens"]
