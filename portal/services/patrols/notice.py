"""The control chain's section of the quarterly notice and the half-year ranking (004 C21, L18:
季通报 … 重点检查网格管理), appended to ``portal.services.oversight.notice.SECTIONS``: the
period's patrols and weekly reports per township, the weeks without the built-up area's
professional patrol (004 C19), and the villages whose concealment the office confirmed, each
with its step on the village head's ladder (004 C33, L29: 警告、追责、提出免职建议)."""

from __future__ import annotations

from portal.documents.notice_docx import Block, Heading, Paragraph, Table
from portal.domain.patrols.concealment import LADDER_TITLES
from portal.i18n import N_


def grid_management(ctx) -> list[Block]:
    """``ctx``: the notice's ``NoticeContext`` (the same report as the page and the CSV)."""
    if ctx.report.scope != "county":
        return []
    rows = [f for f in ctx.report.townships if f.patrol is not None]
    if not rows:
        return []
    tr, name = ctx.tr, ctx.county.unit_name

    def total(get) -> int:
        return sum(get(f.patrol) for f in rows)

    text = tr(N_("本期各乡镇（管理区）共登记巡查%(patrols)s次。村级零汇报按时%(v_on)s份、逾期%(v_late)s份、未报送%(v_missing)s份；"
                 "乡镇零汇报按时%(t_on)s份、逾期%(t_late)s份、未报送%(t_missing)s份。县城建成区专业巡查%(pro)s次，"
                 "%(pro_missed)s周未开展。巡查发现问题%(by_patrol)s处，群众举报等发现%(by_citizen)s处；"
                 "确认村级瞒报、漏报%(confirmed)s次。")) % {
        "patrols": total(lambda p: p.patrols),
        "v_on": total(lambda p: p.village_reports["on_time"]), "v_late": total(lambda p: p.village_reports["late"]),
        "v_missing": total(lambda p: p.village_reports["missing"]),
        "t_on": total(lambda p: p.township_reports["on_time"]), "t_late": total(lambda p: p.township_reports["late"]),
        "t_missing": total(lambda p: p.township_reports["missing"]),
        "pro": total(lambda p: p.professional), "pro_missed": total(lambda p: p.professional_weeks_missed),
        "by_patrol": total(lambda p: p.by_patrol), "by_citizen": total(lambda p: p.by_citizen),
        "confirmed": total(lambda p: p.concealment_confirmed)}
    blocks: list[Block] = [Heading(tr(N_("网格管理情况"))), Paragraph(text), Table(
        header=[tr(N_("乡镇（管理区）")), tr(N_("巡查记录")), tr(N_("村级零汇报 按时/逾期/未报送")),
                tr(N_("乡镇零汇报 按时/逾期/未报送")), tr(N_("发现问题：巡查/群众举报等")), tr(N_("确认瞒报漏报"))],
        rows=[[name(f.unit), f.patrol.patrols,
               "{on_time}/{late}/{missing}".format(**f.patrol.village_reports),
               "{on_time}/{late}/{missing}".format(**f.patrol.township_reports),
               f"{f.patrol.by_patrol}/{f.patrol.by_citizen}", f.patrol.concealment_confirmed] for f in rows],
        widths_cm=[3.2, 1.6, 3.0, 3.0, 2.6, 2.0])]
    confirmed = [c for f in rows for c in f.patrol.confirmed]
    if confirmed:
        blocks.append(Paragraph(tr(N_("经核实，下列村（社区）在报送零汇报的周内存在新增违法建设、违法用地未报告的情况，"
                                      "对其村委会（居委会）主要负责人按本年度累计次数处理："))))
        blocks.append(Table(header=[tr(N_("周次")), tr(N_("乡镇（管理区）")), tr(N_("村（社区）")), tr(N_("处理措施"))],
                            rows=[[c.week, name(c.township), name(c.village), tr(LADDER_TITLES[c.step])]
                                  for c in sorted(confirmed, key=lambda c: (c.township, c.village, c.week))],
                            widths_cm=[2.2, 3.4, 3.4, 6.4]))
    return blocks
