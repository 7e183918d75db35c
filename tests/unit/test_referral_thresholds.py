"""000 §4(3)1 (also 004 C12, L27): illegal transfer or resale of permanent basic farmland of
5 mu or more, other cultivated land of 10 mu or more, other land of 20 mu or more, illegal
gains of 500,000 yuan (50 万元) or more, or a repeat after an earlier administrative penalty,
is referred to public security; a conclusion whose facts meet a threshold and record no
referral is refused, naming the threshold."""

from __future__ import annotations

from dataclasses import replace

import pytest

from portal.domain.calendar import WorkingCalendar
from portal.domain.complaint import Finding, Measures, Status
from portal.domain.errors import DomainError
from portal.domain.referral import (
    AREA_THRESHOLD_MU, GAINS_THRESHOLD_WAN_YUAN, THRESHOLD_TITLES, TransferFacts, thresholds_met,
)
from portal.services.workflow import parse_measures
from tests.unit.test_ledger_columns import T0, concluded_ticket


def test_000_s4_3_1_the_figures_are_those_of_the_notice():
    assert AREA_THRESHOLD_MU == {"basic_farmland": 5.0, "cultivated": 10.0, "other": 20.0}
    assert GAINS_THRESHOLD_WAN_YUAN * 10_000 == 500_000  # money in 万元, as the ledger keeps fines


@pytest.mark.parametrize("facts,met", [
    (TransferFacts(), []),
    (TransferFacts("basic_farmland", 4.99), []),
    (TransferFacts("basic_farmland", 5), ["basic_farmland"]),
    (TransferFacts("cultivated", 9.99), []),
    (TransferFacts("cultivated", 10), ["cultivated"]),
    (TransferFacts("cultivated", 5), []),  # the farmland figure is not the cultivated-land one
    (TransferFacts("other", 19.99), []),
    (TransferFacts("other", 20), ["other"]),
    (TransferFacts("other", 10), []),
    (TransferFacts("", 100), []),  # an area without a land type meets no area threshold
    (TransferFacts(gains_wan_yuan=49.99), []),
    (TransferFacts(gains_wan_yuan=50), ["gains"]),
    (TransferFacts(repeat_after_penalty=False), []),
    (TransferFacts(repeat_after_penalty=True), ["repeat"]),  # below every figure, a repeat is enough
    (TransferFacts("basic_farmland", 0.5, 1, True), ["repeat"]),
    (TransferFacts("other", 25, 60, True), ["other", "gains", "repeat"]),
], ids=lambda v: repr(v) if isinstance(v, TransferFacts) else None)
def test_000_s4_3_1_thresholds_on_both_sides(facts, met):
    assert thresholds_met(facts) == met


ABOVE = Measures(transfer_land_type="basic_farmland", transfer_area_mu=6, summary="倒卖永久基本农田6亩")


def accepted():
    c = concluded_ticket()
    c.reopen(T0, "sup", "leading_group_office", "重新办理", WorkingCalendar({}))
    return c


def conclude(c, measures):
    c.conclude(T0, "off", "natural_resources", Finding.SUBSTANTIATED, measures, "已移送", WorkingCalendar({}))


@pytest.mark.parametrize("measures,threshold", [
    (ABOVE, "basic_farmland"),
    (Measures(transfer_land_type="cultivated", transfer_area_mu=10), "cultivated"),
    (Measures(transfer_land_type="other", transfer_area_mu=20), "other"),
    (Measures(illegal_gains_wan_yuan=50), "gains"),
    (Measures(repeat_after_penalty=True), "repeat"),
])
def test_000_s4_3_1_a_conclusion_at_a_threshold_without_a_police_referral_is_refused(measures, threshold):
    c = accepted()
    events = len(c.new_events)
    with pytest.raises(DomainError) as refused:
        conclude(c, measures)
    assert refused.value.params["threshold_msg"] == THRESHOLD_TITLES[threshold]
    assert refused.value.field == "referred_to_police"  # the form marks the referral's box
    assert "移送公安机关" in refused.value.message
    assert c.status == Status.ACCEPTED and c.measures != measures and len(c.new_events) == events


@pytest.mark.parametrize("measures", [
    replace(ABOVE, referred_to_police=True),
    replace(ABOVE, criminal_referrals=1),
    Measures(transfer_land_type="basic_farmland", transfer_area_mu=4.99),  # below: no referral needed
    Measures(illegal_gains_wan_yuan=49.99),
])
def test_000_s4_3_1_a_conclusion_with_a_referral_or_below_every_threshold_stands(measures):
    c = accepted()
    conclude(c, measures)
    assert c.status == Status.CONCLUDED and c.measures == measures


FORM = {"transfer_land_type": "cultivated", "transfer_area_mu": "12.5", "illegal_gains_wan_yuan": "30",
        "repeat_after_penalty": "1", "referred_to_police": "1"}


def test_000_s4_3_1_the_conclusion_form_reads_the_transfer_facts():
    m = parse_measures(FORM)
    assert (m.transfer_land_type, m.transfer_area_mu, m.illegal_gains_wan_yuan, m.repeat_after_penalty,
            m.referred_to_police) == ("cultivated", 12.5, 30.0, True, True)
    empty = parse_measures({})
    assert (empty.transfer_land_type, empty.transfer_area_mu, empty.illegal_gains_wan_yuan,
            empty.repeat_after_penalty, empty.referred_to_police) == ("", None, None, False, False)


@pytest.mark.parametrize("change,field,words", [
    ({"transfer_area_mu": "-1"}, "transfer_area_mu", "非法转让、倒卖土地面积"),
    ({"transfer_area_mu": "1000001"}, "transfer_area_mu", "非法转让、倒卖土地面积"),
    ({"transfer_area_mu": "1,5"}, "transfer_area_mu", "请填写数字"),  # not a number, not out of range
    ({"transfer_area_mu": "十亩"}, "transfer_area_mu", "请填写数字"),
    ({"transfer_area_mu": "nan"}, "transfer_area_mu", "请填写数字"),
    ({"illegal_gains_wan_yuan": "-0.5"}, "illegal_gains_wan_yuan", "违法所得"),
    ({"illegal_gains_wan_yuan": "1000001"}, "illegal_gains_wan_yuan", "违法所得"),
    ({"illegal_gains_wan_yuan": "inf"}, "illegal_gains_wan_yuan", "请填写数字"),
    ({"transfer_land_type": "moon"}, "transfer_land_type", "地类"),
    ({"transfer_land_type": ""}, "transfer_land_type", "地类"),  # an area needs its land type
])
def test_000_s4_3_1_bad_transfer_facts_are_refused_naming_the_field(change, field, words):
    with pytest.raises(DomainError) as refused:
        parse_measures({**FORM, **change})
    assert refused.value.field == field and words in refused.value.message
