"""Ports: what the services need from the outside world (typing.Protocol).

Adapters live in ``portal.store``, ``portal.blobs``, ``portal.tiles``, ``portal.crypto`` and ``portal.notify``
(SMS and mail);
each port has one contract test suite in ``tests/contract`` that every adapter passes unchanged.

The store port is a single-table item store (partition key, sort key, a JSON body, a
version for optimistic concurrency, sparse secondary-index keys and an expiry). Both the
SQLite and the DynamoDB adapter implement exactly these primitives; the typed repositories
in ``portal.store.repositories`` are written once on top of them. See the README's
architecture section for why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping, Protocol, Sequence, runtime_checkable

# --------------------------------------------------------------------------------------
# Store
# --------------------------------------------------------------------------------------

#: ``expect`` values for conditional writes.
ANY = None  #: unconditional
ABSENT = 0  #: the item must not exist (create)


@dataclass(frozen=True)
class Item:
    """One stored item. ``version`` is 1 after the first write and grows by one per write."""

    pk: str
    sk: str
    body: Mapping[str, Any] = field(default_factory=dict)
    version: int = 0
    #: secondary-index key attributes, e.g. ``{"queue_pk": ..., "queue_sk": ...}``; absent = not indexed
    keys: Mapping[str, str] = field(default_factory=dict)
    #: epoch seconds after which the item is treated as absent and later removed
    expires_at: int | None = None


@dataclass(frozen=True)
class Put:
    item: Item
    #: ANY (None): unconditional; ABSENT (0): must not exist; n >= 1: stored version must be n
    expect: int | None = ABSENT


@dataclass(frozen=True)
class Delete:
    pk: str
    sk: str
    expect: int | None = ANY


@dataclass(frozen=True)
class Check:
    """A condition that takes part in a transaction without writing."""

    pk: str
    sk: str
    expect: int | None


Op = Put | Delete | Check


class ConditionFailed(Exception):
    """A conditional write found another version; nothing in the transaction was written."""

    def __init__(self, index: int | None = None, message: str = "condition failed"):
        super().__init__(message if index is None else f"{message} (operation {index})")
        self.index = index


class StoreFull(Exception):
    """The store has no room left (a full disk under SQLite); nothing of the operation was
    written. The message is the engine's own (``database or disk is full``)."""


@dataclass(frozen=True)
class Page:
    items: list[Item]
    cursor: str | None = None  #: opaque; pass back to get the next page; None = no more


@runtime_checkable
class Store(Protocol):
    def get(self, pk: str, sk: str) -> Item | None:
        """The live item, or None (an expired item counts as absent)."""

    def query(
        self,
        pk: str,
        *,
        index: str | None = None,
        sk_prefix: str | None = None,
        sk_from: str | None = None,
        sk_to: str | None = None,
        limit: int = 100,
        cursor: str | None = None,
        descending: bool = False,
    ) -> Page:
        """Items of one partition (of the table, or of a secondary index), in sort-key order.

        ``sk_from``/``sk_to`` are inclusive bounds; ``sk_prefix`` cannot be combined with them.
        A secondary index holds only the items that carry its key attributes (sparse)."""

    def scan(self, *, limit: int = 500, cursor: str | None = None) -> Page:
        """Every live item of the table, a page at a time, in an order of the engine's choosing
        (whole-table work only: ``portal db upgrade``, key rotation, backups; never a request)."""

    def write(self, ops: Sequence[Op]) -> None:
        """All operations or none (a transaction); raises ConditionFailed on a failed expect."""

    def increment(self, pk: str, sk: str, by: int = 1, expires_at: int | None = None) -> int:
        """Atomically add ``by`` to the counter item's ``n`` (created at 0) and return the new value."""

    def close(self) -> None: ...


# --------------------------------------------------------------------------------------
# Blobs (evidence photos)
# --------------------------------------------------------------------------------------


class BlobNotFound(KeyError):
    pass


