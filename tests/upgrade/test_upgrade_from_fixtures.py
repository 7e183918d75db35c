"""Stores written by every earlier version (tests/fixtures/formats/), on SQLite and DynamoDB
Local, upgraded by the current code: every record is brought to its current format once
(``portal db upgrade``, or record by record when read), and the store still loads, routes
and sweeps: receipts open their status pages, staff queues list what was routed to them,
photos are the same bytes, the sweeper acts on the old clocks, new reports file beside the
old ones."""

from __future__ import annotations

import re
from pathlib import Path

import pyotp

from portal.services import sweeper
from portal.services.operations.upgrade import upgrade_all
from portal.store.formats import FORMAT_FIELD, KINDS
from tests.conftest import PUBLIC_URL, form_token, receipt_from
from tests.web.staff_support import Account, Staff

#: kinds whose format changed since the oldest fixture, with a field the migration adds
CHANGED = {"receipt pointer": "key"}


def _formats(items) -> dict[str, set]:
    seen: dict[str, set] = {}
    for item in items:
        kind = KINDS.kind_of(item.pk, item.sk)
        if not kind.counter:
            seen.setdefault(kind.name, set()).add(item.body.get(FORMAT_FIELD))
    return seen


def test_db_upgrade_brings_every_record_to_its_current_format_once(old_store):
    before = old_store.raw_items()
    assert _formats(before) and all(found == {None} for found in _formats(before).values())  # nothing stamped yet

    report = upgrade_all(old_store.deps.store).as_dict()
    assert report["newer"] == {} and report["current"] == {}
    assert sum(report["migrated"].values()) == len([i for i in before if not KINDS.kind_of(i.pk, i.sk).counter])
    assert {"complaint", "complaint event", "receipt pointer", "staff account", "outbox message", "reward",
            "case", "ticket audit entry", "staff alert", "disclosure request", "phone verification"} <= set(
        report["migrated"])

    after = old_store.raw_items()
    assert _formats(after) == {kind: {KINDS.kind_of(*key).version} for kind, key in
                               {KINDS.kind_of(i.pk, i.sk).name: (i.pk, i.sk) for i in after}.items()
                               if kind in _formats(after)}
    pointers = [i for i in after if i.pk.startswith("RCPT#")]
    assert len(pointers) == len(old_store.facts["complaints"]) and all(p.body["key"] is None for p in pointers)
    assert upgrade_all(old_store.deps.store).as_dict()["migrated"] == {}  # once


def _staff(old_store, username: str) -> Staff:
    known = old_store.facts["staff"][username]
    account = Account(username, known["password"], pyotp.parse_uri(known["otpauth_uri"]).secret)
    return Staff(old_store.app, old_store.deps, old_store.clock, account).login()


def test_an_upgraded_store_loads_routes_and_sweeps(old_store):
    upgrade_all(old_store.deps.store)
    deps, facts, client = old_store.deps, old_store.facts, old_store.app.test_client()

    # loads: every complaint, its history, its evidence bytes as written
    for name, known in facts["complaints"].items():
        complaint = deps.repos.complaints.get(known["id"])
        assert complaint is not None and deps.repos.complaints.history(known["id"]), name
        assert set(known["evidence"]) <= {e.key for e in complaint.evidence}  # the reporter's, the on-site check's
        for evidence in complaint.evidence:
            assert deps.blobs.get(evidence.key) == (old_store.folder / "blobs" / evidence.key).read_bytes()

    # routes: every receipt opens its status page; staff see what was routed to them
    for name, known in facts["complaints"].items():
        page = client.post("/status", data={"receipt": known["receipt"]}, base_url=PUBLIC_URL)
        assert page.status_code == 200 and "status-card" in page.text, name
    officer = _staff(old_store, "demo-officer")
    queue = officer.get("/staff/queue").get_data(as_text=True)
    for name in ("received", "accepted", "disclosure"):
        assert facts["complaints"][name]["id"] in queue, name
    assert officer.get(f"/staff/tickets/{facts['complaints']['accepted']['id']}/photos/0").data == (
        old_store.folder / "blobs" / facts["complaints"]["accepted"]["evidence"][0]).read_bytes()
    listed = client.get("/open311/v2/requests.json", headers={"X-Api-Key": facts["api_key"]}, base_url=PUBLIC_URL)
    assert listed.status_code == 200 and len(listed.get_json()) >= 1

    # sweeps: the old clocks run on (acceptance breaches three working days later), nothing fails
    old_store.clock.advance(days=7)
    report = sweeper.sweep(deps, old_store.clock.now())
    assert report.errors == 0 and report.breaches >= 1

    # a new report files beside the old ones and opens
    form = {"token": form_token(client.get("/report", base_url=PUBLIC_URL).text), "category": "l1-occupy-land",
            "description": "村口有人占用耕地建房，已经打好地基。", "lat": "26.120", "lng": "113.780"}
    receipt = receipt_from(client.post("/report", data=form, base_url=PUBLIC_URL).text)
    assert client.post("/status", data={"receipt": receipt}, base_url=PUBLIC_URL).status_code == 200


