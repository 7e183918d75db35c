"""Secrets the portal needs at start: the Flask secret key, the hash key, the Twilio token,
and the mail passwords (``smtp-password`` for the county's mail server, ``imap-password-<unit>``
for each unit's mailbox the portal reads).

Embedded default: the first two generated on first run into files beside the master key (mode
0600); the mail passwords are files the operator writes there (mode 0600, never generated).
Serverless: read once per container from SSM Parameter Store (SecureString), never from
``zappa_settings.json``.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from portal.config import Settings
from portal.crypto.envelope import b64d
from portal.crypto.local_keyring import ensure_secret_file


@dataclass(frozen=True, repr=False)
class Secrets:
    secret_key: bytes
    hash_key: bytes
    twilio_auth_token: str | None = None
    smtp_password: str | None = None
    #: unit -> the password of its mailbox (``PORTAL_IMAP_INBOXES``)
    imap_passwords: Mapping[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:  # never print a secret by accident
        return "Secrets(<redacted>)"


SSM_NAMES = ("secret-key", "hash-key", "twilio-auth-token")


def mail_secret_names(settings: Settings) -> list[str]:
    """The mail passwords this deployment needs (their SSM names and file names)."""
    names = [f"imap-password-{box.unit}" for box in settings.mailboxes]
    if settings.mail == "smtp" and settings.smtp_server is not None and settings.smtp_server.username:
        names.append("smtp-password")
    return names


def _operator_file(path: Path) -> str | None:
    """A secret the operator wrote (mode 0600); None when there is none."""
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


def load_secrets(settings: Settings, ssm_client=None) -> Secrets:
    if settings.secrets == "ssm":
        return _from_ssm(settings, ssm_client)
    folder = settings.key_path.parent
    return Secrets(
        secret_key=ensure_secret_file(Path(folder) / "secret-key"),
        hash_key=ensure_secret_file(Path(folder) / "hash-key"),
        twilio_auth_token=settings.twilio_auth_token,
        **_mail({name: _operator_file(Path(folder) / name) for name in mail_secret_names(settings)}),
    )


def _from_ssm(settings: Settings, client) -> Secrets:
    if client is None:
        import boto3

        client = boto3.client("ssm", region_name=settings.aws_region)
    prefix = settings.ssm_prefix if settings.ssm_prefix.endswith("/") else settings.ssm_prefix + "/"
    names = [*SSM_NAMES, *mail_secret_names(settings)]
    values = {}
    for start in range(0, len(names), 10):  # GetParameters takes ten names at a time
        response = client.get_parameters(Names=[prefix + n for n in names[start:start + 10]], WithDecryption=True)
        values.update({p["Name"][len(prefix):]: p["Value"] for p in response["Parameters"]})
    missing = [n for n in ("secret-key", "hash-key") if n not in values]
    if missing:
        raise RuntimeError(f"SSM parameters missing under {prefix}: {', '.join(missing)}")
    return Secrets(
        secret_key=b64d(values["secret-key"]),
        hash_key=b64d(values["hash-key"]),
        twilio_auth_token=values.get("twilio-auth-token"),
        **_mail(values),
    )
