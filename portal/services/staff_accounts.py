"""Staff accounts: created by an administrator (CLI), each with a password (Argon2id) and a
TOTP secret kept as a keyring envelope. A role must fit the kind of unit it belongs to
(``portal.domain.access.ROLE_UNIT_KIND``): officers and heads sit in a bureau, the township
role in a township (or a management area, 004 C8), supervisors in the leading-group office.

Every change to an account is recorded in the county's audit trail in the same
transaction as the change.

Revoking access: ``deactivate`` (and ``reactivate``) from the command line or the admin page;
a deactivation, a TOTP reset and a hard lock end every session of the account at once
(``StaffAccount.sessions_valid_after``). A password someone else has seen (generated and
printed at creation, or the one-time password of a web TOTP reset) must be changed at the
first login (``StaffAccount.must_change_password``).

The admin page may not touch the administrator's own account (deactivate, reset), and may
not reset the TOTP of an administrator or a custodian: whoever resets holds, for a moment,
both factors of the account, and those two roles are the ones that would turn an
administrator into a second person (unlocking every account; approving a disclosure). Those
resets are for the command line, on the server.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from portal.crypto import contexts
from portal.domain.access import ROLE_UNIT_KIND, Actor, Role
from portal.domain.county import County
from portal.domain.errors import Conflict, DomainError, Forbidden, NotFound
from portal.domain.staff import StaffAccount
from portal.i18n import N_
from portal.ports import ConditionFailed
from portal.services.deps import Deps
from portal.services.intake import parse_phone

PASSWORD_MIN = 12
#: Argon2 hashes any length, but a megabyte "password" would only burn CPU
PASSWORD_MAX = 128
NAME_MAX = 40
USERNAME = re.compile(r"^[a-z][a-z0-9_.-]{2,31}$")

_hasher = PasswordHasher()  # Argon2id with the library's current recommended parameters


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_new_password(password: str | None) -> str:
    password = password or ""
    if len(password) < PASSWORD_MIN:
        raise DomainError(N_("密码至少需要 %(n)s 个字符。"), field="password", n=PASSWORD_MIN)
    if len(password) > PASSWORD_MAX:
        raise DomainError(N_("密码不能超过 %(n)s 个字符。"), field="password", n=PASSWORD_MAX)
    if password.strip() != password or not password.isprintable():
        raise DomainError(N_("密码不能以空格开头或结尾，也不能含有控制字符。"), field="password")
    return password


def generate_password() -> str:
    """16 URL-safe characters (96 bits), for an account created without a password."""
    return secrets.token_urlsafe(12)


def totp_context(username: str) -> dict:
    return contexts.totp(username)


def totp_secret(deps: Deps, account: StaffAccount) -> str:
    """The plain TOTP secret: only login, password change and provisioning read it."""
    return deps.keyring.decrypt(account.totp_envelope, totp_context(account.username)).decode()


def provisioning_uri(deps: Deps, account: StaffAccount, secret: str | None = None) -> str:
    """``otpauth://`` URI for an authenticator app; the issuer is the county's name."""
    county = deps.counties.get(account.county) or deps.counties.default
    return pyotp.TOTP(secret or totp_secret(deps, account)).provisioning_uri(name=account.username,
                                                                             issuer_name=county.name)


def unit_kind(county: County, code: str) -> str | None:
    department = county.department(code)
    if department is not None:
        return department.kind
    return "township" if county.township(code) is not None else None


def _check_role_fits(county: County, role: Role, unit: str) -> None:
    kind = unit_kind(county, unit)
    if kind is None:
        raise DomainError(N_("单位代码 %(unit)s 在%(county)s的配置中不存在。"), field="department", unit=unit,
                          county=county.name)
    if ROLE_UNIT_KIND[role] != kind:
        raise DomainError(N_("角色 %(role)s 只能设在 %(wanted)s 类单位，%(unit)s 是 %(kind)s 类单位。"), field="role",
                          role=role.value, wanted=ROLE_UNIT_KIND[role], unit=unit, kind=kind)


@dataclass(frozen=True)
class Provisioned:
    """What an administrator hands over once: the password (when generated) and the TOTP URI."""

    account: StaffAccount
    password: str | None  #: set only when the portal generated it
    otpauth_uri: str


def _audit_op(deps: Deps, account: StaffAccount, by: Actor | str, action: str, now: datetime,
              detail: dict | None = None):
    """``by`` is the administrator signed in to the staff app, or the name of the command line."""
    if isinstance(by, Actor):
        who, role, unit = by.username, by.role.value, by.unit
    else:
        who, role, unit = by, Role.ADMIN.value, ""
    return deps.repos.audit.op(at=now, actor=who, role=role, unit=unit, action=action, county=account.county,
                               detail={"account": account.username, **(detail or {})})


