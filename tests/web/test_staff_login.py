"""Staff login: password then a single-use TOTP code, lockout kept in the store, identical
answers for every kind of failure, CSRF on every staff form (and only there), server-side
sessions that idle out, end at logout and at a password change, and the admin's TOTP reset."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest

from portal import create_app
from portal.domain.staff import BACKOFF_AFTER, HARD_LOCK_AFTER
from portal.services import ratelimit, staff_accounts, staff_auth
from portal.services.deps import build_deps
from portal.store.sqlite import SqliteStore
from tests.conftest import PUBLIC_URL, form_token
from tests.web.staff_support import PASSWORD, Account, Staff, account, csrf_from, fast_argon2, file, signed_in  # noqa: F401


def main_text(response) -> str:
    """The page's main part with the CSRF token blanked (it is signed with the current second)."""
    html = response.get_data(as_text=True)
    main = html.split('<main id="main">')[1].split("</main>")[0]
    return re.sub(r'name="csrf_token" value="[^"]+"', "", main)


def attempt(app, deps, clock, username, password, code):
    """A whole login by a fresh browser; returns the answer to the code step."""
    browser = Staff(app, deps, clock, None)
    browser.password_step(username, password)
    return browser.totp_step(code)


def restarted(settings, clock):
    """A second process on the same data: new store connection, new services, new app."""
    deps = build_deps(settings, clock=clock, store=SqliteStore(settings.sqlite_file, epoch=clock.epoch))
    app = create_app(settings, deps)
    app.config["TESTING"] = False
    return app, deps


def test_login_with_password_and_totp(app, deps, clock):
    acc = account(deps, "zhang", "officer", "natural_resources")
    staff = Staff(app, deps, clock, acc)
    assert staff.get("/staff/queue").headers["Location"].endswith("/staff/login")
    staff.login()
    page = staff.get("/staff/queue")
    assert page.status_code == 200 and "待办队列" in page.get_data(as_text=True)
    assert any(a["action"] == "login" and a["actor"] == "zhang" for a in deps.repos.audit.recent("430225"))


def test_a_totp_code_is_refused_the_second_time_even_after_a_restart(app, deps, clock, settings):
    acc = account(deps, "zhang", "officer", "natural_resources")
    code = pyotp.TOTP(acc.secret).at(clock.now())
    assert attempt(app, deps, clock, "zhang", PASSWORD, code).status_code == 303
    again = attempt(app, deps, clock, "zhang", PASSWORD, code)
    assert again.status_code == 401 and "登录失败" in again.get_data(as_text=True)
    other_app, other_deps = restarted(settings, clock)
    assert attempt(other_app, other_deps, clock, "zhang", PASSWORD, code).status_code == 401
    # the previous step's code, still inside the ±1 step window, is older than the one used
    clock.advance(seconds=30)
    older = pyotp.TOTP(acc.secret).at(clock.now() - timedelta(seconds=60))
    assert attempt(app, deps, clock, "zhang", PASSWORD, older).status_code == 401
    clock.advance(seconds=31)  # three failures: wait out the first back-off
    assert attempt(app, deps, clock, "zhang", PASSWORD, pyotp.TOTP(acc.secret).at(clock.now())).status_code == 303
    other_deps.close()


def test_two_logins_racing_with_one_code_let_only_one_in(deps, clock, monkeypatch):
    """The second login read the account before the first one stored the step: its write is
    refused (the version moved on), and judged again on fresh data it fails."""
    acc = account(deps, "zhang", "officer", "natural_resources")
    stale = deps.repos.staff.get("zhang")
    step = staff_auth.check_password(deps, "zhang", PASSWORD, clock.now())
    code = pyotp.TOTP(acc.secret).at(clock.now())
    assert staff_auth.complete_login(deps, step, code, clock.now()).username == "zhang"
    reads = iter([stale])
    real_get = deps.repos.staff.get
    monkeypatch.setattr(deps.repos.staff, "get", lambda username: next(reads, None) or real_get(username))
    with pytest.raises(staff_auth.LoginFailed):
        staff_auth.complete_login(deps, step, code, clock.now())
    assert real_get("zhang").failed_logins == 1


