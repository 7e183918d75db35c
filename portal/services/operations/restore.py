"""``portal restore``: a backup (``portal.services.operations.backup``) back into the data dir.

Everything is checked before anything is replaced: the manifest, every file's checksum, the
database's integrity, the record formats, and, with the key export, its passphrase and the
manifest's HMAC (a backup altered together with its manifest is refused too). The restored
data dir is assembled beside the target, checked again, and renamed into place; a data dir
that holds anything is never overwritten: it is refused, or with ``replace`` moved aside
(``<data dir>.before-restore-<time>``), never deleted."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from portal.config import Settings
from portal.services.operations.backup import (
    BLOBS, DATABASE, MANIFEST, BackupInvalid, Verified, check_embedded, hash_keys_of, open_keys, sha256_of, verify)


@dataclass
class Restored:
    data_dir: Path
    complaints: int
    blobs: int
    keys: list[str]
    moved_aside: Path | None
    authenticated: bool


def _layout(settings: Settings) -> Path:
    """The data dir, when the database, evidence and keys all live in it (the default)."""
    check_embedded(settings)
    data = settings.data_path.resolve()
    if (settings.sqlite_file.resolve(), settings.blob_path.resolve(), settings.key_path.resolve().parent) != (
            data / DATABASE, data / BLOBS, data / "keys"):
        raise BackupInvalid("restore expects the default layout of the data dir (portal.sqlite3, blobs/, keys/): "
                            "unset PORTAL_SQLITE_PATH, PORTAL_BLOB_DIR and PORTAL_KEY_FILE, restore, then move them")
    return data


def _holds_anything(folder: Path) -> bool:
    return folder.exists() and any(folder.iterdir())


def restore(settings: Settings, source: Path, now: datetime, keys_file: Path | None = None,
            passphrase: str | None = None, replace: bool = False) -> Restored:
    data = _layout(settings)
    key_files = open_keys(keys_file, passphrase or "") if keys_file else None
    checked: Verified = verify(source, hash_keys_of(key_files) if key_files is not None else None)
    if _holds_anything(data) and not replace:
        raise BackupInvalid(f"{data} is not empty: restore into an empty data dir, or move it aside with --replace")
    if key_files is None and not (data / "keys").is_dir():
        raise BackupInvalid("no keys: give the key export (--keys) made with `portal backup --keys`")

    staging = data.with_name(f".{data.name}.restoring-{os.getpid()}")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(mode=0o700, parents=True)
    try:
        source = Path(source)
        for name in checked.manifest["files"]:
            target = staging / name
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            shutil.copyfile(source / name, target)
            os.chmod(target, 0o600)
        shutil.copyfile(source / MANIFEST, staging / ".restored-from-manifest.json")
        if key_files is not None:
            for name, content in key_files.items():
                target = staging / "keys" / name
                target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as handle:
                    handle.write(content)
        else:  # the keys already in place (a restore onto the same machine)
            shutil.copytree(data / "keys", staging / "keys")
        _check_copy(staging, checked.manifest)
        moved = None
        if data.exists():
            if _holds_anything(data):
                moved = data.with_name(f"{data.name}.before-restore-{now.strftime('%Y%m%dT%H%M%S')}")
                os.rename(data, moved)
            else:
                data.rmdir()
        os.rename(staging, data)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    counts = checked.manifest["counts"]
    return Restored(data, counts["complaints"], counts["blobs"], sorted(key_files or []), moved, checked.authenticated)


def _check_copy(staging: Path, manifest: dict) -> None:
    """The files as copied, against the manifest once more (a bad disk under the target)."""
    for name, expected in manifest["files"].items():
        if sha256_of(staging / name) != expected["sha256"]:
            raise BackupInvalid(f"{name} changed while it was copied: nothing was restored")
