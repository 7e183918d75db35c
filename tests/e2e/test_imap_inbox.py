"""The unit's mailbox read over IMAP from a real server (dovecot, started unprivileged from a
temporary folder by ``tests/fakes/dovecot.py``), by the sweeper, as the embedded default's
background thread and the scheduled function both run it (004 C20, L17: each unit publishes
an email address). Each message is fetched once, even when two sweeps run at the same time,
and deleted (or moved) only after it is stored. Also the same hostile message through
``portal mail import`` (a file and a Maildir)."""

from __future__ import annotations

import mailbox
import os
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from portal.cli import main
from portal.config import Settings
from portal.domain.inbox import InboxStatus
from portal.services import sweeper
from portal.services.channels import imap_poll, inbox
from portal.services.deps import build_deps
from portal.store.sqlite import SqliteStore
from tests.conftest import PUBLIC_URL
from tests.fakes import mail
from tests.fakes.dovecot import Dovecot, DovecotUnavailable

UNIT = "natural_resources"


@pytest.fixture
def dovecot():
    server = Dovecot()
    try:
        server.start()
    except DovecotUnavailable as exc:  # fail, never skip: setup.sh --test installs dovecot
        pytest.fail(str(exc), pytrace=False)
    yield server
    server.stop()


def write_secret(data_dir: Path, name: str, value: str) -> None:
    keys = data_dir / "keys"
    keys.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = keys / name
    path.write_text(value)
    os.chmod(path, 0o600)


def portal_for(tmp_path, clock, dovecot, **settings):
    data = tmp_path / "data"
    write_secret(data, f"imap-password-{UNIT}", dovecot.password)
    config = Settings.from_env({}, data_dir=str(data), public_url=PUBLIC_URL, demo="1",
                               imap_inboxes=f"{UNIT}={dovecot.url()}", **settings)
    return build_deps(config, clock=clock, store=SqliteStore(config.sqlite_file, epoch=clock.epoch))


def messages_of(deps):
    return inbox.listing(deps, _officer(), "open")[0]


def _officer():
    from portal.domain.access import Actor, Role

    return Actor("mailroom", Role.OFFICER, UNIT, "430225")


def test_004_c20_the_sweeper_reads_the_hostile_email_from_the_mailbox_once(tmp_path, clock, dovecot):
    deps = portal_for(tmp_path, clock, dovecot)
    dovecot.deliver(mail.report_eml())
    report = sweeper.sweep(deps, clock.now())
    assert report.mail_stored == 1 and report.errors == 0
    assert dovecot.count() == 0  # deleted, once stored
    [line] = messages_of(deps)
    message = line.message
    assert line.subject == mail.SUBJECT and message.via == "imap" and message.status == InboxStatus.NEW
    assert [a.kept for a in message.attachments] == [True, False, False]
    assert abs((message.arrived_at - clock.now()).total_seconds()) < 600  # IMAP INTERNALDATE
    assert sweeper.sweep(deps, clock.now()).mail_stored == 0
    assert dovecot.bodies_fetched() == 1
    deps.close()


def test_two_sweeps_at_the_same_time_fetch_each_message_once(tmp_path, clock, dovecot):
    deps = portal_for(tmp_path, clock, dovecot)
    dovecot.deliver(mail.report_eml())
    for n in range(3):
        dovecot.deliver(mail.plain_eml(f"第{n}封：有人在河道边建房。", message_id=f"<n{n}@example.cn>"))
    start = threading.Barrier(2)
    reports = []

    def sweep():
        start.wait()
        reports.append(sweeper.sweep(deps, clock.now()))

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sum(r.mail_stored for r in reports) == 4 and all(r.errors == 0 for r in reports)
    assert len(messages_of(deps)) == 4 and dovecot.count() == 0
    assert dovecot.bodies_fetched() == 4
    deps.close()


