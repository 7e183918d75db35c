"""The restore drill (README, faults table): reporters file 200 complaints with photos while a
backup runs; the backup and the key export are restored into an empty data dir; every
receipt shown before the backup began opens its status page, with its photos the same bytes;
every complaint the backup holds has all its photos; a tampered backup is refused, before
anything is replaced, whether a file, the manifest or the database was altered."""

from __future__ import annotations

import io
import json
import shutil
import threading
import time

import pytest

from portal import create_app
from portal.config import Settings
from portal.services.deps import build_deps
from portal.services.operations import backup, restore
from portal.services.operations.backup import BackupInvalid
from portal.store.sqlite import SqliteStore
from tests.conftest import PUBLIC_URL, form_token, receipt_from
from tests.fakes import images

PASSPHRASE = "correct horse battery staple"
FILINGS = 200
GOOD = {"category": "l1-occupy-land", "lat": "26.120", "lng": "113.780"}


@pytest.fixture
def busy_settings(tmp_path):
    return Settings.from_env({}, data_dir=str(tmp_path / "live"), public_url=PUBLIC_URL, demo="1",
                             rate_limit_factor="100")  # one test client files for the whole county


class Reporters(threading.Thread):
    """Files complaints one after another, each with its own photo, and notes when each
    receipt was shown."""

    def __init__(self, app, count: int):
        super().__init__(daemon=True)
        self.app, self.count = app, count
        self.shown: list[tuple[float, str]] = []  # (monotonic time the receipt was shown, receipt)
        self.error: BaseException | None = None

    def run(self):
        try:
            client = self.app.test_client()
            for n in range(self.count):
                photo = images.phone_jpeg(size=(80 + n % 40, 60), gps=False, when=False)
                form = {"token": form_token(client.get("/report", base_url=PUBLIC_URL).text), **GOOD,
                        "description": f"第{n}号：村口有人占用耕地建房，已经打好地基。", "exif_reviewed": "1",
                        "photos": [(io.BytesIO(photo), f"IMG_{n:04d}.jpg")]}
                answer = client.post("/report", data=form, base_url=PUBLIC_URL)
                assert answer.status_code == 200, answer.status_code
                self.shown.append((time.monotonic(), receipt_from(answer.text)))
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc


