"""Mail that arrives as files: ``portal mail import FILE.eml|MAILDIR`` (a message saved from a
mail client, a folder of them, or a Maildir), and the raw messages SES receiving writes to S3
(``functions/mail.py``). Each goes through ``inbox.store_raw``, so a message imported twice, or
also read over IMAP, is stored once. The files and objects are the operator's: an import
leaves them in place; the S3 object is deleted once the message is stored.
"""

from __future__ import annotations

import logging
import mailbox
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path

from portal.services.channels import inbox
from portal.services.deps import Deps

log = logging.getLogger(__name__)

#: S3 key prefix the SES receipt rule writes each unit's mail under: ``mail/<unit>/<object>``
SES_PREFIX = "mail/"


@dataclass
class ImportReport:
    stored: int = 0
    duplicates: int = 0
    unplaced: list[str] = field(default_factory=list)  #: files whose unit could not be told
    failed: int = 0  #: stored, but could not be parsed (listed in the inbox with the reason)


def _headers(raw: bytes):
    return BytesHeaderParser().parsebytes(raw[:256 * 1024])


def unit_for(deps: Deps, raw: bytes) -> str | None:
    """The unit whose published address the message was sent to (To, Cc, Delivered-To)."""
    headers = _headers(raw)
    try:
        found = {a.lower() for _, a in getaddresses([str(v) for name in ("To", "Cc", "Delivered-To", "X-Original-To")
                                                     for v in headers.get_all(name, [])])}
    except Exception:  # noqa: BLE001 - headers the parser cannot split: the operator names the unit
        return None
    for county in deps.counties:
        for unit in (*county.departments, *county.townships):
            if unit.email.lower() in found:
                return unit.code
    return None


def _date(raw: bytes) -> datetime | None:
    try:
        value = parsedate_to_datetime(str(_headers(raw)["Date"]))
    except Exception:  # noqa: BLE001 - absent or malformed: the import's own time stands
        return None
    return value.astimezone(timezone.utc) if value is not None and value.tzinfo is not None else None


def _messages(path: Path):
    if path.is_dir() and ((path / "cur").is_dir() or (path / "new").is_dir()):
        box = mailbox.Maildir(str(path), factory=None, create=False)
        for key in sorted(box.keys()):
            yield f"{path.name}/{key}", box.get_bytes(key)
    elif path.is_dir():
        for file in sorted(path.glob("*.eml")):
            yield file.name, file.read_bytes()
    else:
        yield path.name, path.read_bytes()


def import_path(deps: Deps, path: Path, unit: str | None, now: datetime) -> ImportReport:
    report = ImportReport()
    if unit is not None:
        inbox.county_of_unit(deps, unit)  # an unknown unit fails before anything is stored
    for name, raw in _messages(path):
        target = unit or unit_for(deps, raw)
        if target is None:
            report.unplaced.append(name)
            continue
        stored = inbox.store_raw(deps, target, raw, via="import", arrived_at=_date(raw), now=now)
        if not stored.created:
            report.duplicates += 1
            continue
        report.stored += 1
        report.failed += stored.status is not None and stored.status.value == "failed"
    return report


def take_from_s3(deps: Deps, client, bucket: str, key: str, now: datetime) -> str:
    """One raw message SES receiving wrote under ``mail/<unit>/``: stored, then the object
    deleted. Returns stored | duplicate | done-before | ignored."""
    parts = key.split("/")
    if not key.startswith(SES_PREFIX) or len(parts) < 3 or not parts[1]:
        return "ignored"
    unit = parts[1]
    try:
        inbox.county_of_unit(deps, unit)
    except ValueError:
        log.warning("mail object for an unknown unit ignored")
        return "ignored"
    from botocore.exceptions import ClientError

    try:
        answer = client.get_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            return "done-before"  # a retried event: stored and deleted already
        raise
    raw = answer["Body"].read()
    arrived = answer.get("LastModified")
    stored = inbox.store_raw(deps, unit, raw, via="ses", arrived_at=arrived, now=now)
    client.delete_object(Bucket=bucket, Key=key)  # only once stored
    return "stored" if stored.created else "duplicate"
