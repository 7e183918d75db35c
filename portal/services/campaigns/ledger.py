"""The campaign's ledger (台账, 003 §2(3), Annex 2 and 3; 001 §1-2) as a spreadsheet, in the form
the campaign reports in:

- ``annex``: 003's Annex 2 (违法违规用地清单) and Annex 3 (非法违法采矿清单), exactly as the
  oversight ledger writes them (``portal.services.oversight.ledger.annex_sheets``), for the
  items' tickets;
- ``plain``: one sheet, one row per item, with the item's own columns (township, unit,
  category, stock or new, where it came from, the basic facts, state, acceptance, write-off,
  overdue), through the same writer (``portal.documents.annex_xlsx``, a column spec).

The office exports every item, a responsible unit its own. No reporter data (the writers take
no description from a reporter, no contact, no receipt); audited.
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from portal.documents.annex_xlsx import AnnexSheet, Column, write_workbook
from portal.domain.access import Actor
from portal.domain.campaigns.items import ITEM_SOURCES, ITEM_STATE_TITLES
from portal.domain.measures import ACCEPTANCE_LEVELS
from portal.i18n import N_
from portal.services.campaigns.figures import line
from portal.services.campaigns.records import load, record_view, visible_rows
from portal.services.deps import Deps
from portal.services.oversight.ledger import annex_sheets, listed
from portal.timeutil import format_local, local_date

Tr = Callable[[str], str]
KIND_TITLES = {"stock": N_("存量"), "new": N_("新增")}
PLAIN = (Column("serial", (N_("序号"),), 6), Column("township", (N_("乡镇（管理区）"),), 14),
         Column("lead", (N_("责任单位"),), 14), Column("category", (N_("问题类型"),), 22, align_left=True),
         Column("kind", (N_("存量/新增"),), 8), Column("source", (N_("问题来源"),), 12),
         Column("basic", (N_("基本情况（摘要）"),), 30, align_left=True), Column("state", (N_("办理情况"),), 14),
         Column("acceptance", (N_("验收情况"),), 16, align_left=True), Column("written_off", (N_("是否销号"),), 8),
         Column("written_off_on", (N_("销号日期"),), 11), Column("overdue", (N_("逾期未销号"),), 8),
         Column("id", (N_("编号"),), 10))


def _acceptance(ticket, tr: Tr) -> str | None:
    parts = [tr(N_("%(level)s%(answer)s")) % {"level": tr(ACCEPTANCE_LEVELS[c.level]),
                                              "answer": tr(N_("达标")) if c.meets_standard else tr(N_("未达标"))}
             for c in ticket.acceptance_checks]
    return tr(N_("；")).join(parts) or None


def export_xlsx(deps: Deps, actor: Actor, campaign_id: str, now: datetime, tr: Tr) -> tuple[bytes, str]:
    campaign, role = load(deps, actor, campaign_id)
    county = deps.counties.get(campaign.county) or deps.counties.default
    rows = visible_rows(deps, actor, campaign, role)
    unit = county.unit_name(actor.unit)
    if campaign.ledger_form == "annex":
        sheets = annex_sheets([r.ticket for r in rows if listed(r.ticket)], county, unit, now, tr)
    else:
        day = local_date(now)
        body = []
        for n, r in enumerate(rows, start=1):
            shown = line(county, campaign, r, now)
            t = r.ticket
            body.append({"serial": n, "township": shown.township, "lead": shown.lead, "category": shown.category,
                         "kind": tr(KIND_TITLES[shown.kind]), "source": tr(ITEM_SOURCES[r.item.source]),
                         "basic": shown.basic or None, "state": tr(ITEM_STATE_TITLES[shown.state]),
                         "acceptance": _acceptance(t, tr),
                         "written_off": tr(N_("是")) if t.write_off else tr(N_("否")),
                         "written_off_on": format_local(t.write_off.at, with_time=False) if t.write_off else None,
                         "overdue": tr(N_("是")) if shown.overdue else None, "id": t.id[-8:]})
        columns = [Column(c.key, tuple(tr(h) for h in c.header), c.width, c.number_format, c.align_left) for c in PLAIN]
        sheets = [AnnexSheet(
            sheet_name=tr(N_("问题清单")), annex_label="",
            title=tr(N_("%(county)s%(campaign)s问题清单（台账）")) % {"county": county.name, "campaign": campaign.name},
            unit_line=tr(N_("填报单位：%(unit)s")) % {"unit": unit},
            date_line=tr(N_("填报时间：%(year)s年%(month)s月%(day)s日")) % {"year": day.year, "month": day.month,
                                                                     "day": day.day},
            columns=columns, rows=body, footer=[tr(label) for label in (N_("填报人："), N_("审核人："), N_("负责人："))])]
    record_view(deps, actor, campaign, now, "campaign_export", rows=len(rows), form=campaign.ledger_form)
    return write_workbook(sheets), f"campaign-ledger-{local_date(now).isoformat()}.xlsx"
