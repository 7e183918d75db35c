"""The ledger (台账) export keeps every column of 003 Annex 2 (illegal land use) and Annex 3
(illegal mining) (RULES.md §5), each filled from its own measure, fines in 万元."""

from __future__ import annotations

from datetime import date, datetime, timezone

from portal.domain.cases import Case, CaseMember
from portal.domain.complaint import Complaint, Finding, Measures
from portal.domain.geo import Point
from tests.unit.tickets import PLAIN_CALENDAR, filed_ticket
from portal.services.ledger import COLUMNS, _row

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)

#: column -> the value the measures below put in it
ANNEX_2 = {
    "序号": "7",
    "县（市、区）": "湖南省株洲市炎陵县",
    "违法行为概况（当事人、时间、地点、面积）": "张某2026年11月在垄溪乡占用耕地建房0.3亩",
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
    "市级验收": "否",
    "省级验收": "否",
    "是否达标": "是",
    "是否验收": "是",
    "是否销号": "是",
}
ANNEX_3_EXTRA = {"矿种": "稀土", "是否没收矿产品": "是", "是否查扣设备": "否"}


def concluded_ticket() -> Complaint:
    c = filed_ticket(T0, id="01LEDGERLEDGERLEDGERLEDGER", category="m1-illegal-mining", description="举报人原话",
                     point=Point(113.78, 26.12), township="longxi", quiet=False)
    c.accept(T0, "off", "natural_resources")
    measures = Measures(
        summary=ANNEX_2["违法行为概况（当事人、时间、地点、面积）"], area_mu=0.3, method="拆除复耕",
        filing_authority="县自然资源局", filing_date=date(2026, 11, 24), penalty_decision="炎自然资罚〔2026〕1号",
        penalty_executed=True, fine_wan_yuan=1.5, criminal_referrals=2, persons_accountable=1,
        court_enforcement=True, notes="已复耕", checked_county=True, meets_standard=True, written_off=True,
        mineral_type="稀土", products_confiscated=True, equipment_seized=False,
    )
    c.conclude(T0, "off", "natural_resources", Finding.SUBSTANTIATED, measures, "已拆除", PLAIN_CALENDAR)
    return c


def test_003_annex_2_and_3_every_ledger_column_is_exported_with_its_own_value():
    row = _row(7, concluded_ticket(), "湖南省株洲市炎陵县", "违法采矿", "县自然资源局", lambda s: s)
    assert len(row) == len(COLUMNS)
    values = dict(zip(COLUMNS, row))
    expected = {**ANNEX_2, **ANNEX_3_EXTRA}
    assert {column: values.get(column) for column in expected} == expected
    # the ledger is the county's record, never the reporter's: not their words
    assert "举报人原话" not in row


def test_004_c22_l19_a_report_is_new_in_the_ledger_until_its_case_is_marked_stock():
    c = concluded_ticket()
    row = lambda: dict(zip(COLUMNS, _row(1, c, "炎陵县", "违法采矿", "县自然资源局", lambda s: s)))  # noqa: E731
    assert row()["存量/新增"] == "新增"
    c.mark_case(T0, "sup", "leading_group_office", c.case_id, "stock", "2022年百日攻坚已登记")
    assert row()["存量/新增"] == "存量"


def test_004_c22_l19_a_case_opened_by_a_report_is_new():
    """Whatever the portal receives is found after the rules took effect: new (新增) until a
    handler marks the case stock."""
    member = CaseMember("01LEDGERLEDGERLEDGERLEDGER", T0, 1)
    assert Case.open_for("01CASECASECASECASECASECASE", "430225", "l1-occupy-land", member).kind == "new"
    assert concluded_ticket().case_kind == "new"