def test_a_code_one_step_off_is_accepted(app, deps, clock):
    acc = account(deps, "zhang", "officer", "natural_resources")
    late = pyotp.TOTP(acc.secret).at(clock.now() - timedelta(seconds=30))
    assert attempt(app, deps, clock, "zhang", PASSWORD, late).status_code == 303
    clock.advance(seconds=120)
    too_old = pyotp.TOTP(acc.secret).at(clock.now() - timedelta(seconds=60))
    assert attempt(app, deps, clock, "zhang", PASSWORD, too_old).status_code == 401


def test_every_failure_gets_the_same_answer_and_unknown_users_cost_argon2_time(app, deps, clock, monkeypatch):
    acc = account(deps, "zhang", "officer", "natural_resources")
    locked = account(deps, "lisi", "officer", "natural_resources")
    stored = deps.repos.staff.get("lisi")
    stored.hard_locked = True
    deps.repos.staff.save(stored)
    verified = []
    real_verify = staff_accounts.verify_password
    monkeypatch.setattr(staff_accounts, "verify_password",
                        lambda h, p: verified.append(h) or real_verify(h, p))
    good = lambda secret: pyotp.TOTP(secret).at(clock.now())  # noqa: E731
    answers = {
        "unknown user": attempt(app, deps, clock, "nobody", PASSWORD, "123456"),
        "wrong password": attempt(app, deps, clock, "zhang", "wrong-password-123", good(acc.secret)),
        "wrong code": attempt(app, deps, clock, "zhang", PASSWORD, "000000"),
        "locked account": attempt(app, deps, clock, "lisi", PASSWORD, good(locked.secret)),
    }
    statuses = {name: r.status_code for name, r in answers.items()}
    assert set(statuses.values()) == {401}, statuses
    bodies = {main_text(r) for r in answers.values()}
    assert len(bodies) == 1 and "登录失败" in bodies.pop()
    assert len(verified) == 4  # one Argon2 verification per attempt, the unknown user's included
    assert verified[0].startswith("$argon2id$")


def test_the_password_step_answers_the_same_for_everyone(app, deps, clock):
    account(deps, "zhang", "officer", "natural_resources")
    answers = []
    for username, password in (("zhang", PASSWORD), ("zhang", "wrong-password-1"), ("nobody", "whatever-12345")):
        browser = Staff(app, deps, clock, None)
        response = browser.password_step(username, password)
        answers.append((response.status_code, response.headers["Location"]))
    assert len(set(answers)) == 1


def test_failed_logins_back_off_then_lock_and_a_restart_does_not_forget(app, deps, clock, settings):
    """Failures with the right password and a wrong code count against the account."""
    acc = account(deps, "zhang", "officer", "natural_resources")
    for _ in range(BACKOFF_AFTER):
        assert attempt(app, deps, clock, "zhang", PASSWORD, "000000").status_code == 401
    stored = deps.repos.staff.get("zhang")
    assert stored.failed_logins == BACKOFF_AFTER and stored.locked_until > clock.now()
    other_app, other_deps = restarted(settings, clock)
    right_now = lambda: pyotp.TOTP(acc.secret).at(clock.now())  # noqa: E731
    assert attempt(other_app, other_deps, clock, "zhang", PASSWORD, right_now()).status_code == 401
    clock.advance(seconds=31)
    assert attempt(other_app, other_deps, clock, "zhang", PASSWORD, right_now()).status_code == 303
    assert deps.repos.staff.get("zhang").failed_logins == 0
    other_deps.close()


