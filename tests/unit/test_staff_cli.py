"""``portal staff ...`` and the demo accounts: Argon2id passwords of at least 12 characters,
TOTP secrets as keyring envelopes, roles that fit their unit's kind."""

from __future__ import annotations

import re

import pyotp
import pytest
from click.testing import CliRunner

from portal.cli import main
from portal.config import Settings
from portal.ports import DecryptionError
from portal.services import demo, staff_accounts
from portal.services.deps import build_deps


@pytest.fixture
def data_dir(tmp_path):
    return str(tmp_path / "data")


def run(data_dir, *args, input=None):
    return CliRunner().invoke(main, ["staff", *args, "--data-dir", data_dir], input=input, env={"PORTAL_DEMO": None})


def stored(data_dir, username):
    deps = build_deps(Settings.from_env({}, data_dir=data_dir))
    try:
        return deps, deps.repos.staff.get(username)
    finally:
        deps.close()


def test_add_with_a_piped_password_prints_the_otpauth_uri_and_a_qr_code(data_dir):
    result = run(data_dir, "add", "--username", "zhang.san", "--department", "natural_resources", "--role", "officer",
                 "--name", "张三", input="a-long-enough-password\n")
    assert result.exit_code == 0, result.output
    uri = re.search(r"otpauth://\S+", result.output).group(0)
    parsed = pyotp.parse_uri(uri)
    assert parsed.issuer == "炎陵县" and parsed.name == "zhang.san"
    assert "█" in result.output or "▀" in result.output  # the terminal QR code
    assert "Password (shown once)" not in result.output
    deps, account = stored(data_dir, "zhang.san")
    assert account.role.value == "officer" and account.display_name == "张三"
    assert account.password_hash.startswith("$argon2id$")
    assert staff_accounts.verify_password(account.password_hash, "a-long-enough-password")
    assert "a-long-enough-password" not in account.password_hash
    # the TOTP secret is an envelope bound to this account's record
    assert parsed.secret not in account.totp_envelope
    assert deps.keyring.decrypt(account.totp_envelope,
                                {"record": "staff/zhang.san", "field": "totp"}).decode() == parsed.secret
    with pytest.raises(DecryptionError):
        deps.keyring.decrypt(account.totp_envelope, {"record": "staff/li.si", "field": "totp"})


def test_add_without_a_password_generates_one_and_prints_it_once(data_dir):
    result = run(data_dir, "add", "--username", "li.si", "--department", "xiayang", "--role", "township")
    assert result.exit_code == 0, result.output
    password = re.search(r"Password \(shown once\): (\S+)", result.output).group(1)
    assert len(password) >= staff_accounts.PASSWORD_MIN
    _, account = stored(data_dir, "li.si")
    assert staff_accounts.verify_password(account.password_hash, password)


@pytest.mark.parametrize("args,message", [
    (["--department", "xiayang", "--role", "officer"], "只能设在 bureau 类单位"),
    (["--department", "natural_resources", "--role", "township"], "只能设在 township 类单位"),
    (["--department", "natural_resources", "--role", "supervisor"], "只能设在 oversight 类单位"),
    (["--department", "finance", "--role", "discipline"], "只能设在 discipline 类单位"),
    (["--department", "nowhere", "--role", "officer"], "不存在"),
    (["--department", "natural_resources", "--role", "boss"], "角色不存在"),
])
def test_a_role_must_fit_the_kind_of_its_unit(data_dir, args, message):
    result = run(data_dir, "add", "--username", "wang.wu", *args, input="a-long-enough-password\n")
    assert result.exit_code == 1 and message in result.output
    assert stored(data_dir, "wang.wu")[1] is None


def test_passwords_shorter_than_12_characters_and_taken_usernames_are_refused(data_dir):
    short = run(data_dir, "add", "--username", "wang.wu", "--department", "housing", "--role", "head",
                input="elevenchars\n")
    assert short.exit_code == 1 and "至少需要 12 个字符" in short.output
    ok = run(data_dir, "add", "--username", "wang.wu", "--department", "housing", "--role", "head",
             input="twelve-chars\n")
    assert ok.exit_code == 0
    again = run(data_dir, "add", "--username", "wang.wu", "--department", "housing", "--role", "officer",
                input="another-password\n")
    assert again.exit_code == 1 and "已经存在" in again.output
    bad_name = run(data_dir, "add", "--username", "王五", "--department", "housing", "--role", "head",
                   input="twelve-chars\n")
    assert bad_name.exit_code == 1 and "用户名" in bad_name.output


