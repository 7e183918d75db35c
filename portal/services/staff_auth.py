"""Staff login: a password, then a TOTP code (RFC 6238, 30-second steps, one step of drift
either way), and server-side sessions.

- A code is good once: the step it matched is stored with the account
  (``StaffAccount.totp_last_step``), written conditionally on the version read, so neither a
  second request nor a second process (nor a restarted one) accepts it again.
- A failed code counts against the account (back off, then lock:
  ``StaffAccount.record_failure``, stored) only when the password was right: with the
  username alone nobody can lock an account. Every failed login, whatever its cause, counts
  against the client (``ratelimit``, ``LOGIN_MISS``, a keyed hash of the address); over the
  limit both steps refuse at once with ``TOO_MANY_FAILURES``. Counting every failure, not only
  wrong passwords, keeps the counter from telling whether a password was right.
- Unknown user, wrong password, wrong or reused code and a locked account all get the same
  answer at the same step, and do the same work: an unknown user costs the same Argon2 time
  as a known one at the password step; at the code step every failure decrypts one envelope
  with the keyring (the account's, or a dummy one) and writes one record besides the client
  counter (the account, or a short-lived record keyed by a keyed hash of the username): the
  login pages, and their timing, do not tell whether an account exists.
- A session is a record in the store keyed by a keyed hash of a random session id; the
  browser holds only that id. It ends after ``ABSOLUTE_LIFETIME`` or after
  ``settings.idle_timeout_seconds`` without a request, and at logout. The account ends
  every session at once (``StaffAccount.session_valid``): a password change (sessions
  created before ``password_changed_at``; the changing session is replaced), and a
  deactivation, a TOTP reset or a hard lock (sessions created until
  ``sessions_valid_after``); an inactive or hard-locked account has no session at all.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pyotp

from portal.domain.errors import DomainError, RateLimited
from portal.domain.staff import StaffAccount
from portal.i18n import N_
from portal.ports import ConditionFailed, Item
from portal.services import ratelimit, staff_accounts
from portal.services.deps import Deps
from portal.timeutil import from_store, to_store

ABSOLUTE_LIFETIME = timedelta(hours=12)
#: the TOTP step must follow the password step within this time
PASSWORD_STEP_VALID = timedelta(minutes=5)
#: a session's last-seen instant is rewritten at most this often (idle timeout precision)
TOUCH_EVERY = timedelta(seconds=30)
TOTP_DRIFT_STEPS = 1

LOGIN_FAILED = N_("登录失败：用户名、密码或动态验证码不正确，或者账号因多次失败已被暂时锁定。请稍后重试，"
                  "或联系系统管理员。")

TOO_MANY_FAILURES = N_("从您所在的网络登录失败的次数太多，请一小时后再试。如果忘记了密码或丢失了动态验证码，"
                       "请联系系统管理员。")
#: the rate limit (``portal.services.ratelimit.LIMITS``) on failed logins per client
LOGIN_MISS = "staff_login_miss"
#: how long the record a failure without an account writes is kept (see ``_failed_without_account``)
MISS_RECORD_KEPT = timedelta(hours=1)

_DUMMY_HASH: str | None = None
#: keyring -> a dummy TOTP envelope it encrypted (decrypted by failures that have no account)
_DUMMY_ENVELOPES: dict[int, tuple[object, str]] = {}
_DUMMY_USERNAME = "~nobody"


class LoginFailed(DomainError):
    status = 401

    def __init__(self):
        super().__init__(LOGIN_FAILED, field="form")


class TooManyFailures(RateLimited):
    def __init__(self):
        super().__init__(TOO_MANY_FAILURES, field="form")


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = staff_accounts.hash_password(secrets.token_urlsafe(16))
    return _DUMMY_HASH


# --- TOTP ---------------------------------------------------------------------------------
def matching_step(secret: str, code: str | None, now: datetime) -> int | None:
    """The TOTP step ``code`` is valid for at ``now`` (±1 step), compared in constant time."""
    code = (code or "").strip().replace(" ", "")
    totp = pyotp.TOTP(secret)
    found = None
    for drift in range(-TOTP_DRIFT_STEPS, TOTP_DRIFT_STEPS + 1):
        at = now + timedelta(seconds=drift * totp.interval)
        expected = totp.at(at)
        if len(code) == len(expected) and hmac.compare_digest(code.encode(), expected.encode()):
            found = totp.timecode(at)
    return found


def fresh_step(deps: Deps, account: StaffAccount, code: str | None, now: datetime) -> int | None:
    """The step of a valid code not used before on this account, or None."""
    step = matching_step(staff_accounts.totp_secret(deps, account), code, now)
    if step is None or step <= account.totp_last_step:
        return None
    return step


# --- login --------------------------------------------------------------------------------
@dataclass(frozen=True)
class PasswordStep:
    """What the session remembers between the two login steps (never the password)."""

    username: str
    password_ok: bool
    at: datetime

    def to_dict(self) -> dict:
        return {"username": self.username, "ok": self.password_ok, "at": to_store(self.at)}

    @classmethod
    def from_dict(cls, data) -> "PasswordStep | None":
        try:
            return cls(username=str(data["username"]), password_ok=bool(data["ok"]), at=from_store(data["at"]))
        except (KeyError, TypeError, ValueError):
            return None


def _refuse_if_over_limit(deps: Deps, client: str, now: datetime) -> None:
    if ratelimit.exceeded(deps, LOGIN_MISS, client, now):
        raise TooManyFailures()


def check_password(deps: Deps, username: str | None, password: str | None, now: datetime,
                   client: str = "-") -> PasswordStep:
    """First step. Never tells the caller whether it succeeded: the outcome waits in the
    session for the code, so both steps look the same for every kind of failure. A client
    over its limit of failed logins is refused before any verification."""
    _refuse_if_over_limit(deps, client, now)
    username = (username or "").strip().lower()[:64]
    password = (password or "")[: staff_accounts.PASSWORD_MAX + 1]
    account = deps.repos.staff.get(username) if staff_accounts.USERNAME.match(username) else None
    if account is None:
        staff_accounts.verify_password(_dummy_hash(), password)  # the same Argon2 time as a known user
        return PasswordStep(username, False, now)
    ok = staff_accounts.verify_password(account.password_hash, password)
    return PasswordStep(username, ok and not account.login_blocked(now), now)


def _dummy_envelope(deps: Deps) -> str:
    cached = _DUMMY_ENVELOPES.get(id(deps.keyring))
    if cached is None or cached[0] is not deps.keyring:
        envelope = deps.keyring.encrypt(pyotp.random_base32().encode(), staff_accounts.totp_context(_DUMMY_USERNAME))
        cached = _DUMMY_ENVELOPES[id(deps.keyring)] = (deps.keyring, envelope)
    return cached[1]


def _failed_without_account(deps: Deps, username: str, code: str | None, now: datetime) -> None:
    """What a failure that writes no account does instead, so that every failure at the code
    step takes the same path (threat: telling from the time whether an account exists, or
    whether a password was right): one keyring decryption, a code comparison and one write."""
    secret = deps.keyring.decrypt(_dummy_envelope(deps), staff_accounts.totp_context(_DUMMY_USERNAME)).decode()
    matching_step(secret, code, now)
    key = deps.hasher.digest("staff-login", username or "-")
    deps.repos.records.put(f"LOGINMISS#{key}", "#", {"at": to_store(now)}, expires_at=now + MISS_RECORD_KEPT)


def _failed(deps: Deps, client: str, now: datetime) -> LoginFailed:
    ratelimit.hit(deps, LOGIN_MISS, client, now)
    return LoginFailed()


def complete_login(deps: Deps, step: PasswordStep | None, code: str | None, now: datetime,
                   client: str = "-") -> StaffAccount:
    """Second step: the code. Success resets the failure count and stores the step used. A
    failure counts against the client always, and against the account only when the password
    was right (and the account is not already locked or waiting out a back-off)."""
    _refuse_if_over_limit(deps, client, now)
    for _ in range(5):
        username = step.username if step is not None else ""
        account = deps.repos.staff.get(username) if username else None
        if account is None or step is None or not step.password_ok or account.login_blocked(now):
            _failed_without_account(deps, username, code, now)
            raise _failed(deps, client, now)
        totp_step = fresh_step(deps, account, code, now)
        fresh = now - step.at <= PASSWORD_STEP_VALID
        if fresh and totp_step is not None:
            account.record_success(totp_step)
        else:
            account.record_failure(now)
        try:
            deps.repos.staff.save(account)
        except ConditionFailed:
            continue  # another login on this account at the same moment: judge again on fresh data
        if account.failed_logins:
            raise _failed(deps, client, now)
        deps.repos.audit.record(at=now, actor=account.username, role=account.role.value, unit=account.unit,
                                action="login", county=account.county)
        return account
    raise _failed(deps, client, now)


def change_password(deps: Deps, username: str, current: str | None, code: str | None, new: str | None,
                    confirm: str | None, now: datetime) -> StaffAccount:
    """Requires the current password and a fresh TOTP code. Every other session ends (see the
    module docstring); the caller replaces its own session."""
    for _ in range(5):
        account = deps.repos.staff.get(username)
        if account is None or not account.active or account.hard_locked:
            raise LoginFailed()
        password_ok = staff_accounts.verify_password(account.password_hash, (current or "")[:200])
        totp_step = fresh_step(deps, account, code, now)
        if not password_ok or totp_step is None:
            account.record_failure(now)
            try:
                deps.repos.staff.save(account)
            except ConditionFailed:
                continue
            raise DomainError(N_("当前密码或动态验证码不正确。"), field="current")
        new = staff_accounts.check_new_password(new)
        if new != (confirm or ""):
            raise DomainError(N_("两次输入的新密码不一致。"), field="confirm")
        if staff_accounts.verify_password(account.password_hash, new):
            raise DomainError(N_("新密码不能与当前密码相同。"), field="password")
        account.password_hash = staff_accounts.hash_password(new)
        account.password_set(now, must_change=False)
        account.record_success(totp_step)
        try:
            deps.store.write([deps.repos.staff.save_op(account),
                              deps.repos.audit.op(at=now, actor=account.username, role=account.role.value,
                                                  unit=account.unit, action="password_changed",
                                                  county=account.county)])
        except ConditionFailed:
            continue
        account.version += 1
        return account
    raise DomainError(N_("系统繁忙，请稍后再试。"))


# --- sessions -----------------------------------------------------------------------------
@dataclass
class SessionRecord:
    sid: str
    username: str | None
    created_at: datetime
    seen_at: datetime
    data: dict = field(default_factory=dict)
    item: Item | None = None


def _hash(deps: Deps, sid: str) -> str:
    return deps.hasher.digest("staff-session", sid)


def new_session(deps: Deps, username: str | None, data: dict, now: datetime) -> SessionRecord:
    """A fresh random id (the only thing the browser keeps) and its record."""
    for _ in range(3):
        sid = secrets.token_urlsafe(32)
        try:
            deps.repos.sessions.create(_hash(deps, sid), username, now, ABSOLUTE_LIFETIME, data=data)
        except ConditionFailed:
            continue
        return SessionRecord(sid, username, now, now, dict(data), deps.repos.sessions.get(_hash(deps, sid)))
    raise RuntimeError("could not draw a free session id")


def load_session(deps: Deps, sid: str | None, now: datetime) -> SessionRecord | None:
    """The live session for ``sid``, or None (unknown, past its lifetime, or idle too long:
    an idle one is deleted at once)."""
    if not sid or len(sid) > 128:
        return None
    item = deps.repos.sessions.get(_hash(deps, sid))
    if item is None:
        return None
    body = item.body
    created, seen = from_store(body["created_at"]), from_store(body["seen_at"])
    idle = timedelta(seconds=deps.settings.idle_timeout_seconds)
    if now - created >= ABSOLUTE_LIFETIME or now - seen >= idle:
        deps.repos.sessions.delete(_hash(deps, sid))
        return None
    return SessionRecord(sid, body.get("username"), created, seen, dict(body.get("data") or {}), item)


def save_session(deps: Deps, record: SessionRecord, data: dict | None, now: datetime) -> None:
    """Store changed data, or just refresh the last-seen instant (at most every TOUCH_EVERY)."""
    if data is None and now - record.seen_at < TOUCH_EVERY:
        return
    deps.repos.sessions.touch(record.item, now, data=data)


def end_session(deps: Deps, sid: str) -> None:
    deps.repos.sessions.delete(_hash(deps, sid))


def session_account(deps: Deps, record: SessionRecord | None) -> StaffAccount | None:
    """The signed-in account of a session, if the session still stands for it."""
    if record is None or not record.username:
        return None
    account = deps.repos.staff.get(record.username)
    if account is None or not account.session_valid(record.created_at):
        return None  # deactivated, hard-locked, or its sessions ended (password change, TOTP reset)
    return account
