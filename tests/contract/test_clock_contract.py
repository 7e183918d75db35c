"""The clock contract: the system clock and the tests' manual clock answer alike."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest

from portal.services.deps import SystemClock
from tests.fakes.clock import ManualClock


@pytest.fixture(params=["system", "manual"])
def clock(request):
    return SystemClock() if request.param == "system" else ManualClock()


def test_now_is_aware_utc(clock):
    now = clock.now()
    assert now.tzinfo is not None and now.utcoffset() == timedelta(0)
    assert now.tzinfo == timezone.utc


def test_time_does_not_go_backwards(clock):
    first = clock.now()
    assert clock.now() >= first
