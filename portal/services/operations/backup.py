"""Backups of the embedded default (SQLite, evidence files, key files), taken while the portal
serves.

``backup`` writes a folder: ``portal.sqlite3`` (a consistent copy made with SQLite's online
backup API, while others keep writing), the blobs that copy refers to (evidence photos, raw
emails) under ``blobs/``, and ``manifest.json``: every file with its size and SHA-256, the record formats
of the code that wrote it, the ids of the keys its envelopes and hashes need, and an HMAC of
the manifest under a key derived from the hash key, so that a restore with the keys can tell
a tampered backup from a damaged one. It is written as ``<dest>.partial`` and renamed when
complete: a folder named ``dest`` is always a finished backup.

The keys are never in that folder. ``export_keys`` writes them to a separate file, encrypted
under a passphrase (scrypt, then AES-GCM); keep the two apart (README, "Backups").

``verify`` opens a backup read-only and checks it: every file against the manifest, the
SQLite copy's integrity, the formats against this code, and the HMAC when keys are at hand."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from portal.config import Settings
from portal.crypto.envelope import b64d, b64e
from portal.crypto.hashing import KeyedHasher, hash_key_id
from portal.store.formats import FORMAT_FIELD, KINDS
from portal.timeutil import to_store

MANIFEST = "manifest.json"
DATABASE = "portal.sqlite3"
BLOBS = "blobs"
BACKUP_FORMAT, KEYS_FORMAT = "portal-backup", "portal-keys"
#: scrypt cost of the key export's passphrase (about 0.1 s and 32 MiB)
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 15, 8, 1
MIN_PASSPHRASE = 12
#: a string in a record that may name a blob (``portal.blobs.keys``, with a folder): the backup
#: copies each that exists, so any feature's blobs come along (evidence, raw emails, ...)
_BLOB_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]*(/[A-Za-z0-9][A-Za-z0-9_.\-]*)+$")
#: blobs a record naming them must have: one missing is reported
_ALWAYS_KEPT = ("evidence/", "inbox/")


class BackupInvalid(Exception):
    """The backup (or key export) does not check out: nothing was restored. The message says why."""


@dataclass
class BackupReport:
    folder: Path
    items: int
    complaints: int
    blobs: int
    bytes: int
    missing_blobs: list[str] = field(default_factory=list)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for inner in value.values():
            yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)


def _canonical(manifest: dict) -> bytes:
    return json.dumps({k: v for k, v in manifest.items() if k != "mac"}, sort_keys=True,
                      separators=(",", ":"), ensure_ascii=False).encode()


def manifest_mac(manifest: dict, hash_key: bytes) -> str:
    key = KeyedHasher(hash_key).derive("backup-manifest")
    return hmac.new(key, _canonical(manifest), hashlib.sha256).hexdigest()


def check_embedded(settings: Settings) -> None:
    if settings.store != "sqlite" or settings.blobs != "files" or settings.keyring != "local":
        raise BackupInvalid("backups are for the embedded default (SQLite, evidence files, key file); on AWS the "
                            "table has point-in-time recovery and the evidence bucket keeps versions")


def backup(settings: Settings, dest: Path, hash_key: bytes, master_key_id: str, now: datetime,
           on_snapshot: Callable[[], None] | None = None) -> BackupReport:
    """A consistent backup of the running portal into the new folder ``dest``.
    ``on_snapshot`` runs once the database copy is taken (tests use it to file meanwhile)."""
    check_embedded(settings)
    dest = Path(dest)
    if dest.exists():
        raise BackupInvalid(f"{dest} exists already: give a new folder")
    partial = dest.with_name(dest.name + ".partial")
    if partial.exists():
        shutil.rmtree(partial)  # a backup interrupted before: never finished, never used
    partial.mkdir(mode=0o700, parents=True)
    copy = partial / DATABASE
    with closing(sqlite3.connect(settings.sqlite_file, timeout=30)) as source, closing(sqlite3.connect(copy)) as target:
        source.backup(target)  # one step: a read transaction's snapshot, writers go on (WAL)
        target.execute("PRAGMA journal_mode=DELETE")
    if on_snapshot:
        on_snapshot()
    items, complaints, referenced, formats = _read_copy(copy)
    blob_root = settings.blob_path
    copied, missing, total = {}, [], copy.stat().st_size
    for key in sorted(referenced):
        source_file = blob_root / key
        if not source_file.is_file():
            if key.startswith(_ALWAYS_KEPT):
                missing.append(key)
            continue
        target_file = partial / BLOBS / key
        target_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        shutil.copyfile(source_file, target_file)
        os.chmod(target_file, 0o600)
        copied[f"{BLOBS}/{key}"] = {"sha256": sha256_of(target_file), "bytes": target_file.stat().st_size}
        total += target_file.stat().st_size
    manifest = {
        "format": BACKUP_FORMAT, "version": 1, "created_at": to_store(now),
        "record_formats": formats, "keys": {"master": master_key_id, "hash": hash_key_id(hash_key)},
        "counts": {"items": items, "complaints": complaints, "blobs": len(copied)},
        "missing_blobs": missing,
        "files": {DATABASE: {"sha256": sha256_of(copy), "bytes": copy.stat().st_size}, **copied},
    }
    manifest["mac"] = manifest_mac(manifest, hash_key)
    (partial / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    _fsync_tree(partial)
    os.rename(partial, dest)
    return BackupReport(dest, items, complaints, len(copied), total, missing)


def _read_copy(copy: Path) -> tuple[int, int, set[str], dict[str, int]]:
    """(items, complaints, blob keys the bodies name, the highest format found per kind)."""
    items = complaints = 0
    referenced: set[str] = set()
    formats: dict[str, int] = {}
    with closing(sqlite3.connect(f"file:{copy}?mode=ro", uri=True)) as conn:
        for pk, sk, body in conn.execute("SELECT pk, sk, body FROM items"):
            items += 1
            complaints += pk.startswith("CMP#") and sk == "#META"
            data = json.loads(body)
            kind = KINDS.kind_of(pk, sk)
            if not kind.counter:
                formats[kind.name] = max(formats.get(kind.name, 0), int(data.get(FORMAT_FIELD, 1)))
            referenced.update(s for s in _strings(data) if _BLOB_KEY.match(s))
    return items, complaints, referenced, dict(sorted(formats.items()))


def _fsync_tree(folder: Path) -> None:
    for path in [*folder.rglob("*"), folder]:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# --- checking a backup -----------------------------------------------------------------


@dataclass
class Verified:
    manifest: dict
    authenticated: bool


def verify(folder: Path, hash_keys: list[bytes] | None = None) -> Verified:
    """Check a backup without changing anything in it; BackupInvalid says what is wrong.
    With ``hash_keys`` (the current and retired hash keys), the manifest's HMAC is checked too."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        raise BackupInvalid(f"{folder} has no readable {MANIFEST}: not a backup, or an unfinished one") from None
    if manifest.get("format") != BACKUP_FORMAT or manifest.get("version") != 1:
        raise BackupInvalid("the manifest is not a portal backup manifest of a version this code reads")
    authenticated = False
    if hash_keys is not None:
        wanted = manifest.get("keys", {}).get("hash")
        key = next((k for k in hash_keys if hash_key_id(k) == wanted), None)
        if key is None:
            raise BackupInvalid(f"the keys given do not hold the hash key {wanted} this backup was made with")
        if not hmac.compare_digest(str(manifest.get("mac", "")), manifest_mac(manifest, key)):
            raise BackupInvalid("the manifest's signature does not match: the backup was altered")
        authenticated = True
    files = manifest.get("files") or {}
    if DATABASE not in files:
        raise BackupInvalid("the manifest lists no database")
    listed = set(files)
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {MANIFEST}
    if present - listed:
        raise BackupInvalid(f"files the manifest does not list: {', '.join(sorted(present - listed)[:5])}")
    for name, expected in sorted(files.items()):
        path = folder / name
        if not path.is_file():
            raise BackupInvalid(f"{name} is missing")
        if path.stat().st_size != expected["bytes"] or sha256_of(path) != expected["sha256"]:
            raise BackupInvalid(f"{name} does not match its checksum: the backup is damaged or was altered")
    with closing(sqlite3.connect(f"file:{folder / DATABASE}?mode=ro&immutable=1", uri=True)) as conn:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    if problems != ["ok"]:
        raise BackupInvalid(f"the database copy fails SQLite's integrity check: {problems[0]}")
    newer = {kind: found for kind, found in (manifest.get("record_formats") or {}).items()
             if any(k.name == kind and found > k.version for k in KINDS)}
    if newer:
        raise BackupInvalid(f"made by a newer version of the portal (record formats {newer}): restore it with that "
                            "version")
    return Verified(manifest, authenticated)


