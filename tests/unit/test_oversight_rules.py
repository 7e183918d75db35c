"""Pure rules of oversight: periods (004 C21, L18) and the monthly-review ladder (004 C35, L31)."""

from __future__ import annotations

import pytest

from portal.domain.oversight import Period, consequence, named_in_quarterly_notice, next_review_at
from portal.timeutil import iso_local, parse_iso


def test_004_c21_l18_periods_month_quarter_half_year_in_asia_shanghai():
    instant = parse_iso("2026-06-30T16:30:00Z")  # 1 July 00:30 in Shanghai
    assert [Period.containing(k, instant).key for k in ("month", "quarter", "half", "year")] == [
        "2026-07", "2026-Q3", "2026-H2", "2026"]
    q = Period.parse("quarter", "2026-Q3")
    assert (iso_local(q.start), iso_local(q.end)) == ("2026-07-01T00:00:00+08:00", "2026-10-01T00:00:00+08:00")
    assert Period.parse("half", "2026-H2").months() == [f"2026-{m:02d}" for m in range(7, 13)]
    for kind, key in (("quarter", "2026-Q5"), ("month", "2026-13"), ("half", "2026"), ("year", "x"), ("week", "2026")):
        assert Period.parse(kind, key) is None


def test_only_the_last_two_years_of_periods_are_offered_and_chosen():
    now = parse_iso("2026-11-23T10:00:00+08:00")
    assert [len(Period.offered(k, now)) for k in ("month", "quarter", "half", "year")] == [24, 8, 4, 2]
    assert [p.key for p in Period.offered("quarter", now)][:3] == ["2026-Q4", "2026-Q3", "2026-Q2"]
    assert Period.offered("month", now)[-1].key == "2024-12"
    assert Period.choose("month", "2024-12", now).key == "2024-12"
    for kind, key, current in (("month", "2024-11", "2026-11"), ("month", "2000-01", "2026-11"),
                               ("month", "2026-12", "2026-11"), ("half", "2024-H2", "2026-H2"),
                               ("year", "2100", "2026"), ("week", "2026", "2026-11"), (None, None, "2026-11")):
        assert Period.choose(kind, key, now).key == current


def test_004_c35_l31_the_nth_finding_of_a_year_deduction_double_interview_referral():
    assert [consequence(n) for n in range(1, 7)] == [
        "deduction", "double_deduction", "interview", "referral", "referral", "referral"]
    assert [named_in_quarterly_notice(consequence(n)) for n in range(1, 5)] == [False, True, False, False]
    with pytest.raises(ValueError):
        consequence(0)


def test_004_c35_l31_the_review_wakes_on_the_first_of_the_next_month():
    assert iso_local(next_review_at(parse_iso("2026-12-31T23:59:00+08:00"))) == "2027-01-01T00:00:00+08:00"