def test_reset_totp_unlock_and_list(data_dir):
    first = run(data_dir, "add", "--username", "zhao.liu", "--department", "housing", "--role", "officer",
                input="a-long-enough-password\n")
    old_secret = pyotp.parse_uri(re.search(r"otpauth://\S+", first.output).group(0)).secret
    deps = build_deps(Settings.from_env({}, data_dir=data_dir))
    account = deps.repos.staff.get("zhao.liu")
    account.totp_last_step = 99
    for _ in range(10):
        account.record_failure(deps.clock.now())
    deps.repos.staff.save(account)
    deps.close()
    listed = run(data_dir, "list")
    assert "zhao.liu\tofficer\thousing\tlocked\tfailed=10" in listed.output

    reset = run(data_dir, "reset-totp", "zhao.liu")
    assert reset.exit_code == 0
    new_secret = pyotp.parse_uri(re.search(r"otpauth://\S+", reset.output).group(0)).secret
    assert new_secret != old_secret
    _, account = stored(data_dir, "zhao.liu")
    assert account.totp_last_step == 0

    assert run(data_dir, "unlock", "zhao.liu").exit_code == 0
    _, account = stored(data_dir, "zhao.liu")
    assert not account.hard_locked and account.failed_logins == 0
    assert "zhao.liu\tofficer\thousing\tok\tfailed=0" in run(data_dir, "list").output
    assert run(data_dir, "unlock", "nobody").exit_code == 1


def test_production_passwords_use_argon2id_with_the_library_defaults():
    assert staff_accounts.hash_password("a-long-enough-password").startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_demo_mode_creates_one_account_per_role_once_and_prints_how_to_sign_in(tmp_path):
    settings = Settings.from_env({}, data_dir=str(tmp_path / "demo"), demo="1")
    deps = build_deps(settings)
    text = demo.welcome(deps, settings)
    again = demo.welcome(deps, settings)
    assert text == again  # idempotent: the same accounts and secrets on every start
    for username, role, unit in staff_accounts.DEMO_ACCOUNTS:
        line = next(line for line in text.splitlines() if f" {username} " in line)
        assert role.value in line and staff_accounts.demo_password(username) in line and unit in line
        account = deps.repos.staff.get(username)
        assert staff_accounts.verify_password(account.password_hash, staff_accounts.demo_password(username))
    uris = re.findall(r"otpauth://\S+", text)
    assert len(uris) == len(staff_accounts.DEMO_ACCOUNTS)
    assert {pyotp.parse_uri(u).issuer for u in uris} == {"炎陵县"}
    deps.close()


def test_demo_accounts_exist_only_in_demo_mode(tmp_path):
    from portal.domain.errors import DomainError

    settings = Settings.from_env({}, data_dir=str(tmp_path / "prod"), demo="0")
    deps = build_deps(settings)
    with pytest.raises(DomainError):
        staff_accounts.ensure_demo_accounts(deps, deps.clock.now())
    assert deps.repos.staff.in_county("430225") == []
    deps.close()


def test_add_with_a_phone_keeps_only_its_keyed_hash(data_dir):
    """The staff member's own phone, for the reward abuse check (004 C20, L17): only a keyed hash."""
    result = run(data_dir, "add", "--username", "wang.wu", "--department", "finance", "--role", "finance",
                 "--phone", "139-1234-5678", input="a-long-enough-password\n")
    assert result.exit_code == 0, result.output
    deps, account = stored(data_dir, "wang.wu")
    assert account.phone_hash == deps.hasher.digest("phone", "+8613912345678")
    assert b"13912345678" not in deps.settings.sqlite_file.read_bytes()
    refused = run(data_dir, "add", "--username", "zhao.liu", "--department", "finance", "--role", "finance",
                  "--phone", "12345", input="a-long-enough-password\n")
    assert refused.exit_code != 0 and "手机号码格式不正确" in refused.output
    assert stored(data_dir, "zhao.liu")[1] is None


def test_deactivate_ends_access_and_reactivate_restores_it(data_dir):
    """Review staff #5: access can be revoked from the command line (audited, nothing deleted)."""
    assert run(data_dir, "add", "--username", "zhao.liu", "--department", "housing", "--role", "officer",
               input="a-long-enough-password\n").exit_code == 0
    done = run(data_dir, "deactivate", "--username", "zhao.liu")
    assert done.exit_code == 0 and "deactivated" in done.output
    deps, account = stored(data_dir, "zhao.liu")
    assert not account.active and account.sessions_valid_after is not None
    assert account.login_blocked(account.sessions_valid_after)
    assert "zhao.liu\tofficer\thousing\tinactive" in run(data_dir, "list").output
    again = run(data_dir, "deactivate", "zhao.liu")
    assert again.exit_code == 1 and "已经停用" in again.output
    assert run(data_dir, "reactivate", "zhao.liu").exit_code == 0
    _, account = stored(data_dir, "zhao.liu")
    assert account.active
    deps = build_deps(Settings.from_env({}, data_dir=data_dir))
    actions = [a["action"] for a in deps.repos.audit.recent(account.county)]
    deps.close()
    assert "account_deactivated" in actions and "account_reactivated" in actions
    assert run(data_dir, "deactivate", "nobody").exit_code == 1
    assert run(data_dir, "deactivate").exit_code == 2  # no username


def test_a_generated_password_is_marked_for_change_and_a_reset_keeps_the_password(data_dir):
    run(data_dir, "add", "--username", "li.si", "--department", "xiayang", "--role", "township")
    _, account = stored(data_dir, "li.si")
    assert account.must_change_password
    before = account.password_hash
    assert run(data_dir, "reset-totp", "li.si").exit_code == 0
    _, account = stored(data_dir, "li.si")
    assert account.password_hash == before and account.sessions_valid_after is not None
