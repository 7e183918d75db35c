"""004 C22, L19: a case is stock (存量) only on the date an earlier register or ledger entry
recorded the violation, before the rules took effect (the county's ``stock_cutoff``,
2023-07-24) or inside the 2022 "hundred-day" campaign window the county file may set; anything
registered later is new (新增) and counts in the assessment. The date stays on the case, its
tickets and the ledger."""

from __future__ import annotations

import copy
from datetime import date, datetime, timezone

import pytest
import yaml

from portal.config import DEMO_COUNTY_FILE
from portal.counties import CountyFileError, load_county, parse_county
from portal.domain.cases import Case, CaseMember, StockRule, check_stock_registration
from portal.domain.errors import DomainError
from portal.services.oversight.ledger import COLUMNS, csv_row
from tests.unit.test_ledger_columns import concluded_ticket

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
YANLING = StockRule(cutoff=date(2023, 7, 24))
#: a county whose rules took effect before its campaign (the window then matters on its own)
WITH_CAMPAIGN = StockRule(cutoff=date(2022, 6, 1), campaign=(date(2022, 9, 15), date(2022, 12, 25)))


def new_case() -> Case:
    return Case.open_for("01CASECASECASECASECASECASE", "430225", "c1-no-planning-permit",
                         CaseMember("01TICKETTICKETTICKETTICKET", NOW, 1))


def test_004_c22_l19_the_demo_county_cut_off_is_the_day_the_rules_were_published():
    county = load_county(DEMO_COUNTY_FILE)
    assert county.stock_cutoff == date(2023, 7, 24)
    assert county.stock_campaign is None  # the seeds give no dates for the 2022 campaign


@pytest.mark.parametrize("registered_on,rule,admitted", [
    (date(2023, 7, 23), YANLING, True),  # the day before the rules: stock
    (date(2023, 7, 24), YANLING, False),  # the day they took effect: new
    (date(2024, 3, 1), YANLING, False),
    (date(2022, 10, 1), YANLING, True),  # in 2022, before the rules
    (date(2022, 5, 31), WITH_CAMPAIGN, True),
    (date(2022, 6, 1), WITH_CAMPAIGN, False),
    (date(2022, 9, 14), WITH_CAMPAIGN, False),  # the day before the campaign
    (date(2022, 9, 15), WITH_CAMPAIGN, True),  # its first day
    (date(2022, 12, 25), WITH_CAMPAIGN, True),  # its last day
    (date(2022, 12, 26), WITH_CAMPAIGN, False),  # the day after
])
def test_004_c22_l19_stock_is_registered_before_the_cut_off_or_in_the_campaign(registered_on, rule, admitted):
    assert rule.admits(registered_on) is admitted
    case = new_case()
    if admitted:
        case.mark("stock", NOW, "sup", "", rule, registered_on)
        assert (case.kind, case.stock_registered_on) == ("stock", registered_on)
        assert case.history[-1].data == {"kind": "stock", "registered_on": registered_on.isoformat()}
    else:
        with pytest.raises(DomainError) as refused:
            case.mark("stock", NOW, "sup", "", rule, registered_on)
        assert refused.value.field == "registered_on"
        assert refused.value.params["cutoff"] == rule.cutoff.isoformat()
        assert "新增" in refused.value.message
        assert (case.kind, case.stock_registered_on, len(case.history)) == ("new", None, 1)


def test_004_c22_l19_the_refusal_names_the_campaign_window_when_the_county_sets_one():
    with pytest.raises(DomainError) as refused:
        check_stock_registration(date(2023, 1, 5), WITH_CAMPAIGN, NOW)
    assert "百日攻坚" in refused.value.message
    assert (refused.value.params["start"], refused.value.params["end"]) == ("2022-09-15", "2022-12-25")


def test_004_c22_l19_marking_stock_needs_the_registration_date():
    case = new_case()
    with pytest.raises(DomainError) as refused:
        case.mark("stock", NOW, "sup", "2022年百日攻坚已登记", YANLING, None)
    assert refused.value.field == "registered_on" and "登记的日期" in refused.value.message
    assert case.kind == "new" and len(case.history) == 1


def test_004_c22_l19_a_registration_date_in_the_future_is_refused():
    with pytest.raises(DomainError) as refused:
        new_case().mark("stock", NOW, "sup", "", StockRule(cutoff=date(2030, 1, 1)), date(2026, 11, 24))
    assert refused.value.field == "registered_on"


def test_004_c22_l19_marking_new_clears_the_date_and_the_history_keeps_both_marks():
    case = new_case()
    case.mark("stock", NOW, "sup", "", YANLING, date(2022, 10, 1))
    case.mark("new", NOW, "sup", "登记有误", YANLING, date(2022, 10, 1))
    assert (case.kind, case.stock_registered_on) == ("new", None)
    assert [h.data for h in case.history if h.kind == "marked"] == [
        {"kind": "stock", "registered_on": "2022-10-01"}, {"kind": "new"}]


def test_004_c22_l19_a_split_keeps_the_stock_registration_date():
    case = new_case()
    case.members.append(CaseMember("01OTHEROTHEROTHEROTHEROTHE", NOW, 2))
    case.mark("stock", NOW, "sup", "", YANLING, date(2022, 10, 1))
    new = case.split_out("01OTHEROTHEROTHEROTHEROTHE", "01NEWCASENEWCASENEWCASENE", NOW, "sup", "")
    assert (new.kind, new.stock_registered_on) == ("stock", date(2022, 10, 1))


def test_004_c22_l19_the_ledger_shows_the_stock_registration_date():
    c = concluded_ticket()
    county = load_county(DEMO_COUNTY_FILE)
    row = lambda: dict(zip(COLUMNS, csv_row(1, c, county, lambda s: s)))  # noqa: E731
    assert row()["存量登记日期"] == ""
    c.mark_case(NOW, "sup", "leading_group_office", c.case_id, "stock", "", date(2022, 10, 1))
    assert (row()["存量/新增"], row()["存量登记日期"]) == ("存量", "2022-10-01")
    assert c.new_events[-1].data["registered_on"] == "2022-10-01"
    c.mark_case(NOW, "sup", "leading_group_office", c.case_id, "new", "", None)
    assert (row()["存量/新增"], row()["存量登记日期"]) == ("新增", "")


RAW = yaml.safe_load(DEMO_COUNTY_FILE.read_text(encoding="utf-8"))


def test_004_c22_the_county_file_may_set_the_campaign_window_in_order():
    raw = copy.deepcopy(RAW)
    raw["stock_campaign"] = {"start": "2022-09-15", "end": "2022-12-25"}
    assert parse_county(raw, source="t.yaml").stock_campaign == (date(2022, 9, 15), date(2022, 12, 25))
    raw["stock_campaign"] = {"start": "2022-12-25", "end": "2022-09-15"}
    with pytest.raises(CountyFileError) as refused:
        parse_county(raw, source="t.yaml")
    assert "stock_campaign.end:" in str(refused.value)


def test_004_c22_l19_the_campaign_refusal_names_the_date_and_the_cut_off_too():
    with pytest.raises(DomainError) as refused:
        check_stock_registration(date(2023, 8, 1), WITH_CAMPAIGN, NOW)
    assert refused.value.params == {"date": "2023-08-01", "cutoff": WITH_CAMPAIGN.cutoff.isoformat(),
                                    "start": "2022-09-15", "end": "2022-12-25"}
