"""The ledger (台账) keeps every column of 003 Annex 2 (illegal land use) and Annex 3 (illegal
mining) (RULES.md §5), each filled from its own measure, fines in 万元; a fact nobody recorded is
blank, never 否 or 0; the acceptance checks and the write-off (销号, 003 §2(3)) come after the
conclusion, write-off only once a check met the standard."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from portal.config import DEMO_COUNTY_FILE
from portal.counties import load_county
from portal.domain.cases import Case, CaseMember
from portal.domain.complaint import Complaint, Finding, Measures
from portal.domain.errors import Conflict, DomainError
from portal.domain.geo import Point
from portal.services.oversight.ledger import COLUMNS, annex_row, csv_row, listed
from tests.unit.tickets import PLAIN_CALENDAR, filed_ticket

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
LATER = T0 + timedelta(days=20)
COUNTY = load_county(DEMO_COUNTY_FILE)
SAME = lambda s: s  # noqa: E731

#: column -> the value the measures below put in it
ANNEX_2 = {
    "序号": "7",
    "县（市、区）": "湖南省株洲市炎陵县",
    "违法行为概况（当事人、时间、地点、面积）": "张某2026年11月在垄溪乡占用耕地建房",
    "面积（亩）": "0.3",
    "处置方式": "拆除复耕",
    "立案机关": "县自然资源局",
    "立案时间": "2026-11-24",
    "处罚决定": "炎自然资罚〔2026〕1号",
    "处罚决定是否执行到位": "是",
    "罚款（万元）": "1.5",
    "移送追究刑事责任人数": "2",
    "追责问责人数": "1",
    "申请法院强制执行": "是",
    "备注": "已复耕",
    "县级验收": "是",
    "市级验收": "",
    "省级验收": "",
    "是否达标": "是",
    "是否验收": "是",
    "是否销号": "是",
    "销号日期": "2026-12-13",
}
ANNEX_3_EXTRA = {"矿种": "稀土", "是否没收矿产品": "是", "是否查扣设备": "否"}


def measures(**changes) -> Measures:
    values = dict(
        summary=ANNEX_2["违法行为概况（当事人、时间、地点、面积）"], area_mu=0.3, method="拆除复耕",
        filing_authority="县自然资源局", filing_date=date(2026, 11, 24), penalty_decision="炎自然资罚〔2026〕1号",
        penalty_executed=True, fine_wan_yuan=1.5, criminal_referrals=2, persons_accountable=1,
        court_enforcement=True, notes="已复耕", mineral_type="稀土", products_confiscated=True, equipment_seized=False,
    )
    return Measures(**(values | changes))


def concluded_ticket(category: str = "m1-illegal-mining", finding: Finding = Finding.SUBSTANTIATED,
                     **changes) -> Complaint:
    c = filed_ticket(T0, id="01LEDGERLEDGERLEDGERLEDGER", category=category, description="举报人原话",
                     point=Point(113.78, 26.12), township="longxi", quiet=False)
    c.accept(T0, "off", "natural_resources")
    c.conclude(T0, "off", "natural_resources", finding, measures(**changes), "已拆除", PLAIN_CALENDAR)
    return c


def accepted_and_written_off() -> Complaint:
    c = concluded_ticket()
    c.record_acceptance_check(LATER, "sup", "leading_group_office", "county", True, date(2026, 12, 12), "现场验收")
    c.record_write_off(LATER, "sup", "leading_group_office", "")
    return c


def row(c: Complaint, n: int = 7) -> dict:
    return dict(zip(COLUMNS, csv_row(n, c, COUNTY, SAME)))


def test_003_annex_2_and_3_every_ledger_column_is_exported_with_its_own_value():
    values = row(accepted_and_written_off())
    expected = {**ANNEX_2, **ANNEX_3_EXTRA}
    assert {column: values.get(column) for column in expected} == expected
    # the ledger is the county's record, never the reporter's: not their words
    assert "举报人原话" not in values.values()


def test_003_a_ticket_not_yet_handled_exports_blanks_never_no_or_zero():
    """The issue's complaint: a ticket not yet handled exported 否 and 0."""
    c = filed_ticket(T0, category="l1-occupy-land", township="longxi")
    values = row(c)
    for column in ("处罚决定是否执行到位", "罚款（万元）", "移送追究刑事责任人数", "追责问责人数", "申请法院强制执行", "县级验收",
                   "市级验收", "省级验收", "是否达标", "是否验收", "是否销号", "是否没收矿产品", "是否查扣设备",
                   "受过行政处罚后再次非法转让、倒卖", "是否移送公安机关"):
        assert values[column] == "", column
    cells = annex_row(c, COUNTY, SAME)
    for key in ("criminal_referrals", "persons_accountable", "court_enforcement", "checked_county", "checked_city",
                "checked_province", "decision", "handling"):
        assert cells[key] is None, key


def test_003_what_was_recorded_as_no_or_zero_stays_no_or_zero():
    values = row(concluded_ticket(penalty_executed=False, criminal_referrals=0, persons_accountable=None,
                                  court_enforcement=None, equipment_seized=False))
    assert (values["处罚决定是否执行到位"], values["移送追究刑事责任人数"], values["追责问责人数"]) == ("否", "0", "")
    assert (values["申请法院强制执行"], values["是否查扣设备"]) == ("", "否")
    # concluded, not written off: that is known; not checked: unknown
    assert (values["是否销号"], values["是否验收"], values["县级验收"]) == ("否", "", "")


