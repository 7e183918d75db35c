"""The keyring contract: the local key file and KMS pass it unchanged."""

from __future__ import annotations

import pytest

from portal.ports import DecryptionError

CTX = {"record": "complaint/01ABC", "field": "contact"}


def test_round_trip(keyring):
    envelope = keyring.encrypt("+8613800138000".encode(), CTX)
    assert "13800138000" not in envelope
    assert keyring.decrypt(envelope, CTX) == b"+8613800138000"


def test_each_encryption_differs(keyring):
    assert keyring.encrypt(b"same", CTX) != keyring.encrypt(b"same", CTX)


def test_context_is_bound(keyring):
    envelope = keyring.encrypt(b"secret", CTX)
    with pytest.raises(DecryptionError):
        keyring.decrypt(envelope, {"record": "complaint/OTHER", "field": "contact"})


def test_tampering_is_detected(keyring):
    envelope = keyring.encrypt(b"secret", CTX)
    head, tail = envelope.rsplit(".", 1)
    flipped = tail[:-2] + ("A" if tail[-2] != "A" else "B") + tail[-1]
    with pytest.raises(DecryptionError):
        keyring.decrypt(head + "." + flipped, CTX)
    with pytest.raises(DecryptionError):
        keyring.decrypt("not an envelope", CTX)


def test_a_context_is_required(keyring):
    with pytest.raises(ValueError):
        keyring.encrypt(b"x", {})


# --- rotation --------------------------------------------------------------------------


def test_after_a_rotation_old_envelopes_still_open_and_rewrap_moves_them_to_the_current_key(keyring):
    old = keyring.encrypt(b"+8613800138000", CTX)
    retired, _ = keyring.rotate()
    new = keyring.encrypt(b"+8613900139000", CTX)
    assert keyring.decrypt(old, CTX) == b"+8613800138000"  # old ones stay readable
    assert keyring.decrypt(new, CTX) == b"+8613900139000"
    moved = keyring.rewrap(old, CTX)
    assert moved is not None and moved != old
    assert keyring.decrypt(moved, CTX) == b"+8613800138000"
    assert moved.rsplit(".", 1)[1] == old.rsplit(".", 1)[1]  # only the data key was re-wrapped
    if keyring.labels_identify_keys:
        assert keyring.key_of(old) == retired != keyring.current_key() == keyring.key_of(moved)
        assert keyring.rewrap(moved, CTX) is None


def test_rewrap_keeps_the_context_bound(keyring):
    old = keyring.encrypt(b"secret", CTX)
    keyring.rotate()
    with pytest.raises(DecryptionError):
        keyring.rewrap(old, {"record": "complaint/OTHER", "field": "contact"})
    moved = keyring.rewrap(old, CTX)
    with pytest.raises(DecryptionError):
        keyring.decrypt(moved, {"record": "complaint/OTHER", "field": "contact"})