def test_ten_failures_lock_until_an_administrator_unlocks(app, deps, clock):
    acc = account(deps, "zhang", "officer", "natural_resources")
    for _ in range(HARD_LOCK_AFTER):
        clock.advance(minutes=16)  # wait out every back-off
        attempt(app, deps, clock, "zhang", PASSWORD, "000000")
    assert deps.repos.staff.get("zhang").hard_locked
    clock.advance(days=1)
    assert attempt(app, deps, clock, "zhang", PASSWORD, pyotp.TOTP(acc.secret).at(clock.now())).status_code == 401
    admin = signed_in(app, deps, clock, "admin")
    assert "已锁定" in admin.get("/staff/admin/accounts").get_data(as_text=True)
    assert admin.post("/staff/admin/accounts/unlock", {"username": "zhang"}).status_code == 303
    clock.advance(seconds=30)
    assert attempt(app, deps, clock, "zhang", PASSWORD, pyotp.TOTP(acc.secret).at(clock.now())).status_code == 303


def test_forms_without_a_valid_csrf_token_are_refused(app, deps, clock):
    c = file(deps)
    staff = signed_in(app, deps, clock, "officer")
    for token in (None, "forged", csrf_from(Staff(app, deps, clock, None).get("/staff/login").get_data(as_text=True))):
        data = {"note": "x"} if token is None else {"note": "x", "csrf_token": token}
        response = staff.post(f"/staff/tickets/{c.complaint_id}/accept", data, csrf=False)
        assert response.status_code == 400 and "表单已过期或来源不明" in response.get_data(as_text=True)
    assert deps.repos.complaints.get(c.complaint_id).status.value == "received"
    for path in ("/staff/logout", "/staff/password"):
        assert staff.post(path, {}, csrf=False).status_code == 400
    assert staff.get("/staff/queue").status_code == 200  # still signed in: the logout was refused
    browser = Staff(app, deps, clock, None)
    browser.get("/staff/login")
    assert browser.post("/staff/login", {"username": "officer", "password": PASSWORD}, csrf=False).status_code == 400


def test_citizen_pages_and_the_api_need_no_csrf_token_and_set_no_cookie(client):
    home = client.get("/", base_url=PUBLIC_URL)
    assert "Set-Cookie" not in home.headers
    form = client.get("/report", base_url=PUBLIC_URL)
    assert "Set-Cookie" not in form.headers
    filed = client.post("/report", base_url=PUBLIC_URL, data={
        "token": form_token(form.get_data(as_text=True)), "category": "c1-no-planning-permit",
        "description": "有人在农田里违法建房。", "lat": "26.46", "lng": "113.85"})
    assert filed.status_code == 200 and "receipt-number" in filed.get_data(as_text=True)
    assert "Set-Cookie" not in filed.headers
    token = client.post("/api/v1/filing-tokens", base_url=PUBLIC_URL)
    assert token.status_code == 201 and "Set-Cookie" not in token.headers
    status = client.post("/api/v1/status", base_url=PUBLIC_URL, json={"receipt": "1234567812345678"})
    assert status.status_code == 400 and "Set-Cookie" not in status.headers


def test_the_staff_cookie_is_strict_and_holds_only_a_random_session_id(app, deps, clock):
    staff = Staff(app, deps, clock, account(deps, "zhang", "officer", "natural_resources"))
    first = staff.get("/staff/login")
    cookie = first.headers["Set-Cookie"]
    for attribute in ("portal_staff=", "Secure", "HttpOnly", "Path=/staff", "SameSite=Strict"):
        assert attribute in cookie
    sid = re.search(r"portal_staff=([^;]+)", cookie).group(1)
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", sid)  # 32 random bytes, nothing else
    staff.token = csrf_from(first.get_data(as_text=True))
    after_password = staff.post("/staff/login", {"username": "zhang", "password": PASSWORD})
    rotated = re.search(r"portal_staff=([^;]+)", after_password.headers["Set-Cookie"]).group(1)
    assert rotated != sid  # a new id for each stage of the login (no session fixation)
    assert deps.repos.sessions.get(staff_auth._hash(deps, sid)) is None
    assert deps.store.get(f"SESS#{sid}", "#") is None  # the store keys sessions by a keyed hash only


