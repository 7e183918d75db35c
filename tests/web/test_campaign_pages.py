"""Campaign pages through the staff app (issue 17): the office creates a campaign like 003's from
the form, adds tickets with one action, a township enters a survey item and reports progress,
the notice prepared on a reporting day carries the page's figures to the unit (003 §3(3)), and
each role sees only what it may."""

from __future__ import annotations

import io
import re

import docx
import lxml.html
import pytest
from openpyxl import load_workbook

from portal.services import sweeper
from tests import campaign_sample as sample
from tests.campaign_sample import at
from tests.web.staff_support import fast_argon2, signed_in  # noqa: F401


def form(**overrides) -> dict:
    """The 003-like creation form as the test client posts it (a list per repeated field)."""
    return sample.form_003(**overrides).to_dict(flat=False)


def campaign_id_from(response) -> str:
    return re.search(r"/staff/campaigns/([0-9A-Z]{26})$", response.headers["Location"]).group(1)


def figures_rows(html: str, table_id: str) -> dict[str, list[str]]:
    """A figures table of a page, with its rows behind "show all"."""
    tree = lxml.html.fromstring(html)
    rows = {}
    for tr in tree.xpath(f"//table[@id='{table_id}']//tr[@data-unit] | //*[@id='{table_id}-all']//tr[@data-unit]"):
        cells = [re.sub(r"\s+", "", c.text_content()) for c in tr.xpath("./th|./td")]
        rows[cells[0]] = cells[1:]
    return rows


def notice_rows(document, first_header: str) -> dict[str, list[str]]:
    table = next(t for t in document.tables if t.rows[0].cells[0].text == first_header)
    return {row.cells[0].text: [c.text for c in row.cells[1:]] for row in table.rows[1:]}


@pytest.fixture
def sign_in(app, deps, clock):
    """Sign in again after the clock moved (sessions end after 15 idle minutes)."""
    made = []

    def person(name: str = "supervisor", when: str | None = None):
        if when:
            at(deps, when)
        made.append(name)
        return signed_in(app, deps, clock, name, username=f"{name.replace('_', '-')}-{len(made)}")
    return person


def test_003_the_office_creates_a_campaign_from_the_form_and_bad_input_stores_nothing(sign_in, deps):
    office = sign_in("supervisor", "2027-05-25T09:00:00+08:00")
    page = office.get("/staff/campaigns/new").get_data(as_text=True)
    assert 'value="组织准备"' in page and 'value="检查验收"' in page  # 003's four phases offered
    bad = form(phase_end_3="2027-06-01")  # 查处整改 ends before it starts
    refused = office.post("/staff/campaigns", bad)
    assert refused.status_code == 400 and "结束日期早于开始日期" in refused.get_data(as_text=True)
    for hostile in (form(categories=["o1-public-official"]), form(units=["discipline"]),
                    form(ledger_form="<script>"), form(reporting="weekly"),
                    form(phase_start_1="2027-13-01"), form(whole_county="0", townships=[])):
        assert office.post("/staff/campaigns", hostile).status_code == 400
    assert deps.repos.campaigns.in_county(sample.COUNTY) == []
    created = office.post("/staff/campaigns", form())
    assert created.status_code == 303
    campaign = deps.repos.campaigns.get(campaign_id_from(created))
    assert [p.name for p in campaign.phases] == ["组织准备", "排查摸底", "查处整改", "检查验收"]
    html = office.get(f"/staff/campaigns/{campaign.id}").get_data(as_text=True)
    assert "尚未开始" in html and "下一期通报：2027-06-15" in html


