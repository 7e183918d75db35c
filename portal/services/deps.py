"""Wiring: the ports and repositories every service takes, built once from Settings.

``build_deps`` picks an adapter per port from the settings (embedded default: SQLite,
files, a local key file, the SMS and mail outboxes). Tests pass their own adapters as overrides.

The typed repositories (``portal.store.repositories``: every record kind's module, with the
domain's dataclasses they read and write) are built at the first use of ``deps.repos`` or
``deps.store``, not with the rest: a cold start serving a citizen's first page reads no
record, and importing them is a sixth of a Lambda cold start. ``deps.store`` waits with them:
the record formats it applies are declared by the repository modules as they are imported
(``portal.store.formats``), so the store is never handed out before they are.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING

from portal.config import Settings
from portal.county_registry import CountyRegistry, load_registry
from portal.crypto.hashing import KeyedHasher
from portal.crypto.secrets import Secrets, hasher, load_secrets
from portal.domain.calendar import WorkingCalendar
from portal.ports import BlobStore, Clock, Keyring, MailSender, SmsSender, Store, TileCache
from portal.services.tiles.serve import TileService

if TYPE_CHECKING:
    from portal.store.repositories import Repositories


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class OverridesByYear(Mapping):
    """The calendar's override table, read a year at a time when the calendar first asks about
    a day of that year: a filing reads this year's rows only, not four years' (one query each)."""

    def __init__(self, overrides):
        self._overrides = overrides  #: ``portal.store.repositories.CalendarOverrides``
        self._years: dict[int, dict[date, bool]] = {}

    def _year(self, year: int) -> dict[date, bool]:
        rows = self._years.get(year)
        if rows is None:
            rows = self._years[year] = {d: row["workday"] for d, row in self._overrides.year(year).items()}
        return rows

    def __getitem__(self, day: date) -> bool:
        return self._year(day.year)[day]

    def __contains__(self, day) -> bool:
        return isinstance(day, date) and day in self._year(day.year)

    def __iter__(self):  # the years read so far
        return iter([d for rows in list(self._years.values()) for d in rows])

    def __len__(self) -> int:
        return sum(len(rows) for rows in list(self._years.values()))


@dataclass
class Deps:
    settings: Settings
    #: the engine's store (``build_store``), without record formats: ``store`` and ``repos`` wrap it
    engine: Store
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
    _repos: Repositories | None = field(default=None, repr=False)
    _repos_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    #: seconds a process keeps the calendar overrides before reading them again
    CALENDAR_TTL = 60.0

    @property
    def repos(self) -> Repositories:
        """The typed repositories, built (and their modules imported) at the first use."""
        repos = self._repos
        if repos is None:
            with self._repos_lock:
                if self._repos is None:
                    from portal.store.repositories import Repositories

                    self._repos = Repositories(self.engine, shards=int(self.settings.sweep_shards),
                                               retention_days=int(self.settings.retention_days))
                repos = self._repos
        return repos

    @property
    def store(self) -> Store:
        """The store with record formats (``portal.store.formats``), every kind declared."""
        return self.repos.store

    def calendar(self) -> WorkingCalendar:
        """Working days with the override table applied (cached briefly per process; each
        year's rows read when first needed)."""
        with self._calendar_lock:
            cached = self._calendar
            if cached and time.monotonic() - cached[0] < self.CALENDAR_TTL:
                return cached[1]
            calendar = WorkingCalendar(OverridesByYear(self.repos.calendar), self.repos.arrangements.official_years())
            self._calendar = (time.monotonic(), calendar)
            return calendar

    def forget_calendar(self) -> None:
        with self._calendar_lock:
            self._calendar = None

    def forget_caches(self) -> None:
        """Forget what this process keeps between requests (the calendar, the day's salt, the
        review schedules seen): what a fresh container starts without."""
        self.forget_calendar()
        self.repos.salts.forget()
        self.repos.oversight.scheduled.seen.clear()
        self.repos.patrols.scheduled.seen.clear()

    def close(self) -> None:
        self.engine.close()
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
    counties = overrides.pop("counties", None) or load_registry(settings.county_paths)
    given = overrides.pop("secrets", None)
    secrets = given or load_secrets(settings, tile_key_names={k for e in counties.entries for k in e.key_secrets})
    store = overrides.pop("store", None) or build_store(settings)
    deps = Deps(
        settings=settings,
        engine=store,
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