def test_each_message_is_claimed_before_it_is_fetched_even_without_the_mailbox_lease(tmp_path, clock, dovecot,
                                                                                     monkeypatch):
    """Two pollers inside the mailbox at once (a lease that ran out, say): the per-UID claim
    still lets only one of them download each message."""
    deps = portal_for(tmp_path, clock, dovecot)
    for n in range(6):
        dovecot.deliver(mail.plain_eml(f"第{n}封：有人在河道边建房。", message_id=f"<m{n}@example.cn>"))
    monkeypatch.setattr(imap_poll, "_lease", lambda deps, unit, now: "always")
    start = threading.Barrier(2)
    reports = []

    def poll():
        start.wait()
        reports.append(imap_poll.poll_all(deps, clock.now()))

    threads = [threading.Thread(target=poll) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sum(r.stored for r in reports) == 6 and sum(r.errors for r in reports) == 0
    assert dovecot.bodies_fetched() == 6 and dovecot.count() == 0
    deps.close()


def test_a_message_stored_but_not_deleted_is_deleted_on_the_next_sweep_without_fetching_again(
        tmp_path, clock, dovecot, monkeypatch):
    deps = portal_for(tmp_path, clock, dovecot)
    dovecot.deliver(mail.plain_eml())
    real_after = imap_poll._after

    def broken(client, uid, after):
        raise imap_poll.MailboxError("the server went away before the deletion")

    monkeypatch.setattr(imap_poll, "_after", broken)
    report = sweeper.sweep(deps, clock.now())
    assert report.mail_stored == 1 and report.errors == 1 and dovecot.count() == 1
    monkeypatch.setattr(imap_poll, "_after", real_after)
    clock.advance(minutes=5)
    assert sweeper.sweep(deps, clock.now()).errors == 0
    assert dovecot.count() == 0 and len(messages_of(deps)) == 1 and dovecot.bodies_fetched() == 1
    deps.close()


def test_a_stored_message_can_be_moved_to_a_folder_instead(tmp_path, clock, dovecot):
    client = dovecot.client()
    client.create(imap_poll.folder_name("已处理"))
    client.logout()
    deps = portal_for(tmp_path, clock, dovecot, imap_after="move:已处理")
    dovecot.deliver(mail.plain_eml())
    assert sweeper.sweep(deps, clock.now()).mail_stored == 1
    assert dovecot.count() == 0 and dovecot.count(imap_poll.folder_name("已处理")) == 1
    assert imap_poll.folder_name("已处理") == "&XfJZBHQG-" and imap_poll.folder_name("A&B") == "A&-B"
    deps.close()


def test_a_message_over_the_limit_stays_in_the_mailbox_and_is_listed_with_the_reason(tmp_path, clock, dovecot):
    deps = portal_for(tmp_path, clock, dovecot, mail_max_bytes=str(1024 * 1024))
    dovecot.deliver(mail.report_eml(big_mb=2))
    sweeper.sweep(deps, clock.now())
    sweeper.sweep(deps, clock.now())
    [line] = messages_of(deps)
    assert line.message.status == InboxStatus.FAILED and line.message.problem == inbox.TOO_LARGE
    assert line.subject == mail.SUBJECT and dovecot.count() == 1 and dovecot.bodies_fetched() == 0
    deps.close()


def test_a_wrong_mailbox_password_is_an_error_the_sweep_reports_and_outlives(tmp_path, clock, dovecot, caplog):
    deps = portal_for(tmp_path, clock, dovecot)
    write_secret(tmp_path / "data", f"imap-password-{UNIT}", "wrong")
    deps = build_deps(deps.settings, clock=clock, store=deps.store)
    dovecot.deliver(mail.plain_eml())
    report = sweeper.sweep(deps, clock.now())
    assert report.errors == 1 and report.mail_stored == 0 and dovecot.count() == 1
    assert imap_poll.ERROR_TOKEN in caplog.text and dovecot.password not in caplog.text and "wrong" not in caplog.text
    deps.close()


def test_portal_mail_import_takes_the_same_message_from_a_file_and_from_a_maildir(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_DATA_DIR", str(tmp_path / "data"))
    eml = tmp_path / "report.eml"
    eml.write_bytes(mail.report_eml())
    runner = CliRunner()
    first = runner.invoke(main, ["mail", "import", str(eml)], catch_exceptions=False)
    assert first.exit_code == 0 and first.stdout.startswith("1 stored")
    again = runner.invoke(main, ["mail", "import", str(eml), "--unit", UNIT], catch_exceptions=False)
    assert again.exit_code == 0 and "1 already in the inbox" in again.stdout
    box = mailbox.Maildir(str(tmp_path / "Maildir"), create=True)
    box.add(mail.plain_eml())
    box.add(mail.plain_eml(to="nobody@example.org", message_id="<elsewhere@example.org>"))
    from_maildir = runner.invoke(main, ["mail", "import", str(tmp_path / "Maildir")], catch_exceptions=False)
    assert from_maildir.exit_code == 1 and from_maildir.stdout.startswith("1 stored")
    assert "not sent to any unit's address" in from_maildir.stderr
    unknown = runner.invoke(main, ["mail", "import", str(eml), "--unit", "nowhere"])
    assert unknown.exit_code == 2

    deps = build_deps(Settings.from_env({}, data_dir=str(tmp_path / "data")))
    lines = messages_of(deps)
    assert len(lines) == 2 and {line.message.via for line in lines} == {"import"}
    hostile = next(line.message for line in lines if line.subject == mail.SUBJECT and line.message.attachments)
    assert [a.kept for a in hostile.attachments] == [True, False, False]
    deps.close()
