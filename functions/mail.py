"""The S3-triggered function for mail SES receives (where it does: not AWS's China regions,
whose units' mailboxes are read over IMAP by the scheduled function instead).

An SES receipt rule writes each raw message sent to a unit's published address to the bucket
``PORTAL_SES_INBOUND_BUCKET`` under ``mail/<unit>/``; Zappa calls ``handler(event, context)``
for its ``s3:ObjectCreated:*`` events. Each object is stored in the unit's inbox (once, by its
fingerprint) and deleted only then. Only outcomes are logged, never an address or a subject.
"""

from __future__ import annotations

import logging
from collections import Counter
from urllib.parse import unquote_plus

from portal.runtime import services
from portal.services.channels import mail_import
from portal.services.deps import Deps

log = logging.getLogger(__name__)

_deps: Deps | None = None
_client = None


def get_deps() -> Deps:
    return _deps if _deps is not None else services()


def s3_client(deps: Deps):
    global _client
    if _client is None:
        import boto3

        _client = boto3.client("s3", region_name=deps.settings.aws_region, endpoint_url=deps.settings.s3_endpoint)
    return _client


def handler(event, context) -> dict:
    deps = get_deps()
    bucket = deps.settings.ses_inbound_bucket
    outcomes: Counter[str] = Counter()
    failed = 0
    records = (event or {}).get("Records") or []
    for record in records:
        s3 = record.get("s3") or {}
        if record.get("eventSource") != "aws:s3" or (s3.get("bucket") or {}).get("name") != bucket or not bucket:
            outcomes["ignored"] += 1
            continue
        key = unquote_plus((s3.get("object") or {}).get("key") or "")
        try:
            outcomes[mail_import.take_from_s3(deps, s3_client(deps), bucket, key, deps.clock.now())] += 1
        except Exception as exc:  # the others go on; the event is retried, done ones are no-ops
            failed += 1
            log.error("a mail object failed: %s", type(exc).__name__)
    log.info("mail objects: %s", dict(outcomes))
    if failed:
        raise RuntimeError(f"{failed} of {len(records)} mail objects failed; the event will be retried")
    return {"records": len(records), "outcomes": dict(outcomes)}
