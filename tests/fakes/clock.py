"""A clock the test sets: the domain and services take ``now`` from it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone


class ManualClock:
    def __init__(self, start: datetime | None = None):
        self._now = start or datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)  # Mon 10:00 Asia/Shanghai

    def now(self) -> datetime:
        return self._now

    def set(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("aware datetimes only")
        self._now = instant.astimezone(timezone.utc)

    def advance(self, **delta) -> datetime:
        self._now += timedelta(**delta)
        return self._now

    def epoch(self) -> float:
        return self._now.timestamp()
