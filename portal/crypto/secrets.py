"""Secrets the portal needs at start: the Flask secret key, the hash key, the Twilio token.

Embedded default: generated on first run into files beside the master key (mode 0600).
Serverless: read once per container from SSM Parameter Store (SecureString), never from
``zappa_settings.json``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from portal.config import Settings
from portal.crypto.envelope import b64d
from portal.crypto.local_keyring import ensure_secret_file


@dataclass(frozen=True, repr=False)
class Secrets:
    secret_key: bytes
    hash_key: bytes
    twilio_auth_token: str | None = None

    def __repr__(self) -> str:  # never print a secret by accident
        return "Secrets(<redacted>)"


SSM_NAMES = ("secret-key", "hash-key", "twilio-auth-token")


def load_secrets(settings: Settings, ssm_client=None) -> Secrets:
    if settings.secrets == "ssm":
        return _from_ssm(settings, ssm_client)
    folder = settings.key_path.parent
    return Secrets(
        secret_key=ensure_secret_file(Path(folder) / "secret-key"),
        hash_key=ensure_secret_file(Path(folder) / "hash-key"),
        twilio_auth_token=settings.twilio_auth_token,
    )


def _from_ssm(settings: Settings, client) -> Secrets:
    if client is None:
        import boto3

        client = boto3.client("ssm", region_name=settings.aws_region)
    prefix = settings.ssm_prefix if settings.ssm_prefix.endswith("/") else settings.ssm_prefix + "/"
    response = client.get_parameters(Names=[prefix + n for n in SSM_NAMES], WithDecryption=True)
    values = {p["Name"][len(prefix):]: p["Value"] for p in response["Parameters"]}
    missing = [n for n in ("secret-key", "hash-key") if n not in values]
    if missing:
        raise RuntimeError(f"SSM parameters missing under {prefix}: {', '.join(missing)}")
    return Secrets(
        secret_key=b64d(values["secret-key"]),
        hash_key=b64d(values["hash-key"]),
        twilio_auth_token=values.get("twilio-auth-token"),
    )
