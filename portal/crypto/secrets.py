"""Secrets the portal needs at start: the Flask secret key, the hash key, the Twilio token,
the keys of the county's basemap upstreams (a Tianditu key), named in the county file, and the
mail passwords (``smtp-password`` for the county's mail server, ``imap-password-<unit>`` for
each unit's mailbox the portal reads).

Embedded default: generated on first run into files beside the master key (mode 0600); a
basemap key is a file of that name the county puts there (never generated: without it the
map shows the county's own layers); so is each mail password (mode 0600, never generated).
Serverless: read once per container from SSM Parameter Store (SecureString), in the same call,
never from ``zappa_settings.json``.

The hash key may have been rotated: the retired hash keys, kept to recognise receipts hashed
before, are ``retired/hash-key-<id>.key`` beside the key files, or the SSM parameter
``hash-key-retired`` (base64 keys separated by commas, oldest first).
"""

from __future__ import annotations

import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from portal.config import Settings
from portal.crypto.envelope import b64d, b64e
from portal.crypto.hashing import KeyedHasher, hash_key_id
from portal.crypto.local_keyring import RETIRED, ensure_secret_file, retired_secrets, rotate_secret_file

HASH_KEY = "hash-key"


@dataclass(frozen=True, repr=False)
class Secrets:
    secret_key: bytes
    hash_key: bytes
    twilio_auth_token: str | None = None
    retired_hash_keys: tuple[bytes, ...] = ()
    #: basemap keys by secret name (``key_secret`` in the county file); absent when not configured
    tile_keys: Mapping[str, str] = field(default_factory=dict)
    smtp_password: str | None = None
    #: unit -> the password of its mailbox (``PORTAL_IMAP_INBOXES``)
    imap_passwords: Mapping[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:  # never print a secret by accident
        return "Secrets(<redacted>)"


SSM_NAMES = ("secret-key", "hash-key", "twilio-auth-token", "hash-key-retired")
#: GetParameters takes at most ten names a call
_SSM_BATCH = 10


def mail_secret_names(settings: Settings) -> list[str]:
    """The mail passwords this deployment needs (their SSM names and file names)."""
    names = [f"imap-password-{box.unit}" for box in settings.mailboxes]
    if settings.mail == "smtp" and settings.smtp_server is not None and settings.smtp_server.username:
        names.append("smtp-password")
    return names


def _operator_file(path: Path) -> str | None:
    """A mail password the operator wrote (mode 0600); None when there is none."""
    if not path.exists():
        return None
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise PermissionError(f"{path} is readable by others (mode {mode:o}); chmod 600 it")
    return path.read_text(encoding="utf-8").strip()


def _mail(values: Mapping[str, str | None]) -> dict:
    return {"smtp_password": values.get("smtp-password"),
            "imap_passwords": {name[len("imap-password-"):]: value for name, value in values.items()
                               if name.startswith("imap-password-") and value is not None}}


def load_secrets(settings: Settings, ssm_client=None, tile_key_names: Iterable[str] = ()) -> Secrets:
    names = sorted(set(tile_key_names) - set(SSM_NAMES))
    if settings.secrets == "ssm":
        return _from_ssm(settings, ssm_client, names)
    folder = Path(settings.key_path.parent)
    tile_keys = {}
    for name in names:
        path = folder / name
        if path.is_file() and path.read_text(encoding="utf-8").strip():
            tile_keys[name] = path.read_text(encoding="utf-8").strip()
    return Secrets(
        secret_key=ensure_secret_file(folder / "secret-key"),
        hash_key=ensure_secret_file(folder / HASH_KEY),
        twilio_auth_token=settings.twilio_auth_token,
        retired_hash_keys=tuple(retired_secrets(folder / HASH_KEY, HASH_KEY)),
        tile_keys=tile_keys,
        **_mail({name: _operator_file(folder / name) for name in mail_secret_names(settings)}),
    )


def hasher(settings: Settings, secrets: Secrets, *, from_files: bool) -> KeyedHasher:
    """The keyed hasher; with the key files, one that notices a rotation by another process
    (``portal keys rotate`` while ``portal serve`` runs)."""
    if not (from_files and settings.secrets == "file"):
        return KeyedHasher(secrets.hash_key, secrets.retired_hash_keys)
    path = settings.key_path.parent / HASH_KEY

    def stamp():
        retired = path.parent / RETIRED
        names = tuple(sorted(p.name for p in retired.iterdir())) if retired.is_dir() else ()
        return path.stat().st_ino, path.stat().st_mtime_ns, names

    return KeyedHasher(secrets.hash_key, secrets.retired_hash_keys, stamp=stamp,
                       reload=lambda: (ensure_secret_file(path), retired_secrets(path, HASH_KEY)))


def rotate_hash_key(settings: Settings, ssm_client=None) -> tuple[str, str]:
    """A new hash key; the old one joins the retired keys. Returns (retired id, new id)."""
    if settings.secrets != "ssm":
        old, new = rotate_secret_file(settings.key_path.parent / HASH_KEY, HASH_KEY, hash_key_id)
        return hash_key_id(old), hash_key_id(new)
    import secrets as random

    current = _from_ssm(settings, ssm_client, [])
    client = ssm_client or _ssm_client(settings)
    prefix = _prefix(settings)
    new = random.token_bytes(32)
    retired = [*current.retired_hash_keys, current.hash_key]
    options = {"Type": "SecureString", "Overwrite": True}
    if settings.kms_key_id:
        options["KeyId"] = settings.kms_key_id
    # the retired list first: a container starting in between still recognises every hash
    client.put_parameter(Name=prefix + "hash-key-retired", Value=",".join(b64e(k) for k in retired), **options)
    client.put_parameter(Name=prefix + HASH_KEY, Value=b64e(new), **options)
    return hash_key_id(current.hash_key), hash_key_id(new)


def _ssm_client(settings: Settings):
    import boto3

    return boto3.client("ssm", region_name=settings.aws_region)


def _prefix(settings: Settings) -> str:
    return settings.ssm_prefix if settings.ssm_prefix.endswith("/") else settings.ssm_prefix + "/"


def _from_ssm(settings: Settings, client, tile_key_names: list[str]) -> Secrets:
    if client is None:
        client = _ssm_client(settings)
    prefix = _prefix(settings)
    mail_names = mail_secret_names(settings)
    wanted = [prefix + n for n in (*SSM_NAMES, *tile_key_names, *mail_names)]
    values = {}
    for start in range(0, len(wanted), _SSM_BATCH):
        response = client.get_parameters(Names=wanted[start:start + _SSM_BATCH], WithDecryption=True)
        values.update({p["Name"][len(prefix):]: p["Value"] for p in response["Parameters"]})
    missing = [n for n in ("secret-key", "hash-key") if n not in values]
    if missing:
        raise RuntimeError(f"SSM parameters missing under {prefix}: {', '.join(missing)}")
    return Secrets(
        secret_key=b64d(values["secret-key"]),
        hash_key=b64d(values["hash-key"]),
        twilio_auth_token=values.get("twilio-auth-token"),
        retired_hash_keys=tuple(b64d(v) for v in values.get("hash-key-retired", "").split(",") if v),
        tile_keys={n: values[n].strip() for n in tile_key_names if values.get(n, "").strip()},
        **_mail({n: values.get(n) for n in mail_names}),
    )
