"""``portal keys status``: which keys are current and retired, how the re-wrap stands, and
how many envelopes and receipts each key still holds (one read of the whole table)."""

from __future__ import annotations

from portal.services.deps import Deps
from portal.services.keys.rewrap import envelopes_in
from portal.store.codec import dump


def describe(deps: Deps) -> dict:
    envelopes: dict[str, int] = {}
    receipts: dict[str, int] = {}
    cursor = None
    while True:
        page = deps.store.scan(limit=500, cursor=cursor)
        for item in page.items:
            for _, envelope in envelopes_in(dict(item.body)):
                key = deps.keyring.key_of(envelope)
                envelopes[key] = envelopes.get(key, 0) + 1
            if item.pk.startswith("RCPT#"):
                key = item.body.get("key") or "first hash key (before key ids)"
                receipts[key] = receipts.get(key, 0) + 1
        cursor = page.cursor
        if not cursor:
            break
    rotation = deps.repos.key_rotations.get()
    return {
        "master_key": {"current": deps.keyring.current_key(), "retired": deps.keyring.retired_keys()},
        "hash_key": {"current": deps.hasher.key_id, "retired": deps.hasher.retired_ids},
        "envelopes_by_key": dict(sorted(envelopes.items())),
        "receipts_by_hash_key": dict(sorted(receipts.items())),
        "rotation": {k: v for k, v in dump(rotation).items() if k != "cursor"} if rotation else None,
    }
