"""The oversight documents officials sign (004 C21, L18; C35, L31; 003 §2(3), Annex 2 and 3),
through the staff app on a half-year of handling (``tests.oversight_sample``): the quarterly
notice and the half-year ranking (.docx) carry the page's figures to the unit; the ledger
(.xlsx) is in the annex forms, read back with openpyxl; write-off comes only after an
acceptance check that met the standard."""

from __future__ import annotations

import csv
import io
import re

import docx
import lxml.html
import pytest
from openpyxl import load_workbook

from tests import oversight_sample
from tests.web.staff_support import fast_argon2, signed_in  # noqa: F401

CLOCK_COLUMNS = ("acceptance", "onsite", "result_notice")


@pytest.fixture
def half_year(deps):
    return oversight_sample.build(deps)


def page_rows(html: str, table_id: str) -> dict[str, list[str]]:
    """A figures table of the page, with its rows behind "show all": unit name -> the figures,
    as the notice writes them (the clocks as met/breached/pending)."""
    tree = lxml.html.fromstring(html)
    rows = {}
    for tr in tree.xpath(f"//table[@id='{table_id}']//tr[@data-unit] | //*[@id='{table_id}-all']//tr[@data-unit]"):
        cells = [re.sub(r"\s+", "", td.text_content()) for td in tr.xpath("./td")]
        rows[cells[0]] = cells[1:4] + cells[4:7] + [cells[10]] + cells[11:]
    return rows


def notice_rows(document, first_header: str) -> dict[str, list[str]]:
    table = next(t for t in document.tables if t.rows[0].cells[0].text == first_header)
    return {row.cells[0].text: [c.text for c in row.cells[1:]] for row in table.rows[1:]}


@pytest.mark.parametrize("kind,key", [("quarter", "2026-Q4"), ("half", "2026-H2")])
def test_004_c21_l18_the_notice_carries_the_page_s_figures_to_the_unit(app, deps, clock, half_year, kind, key):
    sup = signed_in(app, deps, clock, "supervisor")
    html = sup.get(f"/staff/oversight?kind={kind}&period={key}").get_data(as_text=True)
    assert 'id="notice-link"' in html
    response = sup.get(f"/staff/oversight/notice.docx?kind={kind}&period={key}")
    assert response.status_code == 200 and response.mimetype.endswith("wordprocessingml.document")
    document = docx.Document(io.BytesIO(response.data))
    for table_id, header in (("by-township", "乡镇（管理区）"), ("by-lead", "牵头单位"), ("total", "全县")):
        on_page, in_notice = page_rows(html, table_id), notice_rows(document, header)
        assert on_page and in_notice == on_page, table_id
    text = "\n".join(p.text for p in document.paragraphs)
    if kind == "quarter":
        assert text.startswith("炎陵县查违控违工作2026年第四季度通报")
        assert "（统计周期：2026年10月1日至2026年12月31日）" in text
    else:
        assert text.startswith("炎陵县查违控违工作2026年下半年排名通报") and "半年排名" in text
        ranking = notice_rows(document, "名次")
        assert ranking["1"][0] == "沔渡镇" and ranking["4"][:2] == ["中村瑶族乡", "100.0%"]
    # 004 C35, L31: found a second time in October, 垄溪乡 and 中村瑶族乡 are named; each finding's step is due
    assert "垄溪乡（2026-10）、中村瑶族乡（2026-10）" in text and "点名通报" in text
    steps = notice_rows(document, "调度月份")
    assert steps["2026-12"][0] in ("垄溪乡", "中村瑶族乡")
    consequences = {row.cells[3].text for t in document.tables if t.rows[0].cells[0].text == "调度月份" for row in t.rows}
    assert "第3次：报请县人民政府同意后约谈主要负责人" in consequences
    assert "第4次及以上：主要责任人及相关责任人移送纪委监委追责" in consequences
    assert [p.text for p in document.paragraphs if p.text][-2:] == ["县查违控违领导小组办公室", "2026年12月20日"]
    assert any(a["action"] == "export_notice" for a in deps.repos.audit.recent("430225"))


def test_004_c21_only_the_office_issues_notices_and_only_for_a_quarter_or_a_half(app, deps, clock, half_year):
    assert signed_in(app, deps, clock, "discipline").get("/staff/oversight/notice.docx?kind=quarter").status_code == 403
    assert signed_in(app, deps, clock, "officer").get("/staff/oversight/notice.docx?kind=quarter").status_code == 403
    sup = signed_in(app, deps, clock, "supervisor")
    assert sup.get("/staff/oversight/notice.docx?kind=month&period=2026-12").status_code == 400
    assert 'id="notice-link"' not in sup.get("/staff/oversight?kind=month").get_data(as_text=True)


def cell_text(ws, ref: str):
    return ws[ref].value