# --- the keys, apart ---------------------------------------------------------------------


def _kdf(passphrase: str, salt: bytes) -> bytes:
    return Scrypt(salt=salt, length=32, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P).derive(passphrase.encode())


def export_keys(settings: Settings, dest: Path, passphrase: str, now: datetime) -> list[str]:
    """Every key file (current and retired) into ``dest``, encrypted under the passphrase.
    Returns the file names exported."""
    check_embedded(settings)
    if settings.secrets != "file":
        raise BackupInvalid("the secrets come from SSM: back them up there")
    if len(passphrase) < MIN_PASSPHRASE:
        raise BackupInvalid(f"the passphrase must have at least {MIN_PASSPHRASE} characters")
    dest = Path(dest)
    if dest.exists():
        raise BackupInvalid(f"{dest} exists already: give a new file")
    folder = settings.key_path.parent
    files = {p.relative_to(folder).as_posix(): b64e(p.read_bytes())
             for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.startswith(".")}
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    plaintext = json.dumps({"created_at": to_store(now), "files": files}).encode()
    header = {"format": KEYS_FORMAT, "version": 1, "kdf": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P,
              "salt": b64e(salt), "nonce": b64e(nonce)}
    sealed = AESGCM(_kdf(passphrase, salt)).encrypt(nonce, plaintext, json.dumps(header, sort_keys=True).encode())
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(json.dumps({**header, "ciphertext": b64e(sealed)}, indent=1) + "\n")
    return sorted(files)


