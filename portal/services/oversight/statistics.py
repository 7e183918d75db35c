"""Oversight statistics (004 C21, L18), with the monthly review's findings (004 C35, L31) as a viewer sees them.

**Statistics** (月调度、季通报、半年排名、年度考核): the figures of ``portal.domain.oversight``
for the tickets received in a period (month, quarter, half-year, year; Asia/Shanghai), per
lead unit and per township, with a half-year ranking by breach rate and a CSV export. Each
view and export is audited.

Scope (``portal.domain.access``): the leading-group office reads the ``county`` index, which
holds no discipline-only ticket (and every ticket read is checked again, so none is counted:
a count would reveal that one exists); the discipline commission reads its own ``queue``
partitions and sees its own tickets' figures only, never the monthly review; nobody else.

Cost: one ranged read of the index's ``done`` partition from the period's start (sort key:
the closing instant, so every ticket received in the period and closed is in it, with the
tickets received earlier and closed since) plus the whole ``active`` partition (every open
ticket, which the "open now" column needs anyway). That is O(open tickets + tickets closed
since the period began) items, read in pages of 500: for the current month a few hundred
items in a county of Yanling's size, for last year's annual view every ticket closed since
(``OversightReport.items_read`` counts them). No scan of the table, no per-ticket reads.

**Findings as seen** (000 §2(3)): a finding stores the id of every ticket it found. A ticket
moved to the discipline commission afterwards must not show through it, so each read of the
findings (the page, the CSV, the next review's ordinal base) loads the tickets they name and
keeps those that still ``counts_for`` the viewer (``domain.oversight.as_seen``): the count is
theirs, a finding left with none is not shown, and ordinals are renumbered over the findings
shown. That is the calendar year's findings up to the period's last month (one partition
read) plus one ``get`` per distinct ticket they name (usually a handful: the same ignored
ticket is found month after month). The stored findings are never changed.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from portal.documents.cells import spreadsheet_text
from portal.domain.access import Actor
from portal.domain.errors import Forbidden
from portal.domain.oversight import (
    COUNTED_CLOCKS, CONSEQUENCE_TITLES, Figures, Period, ReviewFinding, Statistics, as_seen, counts_for,
    is_blank, oversight_scope, ranking, review_month, tally,
)
from portal.domain.channels import CHANNELS, channel_title
from portal.i18n import N_
from portal.services import audit
from portal.services.deps import Deps
from portal.services.oversight import charts
from portal.timeutil import format_local, from_store

NO_OVERSIGHT = N_("只有领导小组办公室（督办）和纪委监委可以查看督办统计。")


@dataclass
class OversightReport:
    scope: str  #: county | discipline
    stats: Statistics
    leads: list[Figures]
    townships: list[Figures]
    findings: list[ReviewFinding] = field(default_factory=list)
    township_ranking: list[Figures] = field(default_factory=list)
    lead_ranking: list[Figures] = field(default_factory=list)
    items_read: int = 0
    review_held: datetime | None = None  #: when this month's review was held, if it was
    #: per channel (web, phone, letter, email, visit, 上级交办, 移交), in ``CHANNELS`` order
    channels: list[Figures] = field(default_factory=list)


def _require(actor: Actor) -> str:
    kind = oversight_scope(actor)
    if kind is None:
        raise Forbidden(NO_OVERSIGHT)
    return kind


def _partitions(actor: Actor, kind: str) -> tuple[str, str, str]:
    if kind == "county":
        return "county", f"K#{actor.county}#active", f"K#{actor.county}#done"
    return "queue", f"Q#{actor.county}#{actor.unit}#active", f"Q#{actor.county}#{actor.unit}#done"


def report(deps: Deps, actor: Actor, period: Period, now: datetime, *, audit_as: str | None = "view_oversight"
           ) -> OversightReport:
    """The figures of ``period`` the actor may see (004 C21, L18)."""
    kind = _require(actor)
    index, active_pk, done_pk = _partitions(actor, kind)
    active, done = deps.repos.oversight.window(index, active_pk, done_pk, period.start,
                                               deps.repos.complaints.from_item)
    read = len(active) + len(done)
    active = [c for c in active if counts_for(actor, c)]
    done = [c for c in done if counts_for(actor, c)]
    stats = tally(period, active + done, active, now)
    county = deps.counties.get(actor.county) or deps.counties.default
    findings: list[ReviewFinding] = []
    held = None
    if kind == "county":
        months = period.months()
        findings = [f for f in findings_seen(deps, actor, county.code, months[-1]) if f.month >= months[0]]
        for t in county.townships:  # every township has a row, a clean one included
            stats.by_township.setdefault(t.code, Figures(unit=t.code))
        for f in findings:
            stats.by_township.setdefault(f.township, Figures(unit=f.township)).review_findings += 1
        run = deps.repos.oversight.run(county.code, review_month(now))
        held = from_store(run["at"]) if run else None
    leads = sorted(stats.by_lead.values(), key=lambda f: f.unit)
    order = {t.code: n for n, t in enumerate(county.townships)}
    townships = sorted(stats.by_township.values(), key=lambda f: (order.get(f.unit, len(order)), f.unit))
    order_of = {code: n for n, code in enumerate(CHANNELS)}
    channels = sorted(stats.by_channel.values(), key=lambda f: (order_of.get(f.unit, len(order_of)), f.unit))
    out = OversightReport(scope=kind, stats=stats, leads=leads, townships=townships, findings=findings,
                          items_read=read, review_held=held, channels=channels)
    if period.kind == "half":  # 半年排名
        out.township_ranking = ranking(townships)
        out.lead_ranking = ranking(leads)
    if audit_as:
        audit.record(deps, actor, audit_as, now, detail={"period": period.key})
    return out


@dataclass
class OversightPage:
    report: OversightReport
    charts: "charts.OversightCharts"
    blank_units: set[str]  #: units whose row is all zeros: behind "show all" (``domain.oversight.is_blank``)


def page(deps: Deps, actor: Actor, period: Period, now: datetime) -> OversightPage:
    """The oversight page: the period's figures (audited as a view) and their charts."""
    result = report(deps, actor, period, now)
    county = deps.counties.get(actor.county) or deps.counties.default
    return OversightPage(result, charts.for_report(result, county.unit_name),
                         {f.unit for f in result.leads + result.townships if is_blank(f)})


