"""An attacker with a copy of the database but not the keys (DESIGN.md "Identity protection"):
the phone is an envelope under a master key kept apart from the database, the receipt a
keyed hash under a hash key kept apart too; the key files are created readable by the
portal's user only and refused if anyone else can read them."""

from __future__ import annotations

import shutil
import stat
from contextlib import closing
import sqlite3

import pytest

from portal.config import Settings
from portal.domain.errors import DomainError
from portal.ports import DecryptionError
from portal.services import reporter
from portal.services.deps import build_deps
from portal.services.notifications import contact_context
from portal.store.sqlite import SqliteStore
from tests.conftest import PUBLIC_URL
from tests.services.helpers import file

PHONE = "13800138000"


def test_a_copy_of_the_database_without_the_keys_opens_no_phone_and_no_receipt(deps, clock, tmp_path):
    complaint, receipt = file(deps, phone=PHONE, verify=True)
    deps.close()
    copy = tmp_path / "stolen" / "portal.sqlite3"
    copy.parent.mkdir()
    shutil.copy(deps.settings.sqlite_file, copy)
    # the attacker runs the portal's own code on the copy, with keys of their own
    settings = Settings.from_env({}, data_dir=str(tmp_path / "attacker"), public_url=PUBLIC_URL, sqlite_path=str(copy))
    stolen = build_deps(settings, clock=clock, store=SqliteStore(copy, epoch=clock.epoch))
    try:
        taken = stolen.repos.complaints.get(complaint.id)
        assert taken.description == complaint.description  # the complaint itself is readable...
        with pytest.raises(DecryptionError):  # ...the phone is not
            stolen.keyring.decrypt(taken.contact.envelope, contact_context(taken.id))
        assert stolen.hasher.digest("phone", "+86" + PHONE) != taken.contact.phone_hash  # nor can it be matched
        with pytest.raises(DomainError):  # and the receipt does not open it
            reporter.find_by_receipt(stolen, receipt, "attacker", clock.now())
    finally:
        stolen.close()
    with closing(sqlite3.connect(copy)) as conn:
        dump = "\n".join(conn.iterdump())
    assert PHONE not in dump and receipt not in dump


def test_key_files_are_readable_by_the_portal_alone_and_kept_apart_from_the_database(settings, deps):
    key_dir = settings.key_path.parent
    assert settings.sqlite_file.parent != key_dir
    assert stat.S_IMODE(key_dir.stat().st_mode) == 0o700
    for name in ("master.key", "secret-key", "hash-key"):
        assert stat.S_IMODE((key_dir / name).stat().st_mode) == 0o600, name


def test_a_key_file_others_can_read_is_refused(settings, deps):
    hash_key = settings.key_path.parent / "hash-key"
    hash_key.chmod(0o644)
    with pytest.raises(PermissionError, match="chmod 600"):
        build_deps(settings)
