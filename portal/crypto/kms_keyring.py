"""KMS adapter of the keyring port: envelope encryption under a KMS key.

Same envelope as the local keyring (``portal.crypto.envelope``) with the key id field
``kms``: the wrapped data key is the ``CiphertextBlob`` of ``GenerateDataKey``, and the
encryption context (which record, which field) is both the KMS encryption context of the
data key and the AES-GCM associated data of the payload. An envelope copied onto another
record fails at KMS and again at AES-GCM.

Calling KMS for every field of every page would be slow and, on a busy day, run into the
request quota, so each container keeps data keys for a bounded time and number:

* decryption: the plaintext data key for a (wrapped key, context) pair KMS has already
  decrypted, for ``cache_seconds``; a different context is a different entry, so the cache
  never decrypts what KMS would refuse;
* encryption: one data key per context, reused for at most ``cache_seconds`` and at most
  ``messages_per_key`` envelopes (each with a fresh random nonce, far below AES-GCM's limit).

Both caches hold at most ``cache_entries`` keys (least recently used dropped first).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Mapping

from botocore.exceptions import ClientError

from portal.crypto.envelope import context_bytes, open_sealed, pack, seal, unpack
from portal.ports import DecryptionError

KEY_ID_FIELD = "kms"
#: KMS errors that mean "this envelope does not open under this key and context"
_REFUSED = {"InvalidCiphertextException", "IncorrectKeyException"}


@dataclass
class _SealingKey:
    expires: float
    plaintext: bytes
    wrapped: bytes
    uses: int


class KmsKeyring:
    def __init__(self, client, key_id: str, cache_seconds: float = 300, cache_entries: int = 256,
                 messages_per_key: int = 100, clock: Callable[[], float] = time.monotonic):
        if not key_id:
            raise ValueError("a KMS key id is required")
        if cache_seconds < 0 or cache_entries < 1 or messages_per_key < 1:
            raise ValueError("cache bounds must be positive")
        self._client = client
        self.key_id = key_id
        self._ttl = cache_seconds
        self._entries = cache_entries
        self._messages = messages_per_key
        self._clock = clock
        self._lock = threading.Lock()
        self._opening: OrderedDict[tuple[bytes, bytes], tuple[float, bytes]] = OrderedDict()
        self._sealing: OrderedDict[bytes, _SealingKey] = OrderedDict()

    @classmethod
    def from_settings(cls, settings) -> "KmsKeyring":
        import boto3
        from botocore.config import Config

        config = Config(retries={"mode": "standard", "max_attempts": 3})
        return cls(boto3.client("kms", region_name=settings.aws_region, config=config), settings.kms_key_id)

    # --- the port ------------------------------------------------------------------------

    def encrypt(self, plaintext: bytes, context: Mapping[str, str]) -> str:
        aad = context_bytes(context)
        data_key, wrapped = self._sealing_key(context, aad)
        return pack(KEY_ID_FIELD, wrapped, seal(data_key, plaintext, aad))

    def decrypt(self, envelope: str, context: Mapping[str, str]) -> bytes:
        key_id, wrapped, sealed = unpack(envelope)
        if key_id != KEY_ID_FIELD:
            raise DecryptionError("envelope was made under another key")
        if not wrapped:
            raise DecryptionError("not an envelope")
        aad = context_bytes(context)
        return open_sealed(self._opening_key(wrapped, context, aad), sealed, aad)

    # --- data keys -----------------------------------------------------------------------

    def _sealing_key(self, context: Mapping[str, str], aad: bytes) -> tuple[bytes, bytes]:
        with self._lock:
            entry = self._sealing.get(aad)
            if entry and entry.expires > self._clock() and entry.uses < self._messages:
                entry.uses += 1
                self._sealing.move_to_end(aad)
                return entry.plaintext, entry.wrapped
            self._sealing.pop(aad, None)
        response = self._client.generate_data_key(KeyId=self.key_id, KeySpec="AES_256",
                                                  EncryptionContext=dict(context))
        plaintext, wrapped = response["Plaintext"], response["CiphertextBlob"]
        with self._lock:
            now = self._clock()
            self._sealing[aad] = _SealingKey(now + self._ttl, plaintext, wrapped, uses=1)
            self._sealing.move_to_end(aad)
            self._bound(self._sealing, now, lambda entry: entry.expires)
        return plaintext, wrapped

    def _opening_key(self, wrapped: bytes, context: Mapping[str, str], aad: bytes) -> bytes:
        cache_key = (wrapped, aad)
        with self._lock:
            cached = self._opening.get(cache_key)
            if cached and cached[0] > self._clock():
                self._opening.move_to_end(cache_key)
                return cached[1]
            self._opening.pop(cache_key, None)
        try:
            response = self._client.decrypt(CiphertextBlob=wrapped, EncryptionContext=dict(context),
                                            KeyId=self.key_id)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _REFUSED:
                raise DecryptionError("envelope does not decrypt under this context") from None
            raise
        plaintext = response["Plaintext"]
        with self._lock:
            now = self._clock()
            self._opening[cache_key] = (now + self._ttl, plaintext)
            self._opening.move_to_end(cache_key)
            self._bound(self._opening, now, lambda entry: entry[0])
        return plaintext

    def _bound(self, cache: OrderedDict, now: float, expires: Callable) -> None:
        """Drop expired keys, then the least recently used beyond ``cache_entries`` (caller holds the lock)."""
        for stale in [k for k, entry in cache.items() if expires(entry) <= now]:
            del cache[stale]
        while len(cache) > self._entries:
            cache.popitem(last=False)