def test_idle_timeout_ends_the_session(app, deps, clock, settings):
    staff = signed_in(app, deps, clock, "officer")
    clock.advance(seconds=settings.idle_timeout_seconds - 60)
    assert staff.get("/staff/queue").status_code == 200  # activity keeps it alive
    clock.advance(seconds=settings.idle_timeout_seconds - 60)
    assert staff.get("/staff/queue").status_code == 200
    clock.advance(seconds=settings.idle_timeout_seconds + 1)
    response = staff.get("/staff/queue")
    assert response.status_code == 303 and response.headers["Location"].endswith("/staff/login")
    login = staff.get("/staff/login").get_data(as_text=True)
    assert "登录已超时" in login


def test_a_session_ends_after_12_hours_however_active(app, deps, clock):
    staff = signed_in(app, deps, clock, "officer")
    for _ in range(12 * 6 - 1):
        clock.advance(minutes=10)
        assert staff.get("/staff/queue").status_code == 200
    clock.advance(minutes=10)
    assert staff.get("/staff/queue").status_code == 303


def test_logout_deletes_the_session(app, deps, clock):
    staff = signed_in(app, deps, clock, "officer")
    sid = staff.client.get_cookie("portal_staff", domain="portal.test", path="/staff").value
    response = staff.post("/staff/logout")
    assert response.status_code == 303 and "portal_staff=;" in response.headers["Set-Cookie"]
    assert deps.repos.sessions.get(staff_auth._hash(deps, sid)) is None
    replay = Staff(app, deps, clock, None)
    replay.client.set_cookie("portal_staff", sid, domain="portal.test", path="/staff")
    assert replay.get("/staff/queue").status_code == 303
    assert "您已退出登录" in staff.get("/staff/login?bye=1").get_data(as_text=True)


def test_password_change_needs_password_and_code_and_ends_other_sessions(app, deps, clock):
    acc = account(deps, "zhang", "officer", "natural_resources")
    laptop = Staff(app, deps, clock, acc).login()
    phone = Staff(app, deps, clock, acc).login()
    clock.advance(seconds=30)
    wrong = laptop.post("/staff/password", {"current": "not-my-password", "code": laptop.code(),
                                            "password": "a-brand-new-password", "confirm": "a-brand-new-password"})
    assert wrong.status_code == 400 and "当前密码或动态验证码不正确" in wrong.get_data(as_text=True)
    short = laptop.post("/staff/password", {"current": PASSWORD, "code": laptop.code(), "password": "short",
                                            "confirm": "short"})
    assert short.status_code == 400 and "至少需要 12 个字符" in short.get_data(as_text=True)
    clock.advance(seconds=30)
    done = laptop.post("/staff/password", {"current": PASSWORD, "code": laptop.code(),
                                           "password": "a-brand-new-password", "confirm": "a-brand-new-password"})
    assert done.status_code == 303
    assert laptop.get("/staff/queue").status_code == 200  # this session goes on under a new id
    assert phone.get("/staff/queue").status_code == 303  # every other session has ended
    clock.advance(seconds=30)
    old = Staff(app, deps, clock, acc)
    assert attempt(app, deps, clock, "zhang", PASSWORD, old.code()).status_code == 401
    clock.advance(minutes=1)
    acc.password = "a-brand-new-password"
    Staff(app, deps, clock, acc).login()


def one_time_password(page) -> tuple[str, str]:
    """The secret and the one-time password a web TOTP reset shows once."""
    html = page.get_data(as_text=True)
    uri = re.search(r'id="otpauth">([^<]+)<', html).group(1).replace("&amp;", "&")
    return pyotp.parse_uri(uri).secret, re.search(r'id="one-time-password">([^<]+)<', html).group(1)


