"""A staff account on its own (SecureDrop's staff app: password plus TOTP, lockouts stored with
the account; 004 C20, L17: only people whose account stands reach the reporter's complaint and
its reward): failed logins back off then lock, and which sessions still stand."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from portal.domain.access import Actor, Role
from portal.domain.staff import BACKOFF_AFTER, BACKOFF_BASE, BACKOFF_MAX, HARD_LOCK_AFTER, StaffAccount

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
S = timedelta(seconds=1)


def account(**kw) -> StaffAccount:
    return StaffAccount(username="o1", county="430225", role=Role.OFFICER, unit="natural_resources",
                        display_name="经办人", password_hash="h", totp_envelope="e", created_at=T0, **kw)


def test_004_c20_the_account_acts_as_its_own_role_unit_and_county():
    assert account().actor == Actor("o1", Role.OFFICER, "natural_resources", "430225")


def test_004_c20_failed_logins_back_off_from_the_third_doubling_up_to_15_minutes():
    a = account()
    waits = []
    for n in range(1, HARD_LOCK_AFTER):
        a.record_failure(T0)
        waits.append(None if a.locked_until is None else (a.locked_until - T0))
        assert a.failed_logins == n and not a.hard_locked
    assert waits[:BACKOFF_AFTER - 1] == [None, None]
    assert waits[BACKOFF_AFTER - 1:] == [BACKOFF_BASE * 2 ** k if BACKOFF_BASE * 2 ** k < BACKOFF_MAX else BACKOFF_MAX
                                         for k in range(HARD_LOCK_AFTER - BACKOFF_AFTER)]
    assert waits[2:] == [timedelta(seconds=s) for s in (30, 60, 120, 240, 480, 900, 900)]


def test_004_c20_a_backed_off_account_is_blocked_until_the_wait_ends_to_the_second():
    a = account()
    for _ in range(BACKOFF_AFTER):
        a.record_failure(T0)
    assert a.locked_until == T0 + 30 * S
    assert a.login_blocked(T0 + 29 * S) and not a.login_blocked(T0 + 30 * S)
    assert not account().login_blocked(T0)


def test_004_c20_the_tenth_failure_locks_for_good_and_ends_every_session_once():
    a = account()
    for _ in range(HARD_LOCK_AFTER - 1):
        a.record_failure(T0)
    a.record_failure(T0 + S)
    assert (a.hard_locked, a.sessions_valid_after) == (True, T0 + S)
    assert a.login_blocked(T0 + timedelta(days=365))
    a.record_failure(T0 + 2 * S)  # already locked: the sessions ended at the lock
    assert a.sessions_valid_after == T0 + S and a.failed_logins == HARD_LOCK_AFTER + 1
    a.unlock()
    assert (a.failed_logins, a.locked_until, a.hard_locked) == (0, None, False)
    assert not a.login_blocked(T0 + 3 * S)


def test_004_c20_a_success_resets_the_failures_and_remembers_the_totp_step():
    a = account()
    for _ in range(BACKOFF_AFTER):
        a.record_failure(T0)
    a.record_success(totp_step=58_000_001)
    assert (a.failed_logins, a.locked_until, a.totp_last_step) == (0, None, 58_000_001)
    a.record_failure(T0)
    assert a.locked_until is None  # counting starts again from nothing


def test_004_c20_a_deactivated_account_is_blocked_and_its_sessions_end_reactivation_keeps_them_ended():
    a = account()
    a.deactivate(T0)
    assert (a.active, a.sessions_valid_after) == (False, T0)
    assert a.login_blocked(T0) and not a.session_valid(T0 + S)
    a.reactivate()
    assert a.active and not a.login_blocked(T0 + S)
    assert not a.session_valid(T0) and a.session_valid(T0 + S)


@pytest.mark.parametrize("began,valid", [(T0 - S, False), (T0, True), (T0 + S, True)])
def test_004_c20_a_session_begun_before_a_password_change_ends(began, valid):
    """The session that set the password (begun at that instant) stands; older ones end."""
    a = account()
    a.password_set(T0, must_change=True)
    assert (a.password_changed_at, a.must_change_password) == (T0, True)
    assert a.session_valid(began) is valid
    a.password_set(T0, must_change=False)
    assert a.must_change_password is False


@pytest.mark.parametrize("began,valid", [(T0 - S, False), (T0, False), (T0 + S, True)])
def test_004_c20_sessions_begun_until_they_were_ended_stand_no_more(began, valid):
    a = account()
    assert a.session_valid(began) is True
    a.end_sessions(T0)
    assert a.session_valid(began) is valid


def test_004_c20_a_hard_locked_or_inactive_account_has_no_valid_session_at_all():
    assert not account(hard_locked=True).session_valid(T0)
    assert not account(active=False).session_valid(T0)
    assert account().session_valid(T0)
    assert account(locked_until=T0 + S).login_blocked(T0) and account(hard_locked=True).login_blocked(T0)
