"""Wiring: the ports and repositories every service takes, built once from Settings.

``build_deps`` picks an adapter per port from the settings (embedded default: SQLite,
files, a local key file, the SMS and mail outboxes). Tests pass their own adapters as overrides.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

from portal.config import Settings
from portal.counties import load_county
from portal.crypto.hashing import KeyedHasher
from portal.crypto.secrets import Secrets, hasher, load_secrets
from portal.domain.calendar import WorkingCalendar
from portal.domain.county import County
from portal.ports import BlobStore, Clock, Keyring, MailSender, SmsSender, Store, TileCache
from portal.services.tiles.serve import TileService
from portal.store.repositories import Repositories


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class CountyRegistry:
    """The counties one deployment serves; the first is the default."""

    def __init__(self, counties: list[County]):
        if not counties:
            raise ValueError("at least one county is required")
        self._by_code = {c.code: c for c in counties}
        if len(self._by_code) != len(counties):
            raise ValueError("two county files share a division code")
        self.default = counties[0]

    def __iter__(self):
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def get(self, code: str) -> County | None:
        return self._by_code.get(code)

    def for_host(self, host: str | None) -> County:
        name = (host or "").split(":")[0].lower()
        for county in self._by_code.values():
            if name in county.hosts:
                return county
        return self.default


@dataclass
class Deps:
    settings: Settings
    store: Store
    repos: Repositories
    blobs: BlobStore
    keyring: Keyring
    hasher: KeyedHasher
    sms: SmsSender
    clock: Clock
    counties: CountyRegistry
    secrets: Secrets
    #: the county's basemap: tile cache, upstream client, keys (``portal.services.tiles``)
    tiles: TileService
    mail: MailSender | None = None  #: replies to email reports (``build_mail``)
    _calendar: tuple[float, WorkingCalendar] | None = field(default=None, repr=False)
    _calendar_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    #: seconds a process keeps the calendar overrides before reading them again
    CALENDAR_TTL = 60.0

    def calendar(self) -> WorkingCalendar:
        """Working days with the override table applied (cached briefly per process)."""
        with self._calendar_lock:
            cached = self._calendar
            if cached and time.monotonic() - cached[0] < self.CALENDAR_TTL:
                return cached[1]
            year = self.clock.now().year
            overrides = self.repos.calendar.for_years(range(year - 1, year + 3))
            calendar = WorkingCalendar(overrides, self.repos.arrangements.official_years())
            self._calendar = (time.monotonic(), calendar)
            return calendar

    def forget_calendar(self) -> None:
        with self._calendar_lock:
            self._calendar = None

    def close(self) -> None:
        self.store.close()
        self.tiles.close()


def build_store(settings: Settings) -> Store:
    if settings.store == "dynamodb":
        from portal.store.dynamodb import DynamoStore

        return DynamoStore.from_settings(settings)
    from portal.store.sqlite import SqliteStore

    return SqliteStore(settings.sqlite_file)


def build_blobs(settings: Settings) -> BlobStore:
    if settings.blobs == "s3":
        from portal.blobs.s3 import S3BlobStore

        return S3BlobStore.from_settings(settings)
    from portal.blobs.files import FileBlobStore

    return FileBlobStore(settings.blob_path)


def build_tile_cache(settings: Settings) -> TileCache:
    if settings.tile_cache == "s3":
        from portal.tiles.s3 import S3TileCache

        return S3TileCache.from_settings(settings)
    from portal.tiles.files import FileTileCache

    return FileTileCache(settings.tile_cache_path)


def build_tiles(settings: Settings, secrets: Secrets) -> TileService:
    from datetime import timedelta

    from portal.tiles.http import HttpTileFetcher

    return TileService(cache=build_tile_cache(settings), fetcher=HttpTileFetcher(float(settings.tile_timeout_seconds)),
                       keys=secrets.tile_keys, max_age=timedelta(days=int(settings.tile_max_age_days)))


def build_keyring(settings: Settings) -> Keyring:
    if settings.keyring == "kms":
        from portal.crypto.kms_keyring import KmsKeyring

        return KmsKeyring.from_settings(settings)
    from portal.crypto.local_keyring import LocalKeyring

    return LocalKeyring(settings.key_path)


def build_sms(settings: Settings, secrets: Secrets, store: Store) -> SmsSender:
    if settings.sms == "twilio":
        from portal.notify.twilio_sender import TwilioSender

        return TwilioSender.from_settings(settings, secrets)
    from portal.notify.outbox_sender import LocalOutboxSender

    return LocalOutboxSender()


def build_mail(settings: Settings, secrets: Secrets) -> MailSender:
    if settings.mail == "smtp":
        from portal.notify.smtp_sender import SmtpSender

        return SmtpSender.from_settings(settings, secrets)
    if settings.mail == "ses":
        from portal.notify.ses_sender import SesSender

        return SesSender.from_settings(settings)
    from portal.notify.mail_outbox import LocalMailOutbox

    return LocalMailOutbox()


def build_deps(settings: Settings, **overrides) -> Deps:
    counties = overrides.pop("counties", None) or CountyRegistry([load_county(p) for p in settings.county_paths])
    given = overrides.pop("secrets", None)
    secrets = given or load_secrets(
        settings, tile_key_names={s.key_secret for c in counties for s in c.basemap if s.key_secret})
    store = overrides.pop("store", None) or build_store(settings)
    repos = Repositories(store, shards=int(settings.sweep_shards), retention_days=int(settings.retention_days))
    deps = Deps(
        settings=settings,
        store=repos.store,  # with record formats (portal.store.formats)
        repos=repos,
        blobs=overrides.pop("blobs", None) or build_blobs(settings),
        keyring=overrides.pop("keyring", None) or build_keyring(settings),
        hasher=hasher(settings, secrets, from_files=given is None),
        sms=overrides.pop("sms", None) or build_sms(settings, secrets, store),
        clock=overrides.pop("clock", None) or SystemClock(),
        counties=counties,
        secrets=secrets,
        tiles=overrides.pop("tiles", None) or build_tiles(settings, secrets),
        mail=overrides.pop("mail", None) or build_mail(settings, secrets),
    )
    if overrides:
        raise TypeError(f"unknown overrides: {sorted(overrides)}")
    return deps
