"""Checks shared by every store adapter, so that both refuse the same misuse."""

from __future__ import annotations

import json

from portal.ports import Item
from portal.store.schema import TABLE

#: DynamoDB's item limit is 400 KB; keep a margin for attribute names and keys.
MAX_BODY_BYTES = 350_000
_INDEX_PAIRS = {ix.pk: ix.sk for ix in TABLE.indexes}
_INDEX_ATTRS = set(_INDEX_PAIRS) | set(_INDEX_PAIRS.values())


def check_item(item: Item) -> None:
    if not item.pk or not item.sk:
        raise ValueError("pk and sk must be non-empty")
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


def check_query(index, sk_prefix, sk_from, sk_to, limit) -> None:
    if index is not None and index not in {ix.name for ix in TABLE.indexes}:
        raise ValueError(f"no index named {index!r}")
    if sk_prefix is not None and (sk_from is not None or sk_to is not None):
        raise ValueError("sk_prefix cannot be combined with sk_from/sk_to")
    if not 1 <= limit <= 1000:
        raise ValueError("limit must be between 1 and 1000")
