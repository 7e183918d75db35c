"""Helpers for the staff app's tests: file complaints through the intake service, create
accounts through the account service, and drive the staff pages as a signed-in person
(password, then a TOTP code, then forms that carry the CSRF token)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyotp
import pytest
from argon2 import PasswordHasher

from portal.services import filing_tokens, intake, staff_accounts, staff_auth
from tests.conftest import PUBLIC_URL

#: places in the demo county (latitude, longitude)
XIAYANG_BUILT_UP = ("26.490", "113.770")  # 霞阳镇, inside the county built-up area
XIAYANG_OUTSIDE = ("26.460", "113.850")  # 霞阳镇, outside the built-up area
ZHONGCUN = ("26.300", "113.700")  # 中村瑶族乡

PASSWORD = "correct-horse-battery-1"

#: one account per role (username, role, unit) as most tests need them
ROLES = {
    "officer": ("officer", "natural_resources"),
    "head": ("head", "natural_resources"),
    "officer_housing": ("officer", "housing"),
    "officer_urban": ("officer", "urban_management"),  # 004 C25: forced demolition in the built-up area
    "township": ("township", "xiayang"),
    "township_other": ("township", "zhongcun"),
    "supervisor": ("supervisor", "leading_group_office"),
    "discipline": ("discipline", "discipline"),
    "finance": ("finance", "finance"),
    "custodian": ("custodian", "leading_group_office"),
    "admin": ("admin", "leading_group_office"),
    # the patrol roles (004 C17-C19): no ticket at all
    "village_grid": ("village_grid", "430225100202"),  # 霞阳镇 石子坝村
    "township_patrol": ("township_patrol", "xiayang"),
    "professional_patrol": ("professional_patrol", "natural_resources"),
}


@pytest.fixture(autouse=True)
def fast_argon2(monkeypatch):
    """Argon2id still, with a small cost: each login would otherwise spend half a second of
    the two shared cores. (tests/web/test_staff_login.py checks the production parameters.)"""
    monkeypatch.setattr(staff_accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1))
    monkeypatch.setattr(staff_auth, "_DUMMY_HASH", None)


def file(deps, category: str = "c1-no-planning-permit", place=XIAYANG_OUTSIDE, phone: str | None = None,
         description: str = "有人在农田里违法建房，已经砌到二层。", address: str = "示例村三组"):
    """File a complaint as a reporter does; returns the FilingResult (id and receipt)."""
    county = deps.counties.default
    token = filing_tokens.issue(deps, deps.clock.now())
    data = intake.FilingInput(token=token, category=category, description=description, address=address,
                              lat=place[0], lng=place[1], phone=phone)
    return intake.file_complaint(deps, county, data, "test-client", deps.clock.now())


@dataclass
class Account:
    username: str
    password: str
    secret: str


def account(deps, username: str, role: str, unit: str, password: str = PASSWORD) -> Account:
    provisioned = staff_accounts.create(deps, county=deps.counties.default, username=username, unit=unit, role=role,
                                        display_name=username, password=password, now=deps.clock.now())
    return Account(username, password, pyotp.parse_uri(provisioned.otpauth_uri).secret)


def csrf_from(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


class Staff:
    """One person's browser on the staff app."""

    def __init__(self, app, deps, clock, acc: Account):
        self.app, self.deps, self.clock, self.account = app, deps, clock, acc
        self.client = app.test_client()
        self.token: str | None = None

    # --- plumbing ---------------------------------------------------------------------
    def get(self, path: str, **kw):
        return self.client.get(path, base_url=PUBLIC_URL, **kw)

    def post(self, path: str, data: dict | None = None, csrf: bool = True, **kw):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.token)
        return self.client.post(path, data=data, base_url=PUBLIC_URL, **kw)

    def code(self) -> str:
        """A TOTP code not used before: the clock moves to the next step if this one is spent."""
        stored = self.deps.repos.staff.get(self.account.username)
        totp = pyotp.TOTP(self.account.secret)
        if stored is not None and totp.timecode(self.clock.now()) <= stored.totp_last_step:
            self.clock.advance(seconds=30)
        return totp.at(self.clock.now())

    # --- login ------------------------------------------------------------------------
    def password_step(self, username: str | None = None, password: str | None = None):
        page = self.get("/staff/login")
        self.token = csrf_from(page.get_data(as_text=True))
        return self.post("/staff/login", {"username": username or self.account.username,
                                          "password": self.account.password if password is None else password})

    def totp_step(self, code: str):
        page = self.get("/staff/login/totp")
        self.token = csrf_from(page.get_data(as_text=True))
        return self.post("/staff/login/totp", {"code": code})

    def login(self) -> "Staff":
        first = self.password_step()
        assert first.status_code == 303, first.status_code
        done = self.totp_step(self.code())
        assert done.status_code == 303 and done.headers["Location"].endswith("/staff/"), done.get_data(as_text=True)
        page = self.get("/staff/password")
        self.token = csrf_from(page.get_data(as_text=True))
        return self

    # --- actions ----------------------------------------------------------------------
    def act(self, complaint_id: str, action: str, data: dict | None = None, **kw):
        return self.post(f"/staff/tickets/{complaint_id}/{action}", data, **kw)


def signed_in(app, deps, clock, name: str, username: str | None = None) -> Staff:
    role, unit = ROLES[name]
    acc = account(deps, username or name.replace("_", "-"), role, unit)
    return Staff(app, deps, clock, acc).login()


def history(deps, complaint_id: str):
    return deps.repos.complaints.history(complaint_id)
