"""The fortnightly progress notice (003 §3(3): 每月15日、30日……进行通报; 002 §6(6): the monthly
meeting): prepared by the sweeper on each reporting day, reviewed and issued by the office, and
written as a Word document by the same writer as the quarterly notice
(``portal.documents.notice_docx``).

- ``prepare`` (the sweeper, at 00:00 of the reporting day): the figures per township and unit
  as they stand (``figures.figures``, the page's own function), and the items overdue, kept
  with the notice; the campaign's next reporting day follows; one transaction, conditional on
  the notice not existing, so a second sweep prepares nothing.
- ``issue`` (the office): once; an event in the campaign's history and the audit trail.
- ``docx``: the document, from the figures as prepared. ``SECTIONS`` is its extension point,
  as in ``portal.services.oversight.notice``: a function from the ``NoticeContext`` to blocks.

The responsible units read a notice once it is issued (it is addressed to them). Nothing about
a reporter: the overdue items are named by the last digits of their tickets' ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable

from portal.documents.notice_docx import Block, Heading, Notice, Paragraph, Signature, Table, render
from portal.domain.access import Actor
from portal.domain.campaigns.campaign import PHASE_KIND_TITLES, REPORTING_TITLES, Campaign, township_of
from portal.domain.campaigns.items import CampaignFigures, ItemFigures, is_overdue, kind_of
from portal.domain.campaigns.notices import CampaignNotice
from portal.domain.county import County
from portal.domain.errors import Conflict, NotFound
from portal.i18n import N_
from portal.ports import ConditionFailed
from portal.services.campaigns.figures import figures
from portal.services.campaigns.records import all_rows, load, record_view, require_office
from portal.services.deps import Deps
from portal.timeutil import local_date

Tr = Callable[[str], str]
#: the headings' numbers (一、二、... in Chinese; 1. 2. ... in English)
NUMERALS = (N_("一"), N_("二"), N_("三"), N_("四"), N_("五"), N_("六"), N_("七"), N_("八"), N_("九"), N_("十"))
NO_NOTICE = N_("没有找到这一期进展通报。")
KIND_TITLES = {"stock": N_("存量"), "new": N_("新增")}


# --- preparing and issuing ------------------------------------------------------------------


def prepare(deps: Deps, campaign: Campaign, day: date, now: datetime) -> CampaignNotice:
    """The notice of reporting day ``day``, with the figures at ``now`` (the sweeper calls it at
    00:00 of that day); stored with the campaign's next reporting day, or ConditionFailed."""
    county = deps.counties.get(campaign.county) or deps.counties.default
    rows = all_rows(deps, campaign)
    result = figures(county, campaign, rows, now)
    overdue = [r.ticket.id for r in rows if is_overdue(campaign, r.ticket, now)]
    days = campaign.reporting_days()
    number = days.index(day) + 1 if day in days else len([d for d in days if d < day]) + 1
    phase = campaign.phase_on(day)
    notice = CampaignNotice.prepare(campaign, day, number, phase.name if phase else "", result, overdue, now)
    campaign.notice_prepared(day, now)
    deps.store.write(deps.repos.campaigns.save_ops(campaign) + [deps.repos.campaigns.notice_op(notice)])
    deps.repos.campaigns.committed(campaign)
    return notice


def _notice(deps: Deps, actor: Actor, campaign_id: str, day: str | None, role_needed: str | None = None
            ) -> tuple[Campaign, str, CampaignNotice]:
    campaign, role = load(deps, actor, campaign_id)
    if role_needed == "office":
        require_office(actor)
    try:
        wanted = date.fromisoformat(day or "") if day and len(day) == 10 else None
    except ValueError:
        wanted = None
    notice = deps.repos.campaigns.notice(campaign.id, wanted) if wanted else None
    if notice is None or (role != "office" and not notice.issued):
        raise NotFound(NO_NOTICE)
    return campaign, role, notice


def view(deps: Deps, actor: Actor, campaign_id: str, day: str | None) -> tuple[Campaign, str, CampaignNotice]:
    """A notice to review (the office) or read once issued (a responsible unit)."""
    return _notice(deps, actor, campaign_id, day)


