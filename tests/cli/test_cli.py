"""The `portal` command: deadlines, the calendar's override table, the sweeper, API keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from portal.cli import main
from portal.config import Settings
from portal.services.deps import build_deps
from portal.timeutil import iso_local, parse_iso
from tests.services.helpers import file


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_DATA_DIR", str(tmp_path / "data"))
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.mark.parametrize("start,n,expected", [
    ("2026-02-13T10:00:00+08:00", 3, "2026-02-25T23:59:59+08:00"),
    ("2026-02-13T17:30:00Z", 3, "2026-02-26T23:59:59+08:00"),
    ("2026-09-29T07:00:00Z", 7, "2026-10-14T23:59:59+08:00"),
])
def test_004_c20_deadline_prints_the_due_instant(run, start, n, expected):
    result = run("deadline", "--from", start, "--working-days", str(n))
    assert result.exit_code == 0
    assert result.stdout.strip() == expected


def test_deadline_refuses_a_naive_instant(run):
    result = CliRunner().invoke(main, ["deadline", "--from", "2026-02-13T10:00:00", "--working-days", "3"])
    assert result.exit_code != 0 and "offset" in result.output


def test_deadline_says_when_it_is_provisional(run):
    result = run("deadline", "--from", "2026-12-30T10:00:00+08:00", "--working-days", "3")
    assert result.stdout.strip() == "2027-01-05T23:59:59+08:00"
    assert "provisional" in result.stderr


ARRANGEMENT_2027 = Path(__file__).resolve().parents[1] / "fixtures" / "calendar" / "2027-test-arrangement.yaml"


def _late_december_ticket(tmp_path):
    settings = Settings.from_env({}, data_dir=str(tmp_path / "data"))

    class Clock:
        def now(self):
            return parse_iso("2026-12-30T10:00:00+08:00")

    deps = build_deps(settings, clock=Clock())
    complaint, _ = file(deps)
    deps.close()
    return settings, Clock, complaint


def test_004_c20_a_day_set_by_hand_moves_deadlines_but_the_year_stays_provisional(run, tmp_path):
    """The bug of issue 14: `portal calendar set 2027-02-09 holiday` listed all of 2027 as an
    official arrangement, and due dates on holidays nobody entered lost their provisional mark."""
    settings, Clock, complaint = _late_december_ticket(tmp_path)
    acceptance = complaint.clocks["acceptance"]
    assert acceptance.provisional
    before = acceptance.due_at

    listed = run("calendar", "list", "2027")
    assert "PROVISIONAL" in listed.stdout and "2027-01-01 holiday  (statutory holiday)" in listed.stdout
    assert "portal calendar import 2027 FILE" in listed.stdout
    result = run("calendar", "set", "2027-01-04", "holiday", "--note", "县里临时通知")
    assert result.exit_code == 0 and "1 open clock(s) recomputed" in result.stdout
    run("calendar", "set", "2027-02-09", "holiday", "--note", "县里临时通知")
    listed = run("calendar", "list", "2027")
    assert "PROVISIONAL" in listed.stdout and "official" not in listed.stdout
    assert "2027-01-04 holiday  (set by hand: 县里临时通知)" in listed.stdout
    assert run("deadline", "--from", "2026-12-30T10:00:00+08:00", "--working-days", "3").stdout.strip() \
        == "2027-01-06T23:59:59+08:00"
    assert "provisional" in run("deadline", "--from", "2026-12-30T10:00:00+08:00", "--working-days", "3").stderr

    deps = build_deps(settings, clock=Clock())
    moved = deps.repos.complaints.get(complaint.id).clocks["acceptance"]
    assert moved.due_at > before and moved.provisional  # still a guess: 2027 is not official
    assert any(e.kind == "clocks_recomputed" for e in deps.repos.complaints.history(complaint.id))
    deps.close()


def test_004_c20_importing_the_state_council_arrangement_makes_the_year_official(run, tmp_path):
    settings, Clock, complaint = _late_december_ticket(tmp_path)
    run("calendar", "set", "2027-03-01", "holiday", "--note", "误填")  # a hand entry the notice replaces
    result = run("calendar", "import", "2027", str(ARRANGEMENT_2027))
    assert result.exit_code == 0, result.output
    assert "2027 is now official (测试用安排" in result.stdout and "29 days off, 5 make-up working days" in result.stdout
    assert "1 earlier entry replaced" in result.stdout and "1 open clock(s) recomputed" in result.stdout
    listed = run("calendar", "list", "2027").stdout
    assert listed.splitlines()[0].startswith("2027: official arrangement, imported whole: 测试用安排（非国务院正式通知）")
    assert "2027-02-14 workday  (State Council arrangement)" in listed and "2027-03-01" not in listed
    assert run("deadline", "--from", "2027-02-04T10:00:00+08:00", "--working-days", "3").stderr == ""

    deps = build_deps(settings, clock=Clock())
    stored = deps.repos.complaints.get(complaint.id).clocks["acceptance"]
    assert not stored.provisional and iso_local(stored.due_at) == "2027-01-05T23:59:59+08:00"  # Jan 1-3 off
    record = deps.repos.arrangements.get(2027)
    assert record["replaced"] == [{"date": "2027-03-01", "workday": False, "note": "误填"}]
    deps.close()


def test_an_import_that_is_not_the_whole_arrangement_changes_nothing(run, tmp_path):
    broken = tmp_path / "2027.yaml"
    broken.write_text(ARRANGEMENT_2027.read_text(encoding="utf-8").replace("  - 2027-09-15\n", ""), encoding="utf-8")
    result = CliRunner().invoke(main, ["calendar", "import", "2027", str(broken)],
                                env={"PORTAL_DATA_DIR": str(tmp_path / "data")})
    assert result.exit_code != 0 and "2027-09-15" in result.output and "not the whole arrangement" in result.output
    assert "PROVISIONAL" in run("calendar", "list", "2027").stdout
    wrong_year = CliRunner().invoke(main, ["calendar", "import", "2028", str(ARRANGEMENT_2027)],
                                    env={"PORTAL_DATA_DIR": str(tmp_path / "data")})
    assert wrong_year.exit_code != 0 and "is outside 2028" in wrong_year.output


def test_sweep_reports_json_and_dry_run(run, tmp_path):
    settings = Settings.from_env({}, data_dir=str(tmp_path / "data"))

    class Clock:
        def now(self):
            return parse_iso("2026-11-23T10:00:00+08:00")

    deps = build_deps(settings, clock=Clock())
    file(deps)
    deps.close()
    dry = run("sweep", "--now", "2026-11-30T12:00:00+08:00", "--dry-run")
    assert json.loads(dry.stdout)["would"] and json.loads(dry.stdout)["breaches"] == 0
    real = run("sweep", "--now", "2026-11-30T12:00:00+08:00")
    report = json.loads(real.stdout)
    assert report["breaches"] >= 2 and report["errors"] == 0
    again = json.loads(run("sweep", "--now", "2026-11-30T12:00:00+08:00").stdout)
    assert again["breaches"] == 0


def test_apikey_add_prints_the_key_once_and_stores_its_hash(run, tmp_path):
    result = run("apikey", "add", "hotline-12345", "--scope", "staff")
    key = result.stdout.strip()
    assert key.startswith("k_") and len(key) > 30
    database = (tmp_path / "data" / "portal.sqlite3").read_bytes()
    assert key.encode() not in database
    bad = CliRunner().invoke(main, ["apikey", "add", "<script>"])
    assert bad.exit_code != 0


def test_db_init_creates_the_database(run, tmp_path):
    result = run("db", "init")
    assert result.exit_code == 0 and (tmp_path / "data" / "portal.sqlite3").exists()


def serve_through_waitress(run, monkeypatch, *args) -> list[int]:
    """`portal serve` as run, its app and options handed to a real waitress server on a free
    loopback port; returns the answers to eleven wrong receipts, each posted with another
    ``X-Forwarded-For`` (the client's own claim, then the proxy's entry), and then to one
    whose proxy entry differs."""
    import threading
    import urllib.error
    import urllib.request

    import waitress

    captured = {}
    monkeypatch.setattr(waitress, "serve", lambda app, **options: captured.update(app=app, options=options))
    run("serve", "--sweep-every", "0", *args)
    options = {k: v for k, v in captured["options"].items() if k not in ("host", "port")}
    server = waitress.create_server(captured["app"], host="127.0.0.1", port=0, **options)
    stop = threading.Event()

    def loop():  # the server's own loop, a pass at a time, so that it ends before the socket closes
        while not stop.is_set():
            server.asyncore.loop(timeout=0.05, map=server._map, count=1)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()

    def wrong_receipt(forwarded_for: str) -> int:
        request = urllib.request.Request(f"http://127.0.0.1:{server.effective_port}/status",
                                         data=b"receipt=1234567812345678", headers={
                                             "Content-Type": "application/x-www-form-urlencoded",
                                             "X-Forwarded-For": forwarded_for})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    try:
        answers = [wrong_receipt(f"6.6.6.{n}, 203.0.113.9") for n in range(11)]
        return answers + [wrong_receipt("6.6.6.6, 203.0.113.10")]
    finally:
        stop.set()
        thread.join(timeout=30)
        server.close()
        server.task_dispatcher.shutdown()


def test_behind_the_trusted_proxy_the_client_is_the_address_the_proxy_appended(run, monkeypatch):
    """PORTAL_TRUSTED_PROXY: waitress takes the last X-Forwarded-For entry (the one the proxy
    added) from that proxy alone, so clients behind a TLS proxy are told apart, and what a client
    writes into the header itself changes nothing."""
    monkeypatch.setenv("PORTAL_TRUSTED_PROXY", "127.0.0.1")
    answers = serve_through_waitress(run, monkeypatch)
    assert answers == [400] * 10 + [429] + [400]  # 203.0.113.9 is limited; 203.0.113.10 is another client


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(run, monkeypatch):
    monkeypatch.delenv("PORTAL_TRUSTED_PROXY", raising=False)
    answers = serve_through_waitress(run, monkeypatch)
    assert answers == [400] * 10 + [429] + [429]  # everyone is the connecting address


def test_the_trusted_proxy_must_be_an_address(monkeypatch):
    from portal.config import SettingsError

    with pytest.raises(SettingsError, match="PORTAL_TRUSTED_PROXY"):
        Settings.from_env({"PORTAL_TRUSTED_PROXY": "proxy.example"})


def test_serve_stops_the_background_sweeper_before_it_closes_the_store(run, monkeypatch):
    """A sweep under way must end before the store closes under it (a connection closed under
    a statement crashed the process)."""
    import waitress

    import portal.cli as cli
    from portal.services import background

    events = []

    class Sweeping:
        def stop(self):
            events.append("sweeper stopped")
            return True

    real_deps = cli._deps

    def recording_deps(settings):
        deps = real_deps(settings)
        close = deps.close
        deps.close = lambda: (events.append("store closed"), close())
        return deps

    monkeypatch.setattr(cli, "_deps", recording_deps)
    monkeypatch.setattr(background, "start_sweeper", lambda deps, every: events.append(f"sweeping every {every}") or Sweeping())
    monkeypatch.setattr(waitress, "serve", lambda app, **options: events.append("served"))
    result = run("serve", "--sweep-every", "5")
    assert events == ["sweeping every 5", "served", "sweeper stopped", "store closed"]
    assert "Stopped" in result.output
