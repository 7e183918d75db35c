"""The background re-wrap after a key rotation, run a slice at a time by the sweeper (and to
the end by ``portal keys rewrap``).

It reads the whole table (``Store.scan``), and for every record whose kind names envelopes
(``portal.store.formats``): re-wraps each envelope under a retired key (the data key only;
the payload stays sealed as it was), and after a hash-key rotation makes the phone hash kept
beside an envelope again under the new key. Each record is written back on condition that
nothing changed it meanwhile; one that did is counted and taken up by the next pass.

A pass that moved anything is followed by another; the rotation is done after a pass that
found nothing under a retired key, no record that failed, and no envelope under a retired key
in a place no record kind declares. Only then are the retired master keys destroyed (local
key files: overwritten and removed), so nothing stays readable under them, and the end is
audited. Retired hash keys are kept: they only recognise receipts, which are re-hashed when
their reporters next use them (``lookups``)."""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass, replace
from datetime import datetime

from portal.crypto.envelope import PREFIX
from portal.ports import BlobNotFound, ConditionFailed, DecryptionError, Item, Put
from portal.services.deps import Deps
from portal.services.keys.rotation import REWRAPPED, audit_ops
from portal.store.formats import FormattedStore
from portal.store.repositories.keys import KeyRotation

log = logging.getLogger(__name__)

#: records read per sweep (the sweeper runs every few minutes)
ITEMS_PER_STEP = 2000
_PAGE = 200


@dataclass
class Tally:
    rewrapped: int = 0
    rehashed: int = 0
    failed: int = 0
    undeclared: int = 0


def _at(body, path):
    for name in path:
        if not isinstance(body, dict):
            return None
        body = body.get(name)
    return body


def _put(body, path, value) -> None:
    for name in path[:-1]:
        body = body[name]
    body[path[-1]] = value


def envelopes_in(value, path=()):
    """(path, envelope) of every string in a body that is an envelope."""
    if isinstance(value, str) and value.startswith(PREFIX + "."):
        yield path, value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from envelopes_in(inner, (*path, key))
    elif isinstance(value, list):
        for n, inner in enumerate(value):
            yield from envelopes_in(inner, (*path, n))


def rewrap_item(deps: Deps, item: Item, rewrap: bool, rehash: bool, tally: Tally) -> Item | None:
    """The item with its envelopes re-wrapped (``rewrap``) and its phone hashes made again
    under the current hash key (``rehash``), or None if nothing in it needed a change."""
    store: FormattedStore = deps.store
    kind = store.kinds.kind_of(item.pk, item.sk)
    body = copy.deepcopy(dict(item.body))
    changed, declared = False, set()
    for field in (kind.envelopes(item) if kind.envelopes else []):
        declared.add(field.path)
        if field.blob:
            if rewrap:
                _rewrap_blob(deps, _at(body, field.path), field, kind.name, tally)
            continue
        envelope = _at(body, field.path)
        if not isinstance(envelope, str):
            continue
        try:
            moved = deps.keyring.rewrap(envelope, field.context) if rewrap else None
            if moved is not None:
                _put(body, field.path, moved)
                tally.rewrapped += 1
                changed = True
            stored_hash = _at(body, field.hash_path) if field.hash_path else None
            if rehash and stored_hash is not None:
                plain = deps.keyring.decrypt(moved or envelope, field.context).decode()
                fresh = deps.hasher.digest(field.hash_purpose, plain)
                if fresh != stored_hash:
                    _put(body, field.hash_path, fresh)
                    tally.rehashed += 1
                    changed = True
        except DecryptionError:
            tally.failed += 1
            log.error("an envelope of a %s record does not open for the re-wrap", kind.name)
    current = deps.keyring.current_key()
    for path, envelope in envelopes_in(body) if rewrap else ():
        if path not in declared and deps.keyring.key_of(envelope) != current:
            tally.undeclared += 1
            log.error("a %s record holds an envelope its kind does not declare: declare it (portal.store.formats)",
                      kind.name)
    return replace(item, body=body) if changed else None


def _rewrap_blob(deps: Deps, key, field, kind: str, tally: Tally) -> None:
    """A blob holding one envelope (a raw email): re-wrapped in place, under the same key."""
    if not isinstance(key, str):
        return
    try:
        envelope = deps.blobs.get(key).decode()
        moved = deps.keyring.rewrap(envelope, field.context)
    except BlobNotFound:
        return  # purged meanwhile
    except (DecryptionError, UnicodeDecodeError):
        tally.failed += 1
        log.error("a blob of a %s record does not open for the re-wrap", kind)
        return
    if moved is not None:
        deps.blobs.put(key, moved.encode(), "application/octet-stream")
        tally.rewrapped += 1


