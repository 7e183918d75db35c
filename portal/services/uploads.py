"""Evidence uploads: every photo passes the sanitiser before anything keeps it.

Embedded default: the photo comes in the form post; ``stage`` sanitises it and stores the
clean JPEG. Serverless: the browser posts the raw photo straight to S3 under ``incoming/``
(a presigned POST with the size limit in its policy); the S3-triggered function runs
``sanitize_incoming``, which writes the clean JPEG under ``evidence/``, deletes the raw
object, and is idempotent on Lambda's retries. Either way an upload is a record
``UPL#<id>`` owned by one filing (or one staff member) until a complaint takes it.
Uploads never taken are removed by the sweeper.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Sequence

from portal.domain.complaint import Evidence
from portal.domain.errors import DomainError
from portal.evidence.sanitize import ImageRejected, sanitize
from portal.i18n import N_
from portal.ids import is_id, new_id
from portal.ports import ABSENT, BlobNotFound, ConditionFailed
from portal.services.deps import Deps
from portal.store import keys as K
from portal.timeutil import from_store, to_store

log = logging.getLogger(__name__)

MAX_PHOTOS = 6
UNCLAIMED_AFTER = timedelta(hours=24)
INCOMING_PREFIX = "incoming/"
EVIDENCE_PREFIX = "evidence/"
_INCOMING_KEY = re.compile(r"^incoming/([0-9A-Z]{26})$")
#: what the reporter reads when the sanitiser failed in a way it does not foresee
SANITIZE_FAILED = N_("这张照片无法处理，请换一张照片或重新拍摄后再上传。")


@dataclass(frozen=True)
class StagedPhoto:
    upload_id: str
    taken_at: datetime | None
    taken_lat: float | None
    taken_lng: float | None


def _pk(upload_id: str) -> str:
    return f"UPL#{upload_id}"


def _wake_keys(upload_id: str, created: datetime, deps: Deps) -> dict:
    return K.due_keys(_pk(upload_id), K.POINTER, created + UNCLAIMED_AFTER, deps.repos.due.shards)


def _record_clean(deps: Deps, upload_id: str, owner: str, clean, now: datetime, expect) -> None:
    body = {
        "owner": owner, "status": "ready", "key": f"{EVIDENCE_PREFIX}{upload_id}.jpg", "content_type": clean.content_type,
        "width": clean.width, "height": clean.height, "size": len(clean.data), "created_at": to_store(now),
        "taken_at": to_store(clean.taken_at) if clean.taken_at else None,
        "taken_lat": clean.taken_lat, "taken_lng": clean.taken_lng,
    }
    deps.repos.records.put(_pk(upload_id), K.POINTER, body, expect=expect,
                           keys=_wake_keys(upload_id, now, deps),
                           expires_at=now + UNCLAIMED_AFTER * 3)


def stage(deps: Deps, owner: str, data: bytes, now: datetime) -> StagedPhoto:
    """Sanitise a photo posted through the portal and keep the clean JPEG for the filing."""
    return keep_clean(deps, owner, sanitize(data, deps.settings.photo_limit), now)


def keep_clean(deps: Deps, owner: str, clean, now: datetime) -> StagedPhoto:
    """Store an already sanitised photo for ``owner``."""
    upload_id = new_id(now)
    deps.blobs.put(f"{EVIDENCE_PREFIX}{upload_id}.jpg", clean.data, clean.content_type)
    _record_clean(deps, upload_id, owner, clean, now, expect=ABSENT)
    return StagedPhoto(upload_id, clean.taken_at, clean.taken_lat, clean.taken_lng)


def presign(deps: Deps, owner: str, now: datetime) -> dict | None:
    """A presigned POST for a browser upload straight to the incoming bucket, or None when
    the blob store takes uploads through the portal."""
    upload_id = new_id(now)
    form = deps.blobs.presign_upload(f"{INCOMING_PREFIX}{upload_id}", deps.settings.photo_limit)
    if form is None:
        return None
    deps.repos.records.put(_pk(upload_id), K.POINTER,
                           {"owner": owner, "status": "awaiting", "created_at": to_store(now)},
                           expect=ABSENT, keys=_wake_keys(upload_id, now, deps),
                           expires_at=now + UNCLAIMED_AFTER * 3)
    return {"upload_id": upload_id, **form}


def sanitize_incoming(deps: Deps, key: str, now: datetime) -> str:
    """The S3-triggered step. Returns what it did: ready | rejected | failed | ignored |
    done-before. ``failed``: the sanitiser raised something unforeseen; the upload is recorded
    as rejected all the same, so the form stops waiting and the reporter can choose another photo."""
    match = _INCOMING_KEY.match(key)
    if not match:
        log.warning("ignored an object outside incoming/")
        return "ignored"
    upload_id = match.group(1)
    record = deps.repos.records.get(_pk(upload_id), K.POINTER)
    if record is None:
        deps.blobs.delete(key)
        return "ignored"
    if record.body.get("status") in ("ready", "rejected", "taken"):
        deps.blobs.delete(key)  # a retry after the work was done: only the raw object may remain
        return "done-before"
    try:
        raw = deps.blobs.get(key)
    except BlobNotFound:
        return "done-before"
    try:
        clean = sanitize(raw, deps.settings.photo_limit)
    except ImageRejected as exc:
        _reject(deps, upload_id, record, key, exc.message, now)
        return "rejected"
    except Exception as exc:  # noqa: BLE001 - a sanitiser bug must not leave the upload "awaiting"
        # Lambda would retry the same bytes into the same failure, then give up, and the form
        # would wait for an upload that never finishes: say so now, the reporter can try again
        log.error("upload %s: the sanitiser failed (%s)", upload_id, type(exc).__name__)
        _reject(deps, upload_id, record, key, SANITIZE_FAILED, now)
        return "failed"
    deps.blobs.put(f"{EVIDENCE_PREFIX}{upload_id}.jpg", clean.data, clean.content_type)
    try:
        _record_clean(deps, upload_id, record.body["owner"], clean, now, expect=record.version)
    except ConditionFailed:
        pass  # a concurrent retry recorded it
    deps.blobs.delete(key)
    return "ready"


def _reject(deps: Deps, upload_id: str, record, key: str, message: str, now: datetime) -> None:
    """Record the upload as rejected with ``message`` (a msgid) and drop the raw object."""
    body = dict(record.body, status="rejected", error=message)
    try:
        deps.repos.records.put(_pk(upload_id), K.POINTER, body, expect=record.version,
                               expires_at=now + UNCLAIMED_AFTER)
    except ConditionFailed:
        pass
    deps.blobs.delete(key)


def _owners(owner: str | Sequence[str]) -> Sequence[str]:
    """An upload's owner as a filing knows it: one hash, or the hash under each hash key (a form
    opened before the hash key was rotated: ``FilingToken.submission_hashes``)."""
    return (owner,) if isinstance(owner, str) else owner


def upload_state(deps: Deps, owner: str | Sequence[str], upload_id: str) -> dict | None:
    if not is_id(upload_id):
        return None
    record = deps.repos.records.get(_pk(upload_id), K.POINTER)
    if record is None or record.body.get("owner") not in _owners(owner):
        return None
    return dict(record.body)


def take(deps: Deps, owner: str | Sequence[str], upload_ids: list[str], confirmed: set[str],
         source: str = "reporter"):
    """The evidence a filing (or an on-site record) takes: each upload must be ready and belong
    to ``owner``. Capture time and place are kept only where the reporter confirmed them.
    Returns (evidence, operations that mark the uploads taken)."""
    if len(upload_ids) > MAX_PHOTOS:
        raise DomainError(N_("最多只能上传 %(n)s 张照片。"), field="photos", n=MAX_PHOTOS)
    evidence, ops = [], []
    for upload_id in dict.fromkeys(upload_ids):
        record = deps.repos.records.get(_pk(upload_id), K.POINTER) if is_id(upload_id) else None
        if record is None or record.body.get("owner") not in _owners(owner):
            raise DomainError(N_("照片已失效，请重新上传。"), field="photos")
        body = record.body
        if body.get("status") == "rejected":
            raise DomainError(body.get("error") or N_("文件不是有效的图片，请上传手机拍摄的照片。"), field="photos")
        if body.get("status") != "ready":
            raise DomainError(N_("照片还在处理中，请稍候再提交。"), field="photos")
        keep = upload_id in confirmed
        evidence.append(Evidence(
            key=body["key"], content_type=body["content_type"], width=body["width"], height=body["height"],
            size=body["size"], source=source,
            taken_at=from_store(body["taken_at"]) if keep and body.get("taken_at") else None,
            taken_lat=body.get("taken_lat") if keep else None,
            taken_lng=body.get("taken_lng") if keep else None,
        ))
        taken = {"owner": body["owner"], "status": "taken", "key": body["key"]}
        ops.append(deps.repos.records.op(_pk(upload_id), K.POINTER, taken, expect=record.version))
    return evidence, ops


def sweep_unclaimed(deps: Deps, upload_id_pk: str, now: datetime) -> bool:
    """Remove an upload no complaint took within a day (called by the sweeper)."""
    record = deps.repos.records.get(upload_id_pk, K.POINTER)
    if record is None or record.body.get("status") == "taken":
        if record is not None:  # taken: just leave the due index
            try:
                deps.repos.records.put(upload_id_pk, K.POINTER, dict(record.body), expect=record.version)
            except ConditionFailed:
                pass
        return False
    key = record.body.get("key")
    if key:
        deps.blobs.delete(key)
    upload_id = upload_id_pk.split("#", 1)[1]
    deps.blobs.delete(f"{INCOMING_PREFIX}{upload_id}")
    try:
        deps.store.write([deps.repos.records.op(upload_id_pk, K.POINTER, {"status": "expired"},
                                                expect=record.version, expires_at=now + timedelta(days=1))])
    except ConditionFailed:
        return False
    return True
