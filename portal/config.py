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


_DEFAULT_PORTS = {"imap": 143, "imaps": 993, "smtp": 587, "smtps": 465}


@dataclass(frozen=True)
class MailServer:
    """A mail server from a URL setting: ``imaps://user@host:993/INBOX``, ``smtp://user@host:587``."""

    scheme: str
    host: str
    port: int
    username: str
    folder: str = "INBOX"
    unit: str = ""  #: for a mailbox: the unit whose published address it is

    @property
    def implicit_tls(self) -> bool:
        return self.scheme in ("imaps", "smtps")

    @property
    def loopback(self) -> bool:
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return self.host == "localhost"

    @classmethod
    def parse(cls, url: str, schemes: tuple[str, ...], variable: str, unit: str = "") -> "MailServer":
        from urllib.parse import unquote, urlsplit

        try:
            parts = urlsplit(url)
            port = parts.port or _DEFAULT_PORTS.get(parts.scheme, 0)
        except ValueError:
            raise SettingsError(f"{variable}: not a URL") from None
        anonymous = not parts.username and schemes[0] == "smtp"  # a relay on the county network
        if parts.scheme not in schemes or not parts.hostname or not (parts.username or anonymous) or parts.password:
            raise SettingsError(f"{variable}: use {schemes[-1]}://user@host:port (the password is a secret, "
                                "never part of the URL)")
        folder = unquote(parts.path.lstrip("/")) or "INBOX"
        return cls(scheme=parts.scheme, host=parts.hostname, port=port, username=unquote(parts.username or ""),
                   folder=folder, unit=unit)


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
    ssm_prefix: str = _env("PORTAL_SSM_PREFIX", "SSM Parameter Store path holding the secrets (`secret-key`, `hash-key`, `twilio-auth-token`, each basemap key a county file names in `key_secret`, and after a hash-key rotation `hash-key-retired`).", "/portal/dev/")
    # --- SMS -----------------------------------------------------------------------------
    sms: str = _env("PORTAL_SMS", "`outbox` (records only, embedded default) or `twilio`.", "outbox")
    twilio_account_sid: str | None = _env("PORTAL_TWILIO_ACCOUNT_SID", "Twilio account SID.")
    twilio_messaging_service_sid: str | None = _env("PORTAL_TWILIO_MESSAGING_SERVICE_SID", "Twilio Messaging Service SID (preferred over a From number).")
    twilio_from: str | None = _env("PORTAL_TWILIO_FROM", "Twilio From number, E.164, if no Messaging Service is set.")
    twilio_api_base: str | None = _env("PORTAL_TWILIO_API_BASE", "Twilio API base URL override (the local fake in tests).")
    twilio_auth_token: str | None = _env("PORTAL_TWILIO_AUTH_TOKEN", "Twilio auth token for the embedded default; on AWS it comes from SSM.", secret=True)
    # --- mail (email reports, 004 C20, L17) ----------------------------------------------
    mail: str = _env("PORTAL_MAIL", "How replies to email reports go out: `outbox` (records only, embedded default; a demo page lists them), `smtp` (the county's mail server, `PORTAL_SMTP_URL`) or `ses`.", "outbox")
    smtp_url: str | None = _env("PORTAL_SMTP_URL", "`smtps://user@host:465` or `smtp://user@host:587` (STARTTLS, required but on the loopback); the password is the secret `smtp-password`.")
    imap_inboxes: str | None = _env("PORTAL_IMAP_INBOXES", "Units' mailboxes the sweeper reads, `unit=imaps://user@host:993/INBOX` separated by `;` (`imap://` uses STARTTLS, plain only on the loopback); each password is the secret `imap-password-<unit>`.")
    imap_after: str = _env("PORTAL_IMAP_AFTER", "What happens to a message once stored: `delete`, or `move:<folder>`.", "delete")
    ses_inbound_bucket: str | None = _env("PORTAL_SES_INBOUND_BUCKET", "Where SES receiving writes raw mail (`mail/<unit>/` prefixes), read by `functions.mail.handler`; unset where SES does not receive mail (the China regions).")
    mail_max_bytes: str = _env("PORTAL_MAIL_MAX_BYTES", "Largest email taken into the inbox, in bytes (larger ones stay in the mailbox, listed with the reason).", str(50 * 1024 * 1024))
    mail_max_attachments: str = _env("PORTAL_MAIL_MAX_ATTACHMENTS", "Attachments looked at per email; the rest are refused with the reason.", "10")
    # --- web -----------------------------------------------------------------------------
    public_url: str = _env("PORTAL_PUBLIC_URL", "Public base URL (status links in SMS, Twilio callback signature).", "http://127.0.0.1:8000")
    demo: str = _env("PORTAL_DEMO", "`1` shows the demo banner and the SMS outbox page.", "0")
    county_files: str = _env("PORTAL_COUNTY_FILES", "Comma-separated county data files (YAML); the first is the default county. Unset: the demo county, `portal/counties/yanling.yaml`.")
    session_idle_minutes: str = _env("PORTAL_SESSION_IDLE_MINUTES", "Staff session idle timeout in minutes.", "15")
    secure_cookies: str = _env("PORTAL_SECURE_COOKIES", "`1` marks the staff cookies Secure (browsers accept them on http://localhost).", "1")
    log_level: str = _env("PORTAL_LOG_LEVEL", "Python log level.", "INFO")
    log_format: str = _env("PORTAL_LOG_FORMAT", "`json`: one JSON object per line (request id, route, status, duration; never personal data), for CloudWatch metric filters and log tools; `text`: plain lines.", "json")
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
                   "secrets": ("file", "ssm"), "sms": ("outbox", "twilio"), "tile_cache": ("files", "s3"),
                   "mail": ("outbox", "smtp", "ses"), "log_format": ("json", "text")}
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise SettingsError(f"{self._var(name)} must be one of {', '.join(allowed)}")
        for name in ("session_idle_minutes", "merge_radius_m", "merge_window_days", "retention_days",
                     "max_photo_bytes", "sweep_shards", "rate_limit_factor", "tile_max_age_days", "mail_max_bytes",
                     "mail_max_attachments"):
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
        if self.mail == "smtp" and not self.smtp_url:
            raise SettingsError("PORTAL_SMTP_URL is required when PORTAL_MAIL=smtp")
        if not (self.imap_after == "delete" or (self.imap_after.startswith("move:") and len(self.imap_after) > 5)):
            raise SettingsError("PORTAL_IMAP_AFTER must be delete or move:<folder>")
        self.mailboxes  # parses PORTAL_IMAP_INBOXES and PORTAL_SMTP_URL, naming the bad part
        self.smtp_server
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
    def mailboxes(self) -> list["MailServer"]:
        """The units' mailboxes to read (``PORTAL_IMAP_INBOXES``)."""
        out = []
        for part in (self.imap_inboxes or "").split(";"):
            if not part.strip():
                continue
            unit, sep, url = part.strip().partition("=")
            if not sep or not unit.strip():
                raise SettingsError("PORTAL_IMAP_INBOXES entries are unit=imaps://user@host:port/folder")
            out.append(MailServer.parse(url.strip(), ("imap", "imaps"), "PORTAL_IMAP_INBOXES", unit=unit.strip()))
        return out

    @property
    def smtp_server(self) -> "MailServer | None":
        return MailServer.parse(self.smtp_url, ("smtp", "smtps"), "PORTAL_SMTP_URL") if self.smtp_url else None

    @property
    def retention(self) -> timedelta:
        """How long a closed ticket keeps the reporter's personal data."""
        return timedelta(days=int(self.retention_days))
