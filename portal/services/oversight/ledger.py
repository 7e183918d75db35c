"""The ledger (台账) of the tickets a staff member can see (RULES.md §5; 003 §2(2)-(3), Annex 2
and 3), two ways:

- **CSV, for machines**: one row per ticket with every fact in its own column (``CSV_COLUMNS``):
  the annex columns, the stock registration date (004 C22, L19) and the facts that decide a
  referral to the police (000 §4(3)1).
- **XLSX, for officials** (``export_xlsx``): the forms of 003 Annex 2 (违法违规用地清单) and
  Annex 3 (非法违法采矿清单) as two sheets laid out like the seed (``portal.documents.annex_xlsx``):
  title, 填报单位, 填报时间, the seed's merged headers, the 填表说明 and the footer to sign.
  Annex 3 holds the mining categories, Annex 2 every other one (003's list of illegal land use
  covers building on land illegally). A ticket declined, or concluded as not substantiated, is
  no violation and is not listed; open tickets are, with what is known so far. The seed asks
  for fines in 万元 inside 处罚决定及执行情况, and for mining the products confiscated and the
  equipment seized inside 查处情况. Annex 2's acceptance columns are the check at each level
  (县级 / 市级 / 省级: 是 met the standard, 否 did not, blank not checked there). Annex 3's third
  header row (是否达标 / 是否验收 / 是否销号) stands under 县级 / 市级 / 省级 as in the seed, and each
  cell answers its lowest header. Annex 2 has no write-off column in the seed, so its 备注
  says 已销号 with the date.

**Blank is unknown** (``portal.domain.measures``): a fact nobody recorded is an empty cell, in
both formats; 否 and 0 only ever say what someone recorded. A concluded ticket not written off
reads 是否销号 否 (that is known); an open one leaves it blank.

The column lists are the extension point: to add a fact, add its key to ``facts`` and a
column to ``CSV_COLUMNS`` and, if the form should show it, to ``ANNEX_2`` / ``ANNEX_3``.

No reporter data: not the description (the reporter's own words), not the contact, not the
receipt. Exports are scoped exactly like the queue and recorded in the audit trail.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Callable

from portal.documents.annex_xlsx import AnnexSheet, Column, write_workbook
from portal.documents.cells import spreadsheet_text
from portal.domain.access import Actor
from portal.domain.channels import channel_title, source_title
from portal.domain.complaint import FINDING_TITLES, STATUS_TITLES, Complaint, Status
from portal.domain.county import County
from portal.domain.referral import LAND_TYPES
from portal.i18n import N_
from portal.services import audit, queue, scope
from portal.services.cases import CASE_KIND_TITLES
from portal.services.deps import Deps
from portal.timeutil import format_local, local_date

YES, NO = N_("是"), N_("否")
SEPARATOR = N_("；")  #: between the facts a form's cell gathers
Tr = Callable[[str], str]


def _yes_no(flag: bool | None, tr: Tr) -> str | None:
    return None if flag is None else tr(YES) if flag else tr(NO)


def _num(value: float | None) -> float | int | None:
    """A number as the cell holds it: 1.0 -> 1, None stays None (blank)."""
    return None if value is None else int(value) if float(value).is_integer() else value


def facts(c: Complaint, county: County, tr: Tr) -> dict:
    """Every ledger fact of a ticket, by key; None where nothing was recorded."""
    m = c.measures
    category = county.category(c.category)
    concluded = c.status in (Status.CONCLUDED, Status.CLOSED)
    return {
        "county": county.full_name, "county_short": county.name, "id": c.id,
        "category": category.title if category else c.category,
        "annex": 3 if category is not None and category.group == "mining" else 2,
        "case_kind": tr(CASE_KIND_TITLES.get(c.case_kind, c.case_kind)),
        "stock_registered_on": c.stock_registered_on.isoformat() if c.case_kind == "stock" and c.stock_registered_on
        else None,
        "received": format_local(c.received_at, with_time=False), "lead": county.unit_name(c.lead),
        "township": county.unit_name(c.co_handler or c.township),
        "status": tr(STATUS_TITLES[c.status]), "finding": tr(FINDING_TITLES[c.finding]) if c.finding else None,
        "summary": m.summary if m else None, "area_mu": _num(m.area_mu) if m else None,
        "method": m.method if m else None, "filing_authority": m.filing_authority if m else None,
        "filing_date": m.filing_date.isoformat() if m and m.filing_date else None,
        "penalty_decision": m.penalty_decision if m else None,
        "penalty_executed": _yes_no(m.penalty_executed, tr) if m else None,
        "fine_wan_yuan": _num(m.fine_wan_yuan) if m else None,
        "criminal_referrals": m.criminal_referrals if m else None,
        "persons_accountable": m.persons_accountable if m else None,
        "court_enforcement": _yes_no(m.court_enforcement, tr) if m else None, "notes": m.notes if m else None,
        "checked_county": _yes_no(c.accepted_at("county"), tr), "checked_city": _yes_no(c.accepted_at("city"), tr),
        "checked_province": _yes_no(c.accepted_at("province"), tr),
        "meets_standard": _yes_no(c.meets_standard, tr), "accepted": _yes_no(c.accepted, tr),
        "written_off": tr(YES) if c.write_off else tr(NO) if concluded else None,
        "written_off_on": format_local(c.write_off.at, with_time=False) if c.write_off else None,
        "mineral_type": m.mineral_type if m else None,
        "products_confiscated": _yes_no(m.products_confiscated, tr) if m else None,
        "equipment_seized": _yes_no(m.equipment_seized, tr) if m else None,
        "transfer_land_type": tr(LAND_TYPES[m.transfer_land_type]) if m and m.transfer_land_type in LAND_TYPES
        else None,
        "transfer_area_mu": _num(m.transfer_area_mu) if m else None,
        "illegal_gains_wan_yuan": _num(m.illegal_gains_wan_yuan) if m else None,
        "repeat_after_penalty": _yes_no(m.repeat_after_penalty, tr) if m else None,
        "police_referral": _yes_no(m.police_referral_recorded, tr) if m else None,
        # how the report arrived (004 C20, L17; C9, L8: 上级交办 with its work-order number)
        "channel": tr(channel_title(c.intake.channel)), "source": tr(source_title(c.intake.source)),
        "external_ref": c.intake.external_ref or None, "received_by": county.unit_name(c.intake.received_by) or None,
        "fed_back_on": format_local(c.intake.fed_back_at, with_time=False) if c.intake.fed_back_at else None,
    }


# --- CSV, for machines ----------------------------------------------------------------------

CSV_COLUMNS = (
    ("serial", N_("序号")), ("county", N_("县（市、区）")), ("id", N_("举报编号")), ("category", N_("问题类型")),
    ("case_kind", N_("存量/新增")), ("stock_registered_on", N_("存量登记日期")), ("received", N_("收到日期")),
    ("lead", N_("办理单位")), ("status", N_("办理状态")), ("finding", N_("核查结论")),
    ("summary", N_("违法行为概况（当事人、时间、地点、面积）")), ("area_mu", N_("面积（亩）")), ("method", N_("处置方式")),
    ("filing_authority", N_("立案机关")), ("filing_date", N_("立案时间")), ("penalty_decision", N_("处罚决定")),
    ("penalty_executed", N_("处罚决定是否执行到位")), ("fine_wan_yuan", N_("罚款（万元）")),
    ("criminal_referrals", N_("移送追究刑事责任人数")), ("persons_accountable", N_("追责问责人数")),
    ("court_enforcement", N_("申请法院强制执行")), ("notes", N_("备注")), ("checked_county", N_("县级验收")),
    ("checked_city", N_("市级验收")), ("checked_province", N_("省级验收")), ("meets_standard", N_("是否达标")),
    ("accepted", N_("是否验收")), ("written_off", N_("是否销号")), ("mineral_type", N_("矿种")),
    ("products_confiscated", N_("是否没收矿产品")), ("equipment_seized", N_("是否查扣设备")),
    ("transfer_land_type", N_("非法转让、倒卖土地地类")), ("transfer_area_mu", N_("非法转让、倒卖土地面积（亩）")),
    ("illegal_gains_wan_yuan", N_("违法所得（万元）")), ("repeat_after_penalty", N_("受过行政处罚后再次非法转让、倒卖")),
    ("police_referral", N_("是否移送公安机关")), ("written_off_on", N_("销号日期")),
    ("channel", N_("举报渠道")), ("source", N_("举报来源")), ("external_ref", N_("交办单号、来文编号")),
    ("received_by", N_("收到单位")), ("fed_back_on", N_("向交办（移交）单位反馈日期")),
)
COLUMNS = tuple(title for _, title in CSV_COLUMNS)


def csv_row(n: int, c: Complaint, county: County, tr: Tr) -> list[str]:
    values = facts(c, county, tr) | {"serial": n}
    return [spreadsheet_text(values[key]) for key, _ in CSV_COLUMNS]


def _tickets(deps: Deps, actor: Actor) -> list[Complaint]:
    tickets = queue.visible_tickets(deps, actor, "active") + queue.visible_tickets(deps, actor, "done")
    return sorted(tickets, key=lambda c: (c.received_at, c.seq))


def export_csv(deps: Deps, actor: Actor, now: datetime, tr: Tr) -> bytes:
    """UTF-8 with a byte-order mark (so spreadsheet programs read the Chinese right)."""
    tickets = _tickets(deps, actor)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([tr(h) for h in COLUMNS])
    for n, c in enumerate(tickets, start=1):
        writer.writerow(csv_row(n, c, scope.county_of(deps, c), tr))
    audit.record(deps, actor, "export", now, detail={"rows": len(tickets)})
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# --- XLSX in the annex forms, for officials ---------------------------------------------------

INVESTIGATION, ACCEPTANCE = N_("查处情况"), N_("验收情况")
_HEAD = (Column("serial", (N_("序号"),), 6), Column("county_short", (N_("县（市、区）"),), 10),
         Column("basic", (N_("基本情况（摘要）"),), 30, align_left=True),
         Column("handling", (INVESTIGATION, N_("处理方式")), 16, align_left=True),
         Column("filing_authority", (INVESTIGATION, N_("立案机关")), 12),
         Column("filing_date", (INVESTIGATION, N_("立案时间")), 11),
         Column("decision", (INVESTIGATION, N_("处罚决定及执行情况")), 24, align_left=True),
         Column("criminal_referrals", (INVESTIGATION, N_("追刑情况（人）")), 8, "0"),
         Column("persons_accountable", (INVESTIGATION, N_("追责情况（人）")), 8, "0"))
#: 003 Annex 2 (违法违规用地清单): 14 columns, two header rows
ANNEX_2 = (*_HEAD, Column("court_enforcement", (INVESTIGATION, N_("移送法院执行情况")), 10),
           Column("remarks", (INVESTIGATION, N_("备注")), 16, align_left=True),
           Column("checked_county", (ACCEPTANCE, N_("县级")), 7), Column("checked_city", (ACCEPTANCE, N_("市级")), 7),
           Column("checked_province", (ACCEPTANCE, N_("省级")), 7))
#: 003 Annex 3 (非法违法采矿清单): 13 columns, three header rows (no court column)
ANNEX_3 = (*_HEAD, Column("remarks", (INVESTIGATION, N_("备注")), 16, align_left=True),
           Column("meets_standard", (ACCEPTANCE, N_("县级"), N_("是否达标")), 8),
           Column("accepted", (ACCEPTANCE, N_("市级"), N_("是否验收")), 8),
           Column("written_off", (ACCEPTANCE, N_("省级"), N_("是否销号")), 8))

ANNEXES = {
    2: {"label": N_("附件2"), "title": N_("%(county)s违法违规用地清单"), "columns": ANNEX_2, "sheet": N_("附件2 违法违规用地"),
        "notes": N_("填表说明：1、“基本情况”简要说明违法主体、时间、地点、亩数等情况；2、“查处情况”说明地上违法违规建筑物是否符合规划、"
                    "是否强拆、是否复垦复绿等，追刑、追责写明人数，罚款金额以“万”为单位；3、“验收情况”只填写“是”与“否”。")},
    3: {"label": N_("附件3"), "title": N_("%(county)s非法违法采矿清单"), "columns": ANNEX_3, "sheet": N_("附件3 非法违法采矿"),
        "notes": N_("填表说明：1、“基本情况”简要说明违法主体、时间、地点、矿种、亩数等情况；2、“查处情况”说明矿产品是否收缴、设备是否没收等情况，"
                    "追刑、追责写明人数，罚款金额以“万”为单位；3、“验收情况”只填写“是”与“否”。")},
}
FOOTER = (N_("填报人："), N_("审核人："), N_("负责人："))


def listed(c: Complaint) -> bool:
    """A violation or a report still being looked into: not declined, not found untrue."""
    if c.status == Status.DECLINED:
        return False
    return c.finding is None or c.finding.substantiated


def annex_row(c: Complaint, county: County, tr: Tr) -> dict:
    """The annex cells of one ticket (the form's composite cells built from the facts)."""
    f = facts(c, county, tr)
    mining = f["annex"] == 3
    if f["summary"]:
        area = tr(N_("（%(area)s亩）")) % {"area": f"{f['area_mu']:g}"} if f["area_mu"] is not None else ""
        mineral = tr(N_("矿种：%(mineral)s")) % {"mineral": f["mineral_type"]} if mining and f["mineral_type"] else ""
        basic = tr(SEPARATOR).join(p for p in (f["summary"] + area, mineral) if p)
    else:  # nothing summarised yet: what the portal knows of the report
        basic = tr(N_("%(category)s；%(township)s；%(date)s收到举报")) % {
            "category": f["category"], "township": f["township"], "date": f["received"]}
        if f["finding"] is None:
            basic += tr(N_("（正在核查处理）"))
    handling = [f["method"] or ""]
    if mining and f["products_confiscated"] is not None:
        handling.append(tr(N_("矿产品已收缴")) if c.measures.products_confiscated else tr(N_("矿产品未收缴")))
    if mining and f["equipment_seized"] is not None:
        handling.append(tr(N_("设备已没收")) if c.measures.equipment_seized else tr(N_("设备未没收")))
    decision = [f["penalty_decision"] or ""]
    if f["fine_wan_yuan"] is not None:
        decision.append(tr(N_("罚款%(amount)s万元")) % {"amount": f"{f['fine_wan_yuan']:g}"})
    if f["penalty_executed"] is not None:
        decision.append(tr(N_("已执行到位")) if c.measures.penalty_executed else tr(N_("尚未执行到位")))
    remarks = [f["notes"] or ""]
    if not mining and c.write_off is not None:
        remarks.append(tr(N_("已销号（%(date)s）")) % {"date": f["written_off_on"]})
    if c.intake.staff_registered:  # 上级交办 12345 YL…, or the channel a citizen used
        remarks.append(" ".join(p for p in (f["source"] if c.intake.owes_feedback else f["channel"], f["external_ref"])
                                if p))
    remarks.append(tr(N_("编号%(id)s")) % {"id": c.id[-8:]})
    joined = lambda parts: tr(SEPARATOR).join(p for p in parts if p) or None  # noqa: E731
    return f | {"basic": basic, "handling": joined(handling), "decision": joined(decision),
                "remarks": joined(remarks)}


def annex_sheets(tickets: list[Complaint], county: County, unit_name: str, now: datetime, tr: Tr
                 ) -> list[AnnexSheet]:
    """Annex 2 and Annex 3, each numbered from 1 (either may be empty: the form stays)."""
    day = local_date(now)
    sheets = []
    for number, spec in ANNEXES.items():
        rows = [annex_row(c, county, tr) for c in tickets]
        rows = [r for r in rows if r["annex"] == number]
        for n, row in enumerate(rows, start=1):
            row["serial"] = n
        columns = [Column(c.key, tuple(tr(h) for h in c.header), c.width, c.number_format, c.align_left)
                   for c in spec["columns"]]
        sheets.append(AnnexSheet(
            sheet_name=tr(spec["sheet"]), annex_label=tr(spec["label"]), title=tr(spec["title"]) % {"county": county.name},
            unit_line=tr(N_("填报单位：%(unit)s")) % {"unit": unit_name},
            date_line=tr(N_("填报时间：%(year)s年%(month)s月%(day)s日")) % {"year": day.year, "month": day.month,
                                                                     "day": day.day},
            columns=columns, rows=rows, notes=tr(spec["notes"]), footer=[tr(label) for label in FOOTER]))
    return sheets


def export_xlsx(deps: Deps, actor: Actor, now: datetime, tr: Tr) -> bytes:
    """The ledger in the forms of 003 Annex 2 and 3 (one sheet each); audited."""
    county = deps.counties.get(actor.county) or deps.counties.default
    tickets = [c for c in _tickets(deps, actor) if listed(c)]
    body = write_workbook(annex_sheets(tickets, county, county.unit_name(actor.unit), now, tr))
    audit.record(deps, actor, "export", now, detail={"rows": len(tickets), "format": "xlsx"})
    return body
