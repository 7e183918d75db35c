"""Settings: every environment variable the portal reads, read once.

The README's configuration table is generated from ``Settings.describe()`` (see
``tests/unit/test_config.py``), so this module is the single place a setting is named.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field, fields
from datetime import timedelta
from pathlib import Path
from typing import Mapping

PACKAGE_DIR = Path(__file__).resolve().parent
DEMO_COUNTY_FILE = PACKAGE_DIR / "counties" / "yanling.yaml"


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


def _env(name: str, doc: str, default: str | None = None, *, secret: bool = False):
    return field(default=default, metadata={"env": name, "doc": doc, "secret": secret})


@dataclass(frozen=True)
class Settings:
    # --- where things live -------------------------------------------------------------
    data_dir: str = _env("PORTAL_DATA_DIR", "Folder for the embedded default: SQLite file, blobs, key file, outbox.", "var")
    store: str = _env("PORTAL_STORE", "`sqlite` (embedded default) or `dynamodb`.", "sqlite")
    sqlite_path: str | None = _env("PORTAL_SQLITE_PATH", "SQLite database file (default `<data dir>/portal.sqlite3`).")
    dynamodb_table: str = _env("PORTAL_DYNAMODB_TABLE", "DynamoDB table name.", "portal")
    dynamodb_endpoint: str | None = _env("PORTAL_DYNAMODB_ENDPOINT", "DynamoDB endpoint URL (DynamoDB Local in tests); unset on AWS.")
    aws_region: str = _env("AWS_REGION", "AWS region for DynamoDB, S3, KMS and SSM.", "cn-north-1")
    blobs: str = _env("PORTAL_BLOBS", "`files` (embedded default) or `s3`.", "files")
    blob_dir: str | None = _env("PORTAL_BLOB_DIR", "Folder for evidence files (default `<data dir>/blobs`).")
    s3_incoming_bucket: str | None = _env("PORTAL_S3_INCOMING_BUCKET", "Bucket the browser uploads raw photos to (`incoming/` prefix).")
    s3_evidence_bucket: str | None = _env("PORTAL_S3_EVIDENCE_BUCKET", "Bucket for sanitised evidence.")
    s3_endpoint: str | None = _env("PORTAL_S3_ENDPOINT", "S3 endpoint URL override (tests only).")
    keyring: str = _env("PORTAL_KEYRING", "`local` (key file, embedded default) or `kms`.", "local")
    key_file: str | None = _env("PORTAL_KEY_FILE", "Local master key file, mode 0600, kept outside the database (default `<data dir>/keys/master.key`).")
    kms_key_id: str | None = _env("PORTAL_KMS_KEY_ID", "KMS key id or alias for envelope encryption.")
    secrets: str = _env("PORTAL_SECRETS", "`file` (generated beside the key file) or `ssm`.", "file")
    ssm_prefix: str = _env("PORTAL_SSM_PREFIX", "SSM Parameter Store path holding the secrets (`secret-key`, `hash-key`, `twilio-auth-token`, and each basemap key a county file names in `key_secret`).", "/portal/dev/")
    # --- SMS -----------------------------------------------------------------------------
    sms: str = _env("PORTAL_SMS", "`outbox` (records only, embedded default) or `twilio`.", "outbox")
    twilio_account_sid: str | None = _env("PORTAL_TWILIO_ACCOUNT_SID", "Twilio account SID.")
    twilio_messaging_service_sid: str | None = _env("PORTAL_TWILIO_MESSAGING_SERVICE_SID", "Twilio Messaging Service SID (preferred over a From number).")
    twilio_from: str | None = _env("PORTAL_TWILIO_FROM", "Twilio From number, E.164, if no Messaging Service is set.")
    twilio_api_base: str | None = _env("PORTAL_TWILIO_API_BASE", "Twilio API base URL override (the local fake in tests).")
    twilio_auth_token: str | None = _env("PORTAL_TWILIO_AUTH_TOKEN", "Twilio auth token for the embedded default; on AWS it comes from SSM.", secret=True)
    # --- web -----------------------------------------------------------------------------
    public_url: str = _env("PORTAL_PUBLIC_URL", "Public base URL (status links in SMS, Twilio callback signature).", "http://127.0.0.1:8000")
    demo: str = _env("PORTAL_DEMO", "`1` shows the demo banner and the SMS outbox page.", "0")
    county_files: str = _env("PORTAL_COUNTY_FILES", "Comma-separated county data files (YAML); the first is the default county. Unset: the demo county, `portal/counties/yanling.yaml`.")
    session_idle_minutes: str = _env("PORTAL_SESSION_IDLE_MINUTES", "Staff session idle timeout in minutes.", "15")
    secure_cookies: str = _env("PORTAL_SECURE_COOKIES", "`1` marks the staff cookies Secure (browsers accept them on http://localhost).", "1")
    log_level: str = _env("PORTAL_LOG_LEVEL", "Python log level.", "INFO")
    trusted_proxy: str | None = _env("PORTAL_TRUSTED_PROXY", "`portal serve` behind a reverse proxy (TLS): the proxy's address, e.g. `127.0.0.1`. Waitress then takes the client address from the last `X-Forwarded-For` entry, which that proxy must append; otherwise every citizen shares the proxy's rate limits. Unset: the connecting address, `X-Forwarded-For` ignored. Not used on Lambda (API Gateway's source address is read).")
    # --- basemap (the county file's `basemap` section names the upstreams) -----------------
    tile_cache: str = _env("PORTAL_TILE_CACHE", "Where upstream map tiles are kept: `files` (embedded default) or `s3`.", "files")
    tile_cache_dir: str | None = _env("PORTAL_TILE_CACHE_DIR", "Folder for cached map tiles (default `<data dir>/tiles`).")
    s3_tile_bucket: str | None = _env("PORTAL_S3_TILE_BUCKET", "Bucket for cached map tiles (`tiles/` prefix) when `PORTAL_TILE_CACHE=s3`.")
    tile_timeout_seconds: str = _env("PORTAL_TILE_TIMEOUT_SECONDS", "How long to wait for an upstream tile before serving the cached one or the county's own layers.", "3")
    tile_max_age_days: str = _env("PORTAL_TILE_MAX_AGE_DAYS", "Cached tiles older than this are fetched again (kept and served while the upstream is down).", "30")
    # --- rules with local discretion -----------------------------------------------------
    merge_radius_m: str = _env("PORTAL_MERGE_RADIUS_M", "Radius in metres for duplicate-case suggestions.", "250")
    merge_window_days: str = _env("PORTAL_MERGE_WINDOW_DAYS", "How far back duplicate-case suggestions look, in days.", "180")
    retention_days: str = _env("PORTAL_RETENTION_DAYS", "Days after a case closes before contact data, codes and payee details are purged.", "365")
    max_photo_bytes: str = _env("PORTAL_MAX_PHOTO_BYTES", "Largest photo accepted, in bytes.", str(10 * 1024 * 1024))
    sweep_shards: str = _env("PORTAL_SWEEP_SHARDS", "Number of buckets the due index is sharded over (DynamoDB write spread).", "8")
    rate_limit_factor: str = _env("PORTAL_RATE_LIMIT_FACTOR", "Multiplies every anonymous rate limit (raise it for load tests only).", "1")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: str) -> "Settings":
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            name = f.metadata["env"]
            if f.name in overrides:
                values[f.name] = overrides[f.name]
            elif name in environ and environ[name] != "":
                values[f.name] = environ[name]
        settings = cls(**values)
        settings.validate()
        return settings

    @classmethod
    def describe(cls) -> list[tuple[str, str, str]]:
        """(variable, default, meaning) for every setting, for the README."""
        rows = []
        for f in fields(cls):
            rows.append((f.metadata["env"], "" if f.default is None else str(f.default), f.metadata["doc"]))
        return rows

    # --- derived values ----------------------------------------------------------------
    def validate(self) -> None:
        choices = {"store": ("sqlite", "dynamodb"), "blobs": ("files", "s3"), "keyring": ("local", "kms"),
                   "secrets": ("file", "ssm"), "sms": ("outbox", "twilio"), "tile_cache": ("files", "s3")}
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise SettingsError(f"{self._var(name)} must be one of {', '.join(allowed)}")
        for name in ("session_idle_minutes", "merge_radius_m", "merge_window_days", "retention_days",
                     "max_photo_bytes", "sweep_shards", "rate_limit_factor", "tile_max_age_days"):
            try:
                if int(getattr(self, name)) <= 0:
                    raise ValueError
            except ValueError:
                raise SettingsError(f"{self._var(name)} must be a positive integer") from None
        if self.trusted_proxy is not None:
            try:
                ipaddress.ip_address(self.trusted_proxy)
            except ValueError:
                raise SettingsError("PORTAL_TRUSTED_PROXY must be the proxy's IP address, e.g. 127.0.0.1") from None
        try:
            if not 0 < float(self.tile_timeout_seconds) <= 20:
                raise ValueError
        except ValueError:
            raise SettingsError("PORTAL_TILE_TIMEOUT_SECONDS must be a number of seconds above 0, at most 20") from None
        if self.tile_cache == "s3" and not self.s3_tile_bucket:
            raise SettingsError("PORTAL_S3_TILE_BUCKET is required when PORTAL_TILE_CACHE=s3")
        if self.keyring == "kms" and not self.kms_key_id:
            raise SettingsError("PORTAL_KMS_KEY_ID is required when PORTAL_KEYRING=kms")
        if self.blobs == "s3" and not (self.s3_incoming_bucket and self.s3_evidence_bucket):
            raise SettingsError("PORTAL_S3_INCOMING_BUCKET and PORTAL_S3_EVIDENCE_BUCKET are required when PORTAL_BLOBS=s3")
        if self.sms == "twilio" and not self.twilio_account_sid:
            raise SettingsError("PORTAL_TWILIO_ACCOUNT_SID is required when PORTAL_SMS=twilio")
        if self.sms == "twilio" and not (self.twilio_messaging_service_sid or self.twilio_from):
            raise SettingsError("PORTAL_TWILIO_MESSAGING_SERVICE_SID or PORTAL_TWILIO_FROM is required when PORTAL_SMS=twilio")

    def _var(self, name: str) -> str:
        return next(f.metadata["env"] for f in fields(self) if f.name == name)

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir)

    @property
    def sqlite_file(self) -> Path:
        return Path(self.sqlite_path) if self.sqlite_path else self.data_path / "portal.sqlite3"

    @property
    def blob_path(self) -> Path:
        return Path(self.blob_dir) if self.blob_dir else self.data_path / "blobs"

    @property
    def tile_cache_path(self) -> Path:
        return Path(self.tile_cache_dir) if self.tile_cache_dir else self.data_path / "tiles"

    @property
    def key_path(self) -> Path:
        return Path(self.key_file) if self.key_file else self.data_path / "keys" / "master.key"

    @property
    def is_demo(self) -> bool:
        return self.demo == "1"

    @property
    def county_paths(self) -> list[Path]:
        paths = [Path(p.strip()) for p in (self.county_files or "").split(",") if p.strip()]
        return paths or [DEMO_COUNTY_FILE]

    @property
    def idle_timeout_seconds(self) -> int:
        return int(self.session_idle_minutes) * 60

    @property
    def photo_limit(self) -> int:
        return int(self.max_photo_bytes)

    @property
    def retention(self) -> timedelta:
        """How long a closed ticket keeps the reporter's personal data."""
        return timedelta(days=int(self.retention_days))
