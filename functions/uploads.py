"""The S3-triggered function: sanitise each photo a browser posted to the incoming bucket.

Zappa calls ``handler(event, context)`` for ``s3:ObjectCreated:*`` events on the
``incoming/`` prefix. Each record names one raw upload; ``sanitize_incoming`` writes the
clean JPEG to the evidence bucket (never under ``incoming/``, which would trigger this
function again), records the upload as ready or rejected, and deletes the raw object. It
is idempotent, so Lambda's retries of a whole event redo nothing already done.

Only the outcome and the upload id are logged: never object contents, metadata or
anything else from the bucket.
"""

from __future__ import annotations

import logging
from collections import Counter
from urllib.parse import unquote_plus

from portal.ids import is_id
from portal.runtime import services
from portal.services import uploads
from portal.services.deps import Deps

log = logging.getLogger(__name__)

#: built on the first invocation and kept for the container's life; tests may set it
_deps: Deps | None = None


def get_deps() -> Deps:
    """The services for this container, built once from the environment (secrets from SSM)
    and shared with the web app and the sweeper."""
    return _deps if _deps is not None else services()


def handler(event, context) -> dict:
    """Sanitise every object an ``ObjectCreated`` event names. Returns ``{"records": n,
    "outcomes": {outcome: count}}`` with outcomes ready | rejected | failed | ignored |
    done-before (``failed``: the sanitiser broke on the photo; the upload is marked rejected,
    not left awaiting, and retrying the same bytes would not help). If any record fails (S3
    or the store unreachable), the others are still processed and the invocation then fails,
    so Lambda retries the event; finished records are no-ops then."""
    deps = get_deps()
    records = (event or {}).get("Records") or []  # S3's test event on subscription has none
    outcomes: Counter[str] = Counter()
    failed = 0
    for record in records:
        key = _incoming_key(record, deps.settings.s3_incoming_bucket)
        if key is None:
            outcomes["ignored"] += 1
            log.info("ignored an event that is not an object created in the incoming bucket")
            continue
        upload_id = _upload_id(key)
        try:
            outcome = uploads.sanitize_incoming(deps, key, deps.clock.now())
        except Exception as exc:  # keep going: the other uploads in the event are independent
            failed += 1
            log.error("upload %s failed: %s", upload_id, type(exc).__name__)
            continue
        outcomes[outcome] += 1
        log.info("upload %s: %s", upload_id, outcome)
    if failed:
        raise RuntimeError(f"{failed} of {len(records)} uploads failed; the event will be retried")
    return {"records": len(records), "outcomes": dict(outcomes)}


def _upload_id(key: str) -> str:
    """The upload id a key names, for the log; any other key is not repeated there."""
    rest = key[len(uploads.INCOMING_PREFIX):] if key.startswith(uploads.INCOMING_PREFIX) else ""
    return rest if is_id(rest) else "(not an upload key)"


def _incoming_key(record: dict, incoming_bucket: str | None) -> str | None:
    """The decoded object key of an ``ObjectCreated`` record from the incoming bucket, else None.
    S3 sends keys URL-encoded as in a form (a space arrives as ``+``)."""
    if record.get("eventSource") != "aws:s3" or not str(record.get("eventName", "")).startswith("ObjectCreated:"):
        return None
    s3 = record.get("s3") or {}
    if incoming_bucket and (s3.get("bucket") or {}).get("name") != incoming_bucket:
        return None
    key = (s3.get("object") or {}).get("key")
    return unquote_plus(key) if isinstance(key, str) else None
