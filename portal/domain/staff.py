"""Staff accounts: password (Argon2id hash) plus TOTP, failed logins that back off and lock.

Everything a login depends on (failure count, lock, the last TOTP step used) is stored with
the account, not kept in memory: Lambda containers come and go, and a restarted server
must not forget a lockout or accept a TOTP code a second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from portal.domain.access import Actor, Role

#: failures before each further attempt must wait, and the longest wait
BACKOFF_AFTER = 3
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(minutes=15)
#: failures that lock the account until an administrator unlocks it
HARD_LOCK_AFTER = 10


@dataclass
class StaffAccount:
    username: str
    county: str
    role: Role
    unit: str
    display_name: str
    password_hash: str
    totp_envelope: str
    created_at: datetime
    totp_last_step: int = 0
    failed_logins: int = 0
    locked_until: datetime | None = None
    hard_locked: bool = False
    active: bool = True
    password_changed_at: datetime | None = None
    phone_hash: str | None = None  #: keyed hash of the staff member's own phone (reward abuse check)
    version: int = 0

    @property
    def actor(self) -> Actor:
        return Actor(username=self.username, role=self.role, unit=self.unit, county=self.county)

    def login_blocked(self, now: datetime) -> bool:
        return (not self.active) or self.hard_locked or (self.locked_until is not None and now < self.locked_until)

    def record_failure(self, now: datetime) -> None:
        self.failed_logins += 1
        if self.failed_logins >= HARD_LOCK_AFTER:
            self.hard_locked = True
        elif self.failed_logins >= BACKOFF_AFTER:
            wait = min(BACKOFF_BASE * (2 ** (self.failed_logins - BACKOFF_AFTER)), BACKOFF_MAX)
            self.locked_until = now + wait

    def record_success(self, totp_step: int) -> None:
        self.failed_logins = 0
        self.locked_until = None
        self.totp_last_step = totp_step

    def unlock(self) -> None:
        self.failed_logins = 0
        self.locked_until = None
        self.hard_locked = False