def findings_seen(deps: Deps, actor: Actor, county: str, last_month: str) -> list[ReviewFinding]:
    """The findings of ``last_month``'s year up to it, as ``actor`` may see them: only tickets
    that still count for the actor (a ticket since moved to the discipline commission does not),
    ordinals renumbered over the findings still shown (``domain.oversight.as_seen``)."""
    stored = deps.repos.oversight.findings(county, f"{last_month[:4]}-01", last_month)
    counts: dict[str, bool] = {}
    for cid in {cid for f in stored for cid in f.tickets}:
        ticket = deps.repos.complaints.get(cid)
        counts[cid] = ticket is not None and counts_for(actor, ticket)
    return as_seen(stored, counts.__getitem__)


# --- CSV ---------------------------------------------------------------------------------

SECTION_LEAD, SECTION_TOWNSHIP, SECTION_TOTAL = N_("牵头单位"), N_("乡镇（管理区）"), N_("合计")
SECTION_CHANNEL = N_("举报渠道")
COLUMNS = (
    N_("统计周期"), N_("类别"), N_("单位"), N_("收到举报"), N_("已受理"), N_("不予受理"),
    N_("3个工作日内受理决定"), N_("受理决定超期"), N_("2小时内到场核查"), N_("到场核查超期"),
    N_("7个工作日内告知结果"), N_("告知结果超期"), N_("办结：属实"), N_("办结：部分属实"), N_("办结：不属实"),
    N_("新增"), N_("存量"), N_("当前未办结"), N_("当前已超期"), N_("超期率"), N_("月度调度检查被通报次数"),
    N_("按时向交办（移交）单位反馈"), N_("反馈超期"),
)


def _figures_row(period: Period, section: str, name: str, f: Figures) -> list:
    clocks = [n for k in COUNTED_CLOCKS for n in (f.clocks[k.value]["met"], f.clocks[k.value]["breached"])]
    rate = "" if f.breach_rate is None else f"{f.breach_rate:.1%}"
    return [period.key, section, name, f.received, f.accepted, f.declined, *clocks,
            f.findings["substantiated"], f.findings["partly"], f.findings["not_substantiated"], f.new, f.stock,
            f.open_now, f.overdue_now, rate, f.review_findings, f.feedback["met"], f.feedback["breached"]]


def export_csv(deps: Deps, actor: Actor, period: Period, now: datetime, tr: Callable[[str], str]) -> bytes:
    """UTF-8 with a byte-order mark; figures only (no ticket, no reporter data); audited."""
    result = report(deps, actor, period, now, audit_as="export_oversight")
    county = deps.counties.get(actor.county) or deps.counties.default
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([tr(h) for h in COLUMNS])
    rows = [_figures_row(period, tr(SECTION_TOTAL), county.name, result.stats.total)]
    rows += [_figures_row(period, tr(SECTION_LEAD), county.unit_name(f.unit), f) for f in result.leads]
    rows += [_figures_row(period, tr(SECTION_TOWNSHIP), county.unit_name(f.unit), f) for f in result.townships]
    rows += [_figures_row(period, tr(SECTION_CHANNEL), tr(channel_title(f.unit)), f) for f in result.channels]
    for row in rows:
        writer.writerow([spreadsheet_text(v) for v in row])
    if result.findings:
        writer.writerow([])
        writer.writerow([tr(N_("调度月份")), tr(N_("乡镇（管理区）")), tr(N_("本年度第几次")), tr(N_("处理措施")),
                         tr(N_("1个月内未核查的举报数")), tr(N_("发现时间"))])
        for f in result.findings:
            writer.writerow([spreadsheet_text(v) for v in (f.month, county.unit_name(f.township), f.ordinal,
                                                tr(CONSEQUENCE_TITLES[f.consequence]), f.ticket_count,
                                                format_local(f.found_at))])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


