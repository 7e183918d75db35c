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
    #: sessions created at or before this instant are refused (deactivation, TOTP reset, hard lock)
    sessions_valid_after: datetime | None = None
    #: set when someone other than the person knows the password (generated at creation, or a
    #: one-time password from a web TOTP reset): every staff page leads to the password change
    must_change_password: bool = False
    phone_hash: str | None = None  #: keyed hash of the staff member's own phone (reward abuse check)
    version: int = 0

    @property
    def actor(self) -> Actor:
        return Actor(username=self.username, role=self.role, unit=self.unit, county=self.county)

    def login_blocked(self, now: datetime) -> bool:
        return (not self.active) or self.hard_locked or (self.locked_until is not None and now < self.locked_until)

    def session_valid(self, created_at: datetime) -> bool:
        """Whether a session begun at ``created_at`` still stands for this account."""
        if not self.active or self.hard_locked:
            return False
        if self.password_changed_at is not None and created_at < self.password_changed_at:
            return False  # the password changed after the session began (that session was replaced)
        return self.sessions_valid_after is None or created_at > self.sessions_valid_after

    def end_sessions(self, now: datetime) -> None:
        """Every session begun until now stops standing for the account."""
        self.sessions_valid_after = now

    def record_failure(self, now: datetime) -> None:
        """A failed login by someone who knew the password (or a failed password change by a
        signed-in person): back off, then lock and end every session."""
        self.failed_logins += 1
        if self.failed_logins >= HARD_LOCK_AFTER:
            if not self.hard_locked:
                self.end_sessions(now)
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

    def deactivate(self, now: datetime) -> None:
        """Access revoked: no login, and every session ends at once."""
        self.active = False
        self.end_sessions(now)

    def reactivate(self) -> None:
        """Access restored; sessions of before the deactivation stay ended."""
        self.active = True

    def password_set(self, now: datetime, must_change: bool) -> None:
        """A new password: sessions begun before it end (``password_changed_at``)."""
        self.password_changed_at = now
        self.must_change_password = must_change