def test_admin_resets_a_lost_totp_with_a_one_time_password_that_must_be_changed(app, deps, clock):
    """Review staff #5 and #6: a web reset ends the person's sessions, replaces the password with a
    one-time one (the admin no longer holds a working pair of the person's own password and a new
    secret without the person noticing), and that password must be changed before any page."""
    c = file(deps)
    acc = account(deps, "zhang", "officer", "natural_resources")
    laptop = Staff(app, deps, clock, acc).login()
    admin = signed_in(app, deps, clock, "admin")
    page = admin.post("/staff/admin/accounts/reset-totp", {"username": "zhang"})
    assert page.status_code == 200 and "<svg" in page.get_data(as_text=True)
    new_secret, temporary = one_time_password(page)
    assert new_secret != acc.secret and len(temporary) >= staff_accounts.PASSWORD_MIN
    entry = next(a for a in deps.repos.audit.recent("430225") if a["action"] == "totp_reset")
    assert entry["actor"] == "admin" and temporary not in str(entry) and new_secret not in str(entry)
    # the session that was open before the reset has ended, at once
    ended = laptop.get("/staff/queue")
    assert ended.status_code == 303 and ended.headers["Location"].endswith("/staff/login")
    clock.advance(seconds=30)
    assert attempt(app, deps, clock, "zhang", PASSWORD, pyotp.TOTP(acc.secret).at(clock.now())).status_code == 401
    clock.advance(seconds=30)
    assert attempt(app, deps, clock, "zhang", PASSWORD, pyotp.TOTP(new_secret).at(clock.now())).status_code == 401
    clock.advance(seconds=30)
    acc.password, acc.secret = temporary, new_secret
    person = Staff(app, deps, clock, acc).login()
    # every staff page (and every action) leads to the password change until it is done
    for response in (person.get("/staff/queue"), person.get(f"/staff/tickets/{c.complaint_id}"),
                     person.act(c.complaint_id, "accept", {"note": "x"})):
        assert response.status_code == 303 and response.headers["Location"].endswith("/staff/password")
    assert deps.repos.complaints.get(c.complaint_id).status.value == "received"
    assert "一次性密码" in person.get("/staff/password").get_data(as_text=True)
    clock.advance(seconds=30)
    done = person.post("/staff/password", {"current": temporary, "code": person.code(),
                                           "password": "only-zhang-knows-this", "confirm": "only-zhang-knows-this"})
    assert done.status_code == 303
    assert person.get("/staff/queue").status_code == 200
    assert not deps.repos.staff.get("zhang").must_change_password
    assert admin.post("/staff/admin/accounts/reset-totp", {"username": "nobody"}).status_code == 404


def test_the_web_reset_refuses_the_admins_own_account_and_admin_or_custodian_accounts(app, deps, clock):
    """Review staff #6: whoever resets holds both factors for a moment; for the roles that would
    make an administrator a second person (admin, custodian) and for one's own account, only the
    command line resets."""
    account(deps, "admin-2", "admin", "leading_group_office")
    account(deps, "keeper", "custodian", "leading_group_office")
    admin = signed_in(app, deps, clock, "admin")
    before = {u: deps.repos.staff.get(u).totp_envelope for u in ("admin", "admin-2", "keeper")}
    for username, message in (("admin", "不能在网页上重置自己账号"), ("admin-2", "只能在服务器命令行上重置"),
                              ("keeper", "只能在服务器命令行上重置")):
        refused = admin.post("/staff/admin/accounts/reset-totp", {"username": username})
        assert refused.status_code == 403 and message in refused.get_data(as_text=True)
        assert deps.repos.staff.get(username).totp_envelope == before[username]
    assert not any(a["action"] == "totp_reset" for a in deps.repos.audit.recent("430225"))
    listing = admin.get("/staff/admin/accounts").get_data(as_text=True)
    assert 'name="username" value="keeper"><button type="submit" class="button small">重置' not in listing
    # the command line still can (the operator of the server)
    assert staff_accounts.reset_totp(deps, "keeper", clock.now()).password is None


def test_a_generated_password_must_be_changed_at_the_first_login(app, deps, clock):
    provisioned = staff_accounts.create(deps, county=deps.counties.default, username="li.si", unit="xiayang",
                                        role="township", display_name="李四", password=None, now=clock.now())
    assert provisioned.password and provisioned.account.must_change_password
    person = Staff(app, deps, clock, Account("li.si", provisioned.password,
                                             pyotp.parse_uri(provisioned.otpauth_uri).secret)).login()
    assert person.get("/staff/").headers["Location"].endswith("/staff/password")
    clock.advance(seconds=30)
    person.post("/staff/password", {"current": provisioned.password, "code": person.code(),
                                    "password": "li-si-own-password", "confirm": "li-si-own-password"})
    assert person.get("/staff/queue").status_code == 200
    # a password piped to the command line (chosen by the person, at the terminal) needs no change
    account(deps, "wang.wu", "officer", "housing")
    assert not deps.repos.staff.get("wang.wu").must_change_password


