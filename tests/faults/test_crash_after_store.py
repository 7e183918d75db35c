"""A crash between storing a complaint and showing its receipt, injected in the request path:
the transaction that files the complaint commits, then the request dies (the process is
killed, the connection drops). The reporter sees an error and posts the same form again:
exactly one complaint exists, and the answer shows the receipt the form already held. The
same for the JSON API, for a crash before the verification code is handed to the SMS
provider (the outbox row goes out once, later), and for a crash before the commit (nothing
is filed; the orphaned photo is swept)."""

from __future__ import annotations

import io
from contextlib import closing
import sqlite3

import pytest

from portal.domain.messages import LEASE, MessageStatus
from portal.ports import Put
from portal.services import filing_tokens, sweeper, verification
from portal.store import keys as K
from tests.conftest import PUBLIC_URL, form_token, receipt_from
from tests.fakes import images

GOOD = {"category": "c8-outdoor-signs", "description": "主街路口有人没经批准立起了一块大广告牌。",
        "lat": "26.492", "lng": "113.770"}


class Killed(Exception):
    """The request path dies here (a killed process, a dropped connection)."""


def files_a_complaint(ops) -> bool:
    return any(isinstance(op, Put) and op.item.pk.startswith("CMP#") and op.item.sk == K.META and op.expect == 0
               for op in ops)


@pytest.fixture
def crash(deps, monkeypatch):
    """``crash("after")`` / ``crash("before")``: the next write that files a complaint lands
    (or not), then the request dies."""
    real_write = deps.store.write
    armed = []

    def write(ops):
        if armed and files_a_complaint(ops):
            when = armed.pop()
            if when == "after":
                real_write(ops)
            raise Killed(f"killed {when} the commit")
        return real_write(ops)

    monkeypatch.setattr(deps.store, "write", write)
    return armed.append


def rows(deps, where: str) -> int:
    with closing(sqlite3.connect(deps.settings.sqlite_file)) as conn:
        return conn.execute(f"SELECT count(*) FROM items WHERE {where}").fetchone()[0]


def complaint_count(deps) -> int:
    return rows(deps, "pk LIKE 'CMP#%' AND sk = '#META'")


def blob_count(settings) -> int:
    return sum(1 for p in settings.blob_path.rglob("*") if p.is_file()) if settings.blob_path.exists() else 0


def test_a_crash_after_the_commit_then_the_same_form_again_gives_one_complaint_and_the_same_receipt(
        client, deps, settings, crash):
    token = form_token(client.get("/report").text)
    form = lambda: {"token": token, **GOOD, "exif_reviewed": "1",  # noqa: E731
                    "photos": [(io.BytesIO(images.phone_jpeg()), "IMG_0001.jpg")]}
    crash("after")
    lost = client.post("/report", data=form())
    assert lost.status_code == 500 and "您的举报如已显示回执号，就已经保存" in lost.text
    assert complaint_count(deps) == 1  # durable, though the reporter never saw the receipt

    again = client.post("/report", data=form())
    assert again.status_code == 200
    receipt = receipt_from(again.text)
    assert receipt == filing_tokens.open_token(deps, token, deps.clock.now()).receipt
    assert complaint_count(deps) == 1
    complaint = deps.repos.complaints.get_by_receipt(deps.hasher.digest("receipt", receipt))
    assert len(complaint.evidence) == 1 and blob_count(settings) == 1  # the photo once, not re-staged
    assert [e.kind for e in deps.repos.complaints.history(complaint.id)] == ["filed", "routed"]
    assert rows(deps, "pk LIKE 'CASE#%'") == 1 and rows(deps, "pk LIKE 'RCPT#%'") == 1


def test_the_api_answers_the_same_receipt_after_a_crash_after_the_commit(client, deps, crash):
    token = client.post("/api/v1/filing-tokens").json["token"]
    crash("after")
    lost = client.post("/api/v1/complaints", json={"token": token, **GOOD})
    assert lost.status_code == 500 and lost.json["code"] == 500
    again = client.post("/api/v1/complaints", json={"token": token, **GOOD})
    assert again.status_code == 201 and again.json["duplicate"] is True
    assert again.json["receipt"] == filing_tokens.open_token(deps, token, deps.clock.now()).receipt
    assert complaint_count(deps) == 1


def test_a_crash_before_the_code_reaches_the_provider_loses_no_code_and_sends_it_once(client, deps, monkeypatch):
    token = form_token(client.get("/report").text)
    calls = []

    def killed_before_sending(d, message, now):
        calls.append(message.sk)
        raise Killed("killed before the SMS provider was called")

    monkeypatch.setattr(verification, "send_code", killed_before_sending)
    assert client.post("/report", data={"token": token, **GOOD, "phone": "13800138000"}).status_code == 500
    monkeypatch.undo()
    again = client.post("/report", data={"token": token, **GOOD, "phone": "13800138000"})
    assert again.status_code == 200 and "验证手机号码" in again.text
    complaint = deps.repos.complaints.get_by_receipt(deps.hasher.digest("receipt", receipt_from(again.text)))
    [row] = deps.repos.outbox.for_record(K.complaint_pk(complaint.id))
    # kept in the outbox, claimed by the request that died (the row is written claimed, so that
    # no sweeper sends it while that request does) until the claim's lease ends
    assert row.kind == "code" and row.status == MessageStatus.SENDING and row.provider_id is None
    assert len(calls) == 1
    sweeper.sweep(deps, deps.clock.now())
    [row] = deps.repos.outbox.for_record(K.complaint_pk(complaint.id))
    assert row.status == MessageStatus.SENDING and row.attempts == 1  # not taken while the claim stands
    deps.clock.advance(seconds=LEASE.total_seconds())
    sweeper.sweep(deps, deps.clock.now())
    sweeper.sweep(deps, deps.clock.now())
    [row] = deps.repos.outbox.for_record(K.complaint_pk(complaint.id))
    # sent once, by the sweeper: the dead request's claim, then the sweeper's
    assert row.status == MessageStatus.DELIVERED and row.attempts == 2


def test_a_crash_before_the_commit_files_nothing_and_the_retry_files_once(client, deps, settings, crash, clock):
    token = form_token(client.get("/report").text)
    form = lambda: {"token": token, **GOOD, "exif_reviewed": "1",  # noqa: E731
                    "photos": [(io.BytesIO(images.phone_jpeg()), "IMG_0001.jpg")]}
    crash("before")
    assert client.post("/report", data=form()).status_code == 500
    assert complaint_count(deps) == 0 and rows(deps, "pk LIKE 'RCPT#%'") == 0
    again = client.post("/report", data=form())
    assert again.status_code == 200 and complaint_count(deps) == 1
    assert blob_count(settings) == 2  # the first attempt's photo, staged but never taken...
    clock.advance(hours=25)
    assert sweeper.sweep(deps, clock.now()).uploads_removed == 1  # ...is removed by the sweeper
    assert blob_count(settings) == 1