def wait_for(condition, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_restore_drill_every_receipt_shown_before_the_backup_opens_with_its_photos(busy_settings, tmp_path):
    live = build_deps(busy_settings)
    app = create_app(busy_settings, live)
    app.config["TESTING"] = False
    reporters = Reporters(app, FILINGS)
    reporters.start()
    wait_for(lambda: len(reporters.shown) >= 60 or reporters.error)

    began = time.monotonic()
    filed_at_start = len(reporters.shown)
    during = []

    def while_copying():  # the database is copied; reporters keep filing while the photos are copied
        during.append(len(reporters.shown))
        wait_for(lambda: len(reporters.shown) >= during[0] + 10 or reporters.error)

    report = backup.backup(busy_settings, tmp_path / "backup", live.secrets.hash_key, live.keyring.current_key(),
                           live.clock.now(), on_snapshot=while_copying)
    keys = tmp_path / "elsewhere" / "portal-keys.json"
    backup.export_keys(busy_settings, keys, PASSPHRASE, live.clock.now())
    reporters.join(timeout=600)
    assert reporters.error is None, reporters.error
    assert len(reporters.shown) == FILINGS and len(reporters.shown) > during[0] + 10 > filed_at_start
    assert report.complaints >= filed_at_start and report.missing_blobs == []
    assert not any(p.name.endswith(".key") or p.name in ("hash-key", "secret-key")
                   for p in (tmp_path / "backup").rglob("*"))  # no key in the data backup

    # restore into an empty data dir, with the keys
    target = Settings.from_env({}, data_dir=str(tmp_path / "restored"), public_url=PUBLIC_URL, demo="1",
                               rate_limit_factor="100")
    restored = restore.restore(target, tmp_path / "backup", live.clock.now(), keys, PASSPHRASE)
    assert restored.authenticated and restored.complaints == report.complaints
    back = build_deps(target, store=SqliteStore(target.sqlite_file))
    client = create_app(target, back).test_client()

    shown_before = [receipt for at, receipt in reporters.shown if at < began]
    assert len(shown_before) == filed_at_start >= 60
    for receipt in shown_before:
        page = client.post("/status", data={"receipt": receipt}, base_url=PUBLIC_URL)
        assert page.status_code == 200 and "status-card" in page.text
        complaint = back.repos.complaints.get_by_receipt(back.hasher.digest("receipt", receipt))
        assert len(complaint.evidence) == 1
        assert back.blobs.get(complaint.evidence[0].key) == live.blobs.get(complaint.evidence[0].key)
    # nothing half-restored: every complaint the backup holds has its photo, byte for byte
    held = [c for c in back.repos.complaints.iterate("county", "K#430225#active")]
    assert len(held) == report.complaints
    assert all(back.blobs.get(e.key) == live.blobs.get(e.key) for c in held for e in c.evidence)
    back.close()
    live.close()


def _tampered(tmp_path, name: str, change) -> object:
    copy = tmp_path / f"tampered-{name}"
    shutil.copytree(tmp_path / "backup", copy)
    change(copy)
    return copy


def test_a_tampered_backup_is_refused_before_anything_is_replaced(deps, settings, tmp_path):
    from tests.services.helpers import file

    for _ in range(3):
        file(deps)
    done = backup.backup(settings, tmp_path / "backup", deps.secrets.hash_key, deps.keyring.current_key(),
                         deps.clock.now())
    keys = tmp_path / "keys.json"
    backup.export_keys(settings, keys, PASSPHRASE, deps.clock.now())
    assert backup.verify(tmp_path / "backup").authenticated is False
    assert backup.verify(tmp_path / "backup", backup.hash_keys_of(backup.open_keys(keys, PASSPHRASE))).authenticated

    def flip_database(folder):
        raw = bytearray((folder / "portal.sqlite3").read_bytes())
        raw[len(raw) // 2] ^= 0x01
        (folder / "portal.sqlite3").write_bytes(bytes(raw))

    def flip_and_fix_the_manifest(folder):  # altered by someone who rewrote the checksum as well
        flip_database(folder)
        manifest = json.loads((folder / "manifest.json").read_text())
        manifest["files"]["portal.sqlite3"]["sha256"] = backup.sha256_of(folder / "portal.sqlite3")
        (folder / "manifest.json").write_text(json.dumps(manifest))

    def add_a_file(folder):
        (folder / "blobs" / "evidence").mkdir(parents=True, exist_ok=True)
        (folder / "blobs" / "evidence" / "planted.jpg").write_bytes(b"x")

    cases = {
        "database": (flip_database, "portal.sqlite3 does not match its checksum"),
        "manifest": (flip_and_fix_the_manifest, "the manifest's signature does not match"),
        "extra": (add_a_file, "files the manifest does not list"),
        "missing-manifest": (lambda f: (f / "manifest.json").unlink(), "no readable manifest.json"),
    }
    target = Settings.from_env({}, data_dir=str(tmp_path / "restored"), public_url=PUBLIC_URL)
    for name, (change, why) in cases.items():
        with pytest.raises(BackupInvalid, match=why):
            restore.restore(target, _tampered(tmp_path, name, change), deps.clock.now(), keys, PASSPHRASE)
        assert not (tmp_path / "restored").exists()  # nothing was replaced or created
    with pytest.raises(BackupInvalid, match="passphrase is wrong"):
        restore.restore(target, tmp_path / "backup", deps.clock.now(), keys, "not the passphrase")
    assert done.complaints == 3


def test_verify_opens_a_backup_read_only(deps, settings, tmp_path):
    from tests.services.helpers import file

    file(deps)
    backup.backup(settings, tmp_path / "backup", deps.secrets.hash_key, deps.keyring.current_key(), deps.clock.now())
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in (tmp_path / "backup").rglob("*") if p.is_file()}
    backup.verify(tmp_path / "backup")
    after = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in (tmp_path / "backup").rglob("*") if p.is_file()}
    assert before == after


def test_restore_never_overwrites_a_data_dir_in_use(deps, settings, tmp_path):
    from tests.services.helpers import file

    file(deps)
    backup.backup(settings, tmp_path / "backup", deps.secrets.hash_key, deps.keyring.current_key(), deps.clock.now())
    keys = tmp_path / "keys.json"
    backup.export_keys(settings, keys, PASSPHRASE, deps.clock.now())
    with pytest.raises(BackupInvalid, match="is not empty"):
        restore.restore(settings, tmp_path / "backup", deps.clock.now(), keys, PASSPHRASE)
    deps.close()
    done = restore.restore(settings, tmp_path / "backup", deps.clock.now(), keys, PASSPHRASE, replace=True)
    assert done.moved_aside is not None and (done.moved_aside / "portal.sqlite3").is_file()
    assert (settings.data_path / "portal.sqlite3").is_file()


def test_a_backup_holds_every_blob_its_records_name_an_emails_raw_message_too(deps, settings, tmp_path):
    from portal.crypto import contexts
    from portal.services.channels import inbox
    from tests.fakes import mail

    raw = mail.report_eml(big_mb=0)
    stored = inbox.store_raw(deps, "natural_resources", raw, via="import", arrived_at=None, now=deps.clock.now())
    message = deps.repos.inbox.get(stored.message_id)
    done = backup.backup(settings, tmp_path / "backup", deps.secrets.hash_key, deps.keyring.current_key(),
                         deps.clock.now())
    assert f"blobs/{message.raw_key}" in json.loads((tmp_path / "backup" / "manifest.json").read_text())["files"]
    keys = tmp_path / "keys.json"
    backup.export_keys(settings, keys, PASSPHRASE, deps.clock.now())
    target = Settings.from_env({}, data_dir=str(tmp_path / "restored"), public_url=PUBLIC_URL)
    restore.restore(target, tmp_path / "backup", deps.clock.now(), keys, PASSPHRASE)
    back = build_deps(target)
    assert back.keyring.decrypt(back.blobs.get(message.raw_key).decode(), contexts.mail(message.id, "raw")) == raw
    assert done.missing_blobs == [] and back.repos.inbox.get(message.id).envelope == message.envelope
    back.close()