def test_deactivation_ends_every_session_at_once_and_refuses_login(app, deps, clock):
    """Review staff #5: access can be revoked, on the admin page (audited, CSRF, never one's own)."""
    acc = account(deps, "zhang", "officer", "natural_resources")
    laptop = Staff(app, deps, clock, acc).login()
    admin = signed_in(app, deps, clock, "admin")
    assert admin.post("/staff/admin/accounts/deactivate", {"username": "zhang"}, csrf=False).status_code == 400
    assert laptop.get("/staff/queue").status_code == 200
    assert admin.post("/staff/admin/accounts/deactivate", {"username": "zhang"}).status_code == 303
    ended = laptop.get("/staff/queue")
    assert ended.status_code == 303 and ended.headers["Location"].endswith("/staff/login")
    assert "登录已超时或已失效" in laptop.get("/staff/login").get_data(as_text=True)
    clock.advance(seconds=30)
    assert attempt(app, deps, clock, "zhang", PASSWORD, pyotp.TOTP(acc.secret).at(clock.now())).status_code == 401
    assert "已停用" in admin.get("/staff/admin/accounts").get_data(as_text=True)
    entry = next(a for a in deps.repos.audit.recent("430225") if a["action"] == "account_deactivated")
    assert entry["actor"] == "admin" and entry["detail"]["account"] == "zhang"
    own = admin.post("/staff/admin/accounts/deactivate", {"username": "admin"})
    assert own.status_code == 403 and "不能停用自己的账号" in own.get_data(as_text=True)
    assert deps.repos.staff.get("admin").active
    # reactivation lets the person sign in again; the session of before stays ended
    clock.advance(seconds=30)
    assert admin.post("/staff/admin/accounts/reactivate", {"username": "zhang"}).status_code == 303
    assert laptop.get("/staff/queue").status_code == 303
    Staff(app, deps, clock, acc).login()
    assert any(a["action"] == "account_reactivated" for a in deps.repos.audit.recent("430225"))


def test_a_command_line_totp_reset_or_a_hard_lock_ends_every_session(app, deps, clock):
    """Review staff #5: a reset authenticator or a locked account keeps no live session."""
    acc = account(deps, "zhang", "officer", "natural_resources")
    laptop = Staff(app, deps, clock, acc).login()
    staff_accounts.reset_totp(deps, "zhang", clock.now())
    assert laptop.get("/staff/queue").status_code == 303
    acc.secret = pyotp.parse_uri(staff_accounts.provisioning_uri(deps, deps.repos.staff.get("zhang"))).secret
    clock.advance(seconds=30)
    laptop = Staff(app, deps, clock, acc).login()
    assert laptop.get("/staff/queue").status_code == 200
    # someone who has the password but not the authenticator fails the code until the lock
    for _ in range(HARD_LOCK_AFTER):
        for _ in range(4):  # wait out the back-off while the person goes on working
            clock.advance(minutes=4, seconds=5)
            assert laptop.get("/staff/password").status_code == 200
        attempt(app, deps, clock, "zhang", PASSWORD, "000000")
    assert deps.repos.staff.get("zhang").hard_locked
    assert laptop.get("/staff/queue").status_code == 303


def test_wrong_passwords_never_lock_the_account(app, deps, clock):
    """Review staff #9: with only a username nobody can lock an account (a custodian, an admin)."""
    acc = account(deps, "zhang", "officer", "natural_resources")
    for _ in range(HARD_LOCK_AFTER + 5):
        assert attempt(app, deps, clock, "zhang", "wrong-password-123", "000000").status_code == 401
    stored = deps.repos.staff.get("zhang")
    assert stored.failed_logins == 0 and not stored.hard_locked and stored.locked_until is None
    assert attempt(app, deps, clock, "zhang", PASSWORD, pyotp.TOTP(acc.secret).at(clock.now())).status_code == 303