def require_admin(actor: Actor) -> None:
    if actor.role != Role.ADMIN:
        raise Forbidden(N_("只有系统管理员可以管理账号。"))


def phone_hash(deps: Deps, phone: str | None) -> str | None:
    """The keyed hash of a staff member's own mobile number, for the reward abuse check (a
    claim verified from a staff phone is held, 004 C20 / L17); the number itself is not kept."""
    e164 = parse_phone(phone)
    return deps.hasher.digest("phone", e164) if e164 else None


def create(deps: Deps, *, county: County, username: str, unit: str, role: str, display_name: str | None,
           password: str | None, now: datetime, by: Actor | str = "cli", phone: str | None = None) -> Provisioned:
    username = (username or "").strip().lower()
    if not USERNAME.match(username):
        raise DomainError(N_("用户名须为 3-32 位小写字母、数字、点、横线或下划线，并以字母开头。"), field="username")
    try:
        role_value = Role(role)
    except ValueError:
        raise DomainError(N_("角色不存在：%(role)s（可选：%(roles)s）。"), field="role", role=role,
                          roles=", ".join(r.value for r in Role)) from None
    _check_role_fits(county, role_value, unit)
    name = (display_name or username).strip()
    if not name or len(name) > NAME_MAX or not name.isprintable():
        raise DomainError(N_("姓名不能为空，且不超过 %(n)s 个字。"), field="name", n=NAME_MAX)
    hashed_phone = phone_hash(deps, phone)
    generated = password is None
    password = generate_password() if generated else check_new_password(password)
    secret = pyotp.random_base32()
    account = StaffAccount(
        username=username, county=county.code, role=role_value, unit=unit, display_name=name,
        password_hash=hash_password(password),
        totp_envelope=deps.keyring.encrypt(secret.encode(), totp_context(username)),
        created_at=now, password_changed_at=now, phone_hash=hashed_phone, must_change_password=generated,
    )
    try:
        deps.store.write([deps.repos.staff.save_op(account), _audit_op(deps, account, by, "account_created", now,
                                                                        {"role": role_value.value, "unit": unit})])
    except ConditionFailed:
        raise Conflict(N_("用户名 %(username)s 已经存在。"), field="username", username=username) from None
    account.version += 1
    return Provisioned(account, password if generated else None, provisioning_uri(deps, account, secret))


def get(deps: Deps, username: str) -> StaffAccount:
    account = deps.repos.staff.get((username or "").strip().lower())
    if account is None:
        raise NotFound(N_("用户 %(username)s 不存在。"), username=username)
    return account


def _change(deps: Deps, username: str, change, action: str, by: Actor | str, now: datetime,
            detail: dict | None = None):
    """Apply ``change`` to the stored account, conditional on the version read (retried)."""
    if isinstance(by, Actor):
        require_admin(by)
    for _ in range(5):
        account = get(deps, username)
        if isinstance(by, Actor) and account.county != by.county:
            raise NotFound(N_("用户 %(username)s 不存在。"), username=username)
        result = change(account)
        try:
            deps.store.write([deps.repos.staff.save_op(account), _audit_op(deps, account, by, action, now, detail)])
        except ConditionFailed:
            continue
        account.version += 1
        return account, result
    raise Conflict(N_("账号正在被其他操作修改，请稍后再试。"))


#: roles whose TOTP only the command line resets (see the module docstring)
CLI_RESET_ONLY = frozenset({Role.ADMIN, Role.CUSTODIAN})


def _not_own(by: Actor | str, account: StaffAccount, message: str) -> None:
    if isinstance(by, Actor) and by.username == account.username:
        raise Forbidden(message)


