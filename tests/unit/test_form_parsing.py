"""Numbers and dates typed on the staff forms (the ledger measures, the 000 §4(3)1 facts, the
004 C22/L19 stock registration date): plain ASCII decimals only (full-width digits typed with a
Chinese input method read as ASCII), a date exactly ``YYYY-MM-DD``; anything else is a field
error, never a silently different value."""

from __future__ import annotations

import math
from datetime import date

import pytest

from portal.domain.errors import DomainError
from portal.services.workflow import form_date, parse_measures

NOT_A_NUMBER = "请填写数字。"
AREA_RANGE = "非法转让、倒卖土地面积应填写 0 到 %(max)s 之间的亩数。"


def area(raw: str):
    return parse_measures({"transfer_land_type": "basic_farmland", "transfer_area_mu": raw}).transfer_area_mu


@pytest.mark.parametrize("raw,value", [("5", 5.0), (" 5 ", 5.0), ("4.5", 4.5), ("0", 0.0), ("１０", 10.0),
                                       ("１．５", 1.5), ("1000000", 1_000_000.0)])
def test_plain_decimals_are_read(raw, value):
    assert area(raw) == value


@pytest.mark.parametrize("raw", ["-0", "-0.0", "－０"])
def test_minus_zero_is_stored_as_zero(raw):
    value = area(raw)
    assert value == 0 and math.copysign(1, value) == 1
    fine = parse_measures({"fine_wan_yuan": raw}).fine_wan_yuan
    assert fine == 0 and math.copysign(1, fine) == 1
    if "." not in raw:
        assert parse_measures({"criminal_referrals": raw}).criminal_referrals == 0


@pytest.mark.parametrize("raw", ["1,5", "1_0", "٥", "۵", "५", "0x10", "1e3", "5.", ".5", "nan", "inf", "-inf",
                                 "一万", "+5", "5 5", "1" * 65])
def test_anything_but_plain_digits_is_not_a_number(raw):
    with pytest.raises(DomainError) as caught:
        area(raw)
    assert (caught.value.field, caught.value.message) == ("transfer_area_mu", NOT_A_NUMBER)
    with pytest.raises(DomainError) as caught:
        parse_measures({"fine_wan_yuan": raw})
    assert (caught.value.field, caught.value.message) == ("fine_wan_yuan", NOT_A_NUMBER)


@pytest.mark.parametrize("raw", ["１_０", "1.5", "٣"])
def test_a_count_takes_whole_ascii_numbers_only(raw):
    with pytest.raises(DomainError) as caught:
        parse_measures({"criminal_referrals": raw})
    assert caught.value.message == NOT_A_NUMBER


@pytest.mark.parametrize("raw", ["-1", "1000000.5", "1" * 64])
def test_a_number_out_of_range_names_the_range(raw):
    with pytest.raises(DomainError) as caught:
        area(raw)
    assert caught.value.message == AREA_RANGE and caught.value.params["max"] == 1_000_000


@pytest.mark.parametrize("raw,value", [("2020-01-01", date(2020, 1, 1)), (" 2020-01-01 ", date(2020, 1, 1)),
                                       ("２０２０-０１-０１", date(2020, 1, 1))])
def test_a_date_is_read(raw, value):
    assert form_date(raw, "registered_on") == value


@pytest.mark.parametrize("raw", ["2020-01-01junk", "2020-01-01T00:00", "2020-W01-1", "20200101", "2020-1-1",
                                 "٢٠٢٠-٠١-٠١", "2020-02-30", "2020/01/01"])
def test_004_C22_a_date_that_is_not_exactly_year_month_day_is_refused(raw):
    with pytest.raises(DomainError) as caught:
        form_date(raw, "registered_on")
    assert (caught.value.field, caught.value.message) == ("registered_on", "日期格式不正确，请按“年-月-日”填写。")
