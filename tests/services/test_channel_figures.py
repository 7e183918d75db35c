"""Channel, source and external reference in the ledger (台账) and the oversight figures
(004 C21, L18), counted per channel; hand-overs' feedback on time and late (004 C9, C14(1), L8)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from openpyxl import load_workbook

from portal.domain.access import Actor, Role
from portal.domain.deadlines import ClockKind
from portal.domain.oversight import Period
from portal.services import oversight, sweeper, workflow
from portal.services.channels import notices
from portal.services.oversight import ledger
from tests.services.channel_support import LEAD, RECEIVER, register
from tests.services.helpers import file

SUPERVISOR = Actor("sup-1", Role.SUPERVISOR, "leading_group_office", "430225")
SAME = lambda s: s  # noqa: E731 (msgids as they are: Chinese)
REFERENCE = "YL12345-20261120-0007"


def test_004_c9_a_12345_reference_survives_into_the_ledger(deps, clock):
    _, c, _ = register(deps, "assigned", source="12345", external_ref=REFERENCE)
    rows = list(csv.DictReader(io.StringIO(ledger.export_csv(deps, SUPERVISOR, clock.now(), SAME).decode("utf-8-sig"))))
    [row] = [r for r in rows if r["举报编号"] == c.id]
    assert row["交办单号、来文编号"] == REFERENCE and row["举报渠道"] == "上级交办"
    assert row["举报来源"] == "12345政务服务便民热线" and row["收到单位"] == "县住房和城乡建设局"
    assert row["向交办（移交）单位反馈日期"] == ""
    # the annex form (XLSX) says it in the remarks
    book = load_workbook(io.BytesIO(ledger.export_xlsx(deps, SUPERVISOR, clock.now(), SAME)))
    cells = [str(cell.value) for sheet in book.worksheets for line in sheet.iter_rows() for cell in line if cell.value]
    assert any(f"12345政务服务便民热线 {REFERENCE}" in text for text in cells)
    # a web report says so too, with nothing to refer to
    web, _ = file(deps)
    rows = list(csv.DictReader(io.StringIO(ledger.export_csv(deps, SUPERVISOR, clock.now(), SAME).decode("utf-8-sig"))))
    [web_row] = [r for r in rows if r["举报编号"] == web.id]
    assert web_row["举报渠道"] == "网上举报" and web_row["交办单号、来文编号"] == "" and web_row["举报来源"] == "群众举报"


def test_004_c21_the_oversight_figures_count_per_channel_and_the_feedback_on_time_and_late(deps, clock):
    file(deps)
    register(deps, "letter")
    register(deps, "phone")
    _, on_time, _ = register(deps, "assigned", source="12345", received_on="2026-11-20")
    _, late, _ = register(deps, "transferred", received_on="2026-11-20")
    for c in (on_time, late):
        workflow.accept(deps, LEAD, c.id, "", clock.now())
        workflow.conclude(deps, LEAD, c.id, "substantiated", "已处理。", {}, clock.now())
    notices.record_feedback(deps, RECEIVER, on_time.id, None, "12345平台回复", clock.now())
    sweeper.sweep(deps, late.clock(ClockKind.HANDOVER_FEEDBACK).due_at + timedelta(minutes=1))
    report = oversight.report(deps, SUPERVISOR, Period("month", 2026, 11), clock.now())
    received = {f.unit: f.received for f in report.channels}
    assert received == {"web": 1, "phone": 1, "letter": 1, "assigned": 1, "transferred": 1}
    assert [f.unit for f in report.channels] == ["web", "phone", "letter", "assigned", "transferred"]
    by = {f.unit: f for f in report.channels}
    assert by["assigned"].feedback == {"met": 1, "breached": 0, "pending": 0}
    assert by["transferred"].feedback == {"met": 0, "breached": 1, "pending": 0}
    assert report.stats.total.feedback == {"met": 1, "breached": 1, "pending": 0}
    assert by["web"].feedback == {"met": 0, "breached": 0, "pending": 0}
    text = oversight.export_csv(deps, SUPERVISOR, Period("month", 2026, 11), clock.now(), SAME).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][-2:] == ["按时向交办（移交）单位反馈", "反馈超期"]
    assert [r[2] for r in lines if r[1] == "举报渠道"] == ["网上举报", "电话举报", "来信举报", "上级交办", "相关部门移交"]
    assert next(r for r in lines if r[1] == "合计")[-2:] == ["1", "1"]
