"""A campaign's documents open in an office suite: LibreOffice headless converts the progress
notice (.docx, 003 §3(3)) and the ledger in both forms (.xlsx: 003 Annex 2 and 3, and the
plain list) to PDF without error, and the PDF holds their titles and figures."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from portal.services import sweeper
from portal.services.campaigns import items, ledger, notice
from tests import campaign_sample as sample
from tests.campaign_sample import OFFICE, at
from tests.services.test_documents_open_in_libreoffice import to_pdf

pytestmark = pytest.mark.slow


def test_003_libreoffice_converts_the_progress_notice_and_both_ledger_forms(deps, tmp_path):
    at(deps, "2027-06-01T09:00:00+08:00")
    land = sample.report(deps, "longxi")
    mine = sample.report(deps, "miandu", category="m1-illegal-mining")
    annex = sample.create_003(deps)
    plain = sample.create_003(deps, ledger_form="plain", name="简明台账专项行动")
    for campaign in (annex, plain):
        items.add_tickets(deps, OFFICE, campaign.id, [land.id, mine.id], deps.clock.now())
    at(deps, "2027-06-10T09:00:00+08:00")
    sample.conclude(deps, land.id, "longxi")
    items.record_acceptance(deps, OFFICE, annex.id, land.id, MultiDict(
        {"level": "county", "meets_standard": "yes", "checked_on": "2027-06-10"}), deps.clock.now())
    items.write_off(deps, OFFICE, annex.id, land.id, "验收达标", deps.clock.now())
    sweeper.sweep(deps, at(deps, "2027-06-15T00:00:00+08:00"))
    same = lambda s: s  # noqa: E731
    out = tmp_path / "pdf"
    out.mkdir()
    document = tmp_path / "campaign-notice.docx"
    document.write_bytes(notice.docx(deps, OFFICE, annex.id, "2027-06-15", deps.clock.now(), same)[0])
    text = to_pdf(document, out).replace(" ", "").replace("\n", "")
    assert "严厉打击非法违法用地用矿专项行动工作进展通报" in text and "统计截至2027年6月15日" in text
    assert "各乡镇（管理区）情况" in text and "阶段安排" in text
    for campaign, titles in ((annex, ("炎陵县违法违规用地清单", "炎陵县非法违法采矿清单")),
                             (plain, ("简明台账专项行动问题清单（台账）",))):
        book = tmp_path / f"ledger-{campaign.ledger_form}.xlsx"
        book.write_bytes(ledger.export_xlsx(deps, OFFICE, campaign.id, deps.clock.now(), same)[0])
        sheets = to_pdf(book, out).replace(" ", "").replace("\n", "")
        assert all(title in sheets for title in titles) and "负责人：" in sheets, campaign.ledger_form
        if campaign.ledger_form == "plain":
            # the item follows its ticket: written off through one campaign, it is in every one
            assert "已销号" in sheets and "正在查处" in sheets
