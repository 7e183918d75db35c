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

Rotation (``portal keys rotate``) is KMS's own: ``RotateKeyOnDemand`` gives the key new key
material, which KMS uses for every new data key at once while it keeps decrypting data keys
made under the old material. ``rewrap`` then moves an envelope's data key to the newest
material with ``ReEncrypt`` (the sealed payload stays as it is). When KMS names the key
material of a data key (``KeyMaterialId``), the envelope's key field carries it
(``kms-<first 16 hex digits>``), so the re-wrap can prove that no envelope is left under old
material; envelopes written before carry ``kms``.
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
    label: str


def _label(material_id: str | None) -> str:
    """The envelope key field for a data key made under ``material_id`` (None: not named)."""
    return f"{KEY_ID_FIELD}-{material_id[:16]}" if material_id else KEY_ID_FIELD


def _is_kms_label(label: str) -> bool:
    return label == KEY_ID_FIELD or label.startswith(KEY_ID_FIELD + "-")


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
        #: the envelope key field of the newest key material this process has seen
        self._current = KEY_ID_FIELD

    @classmethod
    def from_settings(cls, settings) -> "KmsKeyring":
        from botocore.config import Config

        from portal.aws_clients import LazyClient

        config = Config(retries={"mode": "standard", "max_attempts": 3})
        return cls(LazyClient("kms", region_name=settings.aws_region, config=config), settings.kms_key_id)

    # --- the port ------------------------------------------------------------------------

    def encrypt(self, plaintext: bytes, context: Mapping[str, str]) -> str:
        aad = context_bytes(context)
        data_key, wrapped, label = self._sealing_key(context, aad)
        return pack(label, wrapped, seal(data_key, plaintext, aad))

    def decrypt(self, envelope: str, context: Mapping[str, str]) -> bytes:
        key_id, wrapped, sealed = unpack(envelope)
        if not _is_kms_label(key_id):
            raise DecryptionError("envelope was made under another key")
        if not wrapped:
            raise DecryptionError("not an envelope")
        aad = context_bytes(context)
        return open_sealed(self._opening_key(wrapped, context, aad), sealed, aad)

    # --- rotation ------------------------------------------------------------------------

    @property
    def rotation_grace(self) -> float:
        """Seconds after a rotation before no container seals under the old material: the
        longest a sealing key is cached, twice over."""
        return 2 * self._ttl

    #: whether an envelope's key field tells the key material apart (KMS names it)
    @property
    def labels_identify_keys(self) -> bool:
        return self._current != KEY_ID_FIELD

    def current_key(self) -> str:
        return self._current

    @staticmethod
    def key_of(envelope: str) -> str:
        return unpack(envelope)[0]

    def rotate(self) -> tuple[str, str | None]:
        """New key material for the key (``RotateKeyOnDemand``); returns (the material this
        process knew, None: the new one is named by the next data key)."""
        key = self._client.describe_key(KeyId=self.key_id)["KeyMetadata"]["KeyId"]
        self._client.rotate_key_on_demand(KeyId=key)
        with self._lock:
            old, self._current = self._current, KEY_ID_FIELD
            self._sealing.clear()  # no more envelopes under the old material from this process
        return old, None

    def rewrap(self, envelope: str, context: Mapping[str, str]) -> str | None:
        """The envelope with its data key re-encrypted under the newest key material
        (``ReEncrypt``), or None if it is known to be there already."""
        key_id, wrapped, sealed = unpack(envelope)
        if not _is_kms_label(key_id) or not wrapped:
            raise DecryptionError("envelope was made under another key")
        if key_id != KEY_ID_FIELD and key_id == self._current:
            return None
        try:
            response = self._client.re_encrypt(CiphertextBlob=wrapped, SourceEncryptionContext=dict(context),
                                               SourceKeyId=self.key_id, DestinationKeyId=self.key_id,
                                               DestinationEncryptionContext=dict(context))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _REFUSED:
                raise DecryptionError("envelope does not decrypt under this context") from None
            raise
        label = self._seen(response.get("DestinationKeyMaterialId"))
        return pack(label, response["CiphertextBlob"], sealed)

    def retired_keys(self) -> list[str]:
        """Nothing to destroy: KMS keeps a key's earlier material itself."""
        return []

    def retire(self, key_id: str) -> bool:
        return False

    def _seen(self, material_id: str | None) -> str:
        label = _label(material_id)
        if material_id:
            with self._lock:
                self._current = label
        return label

    # --- data keys -----------------------------------------------------------------------

    def _sealing_key(self, context: Mapping[str, str], aad: bytes) -> tuple[bytes, bytes, str]:
        with self._lock:
            entry = self._sealing.get(aad)
            if entry and entry.expires > self._clock() and entry.uses < self._messages:
                entry.uses += 1
                self._sealing.move_to_end(aad)
                return entry.plaintext, entry.wrapped, entry.label
            self._sealing.pop(aad, None)
        response = self._client.generate_data_key(KeyId=self.key_id, KeySpec="AES_256",
                                                  EncryptionContext=dict(context))
        plaintext, wrapped = response["Plaintext"], response["CiphertextBlob"]
        label = self._seen(response.get("KeyMaterialId"))
        with self._lock:
            now = self._clock()
            self._sealing[aad] = _SealingKey(now + self._ttl, plaintext, wrapped, uses=1, label=label)
            self._sealing.move_to_end(aad)
            self._bound(self._sealing, now, lambda entry: entry.expires)
        return plaintext, wrapped, label

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
