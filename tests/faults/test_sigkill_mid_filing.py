"""SIGKILL mid-filing (README, faults table): a process filing complaints through the whole
request path is killed with SIGKILL at moments that land inside a filing, five times over,
each time restarted on the same data. Nothing that was filed is lost, nothing is half-stored,
and each form that was in flight files exactly once when posted again."""

from __future__ import annotations

import io
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

from portal import create_app
from portal.config import Settings
from portal.services import filing_tokens
from portal.services.deps import build_deps
from portal.services.keys import lookups
from portal.store import keys as K
from tests.conftest import PUBLIC_URL, receipt_from
from tests.fakes import images

REPO = Path(__file__).resolve().parents[2]
ROUNDS = 5


def kill_mid_filing(data_dir: Path, rng: random.Random) -> tuple[list[str], str]:
    """Start the reporter process, let it file a few, kill it inside the next filing.
    Returns (receipts it showed, the token of the form in flight)."""
    child = subprocess.Popen([sys.executable, "-m", "tests.faults.sigkill_child", str(data_dir)], cwd=REPO,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    shown, in_flight, wanted = [], None, rng.randint(2, 5)
    try:
        for line in child.stdout:
            word, value = line.split()
            if word == "filed":
                shown.append(value)
            elif len(shown) >= wanted:
                in_flight = value
                # inside the filing: reading the post, sanitising and staging the photo, the transaction
                time.sleep(rng.choice([0.0, rng.uniform(0.0, 0.08)]))
                os.kill(child.pid, signal.SIGKILL)
                break
    finally:
        child.kill()
        child.wait(timeout=30)
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL and in_flight
    return shown, in_flight


def test_sigkill_mid_filing_loses_nothing_filed_and_half_stores_nothing(tmp_path):
    data = tmp_path / "data"
    rng = random.Random(15)
    shown, in_flight = [], []
    for _ in range(ROUNDS):
        receipts, token = kill_mid_filing(data, rng)
        shown += receipts
        in_flight.append(token)

    with closing(sqlite3.connect(data / "portal.sqlite3")) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    settings = Settings.from_env({}, data_dir=str(data), public_url=PUBLIC_URL, demo="1", rate_limit_factor="100")
    deps = build_deps(settings)
    client = create_app(settings, deps).test_client()

    # nothing filed is lost: every receipt shown opens, with its photo
    for receipt in shown:
        complaint = deps.repos.complaints.get_by_receipt(deps.hasher.digest("receipt", receipt))
        assert complaint is not None and len(complaint.evidence) == 1
        assert deps.blobs.exists(complaint.evidence[0].key)

    # nothing half-stored: every complaint has its receipt pointer, case, first event, photo and code
    complaints = []
    cursor = None
    while True:
        page = deps.store.scan(limit=500, cursor=cursor)
        complaints += [deps.repos.complaints.from_item(i) for i in page.items if i.pk.startswith("CMP#")
                       and i.sk == K.META]
        pointers = [i for i in page.items if i.pk.startswith("RCPT#")]
        assert all(deps.store.get(K.complaint_pk(p.body["complaint"]), K.META) for p in pointers)
        cursor = page.cursor
        if not cursor:
            break
    for c in complaints:
        assert deps.repos.complaints.id_for_receipt(c.receipt_hash) == c.id
        assert deps.repos.cases.get(c.case_id) is not None and deps.repos.complaints.history(c.id)
        assert all(deps.blobs.exists(e.key) for e in c.evidence) and len(c.evidence) == 1
        assert deps.repos.outbox.for_record(K.complaint_pk(c.id))  # its verification code waits or went
    assert len(complaints) >= len(shown)

    # each form in flight files exactly once when the reporter posts it again
    before = len(complaints)
    committed = sum(1 for token in in_flight if lookups.id_for_submission(
        deps, filing_tokens.open_token(deps, token, deps.clock.now()).nonce))
    receipts = []
    for token in in_flight:
        form = lambda: {"token": token, "category": "l1-occupy-land", "description": "重新提交。",  # noqa: E731
                        "lat": "26.120", "lng": "113.780", "exif_reviewed": "1", "phone": "13800138000",
                        "photos": [(io.BytesIO(images.phone_jpeg(size=(120, 90), gps=False, when=False)), "I.jpg")]}
        first = client.post("/report", data=form(), base_url=PUBLIC_URL)
        again = client.post("/report", data=form(), base_url=PUBLIC_URL)
        assert first.status_code == again.status_code == 200
        receipts.append(receipt_from(first.text))
        assert receipt_from(again.text) == receipts[-1]
    filed = sum(1 for r in receipts if deps.repos.complaints.get_by_receipt(deps.hasher.digest("receipt", r)))
    assert filed == len(in_flight) and len(set(receipts)) == len(in_flight)
    after = sum(1 for _ in deps.repos.complaints.iterate("county", "K#430225#active"))
    assert after - before == len(in_flight) - committed  # those the kill let commit are not filed twice
    deps.close()