def test_003_s2_3_write_off_is_refused_before_the_acceptance_check_is_recorded():
    c = concluded_ticket()
    with pytest.raises(DomainError, match="尚未登记验收"):
        c.record_write_off(LATER, "sup", "leading_group_office", "")
    assert c.write_off is None and not any(e.kind == "written_off" for e in c.new_events)


def test_003_s2_3_write_off_is_refused_while_no_check_met_the_standard():
    c = concluded_ticket()
    c.record_acceptance_check(LATER, "sup", "leading_group_office", "county", False, date(2026, 12, 12), "未复耕")
    with pytest.raises(DomainError, match="验收未达标"):
        c.record_write_off(LATER, "sup", "leading_group_office", "")
    assert row(c)["是否验收"] == "否" and row(c)["县级验收"] == "否" and row(c)["是否销号"] == "否"
    c.record_acceptance_check(LATER, "sup", "leading_group_office", "county", True, date(2026, 12, 13), "已复耕")
    c.record_write_off(LATER, "sup", "leading_group_office", "")
    assert row(c)["是否销号"] == "是" and row(c)["县级验收"] == "是"


def test_003_s2_3_the_check_and_the_write_off_are_events_and_happen_once():
    c = accepted_and_written_off()
    kinds = [e.kind for e in c.new_events]
    assert kinds[-2:] == ["acceptance_checked", "written_off"]
    assert c.new_events[-2].data == {"level": "county", "meets_standard": True, "checked_on": "2026-12-12"}
    with pytest.raises(Conflict):
        c.record_write_off(LATER, "sup", "leading_group_office", "")
    with pytest.raises(Conflict):
        c.record_acceptance_check(LATER, "sup", "leading_group_office", "city", True, date(2026, 12, 12))


def test_003_s2_3_only_a_concluded_substantiated_item_is_checked_and_never_on_a_future_day():
    open_ticket = filed_ticket(T0)
    with pytest.raises(Conflict):
        open_ticket.record_acceptance_check(T0, "sup", "leading_group_office", "county", True, date(2026, 11, 23))
    untrue = concluded_ticket(finding=Finding.NOT_SUBSTANTIATED)
    with pytest.raises(DomainError, match="不属实"):
        untrue.record_acceptance_check(LATER, "sup", "leading_group_office", "county", True, date(2026, 12, 12))
    c = concluded_ticket()
    for level, day, message in (("town", date(2026, 12, 12), "层级"), ("county", date(2026, 12, 14), "晚于今天"),
                                ("county", date(2026, 11, 22), "早于办结")):
        with pytest.raises(DomainError, match=message):
            c.record_acceptance_check(LATER, "sup", "leading_group_office", level, True, day)
    assert c.acceptance_checks == []


def test_reopening_clears_the_checks_and_the_write_off_and_the_history_keeps_them():
    c = accepted_and_written_off()
    c.reopen(LATER, "sup", "leading_group_office", "验收后发现复建", PLAIN_CALENDAR)
    assert c.write_off is None and c.acceptance_checks == []
    assert c.new_events[-1].data["cleared"] == {"acceptance_checks": 1, "written_off": True}
    assert [e.kind for e in c.new_events].count("written_off") == 1


def test_003_annex_cells_fines_in_wan_yuan_mining_facts_and_the_write_off():
    mining = annex_row(accepted_and_written_off(), COUNTY, SAME)
    assert mining["annex"] == 3 and mining["county_short"] == "炎陵县"
    assert mining["decision"] == "炎自然资罚〔2026〕1号；罚款1.5万元；已执行到位"
    assert mining["handling"] == "拆除复耕；矿产品已收缴；设备未没收"
    assert mining["basic"] == "张某2026年11月在垄溪乡占用耕地建房（0.3亩）；矿种：稀土"
    assert (mining["meets_standard"], mining["accepted"], mining["written_off"]) == ("是", "是", "是")
    land = concluded_ticket(category="l1-occupy-land")
    land.record_acceptance_check(LATER, "sup", "leading_group_office", "county", True, date(2026, 12, 12))
    land.record_write_off(LATER, "sup", "leading_group_office")
    cells = annex_row(land, COUNTY, SAME)
    assert cells["annex"] == 2 and cells["remarks"].startswith("已复耕；已销号（2026-12-13）；编号")
    assert "矿产品" not in cells["handling"]


def test_003_declined_and_untrue_reports_are_no_violation_and_stay_off_the_forms():
    assert listed(concluded_ticket()) and listed(filed_ticket(T0))
    assert not listed(concluded_ticket(finding=Finding.NOT_SUBSTANTIATED))
    declined = filed_ticket(T0)
    declined.decline(T0, "off", "natural_resources", "out_of_scope", "不属于受理范围")
    assert not listed(declined)


def test_004_c22_l19_a_report_is_new_in_the_ledger_until_its_case_is_marked_stock():
    c = concluded_ticket()
    assert row(c)["存量/新增"] == "新增"
    c.mark_case(T0, "sup", "leading_group_office", c.case_id, "stock", "2022年百日攻坚已登记")
    assert row(c)["存量/新增"] == "存量"


def test_004_c22_l19_a_case_opened_by_a_report_is_new():
    """Whatever the portal receives is found after the rules took effect: new (新增) until a
    handler marks the case stock."""
    member = CaseMember("01LEDGERLEDGERLEDGERLEDGER", T0, 1)
    assert Case.open_for("01CASECASECASECASECASECASE", "430225", "l1-occupy-land", member).kind == "new"
    assert concluded_ticket().case_kind == "new"
