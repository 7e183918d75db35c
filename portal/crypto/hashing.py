"""Keyed hashes (HMAC-SHA256) for values that must be matched but never stored in clear:
receipts, phone numbers, client addresses. The key lives outside the database, so a copy
of the database alone cannot test a guess."""

from __future__ import annotations

import hashlib
import hmac


class KeyedHasher:
    def __init__(self, key: bytes):
        if len(key) < 32:
            raise ValueError("hash key must be at least 32 bytes")
        self._key = key

    def digest(self, purpose: str, value: str) -> str:
        """Domain-separated by ``purpose`` so that one hash never stands in for another."""
        message = purpose.encode() + b"\x00" + value.encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def derive(self, purpose: str) -> bytes:
        """A sub-key for one purpose (e.g. sealing filing tokens)."""
        return hmac.new(self._key, b"derive\x00" + purpose.encode(), hashlib.sha256).digest()
