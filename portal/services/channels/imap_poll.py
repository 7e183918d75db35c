"""Reading the units' mailboxes over IMAP (``PORTAL_IMAP_INBOXES``), from the sweeper: the
background thread of the embedded default, the scheduled function on AWS. IMAP works
everywhere, AWS's China regions included, where SES does not receive mail.

Each message is fetched once and deleted (or moved, ``PORTAL_IMAP_AFTER``) only after it is
stored:

1. a lease per mailbox (``IMAPLEASE#<unit>``, a conditional write) lets one sweep at a time read
   it; two sweeps at once leave the second with nothing to do;
2. each message is claimed by its UID (``IMAP#<unit>#<UIDVALIDITY>`` / ``<uid>``, "must not
   exist") before its bytes are fetched, so even a sweep whose lease ran out cannot fetch it a
   second time; a claim whose fetch died is taken over after ``CLAIM_LEASE``;
3. the message is stored (``inbox.store_raw``, itself once per fingerprint), the claim marked
   stored, and only then is the message deleted or moved; a claim found stored on a later
   sweep finishes a deletion that did not happen.

A message over ``PORTAL_MAIL_MAX_BYTES`` is not downloaded: its header is, and it is listed
with the reason; it stays in the mailbox. Passwords are secrets (``imap-password-<unit>``);
``imaps://`` is TLS from the start, ``imap://`` must offer STARTTLS unless on the loopback.
Only counts and the unit are logged, never an address or a subject.
"""

from __future__ import annotations

import base64
import imaplib
import logging
import re
import secrets
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta

from portal.config import MailServer
from portal.ports import ABSENT, ConditionFailed
from portal.services.channels import inbox
from portal.services.deps import Deps
from portal.timeutil import from_store, to_store

log = logging.getLogger(__name__)

#: a mailbox is read by one sweep at a time for at most this long
LEASE = timedelta(minutes=4)
#: a claimed message whose fetch did not finish may be taken over after this
CLAIM_LEASE = timedelta(minutes=10)
#: a claim is kept this long (a UID is never reused within one UIDVALIDITY)
CLAIM_KEPT = timedelta(days=400)
#: messages read per mailbox per sweep (the scheduled function has 30 seconds)
BATCH = 25
TIMEOUT = 20.0
ERROR_TOKEN = "MAILBOX_ERROR"


class MailboxError(Exception):
    pass


@dataclass
class PollReport:
    mailboxes: int = 0
    stored: int = 0
    duplicates: int = 0
    too_large: int = 0
    skipped: int = 0  #: mailboxes another sweep was reading
    errors: int = 0


def poll_all(deps: Deps, now: datetime, report: PollReport | None = None) -> PollReport:
    report = report or PollReport()
    for box in deps.settings.mailboxes:
        report.mailboxes += 1
        try:
            poll(deps, box, now, report)
        except Exception as exc:  # one mailbox down does not stop the others; the next sweep retries
            report.errors += 1
            log.error("%s reading the mailbox of %s: %s", ERROR_TOKEN, box.unit, type(exc).__name__)
    return report


def _lease(deps: Deps, unit: str, now: datetime) -> str | None:
    pk = f"IMAPLEASE#{unit}"
    held = deps.repos.records.get(pk, "#")
    if held is not None and from_store(held.body["until"]) > now:
        return None
    holder = secrets.token_hex(8)
    try:
        deps.repos.records.put(pk, "#", {"until": to_store(now + LEASE), "holder": holder},
                               expect=ABSENT if held is None else held.version)
    except ConditionFailed:
        return None
    return holder


def _release(deps: Deps, unit: str, holder: str, now: datetime) -> None:
    pk = f"IMAPLEASE#{unit}"
    held = deps.repos.records.get(pk, "#")
    if held is not None and held.body.get("holder") == holder:
        try:
            deps.repos.records.put(pk, "#", {"until": to_store(now), "holder": ""}, expect=held.version)
        except ConditionFailed:
            pass


def _claim(deps: Deps, unit: str, validity: str, uid: int, now: datetime) -> tuple[str, object | None]:
    """("fetch", claim) when this sweep may fetch the message; ("stored" | "too_large" | "busy", None) otherwise."""
    pk, sk = f"IMAP#{unit}#{validity}", f"{uid:012d}"
    found = deps.repos.records.get(pk, sk)
    if found is not None:
        state = found.body.get("state")
        if state != "fetching" or from_store(found.body["until"]) > now:
            return (state if state in ("stored", "too_large") else "busy"), None
    body = {"state": "fetching", "until": to_store(now + CLAIM_LEASE)}
    try:
        deps.repos.records.put(pk, sk, body, expect=ABSENT if found is None else found.version,
                               expires_at=now + CLAIM_KEPT)
    except ConditionFailed:
        return "busy", None
    return "fetch", deps.repos.records.get(pk, sk)


def _settle(deps: Deps, claim, state: str, now: datetime) -> None:
    deps.repos.records.put(claim.pk, claim.sk, {"state": state, "until": to_store(now)}, expect=claim.version,
                           expires_at=now + CLAIM_KEPT)


