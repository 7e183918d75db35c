"""Run by ``test_disk_full.py`` inside its own mount namespace, with ``argv[1]`` a small tmpfs:
a reporter files once, the disk fills up, the reporter tries again (form and JSON API), the
operator frees space, the reporter posts the same form again. Prints what it saw as JSON.

Not a test module itself (no ``test_`` prefix): it needs the small filesystem around it."""

from __future__ import annotations

import io
import json
import logging
import os
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

from portal import create_app
from portal.config import Settings
from portal.ports import Item, Put
from tests.conftest import PUBLIC_URL, form_token, receipt_from
from tests.fakes import images

GOOD = {"category": "c8-outdoor-signs", "description": "主街路口有人没经批准立起了一块大广告牌。",
        "lat": "26.492", "lng": "113.770"}


class Capture(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


def rows(db: Path, where: str) -> int:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(f"SELECT count(*) FROM items WHERE {where}").fetchone()[0]


def fill(folder: Path) -> Path:
    """Write zeros until the filesystem refuses (ENOSPC)."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError:
            pass
    return filler


def form(token: str) -> dict:
    return {"token": token, **GOOD, "exif_reviewed": "1",
            "photos": [(io.BytesIO(images.phone_jpeg()), "IMG_0001.jpg")]}


def main(mount: Path) -> dict:
    seen: dict = {}
    settings = Settings.from_env({}, data_dir=str(mount / "data"), public_url=PUBLIC_URL, demo="1")
    app = create_app(settings)
    app.config["TESTING"] = False
    capture = Capture()
    capture.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(capture)
    deps = app.extensions["portal"]
    client = app.test_client()
    db = settings.sqlite_file

    first = client.post("/report", data=form(form_token(client.get("/report").text)))
    receipt = receipt_from(first.text)
    token = form_token(client.get("/report").text)  # the form the reporter fills while the disk fills

    # empty the write-ahead log so the next write needs new space, then fill the disk
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    blobs_before = sorted(str(p) for p in settings.blob_path.rglob("*") if p.is_file())
    filler = fill(mount)

    full = client.post("/report", data=form(token))
    seen["form_status"] = full.status_code
    seen["form_says_not_saved"] = "这次提交没有保存" in full.text
    seen["form_shows_receipt"] = 'id="receipt-number"' in full.text
    api = client.post("/api/v1/filing-tokens")
    seen["api_status"], seen["api_body"] = api.status_code, api.get_json()
    seen["complaints_while_full"] = rows(db, "pk LIKE 'CMP#%' AND sk = '#META'")
    seen["blobs_added_while_full"] = sorted(
        str(p) for p in settings.blob_path.rglob("*") if p.is_file() and str(p) not in blobs_before)

    # the store port itself: the engine's error, never "cannot rollback"
    for name, call in (("increment", lambda: deps.store.increment("RATE#probe#w", "k", 1, None)),
                       ("write", lambda: deps.store.write([Put(Item(pk="PROBE", sk="x", body={"x": "y" * 200}))]))):
        try:
            call()
            seen[name] = "no error"
        except Exception as exc:  # noqa: BLE001 - reported to the parent test
            seen[name] = {"type": type(exc).__name__, "message": str(exc),
                          "cause": f"{type(exc.__cause__).__name__}: {exc.__cause__}" if exc.__cause__ else None}

    os.unlink(filler)  # the operator frees space
    again = client.post("/report", data=form(token))
    seen["after_status"] = again.status_code
    seen["second_receipt"] = receipt_from(again.text) if again.status_code == 200 else None
    seen["complaints_after"] = rows(db, "pk LIKE 'CMP#%' AND sk = '#META'")
    first_status = client.post("/status", data={"receipt": receipt})
    seen["first_receipt_opens"] = first_status.status_code == 200 and "status-card" in first_status.text
    seen["log"] = capture.lines
    deps.close()
    return seen


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1])), ensure_ascii=False))
