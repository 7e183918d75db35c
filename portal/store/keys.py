"""Key and index-key layout, in one place (see ``portal.store.schema`` for the table)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from portal.timeutil import to_store

META = "#META"
POINTER = "#"
#: sorts after every character used in keys, to close a range ``<prefix>~``
HIGH = "~"


def complaint_pk(complaint_id: str) -> str:
    return f"CMP#{complaint_id}"


def event_sk(n: int) -> str:
    return f"EVT#{n:06d}"


def sms_sk(kind: str) -> str:
    return f"SMS#{kind}"


def case_pk(case_id: str) -> str:
    return f"CASE#{case_id}"


def receipt_pk(receipt_hash: str) -> str:
    return f"RCPT#{receipt_hash}"


def submission_pk(submission_hash: str) -> str:
    return f"SUB#{submission_hash}"


def shard_of(pk: str, shards: int) -> int:
    return int.from_bytes(hashlib.sha1(pk.encode()).digest()[:4], "big") % shards


def due_keys(pk: str, sk: str, wake: datetime | None, shards: int) -> dict[str, str]:
    """Sparse due-index keys: present only while the item needs the sweeper."""
    if wake is None:
        return {}
    return {"due_pk": f"DUE#{shard_of(pk + sk, shards)}", "due_sk": f"{to_store(wake)}#{pk}#{sk}"}


def due_partitions(shards: int) -> list[str]:
    return [f"DUE#{n}" for n in range(shards)]