def test_003_annex_2_and_3_the_xlsx_ledger_reads_back_in_the_seed_s_form(app, deps, clock, half_year):
    sup = signed_in(app, deps, clock, "supervisor")
    response = sup.get("/staff/ledger.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.data))
    land, mining = book.worksheets
    assert (land.title, mining.title) == ("附件2 违法违规用地", "附件3 非法违法采矿")
    for ws, annex, title in ((land, "附件2", "炎陵县违法违规用地清单"), (mining, "附件3", "炎陵县非法违法采矿清单")):
        assert (ws["A1"].value, ws["A2"].value) == (annex, title)
        assert ws["A3"].value == "填报单位：县查违控违领导小组办公室"
        assert ws.cell(3, ws.max_column // 2 + 1).value == "填报时间：2026年12月20日"
        assert (ws["A4"].value, ws["B4"].value, ws["C4"].value, ws["D4"].value) == \
            ("序号", "县（市、区）", "基本情况（摘要）", "查处情况")
    merged = {str(r) for r in land.merged_cells.ranges}
    assert {"A2:N2", "A4:A5", "B4:B5", "C4:C5", "D4:K4", "L4:N4"} <= merged
    assert [land.cell(5, n).value for n in range(4, 15)] == [
        "处理方式", "立案机关", "立案时间", "处罚决定及执行情况", "追刑情况（人）", "追责情况（人）", "移送法院执行情况", "备注",
        "县级", "市级", "省级"]
    merged = {str(r) for r in mining.merged_cells.ranges}
    assert {"A2:M2", "A4:A6", "D4:J4", "K4:M4", "D5:D6", "J5:J6"} <= merged
    assert [mining.cell(5, n).value for n in range(11, 14)] == ["县级", "市级", "省级"]
    assert [mining.cell(6, n).value for n in range(11, 14)] == ["是否达标", "是否验收", "是否销号"]

    def rows(ws, first):
        out = []
        for r in range(first, ws.max_row + 1):
            if isinstance(ws.cell(r, 1).value, int):
                out.append([ws.cell(r, n).value for n in range(1, ws.max_column + 1)])
        return out

    def footer(ws):
        return [v for v in (ws.cell(ws.max_row, n).value for n in range(1, ws.max_column + 1)) if v]

    land_rows, mining_rows = rows(land, 6), rows(mining, 7)
    assert [r[0] for r in land_rows] == list(range(1, len(land_rows) + 1))
    assert mining_rows == [[1, "炎陵县", "李某2026年8月在沔渡镇无证开采稀土（2.5亩）；矿种：稀土",
                            "责令停止开采，恢复植被；矿产品已收缴；设备已没收", "县自然资源局", "2026-08-12",
                            "炎自然资罚〔2026〕8号；罚款12.5万元；已执行到位", 1, 0, mining_rows[0][9], "是", "是", "是"]]
    assert mining_rows[0][9].startswith("已复绿；编号")
    for ws in (land, mining):
        assert footer(ws) == ["填报人：", "审核人：", "负责人："]
        assert any(str(v).startswith("填表说明") for row in ws.iter_rows(values_only=True) for v in row if v)
    # the land case checked and found short of the standard: 县级 否, the other levels blank, not written off
    checked = next(r for r in land_rows if str(r[2]).startswith("王某"))
    assert checked[6] == "炎自然资罚〔2026〕15号；罚款1.2万元" and checked[7] is None and checked[8] == 1
    assert checked[11:14] == ["否", None, None] and "已销号" not in checked[10]
    # a report never visited: blanks, never 否 or 0, for what nobody recorded
    ignored = next(r for r in land_rows if "垄溪乡" in str(r[2]) and "正在核查处理" in str(r[2]))
    assert ignored[3:10] == [None] * 7 and ignored[11:14] == [None, None, None]
    # declined and untrue reports are no violation: not on the forms; the CSV keeps every ticket
    ledger_csv = list(csv.reader(io.StringIO(sup.get("/staff/ledger.csv").data.decode("utf-8-sig"))))
    assert len(ledger_csv) - 1 == len(land_rows) + len(mining_rows)


def test_003_s2_3_write_off_through_the_pages_only_after_a_check_that_met_the_standard(app, deps, clock, half_year):
    sup = signed_in(app, deps, clock, "supervisor")
    land = half_year["land"]
    refused = sup.act(land, "write-off", {"note": "想先销号"})
    assert refused.status_code == 400 and "验收未达标，不能销号" in refused.get_data(as_text=True)
    page = sup.get(f"/staff/tickets/{land}").get_data(as_text=True)
    assert 'id="form-write-off"' not in page and 'id="form-acceptance-check"' in page
    future = sup.act(land, "acceptance-check", {"level": "county", "meets_standard": "yes", "checked_on": "2026-12-21"})
    assert future.status_code == 400 and "验收日期不能晚于今天" in future.get_data(as_text=True)
    checked = sup.act(land, "acceptance-check", {"level": "county", "meets_standard": "yes", "checked_on": "2026-12-20",
                                                 "note": "已复耕"})
    assert checked.status_code == 303
    assert 'id="form-write-off"' in sup.get(f"/staff/tickets/{land}").get_data(as_text=True)
    assert sup.act(land, "write-off", {"note": "验收达标"}).status_code == 303
    page = sup.get(f"/staff/tickets/{land}").get_data(as_text=True)
    assert 'id="written-off"' in page and "销号" in page
    kinds = [e.kind for e in deps.repos.complaints.history(land)]
    assert kinds.count("acceptance_checked") == 2 and kinds.count("written_off") == 1
    rows = list(csv.reader(io.StringIO(sup.get("/staff/ledger.csv").data.decode("utf-8-sig"))))
    row = dict(zip(rows[0], next(r for r in rows if r[2] == land)))
    assert (row["县级验收"], row["是否验收"], row["是否销号"], row["销号日期"]) == ("是", "是", "是", "2026-12-20")


def test_003_an_unconcluded_ticket_cannot_be_checked_and_a_township_cannot_write_off(app, deps, clock, half_year):
    ignored = half_year["ignored"]
    sup = signed_in(app, deps, clock, "supervisor")
    response = sup.act(ignored, "acceptance-check", {"level": "county", "meets_standard": "yes",
                                                     "checked_on": "2026-12-20"})
    assert response.status_code == 409
    township = signed_in(app, deps, clock, "township_other")  # 中村: does not see 垄溪's ticket
    assert township.act(half_year["mine"], "write-off", {}).status_code == 404
    officer = signed_in(app, deps, clock, "officer")  # handles it, but the office writes off
    assert officer.act(half_year["land"], "write-off", {}).status_code == 403