def issue(deps: Deps, actor: Actor, campaign_id: str, day: str | None, now: datetime) -> CampaignNotice:
    """The office issues a notice it reviewed: once; an event in the campaign's history."""
    for _ in range(4):
        campaign, _role, notice = _notice(deps, actor, campaign_id, day, "office")
        notice.issue(now, actor.username)
        campaign.notice_issued(notice.day, now, actor.username, actor.unit)
        ops = deps.repos.campaigns.save_ops(campaign) + [deps.repos.campaigns.notice_op(notice)]
        ops.append(deps.repos.audit.op(at=now, actor=actor.username, role=actor.role.value, unit=actor.unit,
                                       action="campaign_notice_issue", county=campaign.county,
                                       detail={"campaign": campaign.id, "day": notice.day.isoformat()}))
        try:
            deps.store.write(ops)
        except ConditionFailed:
            continue
        deps.repos.campaigns.committed(campaign)
        return notice
    raise Conflict(N_("进展通报刚刚被其他人处理过，请刷新页面后重试。"))


# --- the document -----------------------------------------------------------------------------


@dataclass
class NoticeContext:
    campaign: Campaign
    notice: CampaignNotice
    figures: CampaignFigures
    county: County
    issuer: str
    tr: Tr
    deps: Deps

    def day(self, value: date) -> str:
        return self.tr(N_("%(year)s年%(month)s月%(day)s日")) % {"year": value.year, "month": value.month,
                                                               "day": value.day}


HEADER = (N_("发现问题"), N_("其中存量"), N_("其中新增"), N_("已查处"), N_("已销号"), N_("逾期未销号"))


def figures_table(ctx: NoticeContext, rows: list[ItemFigures], unit_title: str) -> Table:
    """The figures as the page's tables hold them: found (stock, new), handled, written off, overdue."""
    tr = ctx.tr
    body = [[ctx.county.unit_name(f.unit) if f.unit else tr(N_("合计")), *f.as_row()] for f in rows]
    return Table(header=[tr(unit_title), *[tr(h) for h in HEADER]], rows=body,
                 widths_cm=[3.6, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0])


def overview(ctx: NoticeContext) -> list[Block]:
    tr, t, n = ctx.tr, ctx.figures.total, ctx.notice
    phase = ctx.campaign.phase_on(n.day)
    if phase is not None:
        where = tr(N_("专项行动现处于“%(phase)s”阶段（%(start)s至%(end)s）。")) % {
            "phase": phase.name, "start": ctx.day(phase.start), "end": ctx.day(phase.end)}
    else:
        where = ""
    text = where + tr(N_("截至%(date)s，问题清单共有问题%(found)s个（存量%(stock)s个，新增%(new)s个），已查处%(handled)s个，"
                         "已销号%(written_off)s个，逾期未销号%(overdue)s个。")) % {
        "date": ctx.day(n.day), "found": t.found, "stock": t.stock, "new": t.new, "handled": t.handled,
        "written_off": t.written_off, "overdue": t.overdue}
    return [Heading(tr(N_("总体情况"))), Paragraph(text), figures_table(ctx, [t], N_("全县"))]


def townships(ctx: NoticeContext) -> list[Block]:
    return [Heading(ctx.tr(N_("各乡镇（管理区）情况"))), figures_table(ctx, ctx.figures.townships, N_("乡镇（管理区）"))]


def units(ctx: NoticeContext) -> list[Block]:
    if not ctx.figures.units:
        return []
    return [Heading(ctx.tr(N_("各责任单位情况"))), figures_table(ctx, ctx.figures.units, N_("责任单位"))]


