"""Instants: stored in UTC with a fixed-width format, shown and counted in Asia/Shanghai."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

UTC = timezone.utc
SHANGHAI = ZoneInfo("Asia/Shanghai")
_STORE_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def to_store(instant: datetime) -> str:
    """Fixed-width UTC text, so that text order is time order (used in index sort keys)."""
    return as_utc(instant).strftime(_STORE_FORMAT)


def from_store(text: str) -> datetime:
    return datetime.strptime(text, _STORE_FORMAT).replace(tzinfo=UTC)


def as_utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("naive datetime: every instant in the portal carries its offset")
    return instant.astimezone(UTC)


def parse_iso(text: str) -> datetime:
    """ISO 8601 with any offset, ``Z`` included; a naive value is refused."""
    text = text.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError("the instant must carry an offset, e.g. +08:00 or Z")
    return value


def local(instant: datetime) -> datetime:
    return as_utc(instant).astimezone(SHANGHAI)


def local_date(instant: datetime) -> date:
    return local(instant).date()


def end_of_local_day(day: date) -> datetime:
    """23:59:59 Asia/Shanghai of ``day``."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=SHANGHAI)


def iso_local(instant: datetime) -> str:
    """ISO 8601 in Asia/Shanghai with ``+08:00``."""
    return local(instant).isoformat()


def format_local(instant: datetime | None, with_time: bool = True) -> str:
    if instant is None:
        return ""
    value = local(instant)
    return value.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def add_months(instant: datetime, months: int) -> datetime:
    """Calendar months in local time, clamped to the month's last day."""
    value = local(instant)
    month_index = value.month - 1 + months
    year, month = value.year + month_index // 12, month_index % 12 + 1
    import calendar as _calendar

    day = min(value.day, _calendar.monthrange(year, month)[1])
    return value.replace(year=year, month=month, day=day)


__all__ = [
    "UTC", "SHANGHAI", "to_store", "from_store", "as_utc", "parse_iso", "local", "local_date",
    "end_of_local_day", "iso_local", "format_local", "add_months", "timedelta",
]
