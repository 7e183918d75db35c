"""The key files of the embedded default through a rotation: the retired key is kept beside
them (mode 0600) until the re-wrap has moved every envelope, then overwritten and removed; a
process already running (``portal serve``) notices the rotation by the command line within a
second, for the master key and for the hash key."""

from __future__ import annotations

import stat

import pytest

from portal.config import Settings
from portal.crypto.local_keyring import RETIRED, LocalKeyring
from portal.crypto.secrets import hasher, load_secrets, rotate_hash_key
from portal.ports import DecryptionError

CTX = {"record": "complaint/01ABC", "field": "contact"}


def test_a_running_process_notices_a_rotation_made_by_another(tmp_path):
    path = tmp_path / "keys" / "master.key"
    serving, command = LocalKeyring(path), LocalKeyring(path)
    old = serving.encrypt(b"13800138000", CTX)
    retired, new = command.rotate()
    assert serving.key_of(old) == retired
    serving._checked = 0.0  # a second later
    assert serving.key_of(serving.encrypt(b"x", CTX)) == new == serving.current_key()
    assert serving.decrypt(old, CTX) == b"13800138000"
    kept = list((path.parent / RETIRED).glob("master-*.key"))
    assert len(kept) == 1 and stat.S_IMODE(kept[0].stat().st_mode) == 0o600


def test_retiring_a_key_destroys_it_and_its_envelopes_no_longer_open(tmp_path):
    path = tmp_path / "keys" / "master.key"
    keyring = LocalKeyring(path)
    old = keyring.encrypt(b"secret", CTX)
    retired, _ = keyring.rotate()
    moved = keyring.rewrap(old, CTX)
    with pytest.raises(ValueError):
        keyring.retire(keyring.current_key())
    assert keyring.retire(retired) and keyring.retired_keys() == []
    assert not list((path.parent / RETIRED).iterdir())
    with pytest.raises(DecryptionError):
        keyring.decrypt(old, CTX)
    assert LocalKeyring(path).decrypt(moved, CTX) == b"secret"


def test_the_hash_key_rotates_and_a_running_hasher_recognises_both(tmp_path):
    settings = Settings.from_env({}, data_dir=str(tmp_path / "data"))
    running = hasher(settings, load_secrets(settings), from_files=True)
    before = running.digest("receipt", "1234567812345678")
    retired, new = rotate_hash_key(settings)
    running.refresh()
    assert running.key_id == new and running.retired_ids == [retired]
    assert running.digests("receipt", "1234567812345678")[1] == before != running.digest("receipt", "1234567812345678")
    assert running.matches("receipt", "1234567812345678", before)
    restarted = hasher(settings, load_secrets(settings), from_files=True)
    assert restarted.digests("receipt", "1234567812345678") == running.digests("receipt", "1234567812345678")
