"""Phone verification: the portal texts a phone nothing but the code until the reporter
proves it is theirs (so it cannot be used to text someone else); codes last 10 minutes and
allow 5 tries; codes to one phone are limited per day by its keyed hash."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.domain.errors import DomainError, RateLimited
from portal.services import verification
from tests.services.helpers import file, last_code, reload

PHONE = "13800138000"


def kinds(deps, complaint):
    return sorted(m.kind for m in deps.repos.outbox.for_record(f"CMP#{complaint.id}"))


def test_only_the_code_goes_out_before_verification(deps):
    complaint, _ = file(deps, phone=PHONE)
    assert kinds(deps, complaint) == ["code"]
    assert complaint.contact.verified_at is None
    assert complaint.contact.phone_hash == deps.hasher.digest("phone", "+86" + PHONE)


def test_right_code_verifies_and_sends_the_received_text(deps):
    complaint, _ = file(deps, phone=PHONE)
    verification.confirm(deps, complaint, last_code(deps, complaint.id), deps.clock.now())
    stored = reload(deps, complaint)
    assert stored.contact.verified_at is not None
    assert kinds(deps, stored) == ["code", "received"]
    verification.confirm(deps, stored, "000000", deps.clock.now())  # verified already: nothing happens
    assert kinds(deps, reload(deps, complaint)) == ["code", "received"]


def test_codes_expire_after_ten_minutes(deps, clock):
    complaint, _ = file(deps, phone=PHONE)
    code = last_code(deps, complaint.id)
    clock.advance(minutes=10, seconds=1)
    with pytest.raises(DomainError) as refused:
        verification.confirm(deps, complaint, code, clock.now())
    assert "已过期" in str(refused.value)


def test_five_wrong_tries_spend_the_code(deps):
    complaint, _ = file(deps, phone=PHONE)
    code = last_code(deps, complaint.id)
    wrong = "111111" if code != "111111" else "222222"
    for left in (4, 3, 2, 1, 0):
        with pytest.raises(DomainError) as refused:
            verification.confirm(deps, complaint, wrong, deps.clock.now())
        assert f"还可以再试 {left} 次" in str(refused.value)
    with pytest.raises(DomainError) as refused:
        verification.confirm(deps, complaint, code, deps.clock.now())
    assert "输错次数太多" in str(refused.value)
    assert reload(deps, complaint).contact.verified_at is None


def test_a_resent_code_replaces_the_old_one(deps, clock):
    complaint, _ = file(deps, phone=PHONE)
    old = last_code(deps, complaint.id)
    with pytest.raises(RateLimited):
        verification.resend(deps, complaint, deps.counties.default, "client", clock.now())  # within a minute
    clock.advance(minutes=2)
    verification.resend(deps, complaint, deps.counties.default, "client", clock.now())
    new = last_code(deps, complaint.id)
    if new != old:
        with pytest.raises(DomainError):
            verification.confirm(deps, complaint, old, clock.now())
    verification.confirm(deps, complaint, new, clock.now())
    assert reload(deps, complaint).contact.verified_at is not None


def test_codes_to_one_phone_are_limited_per_day(deps, clock):
    complaints = [file(deps, phone=PHONE)[0] for _ in range(4)]
    # three codes a day reach one phone; the fourth filing gets none
    assert [len([k for k in kinds(deps, c) if k == "code"]) for c in complaints] == [1, 1, 1, 0]
    clock.advance(minutes=2)
    with pytest.raises(RateLimited) as refused:
        verification.resend(deps, complaints[3], deps.counties.default, "client", clock.now())
    assert "上限" in str(refused.value)
    clock.advance(days=1)
    verification.resend(deps, complaints[3], deps.counties.default, "client", clock.now())
    assert kinds(deps, complaints[3]) == ["code"]


def test_a_complaint_without_a_phone_cannot_ask_for_codes(deps):
    complaint, _ = file(deps)
    with pytest.raises(DomainError):
        verification.resend(deps, complaint, deps.counties.default, "client", deps.clock.now() + timedelta(minutes=5))


def test_a_code_can_be_asked_for_again_days_later(deps, clock):
    complaint, _ = file(deps, phone=PHONE)
    clock.advance(days=5)
    verification.resend(deps, complaint, deps.counties.default, "client", clock.now())
    verification.confirm(deps, complaint, last_code(deps, complaint.id), clock.now())
    assert reload(deps, complaint).contact.verified_at is not None


def test_parallel_wrong_guesses_that_read_the_same_record_are_each_counted(deps, monkeypatch):
    """Guesses sent together (Lambda runs them at once) all read the code record before any
    is counted; simulated by every read returning the same stale copy. Each still spends a try:
    after five, the right code is refused too."""
    complaint, _ = file(deps, phone=PHONE)
    code = last_code(deps, complaint.id)
    stale = deps.repos.records.get(f"CMP#{complaint.id}", verification.SK)
    read = deps.repos.records.get
    monkeypatch.setattr(deps.repos.records, "get", lambda pk, sk: stale if sk == verification.SK else read(pk, sk))
    wrong = "111111" if code != "111111" else "222222"
    left = []
    for _ in range(20):
        with pytest.raises(DomainError) as refused:
            verification.confirm(deps, complaint, wrong, deps.clock.now())
        left.append(refused.value.params.get("n"))
    assert left[:5] == [4, 3, 2, 1, 0] and left[5:] == [None] * 15  # then: too many tries
    with pytest.raises(DomainError) as refused:
        verification.confirm(deps, complaint, code, deps.clock.now())
    assert "输错次数太多" in str(refused.value)
    assert reload(deps, complaint).contact.verified_at is None


def test_wrong_codes_are_limited_per_client(deps, clock):
    """Beyond five tries a code, a client may get ten codes wrong a day (over any reports): a
    receipt holder cannot keep asking for new codes and guessing."""
    from portal.services import ratelimit

    allowed = ratelimit.allowed(deps, "verify_miss")
    misses = 0
    while misses < allowed:
        complaint, _ = file(deps, phone=f"1390000{misses:04d}")
        code = last_code(deps, complaint.id)
        wrong = "111111" if code != "111111" else "222222"
        for _ in range(min(verification.MAX_TRIES, allowed - misses)):
            with pytest.raises(DomainError):
                verification.confirm(deps, complaint, wrong, clock.now(), client="guesser")
            misses += 1
    complaint, _ = file(deps, phone="13900009999")
    with pytest.raises(RateLimited):
        verification.confirm(deps, complaint, last_code(deps, complaint.id), clock.now(), client="guesser")
    verification.confirm(deps, complaint, last_code(deps, complaint.id), clock.now(), client="someone-else")
    assert reload(deps, complaint).contact.verified_at is not None
