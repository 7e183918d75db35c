"""The quarterly notice (季通报) and the half-year ranking (半年排名) as Word documents (004 C21,
L18: 月调度、季通报、半年排名、年度考核), from the same figures as the oversight page
(``statistics.report`` for the same period and viewer: the page, the CSV and the document
cannot differ), with the townships named under 004 C35 / L31 and the consequences due.

A document is a list of sections (``SECTIONS``): each is a function from the ``NoticeContext``
to blocks of ``portal.documents.notice_docx`` (headings, paragraphs, tables). **That list is the
extension point**: the patrols issue adds a section with the concealment and zero-report counts
(004 C18(1), C33, L29), the channels issue one with the counts per channel, by appending a
function; a campaign's fortnightly notice builds its own list and renders it with the same
writer. Headings are numbered as they are laid out (一、二、...), so a section added in the
middle renumbers the rest.

Only the leading-group office issues the notices (the discipline commission's figures are
its own and are not notified county-wide); each download is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from portal.documents.notice_docx import Block, Heading, Notice, Paragraph, Signature, Table, render
from portal.domain.access import Actor
from portal.domain.county import County
from portal.domain.errors import DomainError, Forbidden
from portal.domain.oversight import CONSEQUENCE_TITLES, COUNTED_CLOCKS, Figures, Period, oversight_scope
from portal.i18n import N_
from portal.services.deps import Deps
from portal.services.oversight.statistics import OversightReport, report
from portal.timeutil import local_date

Tr = Callable[[str], str]
ONLY_THE_OFFICE = N_("只有领导小组办公室（督办）可以生成季度通报和半年排名通报。")
QUARTER_OR_HALF = N_("通报按季度或半年生成，请选择季度或半年。")
NUMERALS = "一二三四五六七八九十"
#: the clocks as a table's narrow column names them (the overview's text says their lengths)
SHORT_CLOCK_TITLES = {"acceptance": N_("受理决定"), "onsite": N_("到场核查"), "result_notice": N_("告知结果")}


@dataclass
class NoticeContext:
    period: Period
    report: OversightReport
    county: County
    issuer: str  #: the issuing office's name
    issued: datetime  #: the date under the signature
    tr: Tr

    def day(self, value) -> str:
        return self.tr(N_("%(year)s年%(month)s月%(day)s日")) % {"year": value.year, "month": value.month,
                                                               "day": value.day}


def _rate(f: Figures) -> str:
    return "—" if f.breach_rate is None else f"{f.breach_rate * 100:.1f}%"


def _clock_cells(f: Figures) -> list[str]:
    return [f"{t['met']}/{t['breached']}/{t['pending']}" for t in (f.clocks[k.value] for k in COUNTED_CLOCKS)]


def figures_table(ctx: NoticeContext, rows: list[Figures], unit_title: str, with_findings: bool) -> Table:
    """The figures of the page's tables: received, accepted, declined, each clock on time /
    breached / not yet due, the breach rate, and (townships) the monthly-review findings."""
    tr = ctx.tr
    header = [tr(unit_title), tr(N_("收到举报")), tr(N_("已受理")), tr(N_("不予受理")),
              *[tr(N_("%(clock)s 按时/超期/未到期")) % {"clock": tr(SHORT_CLOCK_TITLES[k.value])}
                for k in COUNTED_CLOCKS],
              tr(N_("超期率"))]
    widths = [2.6, 1.2, 1.2, 1.2, 2.0, 2.0, 2.0, 1.7]
    if with_findings:
        header.append(tr(N_("月度调度检查被通报次数")))
        widths = [2.3, 1.1, 1.1, 1.1, 1.8, 1.8, 1.8, 1.6, 1.5]
    body = []
    for f in rows:
        cells = [ctx.county.unit_name(f.unit) if f.unit else tr(N_("合计")), f.received, f.accepted, f.declined,
                 *_clock_cells(f), _rate(f)]
        body.append(cells + [f.review_findings] if with_findings else cells)
    return Table(header=header, rows=body, widths_cm=widths)


# --- the sections ----------------------------------------------------------------------------


def overview(ctx: NoticeContext) -> list[Block]:
    tr, t = ctx.tr, ctx.report.stats.total
    clocks = {k.value: t.clocks[k.value] for k in COUNTED_CLOCKS}
    text = tr(N_("本期全县共收到举报%(received)s件，已受理%(accepted)s件，不予受理%(declined)s件。受理决定按时%(a_met)s次、"
                 "超期%(a_breached)s次；到场核查按时%(o_met)s次、超期%(o_breached)s次；告知结果按时%(r_met)s次、超期%(r_breached)s次，"
                 "超期率%(rate)s。截至通报时，仍有%(open)s件未办结，其中%(overdue)s件已超期。")) % {
        "received": t.received, "accepted": t.accepted, "declined": t.declined,
        "a_met": clocks["acceptance"]["met"], "a_breached": clocks["acceptance"]["breached"],
        "o_met": clocks["onsite"]["met"], "o_breached": clocks["onsite"]["breached"],
        "r_met": clocks["result_notice"]["met"], "r_breached": clocks["result_notice"]["breached"],
        "rate": _rate(t), "open": t.open_now, "overdue": t.overdue_now}
    return [Heading(tr(N_("总体情况"))), Paragraph(text),
            figures_table(ctx, [t], N_("全县"), with_findings=False)]


def townships(ctx: NoticeContext) -> list[Block]:
    return [Heading(ctx.tr(N_("各乡镇（管理区）情况"))),
            figures_table(ctx, ctx.report.townships, N_("乡镇（管理区）"), with_findings=True)]


def leads(ctx: NoticeContext) -> list[Block]:
    if not ctx.report.leads:
        return []
    return [Heading(ctx.tr(N_("各牵头单位情况"))),
            figures_table(ctx, ctx.report.leads, N_("牵头单位"), with_findings=False)]


def ranking(ctx: NoticeContext) -> list[Block]:
    """The half-year ranking (半年排名): lowest breach rate first; nothing decided, last."""
    r, tr = ctx.report, ctx.tr
    if not r.township_ranking:
        return []
    blocks: list[Block] = [Heading(tr(N_("半年排名"))),
                           Paragraph(tr(N_("按超期率（超期次数 ÷ 已决期限次数）由低到高排名；没有已决期限的排在最后。")))]
    for title, rows in ((N_("乡镇（管理区）"), r.township_ranking), (N_("牵头单位"), r.lead_ranking)):
        blocks.append(Table(header=[tr(N_("名次")), tr(title), tr(N_("超期率")), tr(N_("超期")), tr(N_("已决期限"))],
                            rows=[[n, ctx.county.unit_name(f.unit), _rate(f), f.breached, f.decided]
                                  for n, f in enumerate(rows, start=1)],
                            widths_cm=[1.4, 5.0, 2.6, 2.4, 2.6],
                            caption=tr(N_("%(units)s超期率排名")) % {"units": tr(title)}))
    return blocks


def named(ctx: NoticeContext) -> list[Block]:
    """004 C35, L31: the townships found at the monthly reviews of the period, each finding's
    consequence, and by name those found a second time in the year (加倍扣分，并在季度通报中点名通报)."""
    tr, findings = ctx.tr, ctx.report.findings
    if ctx.report.scope != "county":
        return []
    blocks: list[Block] = [Heading(tr(N_("点名通报和处理措施")))]
    if not findings:
        blocks.append(Paragraph(tr(N_("本期月度调度检查没有发现乡镇1个月内未查处举报的情况。"))))
        return blocks
    names = [tr(N_("%(name)s（%(month)s）")) % {"name": ctx.county.unit_name(f.township), "month": f.month}
             for f in findings if f.named]
    if names:
        blocks.append(Paragraph(tr(N_("对本年度第2次被发现1个月内未查处举报的%(names)s，予以加倍扣分，并在本通报中点名通报。"))
                                % {"names": tr(N_("、")).join(names)}, bold=True))
    else:
        blocks.append(Paragraph(tr(N_("本期没有需要在季度通报中点名的乡镇（本年度第2次被发现的乡镇予以点名通报）。"))))
    blocks.append(Paragraph(tr(N_("本期月度调度检查发现乡镇1个月内未查处举报的情况及应予落实的处理措施如下："))))
    blocks.append(Table(
        header=[tr(N_("调度月份")), tr(N_("乡镇（管理区）")), tr(N_("本年度第几次")), tr(N_("处理措施")),
                tr(N_("1个月内未核查的举报数"))],
        rows=[[f.month, ctx.county.unit_name(f.township), f.ordinal, tr(CONSEQUENCE_TITLES[f.consequence]),
               f.ticket_count] for f in findings],
        widths_cm=[2.0, 3.0, 1.8, 6.6, 2.2]))
    return blocks


#: the sections, in order (the extension point: append a function of the context)
SECTIONS: list[Callable[[NoticeContext], list[Block]]] = [overview, townships, leads, ranking, named]


def build(ctx: NoticeContext, sections=None) -> Notice:
    tr, period = ctx.tr, ctx.period
    if period.kind == "quarter":
        title = tr(N_("%(county)s查违控违工作%(year)s年第%(n)s季度通报")) % {"county": ctx.county.name, "year": period.year,
                                                                     "n": NUMERALS[period.n - 1]}
    else:
        title = tr(N_("%(county)s查违控违工作%(year)s年%(half)s排名通报")) % {
            "county": ctx.county.name, "year": period.year, "half": tr(N_("上半年") if period.n == 1 else N_("下半年"))}
    last = local_date(period.end - timedelta(seconds=1))
    subtitle = tr(N_("（统计周期：%(start)s至%(end)s）")) % {"start": ctx.day(local_date(period.start)),
                                                        "end": ctx.day(last)}
    blocks: list[Block] = [Paragraph(tr(N_("按照查违控违工作“月调度、季通报、半年排名、年度考核”的要求，现将本期各乡镇（管理区）和各牵头单位"
                                           "办理举报的情况通报如下。各项期限：受理决定3个工作日内，乡镇执法队到场核查2小时内，"
                                           "告知举报人处理结果办结后7个工作日内。")))]
    number = 0
    for section in (SECTIONS if sections is None else sections):
        for block in section(ctx):
            if isinstance(block, Heading) and block.level == 1:
                block = Heading(f"{NUMERALS[number]}、{block.text}", 1)
                number += 1
            blocks.append(block)
    blocks.append(Signature([ctx.issuer, ctx.day(local_date(ctx.issued))]))
    return Notice(title=title, subtitle=subtitle, blocks=blocks)


def notice_docx(deps: Deps, actor: Actor, period: Period, now: datetime, tr: Tr) -> bytes:
    """The period's notice (a quarter) or ranking (a half-year) as .docx; audited."""
    if oversight_scope(actor) != "county":
        raise Forbidden(ONLY_THE_OFFICE)
    if period.kind not in ("quarter", "half"):
        raise DomainError(QUARTER_OR_HALF, field="kind")
    county = deps.counties.get(actor.county) or deps.counties.default
    result = report(deps, actor, period, now, audit_as="export_notice")
    ctx = NoticeContext(period=period, report=result, county=county, issuer=county.unit_name(actor.unit), issued=now,
                        tr=tr)
    return render(build(ctx))
