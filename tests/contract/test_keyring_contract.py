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