@runtime_checkable
class BlobStore(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes:
        """Raises BlobNotFound."""

    def delete(self, key: str) -> None:
        """Idempotent."""

    def exists(self, key: str) -> bool: ...

    def url_for(self, key: str, expires_in: int = 300) -> str | None:
        """A short-lived direct URL (S3 presigned GET), or None when the portal serves the bytes itself."""

    def presign_upload(self, key: str, max_bytes: int, expires_in: int = 600) -> dict | None:
        """A browser upload form (S3 presigned POST: ``{"url", "fields"}``), or None when uploads go through the portal."""


# --------------------------------------------------------------------------------------
# Map tiles: the cache and the upstream
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CachedTile:
    data: bytes
    content_type: str
    #: when the tile was fetched from the upstream (aware, UTC)
    stored_at: datetime


@runtime_checkable
class TileCache(Protocol):
    """Tiles kept from the upstream (a folder; an S3 bucket on AWS). Keys as for blobs."""

    def get(self, key: str) -> CachedTile | None:
        """The stored tile, or None."""

    def put(self, key: str, data: bytes, content_type: str, stored_at: datetime) -> None:
        """Keep a tile fetched at ``stored_at`` (the portal's clock, which tests set)."""


class TileUnavailable(Exception):
    """The upstream did not answer with a tile (down, slow, an error, not an image). The
    message names no URL: upstream URLs carry the county's key. ``pause``: whether the upstream
    looks down (leave it alone a while), not merely without this one tile (a 404)."""

    def __init__(self, message: str, pause: bool = True):
        super().__init__(message)
        self.pause = pause


@runtime_checkable
class TileFetcher(Protocol):
    def fetch(self, url: str) -> tuple[bytes, str]:
        """(image bytes, content type) of one upstream tile; raises TileUnavailable."""


# --------------------------------------------------------------------------------------
# Keyring (envelope encryption)
# --------------------------------------------------------------------------------------


class DecryptionError(Exception):
    pass


@runtime_checkable
class Keyring(Protocol):
    def encrypt(self, plaintext: bytes, context: Mapping[str, str]) -> str:
        """An opaque envelope (text). ``context`` names the record and is bound to the ciphertext."""

    def decrypt(self, envelope: str, context: Mapping[str, str]) -> bytes:
        """Raises DecryptionError if the envelope was altered or the context differs."""

    # --- rotation (``portal keys rotate``; ``portal.services.keys``) -----------------------
    #: whether ``key_of`` tells every key apart (else a re-wrap pass re-wraps every envelope)
    labels_identify_keys: bool
    #: seconds after ``rotate`` before no process seals under the old key any more
    rotation_grace: float

    def current_key(self) -> str:
        """The key (or key material) new envelopes are made under, as ``key_of`` names it."""

    def key_of(self, envelope: str) -> str:
        """The key an envelope was made under (its key field)."""

    def rotate(self) -> tuple[str, str | None]:
        """A new key for new envelopes, the old one kept for reading: (old, new) names."""

    def rewrap(self, envelope: str, context: Mapping[str, str]) -> str | None:
        """The same plaintext under the current key (only the data key is re-wrapped), or
        None when the envelope is known to be under it already."""

    def retired_keys(self) -> list[str]:
        """Keys kept only to read older envelopes, which ``retire`` may destroy."""

    def retire(self, key_id: str) -> bool:
        """Destroy a retired key; True if there was one to destroy."""


# --------------------------------------------------------------------------------------
# SMS
# --------------------------------------------------------------------------------------


class SmsTemporaryError(Exception):
    """The provider is unreachable or failed (5xx, timeout): retry later."""


class SmsPermanentError(Exception):
    """The provider refused the message (bad number, blocked): do not retry."""


@dataclass(frozen=True)
class SmsReceipt:
    provider_id: str
    #: ``delivered`` when the adapter knows at once (the local outbox); otherwise ``sent``
    status: str


@runtime_checkable
class SmsSender(Protocol):
    def send(self, to: str, body: str, *, callback_url: str | None = None) -> SmsReceipt: ...


# --------------------------------------------------------------------------------------
# Mail (replies to email reports: the receipt, the notices)
# --------------------------------------------------------------------------------------


class MailTemporaryError(Exception):
    """The mail server is unreachable or deferred the message (4xx, timeout): retry later."""


class MailPermanentError(Exception):
    """The mail server refused the message for good (5xx: bad address, relaying denied)."""


@dataclass(frozen=True)
class OutgoingMail:
    to: str
    sender: str  #: the unit's published address (004 C20, L17)
    subject: str
    text: str  #: plain text only: the portal never sends HTML
    in_reply_to: str | None = None  #: the reporter's Message-ID, so the reply threads
    sender_name: str = ""


@dataclass(frozen=True)
class MailReceipt:
    provider_id: str
    #: ``delivered`` when the adapter is the end of the line (the local outbox); else ``sent``
    status: str


@runtime_checkable
class MailSender(Protocol):
    def send(self, message: OutgoingMail) -> MailReceipt: ...


# --------------------------------------------------------------------------------------
# Clock
# --------------------------------------------------------------------------------------


@runtime_checkable
class Clock(Protocol):
    def now(self) -> datetime:
        """An aware datetime in UTC."""
