"""The ledger (台账) export: the tickets a staff member can see, one row each, in the columns of
003 Annex 2 (illegal land use) and Annex 3 (illegal mining) (RULES.md §5): serial number,
county, summary, handling method, filing authority and date, penalty decision and its
execution, fines in 万元, persons referred for criminal liability and held accountable,
court enforcement, notes, acceptance checks (county / city / province), meets standard,
accepted, written off, mineral type, products confiscated, equipment seized. The portal adds the
stock registration date (004 C22, L19) and the facts that decide a referral to the police
(000 §4(3)1): land type and area transferred or resold, illegal gains in 万元, a repeat after an
earlier penalty, and whether the case went to public security.

No reporter data: not the description (the reporter's own words), not the contact, not the
receipt. The export is scoped exactly like the queue and recorded in the audit trail.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Callable

from portal.documents.cells import spreadsheet_text
from portal.domain.access import Actor
from portal.domain.complaint import FINDING_TITLES, STATUS_TITLES, Complaint, Measures
from portal.domain.referral import LAND_TYPES
from portal.i18n import N_
from portal.services import audit, queue, scope
from portal.services.cases import CASE_KIND_TITLES
from portal.services.deps import Deps
from portal.timeutil import format_local

COLUMNS = (
    N_("序号"), N_("县（市、区）"), N_("举报编号"), N_("问题类型"), N_("存量/新增"), N_("存量登记日期"), N_("收到日期"), N_("办理单位"),
    N_("办理状态"), N_("核查结论"), N_("违法行为概况（当事人、时间、地点、面积）"), N_("面积（亩）"), N_("处置方式"),
    N_("立案机关"), N_("立案时间"), N_("处罚决定"), N_("处罚决定是否执行到位"), N_("罚款（万元）"),
    N_("移送追究刑事责任人数"), N_("追责问责人数"), N_("申请法院强制执行"), N_("备注"), N_("县级验收"),
    N_("市级验收"), N_("省级验收"), N_("是否达标"), N_("是否验收"), N_("是否销号"), N_("矿种"),
    N_("是否没收矿产品"), N_("是否查扣设备"), N_("非法转让、倒卖土地地类"), N_("非法转让、倒卖土地面积（亩）"),
    N_("违法所得（万元）"), N_("受过行政处罚后再次非法转让、倒卖"), N_("是否移送公安机关"),
)

YES, NO = N_("是"), N_("否")


def _row(n: int, c: Complaint, county_name: str, category: str, lead: str,
         tr: Callable[[str], str]) -> list[str]:
    m = c.measures or Measures()
    yes_no = lambda flag: tr(YES) if flag else tr(NO)  # noqa: E731
    return [spreadsheet_text(v) for v in (
        n, county_name, c.id, category, tr(CASE_KIND_TITLES.get(c.case_kind, c.case_kind)),
        c.stock_registered_on.isoformat() if c.case_kind == "stock" and c.stock_registered_on else "",
        format_local(c.received_at, with_time=False), lead, tr(STATUS_TITLES[c.status]),
        tr(FINDING_TITLES[c.finding]) if c.finding else "", m.summary,
        "" if m.area_mu is None else f"{m.area_mu:g}", m.method, m.filing_authority,
        m.filing_date.isoformat() if m.filing_date else "", m.penalty_decision, yes_no(m.penalty_executed),
        "" if m.fine_wan_yuan is None else f"{m.fine_wan_yuan:g}", m.criminal_referrals, m.persons_accountable,
        yes_no(m.court_enforcement), m.notes, yes_no(m.checked_county), yes_no(m.checked_city),
        yes_no(m.checked_province), yes_no(m.meets_standard),
        yes_no(m.checked_county or m.checked_city or m.checked_province), yes_no(m.written_off), m.mineral_type,
        yes_no(m.products_confiscated), yes_no(m.equipment_seized),
        tr(LAND_TYPES[m.transfer_land_type]) if m.transfer_land_type in LAND_TYPES else "",
        "" if m.transfer_area_mu is None else f"{m.transfer_area_mu:g}",
        "" if m.illegal_gains_wan_yuan is None else f"{m.illegal_gains_wan_yuan:g}",
        yes_no(m.repeat_after_penalty), yes_no(m.police_referral_recorded),
    )]


def export_csv(deps: Deps, actor: Actor, now: datetime, tr: Callable[[str], str]) -> bytes:
    """UTF-8 with a byte-order mark (so spreadsheet programs read the Chinese right)."""
    tickets = queue.visible_tickets(deps, actor, "active") + queue.visible_tickets(deps, actor, "done")
    tickets.sort(key=lambda c: (c.received_at, c.seq))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([tr(h) for h in COLUMNS])
    for n, c in enumerate(tickets, start=1):
        county = scope.county_of(deps, c)
        category = county.category(c.category)
        writer.writerow(_row(n, c, county.full_name, category.title if category else c.category,
                             county.unit_name(c.lead), tr))
    audit.record(deps, actor, "export", now, detail={"rows": len(tickets)})
    return ("\ufeff" + out.getvalue()).encode("utf-8")