def overdue(ctx: NoticeContext) -> list[Block]:
    """003 §2(3): the items not written off by the end of the handling phase, by unit."""
    tr, ids = ctx.tr, ctx.notice.overdue
    if not ids:
        return []
    handling = ctx.campaign.phase_of("handling")
    blocks: list[Block] = [Heading(tr(N_("逾期未销号的问题"))), Paragraph(
        tr(N_("查处整改阶段已于%(date)s结束，以下问题尚未销号，请有关乡镇和单位抓紧查处整改到位并提请验收。")) % {
            "date": ctx.day(handling.end)})]
    body = []
    for n, ticket_id in enumerate(ids, start=1):
        ticket = ctx.deps.repos.complaints.get(ticket_id)
        if ticket is None or ticket.discipline_only:
            continue
        category = ctx.county.category(ticket.category)
        body.append([n, ticket_id[-8:], ctx.county.unit_name(township_of(ticket)), ctx.county.unit_name(ticket.lead),
                     category.title if category else ticket.category, tr(KIND_TITLES[kind_of(ticket)])])
    blocks.append(Table(header=[tr(N_("序号")), tr(N_("编号")), tr(N_("乡镇（管理区）")), tr(N_("责任单位")),
                                tr(N_("问题类型")), tr(N_("存量/新增"))], rows=body,
                        widths_cm=[1.1, 2.7, 2.8, 3.0, 4.2, 1.8]))
    return blocks


def phases(ctx: NoticeContext) -> list[Block]:
    tr = ctx.tr
    return [Heading(tr(N_("阶段安排"))), Table(
        header=[tr(N_("阶段")), tr(N_("类型")), tr(N_("开始日期")), tr(N_("结束日期"))],
        rows=[[p.name, tr(PHASE_KIND_TITLES[p.kind]), ctx.day(p.start), ctx.day(p.end)] for p in ctx.campaign.phases],
        widths_cm=[3.0, 3.6, 4.5, 4.5])]


#: the sections, in order (the extension point: append a function of the context)
SECTIONS: list[Callable[[NoticeContext], list[Block]]] = [overview, townships, units, overdue, phases]


def build(ctx: NoticeContext, sections=None) -> Notice:
    tr, n, campaign = ctx.tr, ctx.notice, ctx.campaign
    title = tr(N_("%(county)s%(campaign)s工作进展通报")) % {"county": ctx.county.name, "campaign": campaign.name}
    subtitle = tr(N_("（第%(number)s期　统计截至%(date)s）")) % {"number": n.number, "date": ctx.day(n.day)}
    basis = tr(N_("按照《%(basis)s》的要求，")) % {"basis": campaign.basis} if campaign.basis else ""
    blocks: list[Block] = [Paragraph(basis + tr(N_("县专项行动领导小组按%(schedule)s的安排，现将截至%(date)s各乡镇（管理区）"
                                                   "和各责任单位的工作进展情况通报如下。")) % {
        "schedule": tr(REPORTING_TITLES[campaign.reporting.kind]), "date": ctx.day(n.day)})]
    number = 0
    for section in (SECTIONS if sections is None else sections):
        for block in section(ctx):
            if isinstance(block, Heading) and block.level == 1:
                block = Heading(tr(N_("%(number)s、%(text)s")) % {"number": tr(NUMERALS[number]), "text": block.text}, 1)
                number += 1
            blocks.append(block)
    signed = local_date(n.issued_at) if n.issued_at else n.day
    blocks.append(Signature([ctx.issuer, ctx.day(signed)]))
    return Notice(title=title, subtitle=subtitle, blocks=blocks)


def docx(deps: Deps, actor: Actor, campaign_id: str, day: str | None, now: datetime, tr: Tr) -> tuple[bytes, str]:
    """The notice as .docx and its file name; audited."""
    campaign, _role, notice = _notice(deps, actor, campaign_id, day)
    county = deps.counties.get(campaign.county) or deps.counties.default
    office = next((d for d in county.departments if d.kind == "oversight"), None)
    ctx = NoticeContext(campaign=campaign, notice=notice, figures=notice.as_figures(), county=county,
                        issuer=office.name if office else county.name, tr=tr, deps=deps)
    body = render(build(ctx))
    record_view(deps, actor, campaign, now, "campaign_notice_download", day=notice.day.isoformat())
    return body, f"campaign-notice-{notice.day.isoformat()}.docx"