def test_records_are_migrated_and_written_back_when_read_without_db_upgrade(old_store):
    known = old_store.facts["complaints"]["received"]
    client = old_store.app.test_client()
    assert client.post("/status", data={"receipt": known["receipt"]}, base_url=PUBLIC_URL).status_code == 200
    raw = {(i.pk, i.sk): i for i in old_store.raw_items()}
    complaint = raw[(f"CMP#{known['id']}", "#META")]
    pointer = next(i for i in raw.values() if i.pk.startswith("RCPT#") and i.body["complaint"] == known["id"])
    assert complaint.body[FORMAT_FIELD] == 1 and pointer.body[FORMAT_FIELD] == 2 and pointer.body["key"] is None
    other = raw[(f"CMP#{old_store.facts['complaints']['declined']['id']}", "#META")]
    assert FORMAT_FIELD not in other.body  # not read: not written


def test_an_empty_store_of_an_earlier_version_upgrades_and_serves(old_empty_store):
    assert upgrade_all(old_empty_store.deps.store).as_dict() == {"current": {}, "migrated": {}, "newer": {}}
    client = old_empty_store.app.test_client()
    form = {"token": form_token(client.get("/report", base_url=PUBLIC_URL).text), "category": "l1-occupy-land",
            "description": "村口有人占用耕地建房，已经打好地基。", "lat": "26.120", "lng": "113.780"}
    receipt = receipt_from(client.post("/report", data=form, base_url=PUBLIC_URL).text)
    assert re.fullmatch(r"\d{16}", receipt)
    assert client.post("/status", data={"receipt": receipt}, base_url=PUBLIC_URL).status_code == 200
    assert all(FORMAT_FIELD in i.body for i in old_empty_store.raw_items()
               if not KINDS.kind_of(i.pk, i.sk).counter)


def test_every_fixture_folder_is_tested():
    from tests.upgrade.conftest import FORMATS, VERSIONS

    assert sorted(p.name for p in Path(FORMATS).iterdir() if p.is_dir()) == sorted(VERSIONS)


def test_the_command_upgrades_and_refuses_to_touch_newer_records(tmp_path, monkeypatch):
    import json
    import shutil

    from click.testing import CliRunner

    from portal.cli import main
    from portal.ports import Item, Put
    from portal.store.sqlite import SqliteStore
    from tests.upgrade.conftest import FORMATS, _copy_keys

    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    _copy_keys(FORMATS / "v1" / "keys", data / "keys")
    shutil.copy(FORMATS / "v1" / "populated" / "sqlite" / "portal.sqlite3", data / "portal.sqlite3")
    monkeypatch.setenv("PORTAL_DATA_DIR", str(data))
    first = CliRunner().invoke(main, ["db", "upgrade"], catch_exceptions=False)
    assert first.exit_code == 0 and json.loads(first.stdout)["migrated"]["complaint"] == 7

    store = SqliteStore(data / "portal.sqlite3")
    store.write([Put(Item(pk="CMP#from-the-future", sk="#META", body={FORMAT_FIELD: 99}), expect=None)])
    store.close()
    second = CliRunner().invoke(main, ["db", "upgrade"], catch_exceptions=False)
    assert second.exit_code == 1 and json.loads(second.stdout)["newer"] == {"complaint": 1}
    assert "newer format" in second.stderr