def open_keys(path: Path, passphrase: str) -> dict[str, bytes]:
    """The key files of an export (name -> content); BackupInvalid for a wrong passphrase or
    an altered file."""
    try:
        data = json.loads(Path(path).read_text())
        header = {k: data[k] for k in ("format", "version", "kdf", "n", "r", "p", "salt", "nonce")}
    except (OSError, ValueError, KeyError):
        raise BackupInvalid(f"{path} is not a key export") from None
    if header["format"] != KEYS_FORMAT or header["version"] != 1 or header["kdf"] != "scrypt":
        raise BackupInvalid(f"{path} is not a key export of a version this code reads")
    try:
        key = Scrypt(salt=b64d(header["salt"]), length=32, n=header["n"], r=header["r"],
                     p=header["p"]).derive(passphrase.encode())
        plaintext = AESGCM(key).decrypt(b64d(header["nonce"]), b64d(data["ciphertext"]),
                                        json.dumps(header, sort_keys=True).encode())
    except (InvalidTag, ValueError, KeyError):
        raise BackupInvalid("the passphrase is wrong, or the key export was altered") from None
    return {name: b64d(value) for name, value in json.loads(plaintext)["files"].items()}


def hash_keys_of(files: dict[str, bytes]) -> list[bytes]:
    """The hash keys (current, then retired) in a set of key files."""
    return [b64d(content.decode().strip()) for name, content in sorted(files.items())
            if name == "hash-key" or (name.startswith("retired/hash-key-") and name.endswith(".key"))]
