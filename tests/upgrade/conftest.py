"""Stores written by earlier versions (tests/fixtures/formats/), loaded into the current code
on each engine: ``old_store`` gives the wired services, the app and the fixture's facts."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from portal import create_app
from portal.config import Settings
from portal.services.deps import Deps, build_deps
from tests.conftest import PUBLIC_URL
from tests.fakes.clock import ManualClock

FORMATS = Path(__file__).resolve().parents[1] / "fixtures" / "formats"
#: every folder of tests/fixtures/formats, oldest first
VERSIONS = ["v1"]
ENGINES = ["sqlite", "dynamodb"]


@dataclass
class OldStore:
    version: str
    engine: str
    deps: Deps
    app: object
    clock: ManualClock
    facts: dict
    folder: Path

    def raw_items(self) -> list:
        """Every item as the engine holds it (format field included)."""
        items, cursor = [], None
        while True:
            page = self.deps.store.inner.scan(limit=500, cursor=cursor)
            items += page.items
            cursor = page.cursor
            if not cursor:
                return items


def _copy_keys(source: Path, target: Path) -> None:
    shutil.copytree(source, target)
    os.chmod(target, 0o700)
    for key in target.iterdir():
        os.chmod(key, 0o600)  # git keeps no modes; the keyring refuses a readable key file


def load_old_store(request, tmp_path, version: str, engine: str, populated: bool = True) -> OldStore:
    folder = FORMATS / version / ("populated" if populated else "empty") / engine
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    _copy_keys(FORMATS / version / "keys", data / "keys")
    facts = json.loads((folder / "facts.json").read_text()) if populated else {}
    if (folder / "blobs").exists():
        shutil.copytree(folder / "blobs", data / "blobs")
    start = datetime.fromisoformat(facts["swept_at"]) if populated else datetime.fromisoformat("2026-03-02T01:00:00+00:00")
    clock = ManualClock(start + timedelta(minutes=5))
    settings = Settings.from_env({}, data_dir=str(data), public_url=PUBLIC_URL, demo="1")
    if engine == "sqlite":
        from portal.store.sqlite import SqliteStore

        shutil.copy(folder / "portal.sqlite3", settings.sqlite_file)
        store = SqliteStore(settings.sqlite_file, epoch=clock.epoch)
    else:
        from portal.store.dynamodb import DynamoStore

        local = request.getfixturevalue("dynamodb_local")
        table = f"upgrade-{uuid.uuid4().hex}"
        store = DynamoStore(local.client(), table, epoch=clock.epoch)
        store.create_table()
        admin = local.client()
        items = json.loads((folder / "items.json").read_text())
        for start_at in range(0, len(items), 25):
            admin.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": i}}
                                                         for i in items[start_at:start_at + 25]]})
        request.addfinalizer(lambda: (admin.delete_table(TableName=table), admin.close()))
    deps = build_deps(settings, clock=clock, store=store)
    request.addfinalizer(deps.close)
    app = create_app(settings, deps)
    app.config["TESTING"] = False
    return OldStore(version, engine, deps, app, clock, facts, folder)


PARAMS = [pytest.param((v, e), id=f"{v}-{e}", marks=[pytest.mark.dynamodb] if e == "dynamodb" else [])
          for v in VERSIONS for e in ENGINES]


@pytest.fixture(params=PARAMS)
def old_store(request, tmp_path) -> OldStore:
    version, engine = request.param
    return load_old_store(request, tmp_path, version, engine)


@pytest.fixture(params=PARAMS)
def old_empty_store(request, tmp_path) -> OldStore:
    version, engine = request.param
    return load_old_store(request, tmp_path, version, engine, populated=False)
