"""``portal keys rotate``: a new master key (local key file, or new KMS key material) and/or a
new hash key, each rotation audited in every county's trail. New envelopes and hashes use
the new keys at once, in every process; old envelopes stay readable under the retired key
until the background re-wrap (``rewrap``, run by the sweeper) has moved them all, and old
receipts are recognised and re-hashed on first use (``lookups``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from portal.crypto.secrets import hasher, load_secrets, rotate_hash_key
from portal.domain.errors import Conflict
from portal.i18n import N_
from portal.ports import Op
from portal.services.deps import Deps
from portal.store.repositories.keys import KeyRotation

log = logging.getLogger(__name__)

KINDS = ("master", "hash", "both")
#: the audit actions of a rotation (titles in ``portal.services.audit``)
ROTATED, REWRAPPED = "key_rotated", "keys_rewrapped"


@dataclass(frozen=True)
class Rotated:
    rotation: KeyRotation
    master: tuple[str, str | None] | None
    hash: tuple[str, str] | None


def audit_ops(deps: Deps, by: str, action: str, now: datetime, detail: dict) -> list[Op]:
    """One entry in every county's trail: a key serves the whole deployment."""
    return [deps.repos.audit.op(at=now, actor=by, role="admin", unit="", action=action, county=county.code,
                                detail=detail) for county in deps.counties]


def rotate(deps: Deps, which: str, by: str, now: datetime) -> Rotated:
    """Rotate ``master``, ``hash`` or ``both``. Refused while an earlier rotation is still
    being re-wrapped: its retired key would otherwise be retired twice over."""
    if which not in KINDS:
        raise ValueError(f"which must be one of {', '.join(KINDS)}")
    earlier = deps.repos.key_rotations.get()
    if earlier is not None and earlier.state == "rewrapping":
        raise Conflict(N_("上一次更换的密钥还在改用新密钥加密（重新封装）中，请先完成：portal keys rewrap。"))
    master = hash_ = None
    if which in ("master", "both"):
        master = deps.keyring.rotate()
    if which in ("hash", "both"):
        hash_ = rotate_hash_key(deps.settings)
        if deps.settings.secrets == "ssm":  # other processes notice the key files within a second
            deps.hasher = hasher(deps.settings, load_secrets(deps.settings), from_files=False)
        else:
            deps.hasher.refresh()
    rotation = KeyRotation(
        started_at=now, by=by, master_retired=[master[0]] if master else [],
        master_current=deps.keyring.current_key() if master else None,
        hash_retired=[hash_[0]] if hash_ else [], hash_current=hash_[1] if hash_ else None,
        not_before=now + timedelta(seconds=deps.keyring.rotation_grace),
        version=earlier.version if earlier is not None else 0)
    detail = {"master_retired": rotation.master_retired, "master_current": rotation.master_current,
              "hash_retired": rotation.hash_retired, "hash_current": rotation.hash_current}
    deps.store.write([deps.repos.key_rotations.save_op(rotation), *audit_ops(deps, by, ROTATED, now, detail)])
    deps.repos.key_rotations.committed(rotation)
    log.info("keys rotated (%s); the re-wrap starts after %s", which, rotation.not_before.isoformat())
    return Rotated(rotation, master, hash_)