def connect(box: MailServer, password: str | None, context: ssl.SSLContext | None = None) -> imaplib.IMAP4:
    context = context or ssl.create_default_context()
    if box.implicit_tls:
        client = imaplib.IMAP4_SSL(box.host, box.port, ssl_context=context, timeout=TIMEOUT)
    else:
        client = imaplib.IMAP4(box.host, box.port, timeout=TIMEOUT)
        if "STARTTLS" in client.capabilities:
            client.starttls(ssl_context=context)
        elif not box.loopback:
            client.shutdown()
            raise MailboxError("the mail server offers no STARTTLS; refusing to log in in clear")
    client.login(box.username, password or "")
    return client


_FETCH_FACTS = re.compile(rb"RFC822\.SIZE (\d+)|INTERNALDATE \"([^\"]+)\"")


def _facts(client: imaplib.IMAP4, uid: int) -> tuple[int, datetime | None]:
    typ, data = client.uid("FETCH", str(uid), "(RFC822.SIZE INTERNALDATE)")
    if typ != "OK" or not data or data[0] is None:
        raise MailboxError("FETCH of the size failed")
    line = data[0] if isinstance(data[0], bytes) else data[0][0]
    size, arrived = 0, None
    for match in _FETCH_FACTS.finditer(line):
        if match.group(1):
            size = int(match.group(1))
        elif match.group(2):
            try:
                arrived = datetime.strptime(match.group(2).decode(), "%d-%b-%Y %H:%M:%S %z")
            except ValueError:
                arrived = None
    return size, arrived


def _fetch(client: imaplib.IMAP4, uid: int, what: str) -> bytes:
    typ, data = client.uid("FETCH", str(uid), f"(BODY.PEEK[{what}])")
    for item in data or []:
        if isinstance(item, tuple) and len(item) == 2:
            return item[1]
    raise MailboxError("FETCH of the message failed")


def _after(client: imaplib.IMAP4, uid: int, after: str) -> None:
    """Delete the stored message (or move it to the folder named by ``PORTAL_IMAP_AFTER``)."""
    if after.startswith("move:"):
        folder = after[5:]
        typ, _ = client.uid("MOVE", str(uid), _quote(folder))
        if typ == "OK":
            return
        typ, _ = client.uid("COPY", str(uid), _quote(folder))
        if typ != "OK":
            raise MailboxError("could not copy the message to its folder")
    client.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Deleted)")
    if "UIDPLUS" in client.capabilities:
        client.uid("EXPUNGE", str(uid))
    else:
        client.expunge()


def folder_name(name: str) -> str:
    """A folder name in IMAP's modified UTF-7 (RFC 3501 §5.1.3): Chinese folder names such as
    已处理 travel as ``&XfJT0ZAB-``."""
    out, pending = [], []

    def flush():
        if pending:
            encoded = base64.b64encode("".join(pending).encode("utf-16-be")).decode().rstrip("=")
            out.append("&" + encoded.replace("/", ",") + "-")
            pending.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            pending.append(ch)
    flush()
    return "".join(out)


def _quote(name: str) -> str:
    name = folder_name(name)
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def poll(deps: Deps, box: MailServer, now: datetime, report: PollReport) -> None:
    holder = _lease(deps, box.unit, now)
    if holder is None:
        report.skipped += 1
        return
    try:
        client = connect(box, deps.secrets.imap_passwords.get(box.unit))
        try:
            _read(deps, client, box, now, report)
        finally:
            try:
                client.logout()
            except (imaplib.IMAP4.error, OSError):
                pass
    finally:
        _release(deps, box.unit, holder, now)


def _read(deps: Deps, client: imaplib.IMAP4, box: MailServer, now: datetime, report: PollReport) -> None:
    typ, _ = client.select(_quote(box.folder))
    if typ != "OK":
        raise MailboxError("the folder cannot be selected")
    validity = (client.response("UIDVALIDITY")[1] or [b"0"])[0]
    validity = validity.decode() if isinstance(validity, bytes) else str(validity)
    typ, data = client.uid("SEARCH", None, "UNDELETED")
    uids = [int(u) for u in (data[0] or b"").split()] if typ == "OK" and data else []
    after = deps.settings.imap_after
    limit = int(deps.settings.mail_max_bytes)
    for uid in uids[:BATCH]:
        state, claim = _claim(deps, box.unit, validity, uid, now)
        if state == "stored":
            _after(client, uid, after)  # stored by an earlier sweep that did not get to delete it
            continue
        if state != "fetch":
            continue
        size, arrived = _facts(client, uid)
        if size > limit:
            inbox.record_too_large(deps, box.unit, _fetch(client, uid, "HEADER"), size, via="imap",
                                   arrived_at=arrived, now=now, key=f"{box.unit}#{validity}#{uid}")
            _settle(deps, claim, "too_large", now)
            report.too_large += 1
            continue
        stored = inbox.store_raw(deps, box.unit, _fetch(client, uid, ""), via="imap", arrived_at=arrived, now=now)
        _settle(deps, claim, "stored", now)
        if stored.created:
            report.stored += 1
        else:
            report.duplicates += 1
        _after(client, uid, after)
    log.info("mailbox of %s read: %d stored", box.unit, report.stored)
