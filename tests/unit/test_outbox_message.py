"""One SMS row of the outbox on its own (004 C20, L17: the result reaches the reporter by SMS,
and its delivery is tracked): claimed with a lease, sent, retried with backoff until given up,
marked by the provider's callbacks, and its recipient forgotten at the end of retention."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from portal.domain.messages import BACKOFF, LEASE, MAX_ATTEMPTS, MessageStatus, OutboxMessage

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
S = timedelta(seconds=1)


def message(kind: str = "result", **kw) -> OutboxMessage:
    return OutboxMessage(pk="C#1", sk=f"SMS#{kind}", county="430225", kind=kind, body="您的举报已办结。",
                         to_envelope="envelope", to_context={"complaint": "1"}, complaint_id="1", created_at=T0, **kw)


def test_004_c20_a_new_row_waits_for_its_first_attempt_at_once():
    m = message()
    assert (m.status, m.attempts, m.wake_at()) == (MessageStatus.PENDING, 0, T0)
    assert replace(m, next_attempt_at=T0 + 60 * S).wake_at() == T0 + 60 * S


def test_004_c20_a_claim_takes_the_row_for_one_attempt_under_a_lease():
    m = message()
    m.claim(T0)
    assert (m.status, m.attempts, m.lease_until, m.wake_at()) == (MessageStatus.SENDING, 1, T0 + LEASE, T0 + LEASE)
    m.claim(T0 + LEASE)  # the lease ran out: another sweeper takes it
    assert (m.attempts, m.lease_until) == (2, T0 + 2 * LEASE)


@pytest.mark.parametrize("delivered,status", [(False, MessageStatus.SENT), (True, MessageStatus.DELIVERED)])
def test_004_c20_a_message_the_provider_took_is_sent_or_delivered_and_sleeps(delivered, status):
    m = message()
    m.claim(T0)
    m.sent(T0 + S, "SM123", delivered)
    assert (m.status, m.provider_id, m.sent_at, m.lease_until) == (status, "SM123", T0 + S, None)
    assert m.delivered_at == (T0 + S if delivered else None)
    assert m.history == [{"at": (T0 + S).isoformat(), "status": status.value}]
    assert m.wake_at() is None


def test_004_c20_a_failed_attempt_waits_longer_each_time_then_the_last_wait_repeats():
    m = message()
    waits = []
    for n in range(1, 8):
        m.claim(T0)
        m.retry_later(T0, "HTTP 503 " + "x" * 300)
        assert (m.status, m.attempts, m.lease_until) == (MessageStatus.PENDING, n, None)
        waits.append((m.next_attempt_at - T0).total_seconds())
    assert waits == [60, 300, 900, 1800, 3600, 3600, 3600] and tuple(waits[:5]) == BACKOFF
    assert m.last_error == ("HTTP 503 " + "x" * 300)[:200] and len(m.last_error) == 200
    assert m.history[0] == {"at": T0.isoformat(), "status": "retry", "error": m.last_error}
    assert m.wake_at() == T0 + 3600 * S


def test_004_c20_after_the_last_attempt_the_row_is_given_up():
    m = message(attempts=MAX_ATTEMPTS - 2)
    m.claim(T0)
    m.retry_later(T0, "timeout")
    assert m.status == MessageStatus.PENDING and m.attempts == MAX_ATTEMPTS - 1
    m.claim(T0 + S)
    m.retry_later(T0 + S, "timeout")
    assert (m.status, m.failed_at, m.lease_until, m.wake_at()) == (MessageStatus.FAILED, T0 + S, None, None)
    assert m.history[-1] == {"at": (T0 + S).isoformat(), "status": "retry", "error": "timeout"}


def test_004_c20_a_refusal_for_good_fails_the_row_at_once():
    m = message()
    m.claim(T0)
    m.fail(T0 + S, "invalid number " + "y" * 300)
    assert (m.status, m.failed_at, m.lease_until) == (MessageStatus.FAILED, T0 + S, None)
    assert m.last_error == ("invalid number " + "y" * 300)[:200]
    assert m.history == [{"at": (T0 + S).isoformat(), "status": "failed", "error": m.last_error}]


@pytest.mark.parametrize("reported,status,field", [
    ("delivered", MessageStatus.DELIVERED, "delivered_at"),
    ("undelivered", MessageStatus.UNDELIVERED, "failed_at"),
    ("failed", MessageStatus.FAILED, "failed_at"),
])
def test_004_c20_the_provider_callback_marks_the_row_once(reported, status, field):
    m = message()
    m.claim(T0)
    m.sent(T0, "SM1", delivered=False)
    assert m.provider_status(T0 + S, reported) is True
    assert m.status == status and getattr(m, field) == T0 + S
    assert m.history[-1] == {"at": (T0 + S).isoformat(), "status": status.value, "via": "callback"}
    before = replace(m, history=list(m.history))
    for later in ("delivered", "undelivered", "failed"):  # final states stay final
        assert m.provider_status(T0 + 2 * S, later) is False
    assert m == before


def test_004_c20_a_callback_that_names_no_final_state_changes_nothing():
    m = message()
    m.claim(T0)
    m.sent(T0, "SM1", delivered=False)
    before = replace(m, history=list(m.history))
    for reported in ("queued", "sent", "accepted", ""):
        assert m.provider_status(T0 + S, reported) is False
    assert m == before


@pytest.mark.parametrize("status", [MessageStatus.PENDING, MessageStatus.SENDING])
def test_004_c20_retention_forgets_the_recipient_and_a_waiting_row_can_no_longer_go(status):
    m = message(kind="code", status=status, lease_until=T0 + LEASE)
    assert m.forget_recipient(T0 + S) is True
    assert (m.to_envelope, m.body, m.status, m.failed_at, m.lease_until) == (
        None, "[verification code purged]", MessageStatus.FAILED, T0 + S, None)
    assert m.history == [{"at": (T0 + S).isoformat(), "status": "recipient_purged"}]
    assert m.forget_recipient(T0 + 2 * S) is False and len(m.history) == 1


def test_004_c20_retention_keeps_the_text_of_a_sent_result_and_its_status():
    m = message(status=MessageStatus.DELIVERED, delivered_at=T0)
    assert m.forget_recipient(T0 + S) is True
    assert (m.to_envelope, m.body, m.status, m.failed_at) == (None, "您的举报已办结。", MessageStatus.DELIVERED, None)


def test_004_c20_retention_replaces_a_sealed_text_and_keeps_it_unsealed():
    """A sealed body (a keyring envelope) goes with the recipient: a plain marker remains, no
    longer marked sealed."""
    m = message(status=MessageStatus.DELIVERED, delivered_at=T0, sealed=True)
    assert m.forget_recipient(T0 + S) is True
    assert (m.to_envelope, m.body, m.sealed, m.status) == (None, "[purged]", False, MessageStatus.DELIVERED)
