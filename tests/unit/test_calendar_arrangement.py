"""A year is official only when the State Council's arrangement is entered whole
(``portal.domain.arrangement``; 004 C20, L17 count working days, and which days are working
days is that notice's to say). Days set by hand never make a year official: before this fix,
one day entered for 2027 listed the whole year as official and due dates on the holidays
nobody entered lost their provisional mark."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from portal.domain.arrangement import Arrangement, ArrangementError, statutory_holidays
from portal.domain.calendar import WorkingCalendar
from portal.timeutil import iso_local, parse_iso

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "calendar" / "2027-test-arrangement.yaml"


def whole_2027() -> dict:
    return yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))


def test_004_c20_one_day_set_by_hand_does_not_make_its_year_official():
    """The issue's reproduction: `portal calendar set 2027-02-09 holiday`, nothing else."""
    calendar = WorkingCalendar({date(2027, 2, 9): False})
    assert not calendar.is_official(2027)
    # a clock over the Spring Festival of 2027 counts the entered day and stays provisional
    due, provisional = calendar.due_after_working_days(parse_iso("2027-02-04T10:00:00+08:00"), 3)
    assert provisional is True
    assert iso_local(due) == "2027-02-12T23:59:59+08:00"  # 5-8 statutory, 9 entered by hand


def test_004_c20_a_year_whose_arrangement_was_imported_whole_is_official():
    arrangement = Arrangement.parse(2027, whole_2027())
    days = {d: False for d in arrangement.days_off} | {d: True for d in arrangement.workdays}
    calendar = WorkingCalendar(days, official_years={2027})
    assert calendar.is_official(2027) and not calendar.is_official(2028)
    due, provisional = calendar.due_after_working_days(parse_iso("2027-02-04T10:00:00+08:00"), 3)
    assert provisional is False
    assert iso_local(due) == "2027-02-16T23:59:59+08:00"  # 5-13 off, the make-up Sunday 14th counts
    assert calendar.is_working_day(date(2027, 2, 14)) and not calendar.is_working_day(date(2027, 2, 12))


def test_the_package_years_stay_official_without_any_import():
    assert WorkingCalendar().is_official(2026) and not WorkingCalendar().is_official(2027)


def test_the_test_arrangement_reads_ranges_and_counts_its_days():
    arrangement = Arrangement.parse(2027, whole_2027())
    assert len(arrangement.days_off) == 3 + 9 + 3 + 5 + 1 + 1 + 7
    assert arrangement.workdays == {date(2027, 2, 14), date(2027, 2, 20), date(2027, 5, 8), date(2027, 9, 26),
                                    date(2027, 10, 9)}
    assert arrangement.source.startswith("测试用安排")


@pytest.mark.parametrize("change,message", [
    (lambda d: d.pop("source"), "source"),
    (lambda d: d.update(source="  "), "source"),
    (lambda d: d.pop("days_off"), "days_off: missing"),
    (lambda d: d.update(days_off="2027-01-01"), "a list of dates"),
    (lambda d: d.update(year=2028), "for 2028, not 2027"),
    (lambda d: d.update(holidays=[]), "unknown key"),
    (lambda d: d["days_off"].remove(date(2027, 9, 15)), "2027-09-15"),  # Mid-Autumn left out: not whole
    (lambda d: d["workdays"].append("2027-02-15"), "is a weekday"),  # a Monday
    (lambda d: d["workdays"].append("2027-01-02"), "both a day off and a make-up working day"),
    (lambda d: d["days_off"].append("2028-01-01"), "outside 2027"),
    (lambda d: d["days_off"].append("2026-11-28"), "outside 2027"),
    (lambda d: d["days_off"].append("2027-13-01"), "not a date"),
    (lambda d: d["days_off"].append("2027-10-01..2027-12-31"), "not a range"),
    (lambda d: d["days_off"].append("2027-10-07..2027-10-01"), "not a range"),
    (lambda d: d["days_off"].append(7), "not a date"),
])
def test_an_arrangement_that_is_not_whole_or_not_well_formed_is_refused_saying_why(change, message):
    data = whole_2027()
    change(data)
    with pytest.raises(ArrangementError, match=message):
        Arrangement.parse(2027, data)


