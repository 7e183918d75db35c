"""``portal doctor``: what an operator should look at, each with what to do about it.

Checks the data dir's permissions and the key files' modes (embedded default), the county
files, the working-day calendar's coverage of this year and the next, the free disk space,
the SMS outbox backlog and a key rotation left unfinished. Works when the portal would not
start (a bad county file, a key file others can read): each check stands alone."""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from portal.config import Settings
from portal.timeutil import local_date

OK, WARN, FAIL = "ok", "warn", "fail"
#: free space below which filing stops soon (photos are up to 10 MB each), and a warning
DISK_FAIL_BYTES, DISK_WARN_BYTES, DISK_WARN_SHARE = 256 * 2 ** 20, 2 * 2 ** 30, 0.10
#: an SMS due this long ago and not sent is a backlog
OUTBOX_LATE = timedelta(minutes=15)


@dataclass(frozen=True)
class Finding:
    level: str
    check: str
    detail: str
    fix: str = ""


def _embedded(settings: Settings) -> bool:
    return settings.store == "sqlite" or settings.blobs == "files" or settings.keyring == "local"


def _private(path: Path, check: str, wanted: int, what: str) -> Finding:
    st = path.stat()
    if st.st_uid != os.getuid():
        return Finding(FAIL, check, f"{path} belongs to user {st.st_uid}, not to the portal's user {os.getuid()}",
                       f"chown -R {os.getuid()} {path}")
    mode = stat.S_IMODE(st.st_mode)
    if mode & 0o077:
        level = FAIL if what == "key" else WARN
        return Finding(level, check, f"{path} has mode {mode:o}: others can read it",
                       f"chmod {'-R go-rwx' if path.is_dir() else f'{wanted:o}'} {path}")
    return Finding(OK, check, f"{path} mode {mode:o}")


def data_dir(settings: Settings) -> list[Finding]:
    if not _embedded(settings):
        return [Finding(OK, "data dir", "not used: the store, evidence and keys are on AWS")]
    found = []
    for path in dict.fromkeys([settings.data_path, settings.blob_path, settings.key_path.parent]):
        if not path.exists():
            found.append(Finding(WARN, "data dir", f"{path} does not exist yet",
                                 "start the portal once (portal serve) or `portal db init`"))
        else:
            found.append(_private(path, "data dir", 0o700, "folder"))
    return found


def key_files(settings: Settings) -> list[Finding]:
    if settings.keyring != "local" and settings.secrets != "file":
        return [Finding(OK, "key files", "not used: KMS and SSM hold the keys")]
    folder = settings.key_path.parent
    files = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
    if not files:
        return [Finding(WARN, "key files", f"no key file in {folder} yet", "start the portal once (portal serve)")]
    found = [f for f in (_private(p, "key files", 0o600, "key") for p in files) if f.level != OK]
    return found or [Finding(OK, "key files", f"{len(files)} key file(s) in {folder}, mode 600")]


def disk(settings: Settings) -> list[Finding]:
    if not _embedded(settings):
        return []
    path = settings.data_path if settings.data_path.exists() else Path(".")
    usage = shutil.disk_usage(path)
    detail = f"{usage.free / 2 ** 30:.1f} GiB free of {usage.total / 2 ** 30:.1f} GiB under {path}"
    fix = "free space or move the data dir to a larger disk (portal backup, then portal restore there)"
    if usage.free < DISK_FAIL_BYTES:
        return [Finding(FAIL, "disk space", detail + ": filing will soon fail", fix)]
    if usage.free < DISK_WARN_BYTES or usage.free < DISK_WARN_SHARE * usage.total:
        return [Finding(WARN, "disk space", detail, fix)]
    return [Finding(OK, "disk space", detail)]


def county_files(settings: Settings) -> list[Finding]:
    from portal.counties import CountyFileError, load_county

    found = []
    for path in settings.county_paths:
        try:
            county = load_county(path)
        except CountyFileError as exc:
            found.append(Finding(FAIL, "county file", str(exc), "correct the field named, then restart the portal"))
            continue
        placeholders = county.demo_geometry or any(d.placeholder for d in county.departments) or any(
            t.placeholder for t in county.townships)
        if placeholders and not settings.is_demo:
            found.append(Finding(WARN, "county file", f"{path}: {county.name} ({county.code}) still has demo geometry "
                                 "or placeholder contacts", "replace them with the county's own data and source"))
        else:
            found.append(Finding(OK, "county file", f"{path}: {county.name} ({county.code})"))
    return found


def calendar(repos, now: datetime) -> list[Finding]:
    from portal.domain.calendar import WorkingCalendar

    year = local_date(now).year
    cal = WorkingCalendar(repos.calendar.for_years([year, year + 1]), repos.arrangements.official_years())
    fix = ("import the State Council's arrangement of the year: portal calendar import YEAR FILE "
           "(or upgrade the holidays package)")
    if not cal.is_official(year):
        return [Finding(FAIL, "calendar", f"{year} has no official holiday arrangement: every deadline is provisional",
                        fix)]
    if not cal.is_official(year + 1):
        level = WARN if local_date(now).month >= 10 else OK
        return [Finding(level, "calendar", f"{year} is covered; {year + 1} not yet (usually published in autumn)",
                        fix if level == WARN else "")]
    return [Finding(OK, "calendar", f"{year} and {year + 1} are covered")]


def outbox(repos, now: datetime) -> list[Finding]:
    late = [ref for ref in repos.due.due(now - OUTBOX_LATE) if ref.sk.startswith("SMS#")]
    if not late:
        return [Finding(OK, "SMS outbox", "nothing waiting longer than 15 minutes")]
    oldest = min(ref.wake for ref in late)
    return [Finding(WARN, "SMS outbox", f"{len(late)} SMS waiting longer than 15 minutes (oldest due {oldest})",
                    "check the SMS provider (Twilio console) and that the sweeper runs: `portal serve` sweeps every "
                    "minute unless --sweep-every 0; otherwise run `portal sweep` from cron")]


def rotation(repos) -> list[Finding]:
    current = repos.key_rotations.get()
    if current is None or current.state == "done":
        return []
    return [Finding(WARN, "key rotation", f"the rotation of {current.started_at:%Y-%m-%d} is still being re-wrapped "
                    f"(pass {current.passes}; last pass {current.last_pass or 'not finished'})",
                    "let the sweeper finish it, or run `portal keys rewrap`; `portal keys status` shows what remains")]


def examine(settings: Settings, now: datetime, store=None) -> list[Finding]:
    found = [*data_dir(settings), *key_files(settings), *disk(settings), *county_files(settings)]
    if store is None and settings.store == "sqlite" and not settings.sqlite_file.exists():
        return [*found, Finding(WARN, "store", f"no database at {settings.sqlite_file} yet",
                                "start the portal once (portal serve) or run `portal db init`")]
    try:
        from portal.services.deps import build_store
        from portal.store.repositories import Repositories

        repos = Repositories(store or build_store(settings), shards=int(settings.sweep_shards))
    except Exception as exc:  # noqa: BLE001 - reported, the other checks still stand
        return [*found, Finding(FAIL, "store", f"cannot open the store: {type(exc).__name__}: {exc}",
                                "check PORTAL_STORE and its settings; `portal db init` creates the schema")]
    try:
        found += [*calendar(repos, now), *outbox(repos, now), *rotation(repos)]
    finally:
        if store is None:
            repos.store.close()
    return found
