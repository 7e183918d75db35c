"""Secrets the portal needs at start: the Flask secret key, the hash key, the Twilio token,
and the keys of the county's basemap upstreams (a Tianditu key), named in the county file.

Embedded default: generated on first run into files beside the master key (mode 0600); a
basemap key is a file of that name the county puts there (never generated: without it the
map shows the county's own layers). Serverless: read once per container from SSM Parameter
Store (SecureString), in the same call, never from ``zappa_settings.json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from portal.config import Settings
from portal.crypto.envelope import b64d
from portal.crypto.local_keyring import ensure_secret_file


@dataclass(frozen=True, repr=False)
class Secrets:
    secret_key: bytes
    hash_key: bytes
    twilio_auth_token: str | None = None
    #: basemap keys by secret name (``key_secret`` in the county file); absent when not configured
    tile_keys: Mapping[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:  # never print a secret by accident
        return "Secrets(<redacted>)"


SSM_NAMES = ("secret-key", "hash-key", "twilio-auth-token")
#: GetParameters takes at most ten names a call
_SSM_BATCH = 10


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
        hash_key=ensure_secret_file(folder / "hash-key"),
        twilio_auth_token=settings.twilio_auth_token,
        tile_keys=tile_keys,
    )


def _from_ssm(settings: Settings, client, tile_key_names: list[str]) -> Secrets:
    if client is None:
        import boto3

        client = boto3.client("ssm", region_name=settings.aws_region)
    prefix = settings.ssm_prefix if settings.ssm_prefix.endswith("/") else settings.ssm_prefix + "/"
    wanted = [prefix + n for n in (*SSM_NAMES, *tile_key_names)]
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
        tile_keys={n: values[n].strip() for n in tile_key_names if values.get(n, "").strip()},
    )