def reset_totp(deps: Deps, username: str, now: datetime, by: Actor | str = "cli") -> Provisioned:
    """An administrator resets a lost authenticator: a new secret, shown once, and every session
    of the account ends. An administrator signed in to the staff app reaches only the accounts
    of its own county, never its own, nor an administrator's or a custodian's; and the reset
    also sets a one-time password (shown once, handed over in person with the secret) that
    must be changed at the next login: the person finds out, and the old password no longer
    pairs with the new secret."""
    secret = pyotp.random_base32()
    web = isinstance(by, Actor)
    password = generate_password() if web else None
    hashed = hash_password(password) if password else None

    def change(account: StaffAccount):
        if web:
            _not_own(by, account, N_("不能在网页上重置自己账号的动态验证码，请联系另一位管理员在服务器命令行上重置。"))
            if account.role in CLI_RESET_ONLY:
                raise Forbidden(N_("系统管理员和身份信息保管人账号的动态验证码只能在服务器命令行上重置（portal staff reset-totp）。"))
        account.totp_envelope = deps.keyring.encrypt(secret.encode(), totp_context(account.username))
        account.totp_last_step = 0
        account.end_sessions(now)
        if hashed:
            account.password_hash = hashed
            account.password_set(now, must_change=True)

    account, _ = _change(deps, username, change, "totp_reset", by, now,
                         {"one_time_password": True} if web else None)
    return Provisioned(account, password, provisioning_uri(deps, account, secret))


def deactivate(deps: Deps, username: str, now: datetime, by: Actor | str = "cli") -> StaffAccount:
    """Revoke access (a person who left, or a compromised account): no login, and every session
    ends at once. Nothing is deleted; ``reactivate`` restores it."""
    def change(account: StaffAccount) -> None:
        _not_own(by, account, N_("不能停用自己的账号。"))
        if not account.active:
            raise Conflict(N_("账号 %(username)s 已经停用。"), username=account.username)
        account.deactivate(now)

    account, _ = _change(deps, username, change, "account_deactivated", by, now)
    return account


def reactivate(deps: Deps, username: str, now: datetime, by: Actor | str = "cli") -> StaffAccount:
    """Restore access. The password and the TOTP secret are those of before: reset the TOTP too
    if the account may have been compromised."""
    def change(account: StaffAccount) -> None:
        if account.active:
            raise Conflict(N_("账号 %(username)s 没有停用。"), username=account.username)
        account.reactivate()

    account, _ = _change(deps, username, change, "account_reactivated", by, now)
    return account


def set_phone(deps: Deps, username: str, phone: str | None, now: datetime, by: Actor | str = "cli") -> StaffAccount:
    """Register (or, with no number, remove) the staff member's own phone as a keyed hash."""
    hashed = phone_hash(deps, phone)

    def change(account: StaffAccount) -> None:
        account.phone_hash = hashed

    account, _ = _change(deps, username, change, "phone_set" if hashed else "phone_removed", by, now)
    return account


def unlock(deps: Deps, username: str, now: datetime, by: Actor | str = "cli") -> StaffAccount:
    account, _ = _change(deps, username, lambda a: a.unlock(), "account_unlocked", by, now)
    return account


def in_county(deps: Deps, county: str) -> list[StaffAccount]:
    return sorted(deps.repos.staff.in_county(county), key=lambda a: (a.unit, a.role.value, a.username))


# --- demo ---------------------------------------------------------------------------------
#: one account per role for ``portal serve --demo``: (username, role, unit)
DEMO_ACCOUNTS = (
    ("demo-officer", Role.OFFICER, "natural_resources"),
    ("demo-head", Role.HEAD, "natural_resources"),
    ("demo-township", Role.TOWNSHIP, "xiayang"),
    ("demo-supervisor", Role.SUPERVISOR, "leading_group_office"),
    ("demo-discipline", Role.DISCIPLINE, "discipline"),
    ("demo-finance", Role.FINANCE, "finance"),
    ("demo-custodian", Role.CUSTODIAN, "leading_group_office"),
    ("demo-admin", Role.ADMIN, "leading_group_office"),
)


def demo_password(username: str) -> str:
    """Fixed and printed: demo accounts guard demo data only."""
    return f"{username}-2026"


def ensure_demo_accounts(deps: Deps, now: datetime) -> list[Provisioned]:
    """Demo mode only: create the demo accounts that do not exist yet (idempotent) and return
    every one with its password and TOTP URI, for the welcome text."""
    if not deps.settings.is_demo:
        raise DomainError(N_("演示账号只能在演示模式下创建。"))
    county = deps.counties.default
    out = []
    for username, role, unit in DEMO_ACCOUNTS:
        account = deps.repos.staff.get(username)
        if account is None:
            try:
                out.append(create(deps, county=county, username=username, unit=unit, role=role.value,
                                  display_name=username, password=demo_password(username), now=now, by="demo"))
                continue
            except Conflict:  # another process created it a moment ago
                account = get(deps, username)
        out.append(Provisioned(account, None, provisioning_uri(deps, account)))
    return [Provisioned(p.account, demo_password(p.account.username), p.otpauth_uri) for p in out]
