"""Checks shared by every store adapter, so that both refuse the same misuse.

The limits are DynamoDB's (an item, a transaction); the SQLite adapter applies them too, so
that code which works on the embedded default cannot fail only after deployment.
"""

from __future__ import annotations

import json
from typing import Sequence

from portal.ports import Check, Delete, Item, Op, Put
from portal.store.schema import TABLE

#: DynamoDB's item limit is 400 KB; keep a margin for attribute names and keys.
MAX_BODY_BYTES = 350_000
#: DynamoDB's TransactWriteItems takes at most 100 actions ...
MAX_OPS = 100
#: ... of at most 4 MB together; keep the same margin as for one item.
MAX_TRANSACTION_BODY_BYTES = 3_500_000
_INDEX_PAIRS = {ix.pk: ix.sk for ix in TABLE.indexes}
_INDEX_ATTRS = set(_INDEX_PAIRS) | set(_INDEX_PAIRS.values())


def check_key(pk: str, sk: str) -> None:
    if not isinstance(pk, str) or not isinstance(sk, str) or not pk or not sk:
        raise ValueError("pk and sk must be non-empty strings")


def check_expiry(expires_at) -> None:
    if expires_at is not None and (not isinstance(expires_at, int) or isinstance(expires_at, bool)):
        raise ValueError("expires_at must be whole epoch seconds or None")


def _checked_body_bytes(item: Item) -> int:
    check_key(item.pk, item.sk)
    check_expiry(item.expires_at)
    unknown = set(item.keys) - _INDEX_ATTRS
    if unknown:
        raise ValueError(f"unknown index attributes: {sorted(unknown)}")
    for pk_attr, sk_attr in _INDEX_PAIRS.items():
        if (pk_attr in item.keys) != (sk_attr in item.keys):
            raise ValueError(f"index keys {pk_attr}/{sk_attr} must be set together")
    for name, value in item.keys.items():
        if not isinstance(value, str) or not value:
            raise ValueError(f"index attribute {name} must be a non-empty string")
    size = len(json.dumps(item.body, ensure_ascii=False).encode())
    if size > MAX_BODY_BYTES:
        raise ValueError(f"item body of {size} bytes is over the {MAX_BODY_BYTES}-byte limit")
    return size


def check_item(item: Item) -> None:
    _checked_body_bytes(item)


def op_key(op: Op) -> tuple[str, str]:
    """The (pk, sk) an operation touches."""
    return (op.item.pk, op.item.sk) if isinstance(op, Put) else (op.pk, op.sk)


def check_ops(ops: Sequence[Op]) -> None:
    """One transaction: at most ``MAX_OPS`` operations, each item touched once, every item valid,
    ``expect`` None or a non-negative version."""
    if len(ops) > MAX_OPS:
        raise ValueError(f"a transaction takes at most {MAX_OPS} operations, not {len(ops)}")
    seen: set[tuple[str, str]] = set()
    total = 0
    for op in ops:
        if not isinstance(op, (Put, Delete, Check)):
            raise TypeError(f"unknown operation {type(op).__name__}")
        key = op_key(op)
        check_key(*key)
        if key in seen:
            raise ValueError(f"one transaction touches {key} twice")
        seen.add(key)
        if op.expect is not None and (not isinstance(op.expect, int) or isinstance(op.expect, bool) or op.expect < 0):
            raise ValueError("expect must be None (any), 0 (absent) or a version >= 1")
        if isinstance(op, Put):
            total += _checked_body_bytes(op.item)
    if total > MAX_TRANSACTION_BODY_BYTES:
        raise ValueError(f"item bodies of {total} bytes together are over the {MAX_TRANSACTION_BODY_BYTES}-byte limit")


def check_increment(pk: str, sk: str, by: int, expires_at) -> None:
    check_key(pk, sk)
    check_expiry(expires_at)
    if not isinstance(by, int) or isinstance(by, bool):
        raise ValueError("by must be an integer")


def check_query(index, sk_prefix, sk_from, sk_to, limit, keys_only: bool = False) -> None:
    if index is not None and index not in {ix.name for ix in TABLE.indexes}:
        raise ValueError(f"no index named {index!r}")
    if keys_only and index is None:
        raise ValueError("keys_only reads a secondary index: the table's items have bodies")
    if sk_prefix is not None and (sk_from is not None or sk_to is not None):
        raise ValueError("sk_prefix cannot be combined with sk_from/sk_to")
    if not 1 <= limit <= 1000:
        raise ValueError("limit must be between 1 and 1000")