def test_a_notice_may_reach_into_december_of_the_year_before():
    """2019's notice made 2018-12-29 (a Saturday) a working day."""
    data = whole_2027()
    data["workdays"].append("2026-12-27")  # a Sunday
    assert date(2026, 12, 27) in Arrangement.parse(2027, data).workdays


def test_the_statutory_holidays_exclude_the_package_s_bridge_days():
    assert date(2026, 1, 2) not in statutory_holidays(2026)  # a bridge day of 2026's notice
    assert {date(2026, 1, 1), date(2026, 10, 3)} <= statutory_holidays(2026)
    assert len(statutory_holidays(2027)) == 13  # since 2025: 13 statutory days a year


def _refusal(data: dict) -> str:
    with pytest.raises(ArrangementError) as refused:
        Arrangement.parse(2027, data)
    return str(refused.value)


def test_december_of_the_year_before_is_the_earliest_day_and_31_december_the_latest():
    data = whole_2027()
    data["days_off"] += ["2026-12-01", "2027-12-31"]
    assert {date(2026, 12, 1), date(2027, 12, 31)} <= Arrangement.parse(2027, data).days_off
    data["days_off"].append("2026-11-30")
    assert _refusal(data) == "days_off: 2026-11-30 is outside 2027 (December 2026 is accepted)"


def test_a_list_holds_at_most_as_many_days_as_a_notice_ever_has_and_the_error_names_the_list():
    """Sane bounds (20 make-up days, 60 days off): a bigger list is a typing error."""
    data = whole_2027()
    given = Arrangement.parse(2027, whole_2027())
    taken = given.days_off | given.workdays
    weekends = [d for d in (date(2027, 10, 10) + timedelta(days=n) for n in range(80))
                if d.weekday() >= 5 and d not in taken]
    data["workdays"] += [d.isoformat() for d in weekends[:15]]  # 5 + 15 = 20
    assert len(Arrangement.parse(2027, data).workdays) == 20
    data["workdays"].append(weekends[15].isoformat())
    assert _refusal(data) == "workdays: 21 days, more than a notice ever has (20)"


def test_a_notice_without_make_up_days_has_none():
    data = whole_2027()
    del data["workdays"]
    assert Arrangement.parse(2027, data).workdays == frozenset()


@pytest.mark.parametrize("entry,days", [("2027-07-01..2027-07-01", 1), ("2027-07-01..2027-07-12", 12)])
def test_a_range_is_1_to_12_days(entry, days):
    data = whole_2027()
    data["days_off"].append(entry)
    arrangement = Arrangement.parse(2027, data)
    assert len(arrangement.days_off) == len(Arrangement.parse(2027, whole_2027()).days_off) + days
    data["days_off"][-1] = "2027-07-01..2027-07-13"
    assert _refusal(data) == "days_off: 2027-07-01..2027-07-13 is not a range of 1 to 12 days"


@pytest.mark.parametrize("entry,bad", [("2027-13-01", "2027-13-01"), ("2027-13-01..2027-13-03", "2027-13-01"),
                                       ("2027-07-01..2027-07-40", "2027-07-40")])
def test_a_bad_date_is_named_with_its_list(entry, bad):
    data = whole_2027()
    data["days_off"].append(entry)
    assert _refusal(data) == f"days_off: '{bad}' is not a date (YYYY-MM-DD)"


def test_the_source_is_at_most_200_characters():
    data = whole_2027()
    data["source"] = "通" * 200
    assert Arrangement.parse(2027, data).source == "通" * 200
    data["source"] = "通" * 201
    assert _refusal(data) == "source: at most 200 characters"


def test_the_refusal_names_every_statutory_holiday_left_out_and_every_unknown_key():
    data = whole_2027()
    data["days_off"] = [d for d in data["days_off"] if d not in (date(2027, 6, 9), date(2027, 9, 15))]
    assert _refusal(data) == ("not the whole arrangement: the statutory holiday(s) 2027-06-09, 2027-09-15 are not "
                              "among the days off")
    assert _refusal(whole_2027() | {"holidays": [], "notes": ""}) == "unknown key(s): holidays, notes"