def test_failed_logins_are_limited_per_client_with_a_clear_message(app, deps, clock):
    """Review staff #9: guessing is limited per client (a keyed hash of the address), counting
    every failed login alike, so that the count does not tell whether a password was right."""
    acc = account(deps, "zhang", "officer", "natural_resources")
    limit = ratelimit.allowed(deps, staff_auth.LOGIN_MISS)
    for n in range(limit):
        password = PASSWORD if n % 2 else "wrong-password-123"
        username = "zhang" if n % 3 else "nobody"
        clock.advance(seconds=1)
        assert attempt(app, deps, clock, username, password, "000000").status_code == 401
    browser = Staff(app, deps, clock, None)
    refused = browser.password_step("zhang", PASSWORD)
    assert refused.status_code == 429 and "登录失败的次数太多" in refused.get_data(as_text=True)
    # even the right password and code from this client wait for the next hour
    with pytest.raises(staff_auth.TooManyFailures):
        staff_auth.check_password(deps, "zhang", PASSWORD, clock.now(), staff_auth_client(deps, clock))
    # another client is not affected
    other = Staff(app, deps, clock, acc)
    other.client.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    clock.advance(minutes=16)  # the account's own back-off from the wrong codes
    other.login()
    clock.advance(hours=1)
    assert attempt(app, deps, clock, "zhang", PASSWORD, Staff(app, deps, clock, acc).code()).status_code == 303


def staff_auth_client(deps, clock) -> str:
    """The key the web layer derives for the test client's address."""
    return ratelimit.client_key(deps, "127.0.0.1", clock.now())


def test_every_failure_at_the_code_step_does_the_same_work(deps, clock, monkeypatch):
    """Review staff #10: unknown user, wrong password, locked account and wrong code take the
    same path: one keyring decryption, one record written, one client counter (no timing)."""
    account(deps, "zhang", "officer", "natural_resources")
    account(deps, "lisi", "officer", "natural_resources")
    stored = deps.repos.staff.get("lisi")
    stored.hard_locked = True
    deps.repos.staff.save(stored)
    calls: list[str] = []
    real_decrypt, real_write, real_increment = deps.keyring.decrypt, deps.store.write, deps.store.increment
    monkeypatch.setattr(deps.keyring, "decrypt", lambda *a, **k: calls.append("decrypt") or real_decrypt(*a, **k))
    monkeypatch.setattr(deps.store, "write", lambda ops: calls.append(f"write{len(ops)}") or real_write(ops))
    monkeypatch.setattr(deps.store, "increment", lambda *a, **k: calls.append("increment") or real_increment(*a, **k))
    cases = {"unknown user": ("nobody", PASSWORD), "wrong password": ("zhang", "wrong-password-123"),
             "locked account": ("lisi", PASSWORD), "wrong code": ("zhang", PASSWORD)}
    shapes = {}
    for name, (username, password) in cases.items():
        step = staff_auth.check_password(deps, username, password, clock.now())
        calls.clear()
        with pytest.raises(staff_auth.LoginFailed):
            staff_auth.complete_login(deps, step, "000000", clock.now(), "client")
        shapes[name] = sorted(calls)
    assert all(shape == ["decrypt", "increment", "write1"] for shape in shapes.values()), shapes


@pytest.mark.parametrize("role,landing", [("officer", "/staff/queue"), ("admin", "/staff/admin/accounts"),
                                          ("finance", "/staff/rewards"), ("custodian", "/staff/disclosures")])
def test_each_role_lands_on_its_page(app, deps, clock, role, landing):
    staff = signed_in(app, deps, clock, role)
    response = staff.get("/staff/")
    if landing:
        assert response.status_code == 303 and response.headers["Location"].endswith(landing)
    else:
        assert response.status_code == 200 and "看不到任何举报内容" in response.get_data(as_text=True)