def test_003_s3_3_the_notice_figures_equal_the_page_s(sign_in, deps):
    at(deps, "2027-06-01T09:00:00+08:00")
    tickets = [sample.report(deps, t) for t in ("longxi", "longxi", "xiayang", "miandu")]
    mine = sample.report(deps, "miandu", category="m1-illegal-mining")
    office = sign_in()
    campaign_id = campaign_id_from(office.post("/staff/campaigns", form()))
    office.post(f"/staff/campaigns/{campaign_id}/items", {"tickets": [t.id for t in tickets + [mine]]})
    at(deps, "2027-06-20T09:00:00+08:00")
    sample.conclude(deps, tickets[0].id, "longxi")
    sample.conclude(deps, tickets[2].id, "xiayang", finding="not_substantiated")
    office = sign_in()
    office.post(f"/staff/campaigns/{campaign_id}/items/{tickets[0].id}/acceptance-check",
                {"level": "county", "meets_standard": "yes", "checked_on": "2027-06-20"})
    assert office.post(f"/staff/campaigns/{campaign_id}/items/{tickets[0].id}/write-off",
                       {"note": "验收达标"}).status_code == 303
    day = at(deps, "2027-06-30T00:00:00+08:00")  # a reporting day: the sweeper prepares the notice
    sweeper.sweep(deps, day)
    office = sign_in()
    html = office.get(f"/staff/campaigns/{campaign_id}").get_data(as_text=True)
    response = office.get(f"/staff/campaigns/{campaign_id}/notices/2027-06-30/notice.docx")
    assert response.status_code == 200 and response.mimetype.endswith("wordprocessingml.document")
    document = docx.Document(io.BytesIO(response.data))
    review = office.get(f"/staff/campaigns/{campaign_id}/notices/2027-06-30").get_data(as_text=True)
    for table_id, header in (("total", "全县"), ("townships", "乡镇（管理区）"), ("units", "责任单位")):
        on_page, in_notice = figures_rows(html, f"figures-{table_id}"), notice_rows(document, header)
        assert on_page and in_notice == on_page, table_id
        # the review page shows the notice as prepared, in the county's order
        assert list(figures_rows(review, f"notice-{table_id}").items()) == list(in_notice.items()), table_id
    assert figures_rows(html, "figures-total") == {"合计": ["5", "0", "5", "2", "1", "0"]}
    assert figures_rows(html, "figures-townships")["垄溪乡"] == ["2", "0", "2", "1", "1", "0"]
    text = "\n".join(p.text for p in document.paragraphs)
    assert text.startswith("炎陵县严厉打击非法违法用地用矿专项行动工作进展通报")
    assert "（第2期　统计截至2027年6月30日）" in text and "排查摸底" in text
    # the oversight page carries the same totals beside the standing figures, with the chart
    oversight = office.get("/staff/oversight").get_data(as_text=True)
    assert figures_rows(oversight, f"campaign-total-{campaign_id}") == figures_rows(html, "figures-total")
    assert 'data-progress="campaign"' in oversight and "<polyline" in oversight
    # reviewed and issued: an event, once
    assert office.post(f"/staff/campaigns/{campaign_id}/notices/2027-06-30/issue").status_code == 303
    assert office.post(f"/staff/campaigns/{campaign_id}/notices/2027-06-30/issue").status_code == 409
    kinds = [e.kind for e in deps.repos.campaigns.history(campaign_id)]
    assert kinds.count("notice_issued") == 1 and kinds.count("notice_prepared") == 2


