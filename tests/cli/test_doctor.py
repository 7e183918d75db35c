"""`portal doctor`: each check finds what it is for and says what to do."""

from __future__ import annotations

import os
from collections import namedtuple
from datetime import datetime, timedelta, timezone

from pathlib import Path

from click.testing import CliRunner

from portal.cli import main
from portal.ports import SmsTemporaryError
from portal.services import calendar_admin
from portal.services.operations import doctor
from tests.services.helpers import file

SPRING = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)


def by_check(findings):
    out = {}
    for f in findings:
        out.setdefault(f.check, []).append(f)
    return out


def levels(findings, check):
    return [f.level for f in by_check(findings)[check]]


def test_a_fresh_installation_is_healthy(deps, settings):
    settings.data_path.chmod(0o700)
    findings = doctor.examine(settings, SPRING, store=deps.store)
    assert [f for f in findings if f.level == doctor.FAIL] == []
    assert levels(findings, "key files") == ["ok"] and set(levels(findings, "data dir")) == {"ok"}
    assert levels(findings, "calendar") == ["ok"] and levels(findings, "SMS outbox") == ["ok"]


def test_a_key_file_others_can_read_fails_with_the_command_that_fixes_it(deps, settings):
    key = settings.key_path.parent / "hash-key"
    key.chmod(0o644)
    (finding,) = by_check(doctor.examine(settings, SPRING, store=deps.store))["key files"]
    assert finding.level == doctor.FAIL and finding.fix == f"chmod 600 {key}"
    settings.data_path.chmod(0o755)
    data = by_check(doctor.examine(settings, SPRING, store=deps.store))["data dir"][0]
    assert data.level == doctor.WARN and data.fix == f"chmod -R go-rwx {settings.data_path}"


def test_a_broken_county_file_is_named_even_though_the_portal_would_not_start(deps, tmp_path):
    from portal.config import Settings

    bad = tmp_path / "county.yaml"
    bad.write_text("code: '12'\nname: x\n")
    settings = Settings.from_env({}, data_dir=str(tmp_path / "d"), county_files=str(bad))
    (finding,) = by_check(doctor.examine(settings, SPRING, store=deps.store))["county file"]
    assert finding.level == doctor.FAIL and "county.yaml" in finding.detail


def test_the_calendar_must_cover_this_year_and_in_autumn_the_next(deps, settings):
    assert levels(doctor.examine(settings, datetime(2031, 3, 2, tzinfo=timezone.utc), store=deps.store),
                  "calendar") == ["fail"]
    autumn = datetime(2026, 11, 2, tzinfo=timezone.utc)
    (finding,) = by_check(doctor.examine(settings, autumn, store=deps.store))["calendar"]
    assert finding.level == doctor.WARN and "portal calendar import YEAR FILE" in finding.fix
    deps.repos.calendar.set(datetime(2027, 1, 1).date(), False, "元旦", "test", autumn)  # by hand: still not official
    assert levels(doctor.examine(settings, autumn, store=deps.store), "calendar") == ["warn"]
    notice = (Path(__file__).parents[1] / "fixtures" / "calendar" / "2027-test-arrangement.yaml").read_text()
    calendar_admin.import_year(deps, calendar_admin.parse_arrangement(2027, notice), "test", autumn)
    assert levels(doctor.examine(settings, autumn, store=deps.store), "calendar") == ["ok"]


def test_low_disk_space_fails_before_filing_does(deps, settings, monkeypatch):
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(doctor.shutil, "disk_usage", lambda path: usage(100 * 2 ** 30, 99 * 2 ** 30, 100 * 2 ** 20))
    (finding,) = by_check(doctor.examine(settings, SPRING, store=deps.store))["disk space"]
    assert finding.level == doctor.FAIL and "0.1 GiB free" in finding.detail
    monkeypatch.setattr(doctor.shutil, "disk_usage", lambda path: usage(100 * 2 ** 30, 95 * 2 ** 30, 5 * 2 ** 30))
    assert levels(doctor.examine(settings, SPRING, store=deps.store), "disk space") == ["warn"]  # under 10 %


def test_sms_waiting_in_the_outbox_is_a_backlog(deps, settings, clock, monkeypatch):
    def down(*args, **kwargs):
        raise SmsTemporaryError("503")

    monkeypatch.setattr(deps.sms, "send", down)
    file(deps, phone="13800138000")
    assert levels(doctor.examine(settings, clock.now(), store=deps.store), "SMS outbox") == ["ok"]
    (finding,) = by_check(doctor.examine(settings, clock.now() + timedelta(hours=1), store=deps.store))["SMS outbox"]
    assert finding.level == doctor.WARN and finding.detail.startswith("1 SMS waiting")


def test_the_command_prints_what_to_fix_and_fails_on_a_failure(tmp_path):
    data = tmp_path / "data"
    assert CliRunner().invoke(main, ["db", "init", "--data-dir", str(data)]).exit_code == 0
    CliRunner().invoke(main, ["staff", "list", "--data-dir", str(data)])  # creates the key files
    os.chmod(data / "keys" / "master.key", 0o640)
    result = CliRunner().invoke(main, ["doctor", "--data-dir", str(data)])
    assert result.exit_code == 1
    assert f"FAIL  key files: {data / 'keys' / 'master.key'} has mode 640" in result.stdout
    assert f"      fix: chmod 600 {data / 'keys' / 'master.key'}" in result.stdout
