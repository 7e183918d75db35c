"""Retention (PORTAL_RETENTION_DAYS): a closed ticket keeps the reporter's phone, its
verification record and the phone envelopes of its SMS rows for the retention period, then
the sweeper purges them; the complaint's text, evidence and history stay, and the purge is
an event the reporter reads."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import timedelta

import pytest

from portal.config import Settings
from portal.domain.complaint import Status
from portal.services import reporter, retention, sweeper, verification, workflow
from portal.services.deps import build_deps
from portal.store import keys as K
from portal.store.sqlite import SqliteStore
from tests.conftest import PUBLIC_URL
from tests.services.helpers import file, reload
from tests.web.staff_support import account, fast_argon2  # noqa: F401

PHONE = "13800138000"
PURGED_TEXT = "按保存期限规定，您的联系方式已删除。"


@pytest.fixture
def officer(deps):
    return deps.repos.staff.get(account(deps, "nr-officer", "officer", "natural_resources").username).actor


@pytest.fixture
def supervisor(deps):
    return deps.repos.staff.get(account(deps, "lg-super", "supervisor", "leading_group_office").username).actor


def closed_with_phone(deps, clock, officer):
    """A verified reporter's ticket, accepted and concluded; the result SMS is delivered (the
    outbox sender reports delivery), which closes it."""
    complaint, receipt = file(deps, phone=PHONE, verify=True)
    clock.advance(hours=2)
    workflow.accept(deps, officer, complaint.id, "", clock.now())
    clock.advance(days=3)
    workflow.conclude(deps, officer, complaint.id, "substantiated", "已责令拆除。", {}, clock.now())
    # the on-site check was never recorded: its 2-hour clock outlives the conclusion (004 C17(2))
    # until the sweeper records the breach; after that only the purge is due
    sweeper.sweep(deps, clock.now())
    complaint = reload(deps, complaint)
    assert complaint.status == Status.CLOSED
    return complaint, receipt


def raw_rows(deps, pk, sk) -> int:
    """Rows in the SQLite file itself, expired or not."""
    with closing(sqlite3.connect(deps.settings.sqlite_file)) as conn:
        return conn.execute("SELECT count(*) FROM items WHERE pk = ? AND sk = ?", (pk, sk)).fetchone()[0]


def due_ids(deps, at):
    return {ref.pk for ref in deps.repos.due.due(at)}


def test_closing_a_ticket_sets_its_purge_date_in_the_due_index_and_reopening_clears_it(deps, clock, officer,
                                                                                      supervisor):
    complaint, _ = closed_with_phone(deps, clock, officer)
    assert complaint.purge_at == complaint.closed_at + timedelta(days=365)
    assert K.complaint_pk(complaint.id) in due_ids(deps, complaint.purge_at)
    assert K.complaint_pk(complaint.id) not in due_ids(deps, complaint.purge_at - timedelta(seconds=1))
    assert [e.kind for e in deps.repos.complaints.history(complaint.id)].count("purge_scheduled") == 1

    workflow.reopen(deps, supervisor, complaint.id, "复查发现仍在施工", clock.now())
    reopened = reload(deps, complaint)
    assert reopened.purge_at is None
    assert K.complaint_pk(complaint.id) not in due_ids(deps, complaint.purge_at + timedelta(days=1))


def test_a_declined_ticket_is_purged_too(deps, clock, officer):
    complaint, _ = file(deps, phone=PHONE, verify=True)
    workflow.decline(deps, officer, complaint.id, "already_handled", "该处已于上月依法拆除。", clock.now())
    declined = reload(deps, complaint)
    assert declined.purge_at == declined.closed_at + timedelta(days=365)
    clock.set(declined.purge_at)
    assert sweeper.sweep(deps, clock.now()).purged == 1
    assert reload(deps, complaint).contact.envelope is None


def test_after_retention_the_sweeper_purges_contact_code_and_sms_envelopes_and_keeps_the_case(deps, clock,
                                                                                             officer):
    complaint, receipt = closed_with_phone(deps, clock, officer)
    pk = K.complaint_pk(complaint.id)
    assert raw_rows(deps, pk, verification.SK) == 1  # expired (after 2 days) but still on disk
    messages = deps.repos.outbox.for_record(pk)
    assert messages and all(m.to_envelope for m in messages)
    assert any(m.kind == "code" and "验证码" in m.body for m in messages)  # the demo outbox keeps code texts

    clock.set(complaint.purge_at - timedelta(minutes=1))
    assert sweeper.sweep(deps, clock.now()).purged == 0
    assert reload(deps, complaint).contact.envelope is not None

    clock.set(complaint.purge_at)
    report = sweeper.sweep(deps, clock.now())
    assert report.purged == 1 and report.errors == 0
    purged = reload(deps, complaint)
    assert purged.contact.envelope is None and purged.contact.phone_hash is None
    assert purged.contact.purged_at == clock.now() and purged.purge_at is None
    assert purged.wake_at() is None and pk not in due_ids(deps, clock.now() + timedelta(days=3650))
    assert raw_rows(deps, pk, verification.SK) == 0
    after = deps.repos.outbox.for_record(pk)
    assert len(after) == len(messages)  # the record that each notice went out stays
    assert all(m.to_envelope is None for m in after)
    assert not any("验证码" in m.body for m in after)
    # the case itself stays: text, evidence, history, result
    assert purged.description == complaint.description and purged.result_text == "已责令拆除。"
    history = deps.repos.complaints.history(complaint.id)
    (event,) = [e for e in history if e.kind == "contact_purged"]
    assert event.public == PURGED_TEXT
    assert event.data["removed"] == {"verification_record": 1, "sms_envelopes": len(messages), "contact": 1}
    assert [e.n for e in history] == list(range(1, len(history) + 1))
    # the reporter reads it with the receipt
    view = reporter.view(deps, reporter.find_by_receipt(deps, receipt, "client", clock.now())[0], clock.now())
    assert PURGED_TEXT in [line.text for line in view.history]
    assert not view.phone_on_file

    again = sweeper.sweep(deps, clock.advance(days=30))
    assert again.purged == 0 and len(deps.repos.complaints.history(complaint.id)) == len(history)


def test_the_retention_period_is_a_setting(tmp_path, clock):
    settings = Settings.from_env({}, data_dir=str(tmp_path / "d"), public_url=PUBLIC_URL, demo="1",
                                 retention_days="30")
    d = build_deps(settings, clock=clock, store=SqliteStore(settings.sqlite_file, epoch=clock.epoch))
    try:
        actor = d.repos.staff.get(account(d, "nr-30", "officer", "natural_resources").username).actor
        complaint, _ = file(d)
        workflow.decline(d, actor, complaint.id, "out_of_scope", "不属于受理范围。", clock.now())
        assert reload(d, complaint).purge_at == clock.now() + timedelta(days=30)
    finally:
        d.close()


def test_a_ticket_without_a_phone_is_swept_once_and_tells_the_reporter_nothing(deps, clock, officer):
    complaint, _ = file(deps)
    workflow.decline(deps, officer, complaint.id, "out_of_scope", "不属于受理范围。", clock.now())
    clock.set(reload(deps, complaint).purge_at)
    assert sweeper.sweep(deps, clock.now()).purged == 1
    (event,) = [e for e in deps.repos.complaints.history(complaint.id) if e.kind == "contact_purged"]
    assert event.public is None and event.data["removed"] == {}
    assert reload(deps, complaint).wake_at() is None


def test_a_ticket_reopened_after_its_purge_is_purged_again_when_it_closes_again(deps, clock, officer, supervisor):
    complaint, _ = closed_with_phone(deps, clock, officer)
    clock.set(complaint.purge_at)
    sweeper.sweep(deps, clock.now())
    workflow.reopen(deps, supervisor, complaint.id, "复查", clock.advance(days=1))
    workflow.conclude(deps, officer, complaint.id, "substantiated", "再次处理完毕。", {}, clock.advance(days=1))
    workflow.record_written_notice(deps, officer, complaint.id, "电话告知", clock.advance(hours=1))
    closed_again = reload(deps, complaint)
    assert closed_again.status == Status.CLOSED
    assert closed_again.purge_at == clock.now() + timedelta(days=365)
    clock.set(closed_again.purge_at)
    assert sweeper.sweep(deps, clock.now()).purged == 1


def test_a_registered_purge_step_runs_with_the_others_and_is_counted(deps, clock, officer, monkeypatch):
    """The extension point features with personal data of their own plug into (rewards
    registered the payee details; a step's name is taken once)."""
    monkeypatch.setattr(retention, "PURGE_STEPS", list(retention.PURGE_STEPS))
    seen = []
    with pytest.raises(ValueError):
        retention.register("payee", lambda d, complaint, now: 0)
    retention.register("archive", lambda d, complaint, now: seen.append((complaint.case_id, now)) or 1)
    complaint, _ = closed_with_phone(deps, clock, officer)
    clock.set(complaint.purge_at)
    sweeper.sweep(deps, clock.now())
    assert seen == [(complaint.case_id, clock.now())]
    (event,) = [e for e in deps.repos.complaints.history(complaint.id) if e.kind == "contact_purged"]
    assert event.data["removed"]["archive"] == 1


def test_a_purge_interrupted_half_way_completes_on_the_next_sweep(deps, clock, officer, monkeypatch):
    monkeypatch.setattr(retention, "PURGE_STEPS", list(retention.PURGE_STEPS))
    failures = [RuntimeError("the payee store is down")]

    def flaky(d, complaint, now):
        if failures:
            raise failures.pop()
        return 0

    retention.register("flaky", flaky)
    complaint, _ = closed_with_phone(deps, clock, officer)
    clock.set(complaint.purge_at)
    first = sweeper.sweep(deps, clock.now())
    assert first.errors == 1 and first.purged == 0
    half = reload(deps, complaint)
    assert half.contact.envelope is not None and half.purge_at is not None  # still due
    assert all(m.to_envelope is None for m in deps.repos.outbox.for_record(K.complaint_pk(complaint.id)))
    second = sweeper.sweep(deps, clock.advance(minutes=5))
    assert second.errors == 0 and second.purged == 1
    assert reload(deps, complaint).contact.envelope is None


def test_dry_run_names_the_purge_and_changes_nothing(deps, clock, officer):
    complaint, _ = closed_with_phone(deps, clock, officer)
    clock.set(complaint.purge_at)
    report = sweeper.sweep(deps, clock.now(), dry_run=True)
    assert f"{complaint.id} purge personal data" in report.would
    assert reload(deps, complaint).contact.envelope is not None