def test_003_s2_2_units_see_their_own_items_and_the_issued_notices_only(app, deps, clock, sign_in):
    at(deps, "2027-06-01T09:00:00+08:00")
    longxi_report = sample.report(deps, "longxi")
    xiayang_report = sample.report(deps, "xiayang")
    office = sign_in()
    campaign_id = campaign_id_from(office.post("/staff/campaigns", form()))
    office.post(f"/staff/campaigns/{campaign_id}/items", {"tickets": [longxi_report.id, xiayang_report.id]})
    at(deps, "2027-06-15T09:00:00+08:00")
    sweeper.sweep(deps, deps.clock.now())
    xiayang = sign_in("township")  # 霞阳镇
    office = sign_in()
    page = xiayang.get(f"/staff/campaigns/{campaign_id}").get_data(as_text=True)
    assert xiayang_report.id[-8:] in page and longxi_report.id[-8:] not in page
    assert "纳入已有举报" not in page and "专项行动记录" not in page and 'data-day="2027-06-15"' not in page  # not issued
    assert xiayang.get(f"/staff/campaigns/{campaign_id}/items/{longxi_report.id}").status_code == 404
    assert xiayang.get(f"/staff/campaigns/{campaign_id}/add").status_code == 403
    assert xiayang.post(f"/staff/campaigns/{campaign_id}/items", {"tickets": [longxi_report.id]}).status_code == 403
    assert xiayang.get(f"/staff/campaigns/{campaign_id}/notices/2027-06-15/notice.docx").status_code == 404
    assert xiayang.post(f"/staff/campaigns/{campaign_id}/items/{longxi_report.id}/progress",
                        {"note": "越权"}).status_code == 404
    assert xiayang.post(f"/staff/campaigns/{campaign_id}/items/{xiayang_report.id}/progress",
                        {"note": "已责令停工"}).status_code == 303
    # the survey: a township enters in its own area
    entered = xiayang.post(f"/staff/campaigns/{campaign_id}/survey", {
        "category": "l1-occupy-land", "description": "霞阳镇某村村民占用耕地建房约0.2亩", "kind": "new"})
    assert entered.status_code == 303
    office.post(f"/staff/campaigns/{campaign_id}/notices/2027-06-15/issue")
    assert xiayang.get(f"/staff/campaigns/{campaign_id}/notices/2027-06-15/notice.docx").status_code == 200
    book = load_workbook(io.BytesIO(xiayang.get(f"/staff/campaigns/{campaign_id}/ledger.xlsx").data))
    cells = " ".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value)
    assert longxi_report.id[-8:] not in cells and "违法违规用地清单" in cells
    for name in ("finance", "discipline", "admin", "custodian"):
        outsider = sign_in(name)
        assert outsider.get(f"/staff/campaigns/{campaign_id}").status_code in (403, 404)
        assert outsider.get("/staff/campaigns").status_code == 403


def test_the_campaign_pages_and_notice_are_english_on_request(sign_in, deps, county):
    """zh_CN first, en complete: every campaign page's own text, and the notice, in English."""
    from tests.web.test_english import assert_no_chinese_chrome

    at(deps, "2027-06-01T09:00:00+08:00")
    existing = sample.report(deps, "longxi")
    office = sign_in()
    office.get("/staff/?lang=en")
    campaign_id = campaign_id_from(office.post("/staff/campaigns", form(basis="")))
    office.post(f"/staff/campaigns/{campaign_id}/items", {"tickets": [existing.id]})
    at(deps, "2027-06-15T00:00:00+08:00")
    sweeper.sweep(deps, deps.clock.now())
    at(deps, "2027-06-20T09:00:00+08:00")
    sample.conclude(deps, existing.id, "longxi")
    sample.report(deps, "xiayang")  # a suggestion
    office = sign_in()
    office.get("/staff/?lang=en")
    campaign = deps.repos.campaigns.get(campaign_id)
    phase_names = [p.name for p in campaign.phases] + [campaign.name, sample.MEASURES["summary"]]
    for path in ("/staff/campaigns", "/staff/campaigns/new", f"/staff/campaigns/{campaign_id}",
                 f"/staff/campaigns/{campaign_id}/add", f"/staff/campaigns/{campaign_id}/survey",
                 f"/staff/campaigns/{campaign_id}/items/{existing.id}",
                 f"/staff/campaigns/{campaign_id}/notices/2027-06-15", "/staff/oversight"):
        response = office.get(path)
        assert response.status_code == 200, path
        assert_no_chinese_chrome(response.get_data(as_text=True), county, *phase_names)
    document = docx.Document(io.BytesIO(office.get(
        f"/staff/campaigns/{campaign_id}/notices/2027-06-15/notice.docx").data))
    text = "\n".join([p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows
                                                              for c in r.cells])
    assert_no_chinese_chrome(text, county, *phase_names)
    assert "Progress notice" in text or "progress notice" in text
