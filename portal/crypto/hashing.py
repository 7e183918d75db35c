"""Keyed hashes (HMAC-SHA256) for values that must be matched but never stored in clear:
receipts, phone numbers, client addresses. The key lives outside the database, so a copy
of the database alone cannot test a guess.

The hash key can be rotated (``portal keys rotate --hash-key``): new hashes use the new key;
the retired keys are kept to *recognise* what was hashed before (``digests`` gives a value's
hash under every key, the current one first), because a receipt can only be hashed again
when its reporter types it (``portal.services.keys.receipts``). A key's id is a fingerprint
that reveals nothing of it."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from typing import Callable, Sequence


def hash_key_id(key: bytes) -> str:
    return "hash-" + hmac.new(key, b"key id", hashlib.sha256).hexdigest()[:12]


class KeyedHasher:
    #: seconds between two looks at the key files for a rotation by another process
    RECHECK = 1.0

    def __init__(self, key: bytes, retired: Sequence[bytes] = (), *,
                 reload: Callable[[], tuple[bytes, Sequence[bytes]]] | None = None,
                 stamp: Callable[[], object] | None = None):
        """``reload``/``stamp``: read the keys again when ``stamp()`` changes (key files)."""
        self._reload, self._stamp_of = reload, stamp
        self._lock = threading.Lock()
        self._checked = 0.0
        self._stamp = stamp() if stamp else None
        self._set(key, retired)

    def _set(self, key: bytes, retired: Sequence[bytes]) -> None:
        if len(key) < 32 or any(len(k) < 32 for k in retired):
            raise ValueError("hash key must be at least 32 bytes")
        self._key = key
        self._retired = tuple(k for k in retired if k != key)

    def refresh(self) -> None:
        """Read the key files again now (after this process rotated them)."""
        self._checked = 0.0
        self._fresh()

    def _fresh(self) -> None:
        if self._reload is None:
            return
        now = time.monotonic()
        if now - self._checked < self.RECHECK:
            return
        with self._lock:
            self._checked = now
            stamp = self._stamp_of()
            if stamp != self._stamp:
                self._set(*self._reload())
                self._stamp = stamp

    @staticmethod
    def _hmac(key: bytes, purpose: str, value: str) -> str:
        return hmac.new(key, purpose.encode() + b"\x00" + value.encode(), hashlib.sha256).hexdigest()

    def digest(self, purpose: str, value: str) -> str:
        """Domain-separated by ``purpose`` so that one hash never stands in for another."""
        self._fresh()
        return self._hmac(self._key, purpose, value)

    def digests(self, purpose: str, value: str) -> list[str]:
        """The value's hash under the current key, then under each retired key."""
        self._fresh()
        return [self._hmac(k, purpose, value) for k in (self._key, *self._retired)]

    def matches(self, purpose: str, value: str, stored: str | None) -> bool:
        """Whether ``stored`` is the value's hash under any key (constant time per key)."""
        return stored is not None and any(hmac.compare_digest(d, stored) for d in self.digests(purpose, value))

    def derive(self, purpose: str) -> bytes:
        """A sub-key for one purpose (e.g. sealing filing tokens)."""
        self._fresh()
        return self._derive(self._key, purpose)

    def derived_keys(self, purpose: str) -> list[bytes]:
        """The sub-key under the current key, then under each retired key (for opening)."""
        self._fresh()
        return [self._derive(k, purpose) for k in (self._key, *self._retired)]

    @staticmethod
    def _derive(key: bytes, purpose: str) -> bytes:
        return hmac.new(key, b"derive\x00" + purpose.encode(), hashlib.sha256).digest()

    @property
    def key_id(self) -> str:
        self._fresh()
        return hash_key_id(self._key)

    @property
    def retired_ids(self) -> list[str]:
        self._fresh()
        return [hash_key_id(k) for k in self._retired]