def step(deps: Deps, now: datetime, budget: int = ITEMS_PER_STEP) -> KeyRotation | None:
    """Read up to ``budget`` records of the rotation under way; returns it (None if none)."""
    rotation = deps.repos.key_rotations.get()
    if rotation is None or rotation.state != "rewrapping" or (rotation.not_before and now < rotation.not_before):
        return rotation
    tally = Tally()
    read, cursor = 0, rotation.cursor
    while read < budget:
        page = deps.store.scan(limit=min(_PAGE, budget - read), cursor=cursor)
        for item in page.items:
            moved = rewrap_item(deps, item, bool(rotation.master_retired), bool(rotation.hash_retired), tally)
            if moved is not None:
                try:
                    deps.store.write([Put(moved, expect=item.version)])
                except ConditionFailed:  # changed meanwhile: the next pass takes it up
                    tally.failed += 1
        read += len(page.items)
        cursor = page.cursor
        if not cursor:
            break
    rotation.cursor = cursor
    rotation.rewrapped += tally.rewrapped
    rotation.rehashed += tally.rehashed
    rotation.failed += tally.failed
    rotation.undeclared += tally.undeclared
    rotation.total_rewrapped += tally.rewrapped
    rotation.total_rehashed += tally.rehashed
    ops = []
    if cursor is None:
        ops = _end_of_pass(deps, rotation, now)
    try:
        deps.store.write([deps.repos.key_rotations.save_op(rotation), *ops])
    except ConditionFailed:
        return deps.repos.key_rotations.get()  # another sweeper recorded this slice first
    deps.repos.key_rotations.committed(rotation)
    if rotation.state == "done":
        destroy_retired(deps, rotation)
    return rotation


def _end_of_pass(deps: Deps, rotation: KeyRotation, now: datetime) -> list:
    rotation.last_pass = {"pass": rotation.passes, "rewrapped": rotation.rewrapped, "rehashed": rotation.rehashed,
                          "failed": rotation.failed, "undeclared": rotation.undeclared}
    moved_something = rotation.rewrapped or rotation.rehashed
    clean = not rotation.failed and not rotation.undeclared and (
        not moved_something or not deps.keyring.labels_identify_keys)
    if not clean:  # read everything again: what moved must now be found in place
        log.info("key re-wrap pass %d: %d envelope(s) re-wrapped, %d hash(es) re-made, %d failed, %d undeclared",
                 rotation.passes, rotation.rewrapped, rotation.rehashed, rotation.failed, rotation.undeclared)
        rotation.passes += 1
        rotation.rewrapped = rotation.rehashed = rotation.failed = rotation.undeclared = 0
        return []
    rotation.state, rotation.done_at = "done", now
    log.info("key re-wrap done after %d pass(es): %d envelope(s) re-wrapped", rotation.passes,
             rotation.total_rewrapped)
    return audit_ops(deps, "sweeper", REWRAPPED, now, {
        "passes": rotation.passes, "rewrapped": rotation.total_rewrapped, "rehashed": rotation.total_rehashed,
        "retired": rotation.master_retired})


def destroy_retired(deps: Deps, rotation: KeyRotation) -> list[str]:
    """Once a rotation is done (nothing under its retired master keys remains), destroy them:
    nothing stays readable under a retired key. Recorded on the rotation."""
    destroyed = [key for key in rotation.master_retired
                 if key not in rotation.destroyed and key in deps.keyring.retired_keys() and deps.keyring.retire(key)]
    if destroyed:
        rotation.destroyed += destroyed
        deps.store.write([deps.repos.key_rotations.save_op(rotation)])
        deps.repos.key_rotations.committed(rotation)
        log.info("retired key(s) destroyed: %s", ", ".join(destroyed))
    return destroyed


def run_to_end(deps: Deps, now: datetime, budget: int = ITEMS_PER_STEP) -> KeyRotation | None:
    """``portal keys rewrap``: every slice now, the grace period after the rotation included."""
    rotation = deps.repos.key_rotations.get()
    if rotation is not None and rotation.not_before and rotation.not_before > now:
        rotation.not_before = now
        deps.store.write([deps.repos.key_rotations.save_op(rotation)])
        deps.repos.key_rotations.committed(rotation)
    while rotation is not None and rotation.state == "rewrapping":
        rotation = step(deps, now, budget)
    if rotation is not None:
        destroy_retired(deps, rotation)  # a run interrupted between the end and the destruction
    return rotation
