"""The envelope format shared by the local and the KMS keyring.

``env1.<key id>.<wrapped data key, base64url>.<nonce + AES-GCM ciphertext, base64url>``

The encryption context (which record, which field) is the AES-GCM associated data of the
payload, so an envelope copied onto another record does not decrypt.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Mapping

from portal.ports import DecryptionError

PREFIX = "env1"


def context_bytes(context: Mapping[str, str]) -> bytes:
    if not context:
        raise ValueError("an encryption context is required")
    return json.dumps(dict(context), sort_keys=True, separators=(",", ":")).encode()


def b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def seal(data_key: bytes, plaintext: bytes, aad: bytes) -> str:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # at the first use: a cold start needs none

    nonce = os.urandom(12)
    return b64e(nonce + AESGCM(data_key).encrypt(nonce, plaintext, aad))


def open_sealed(data_key: bytes, sealed: str, aad: bytes) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    raw = b64d(sealed)
    try:
        return AESGCM(data_key).decrypt(raw[:12], raw[12:], aad)
    except InvalidTag:
        raise DecryptionError("envelope does not decrypt under this context") from None


def pack(key_id: str, wrapped_key: bytes, sealed: str) -> str:
    return ".".join((PREFIX, key_id, b64e(wrapped_key), sealed))


def unpack(envelope: str) -> tuple[str, bytes, str]:
    try:
        prefix, key_id, wrapped, sealed = envelope.split(".")
        if prefix != PREFIX:
            raise ValueError
        return key_id, b64d(wrapped), sealed
    except (ValueError, AttributeError):
        raise DecryptionError("not an envelope") from None
