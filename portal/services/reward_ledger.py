"""The reward ledger (奖励台账, 004 C20 / L17) for finance and the reviewers, as CSV (UTF-8 with a
byte-order mark) and XLSX: case, category, amount, who proposed and approved it, state, dates
and the payment reference of every reward the actor may see (``reward_views.in_view``).

No reporter identity: no payee name, bank or account, no phone, no receipt, no ticket id (the
case id is what finance and the reviewers share). Finance's rows of discipline-only rewards
carry a neutral label for the category and no reviewer names (000 §2(3)). Cells a spreadsheet would read as a formula
are prefixed with ``'``. Each export is recorded in the audit trail.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Callable

from portal.documents.cells import spreadsheet_text
from portal.domain.access import Actor
from portal.domain.rewards import METHOD_TITLES, STATE_TITLES, FLAG_TITLES, Reward
from portal.i18n import N_
from portal.services import audit, reward_views, rewards
from portal.services.deps import Deps
from portal.timeutil import format_local

COLUMNS = (
    N_("序号"), N_("案件编号"), N_("问题类型"), N_("奖励金额（元）"), N_("状态"), N_("符合奖励条件日期"), N_("建议人"),
    N_("建议日期"), N_("批准人"), N_("批准日期"), N_("领取期限"), N_("申领日期"), N_("领取方式"), N_("发放日期"),
    N_("发放金额（元）"), N_("发放凭证号"), N_("复核标记"),
)


def _day(instant: datetime | None) -> str:
    return format_local(instant, with_time=False)


def _row(n: int, r: Reward, category: str, tr: Callable[[str], str], masked: bool = False) -> list:
    p, c, pay = r.proposal, r.claim, r.payment
    proposer = "" if masked or p is None else spreadsheet_text(p.by)
    approver = "" if masked else spreadsheet_text(r.approved_by or "")
    return [
        n, spreadsheet_text(r.case_id), spreadsheet_text(category), p.amount_yuan if p else "",
        tr(STATE_TITLES[r.state]), _day(r.eligible_at),
        proposer, _day(p.at) if p else "", approver, _day(r.approved_at),
        _day(r.window_ends_at), _day(c.at) if c else "", tr(METHOD_TITLES[c.method]) if c else "",
        pay.paid_on.isoformat() if pay else "", pay.amount_yuan if pay else "",
        spreadsheet_text(pay.reference) if pay else "",
        "；".join(tr(FLAG_TITLES.get(f.kind, f.kind)) for f in r.open_flags),
    ]


def rows(deps: Deps, actor: Actor, tr: Callable[[str], str]) -> list[list]:
    """The header and one row per reward in view, oldest first."""
    out = [[tr(h) for h in COLUMNS]]
    in_view = sorted(reward_views.in_view(deps, actor), key=lambda r: (r.created_at, r.case_id))
    for n, reward in enumerate(in_view, start=1):
        masked = reward_views.masked_for(actor, reward)
        title = reward_views.category_title(deps, actor, reward)  # the county's own title, or a msgid when masked
        out.append(_row(n, reward, tr(title) if masked else title, tr, masked))
    return out


def export_csv(deps: Deps, actor: Actor, now: datetime, tr: Callable[[str], str]) -> bytes:
    table = rows(deps, actor, tr)
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(table)
    audit.record(deps, actor, "reward_export", now, detail={"rows": len(table) - 1, "format": "csv"})
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_xlsx(deps: Deps, actor: Actor, now: datetime, tr: Callable[[str], str]) -> bytes:
    from openpyxl import Workbook  # when asked for: openpyxl (and lxml) stay out of a cold start

    table = rows(deps, actor, tr)
    book = Workbook()
    sheet = book.active
    sheet.title = tr(N_("举报奖励台账"))
    for line in table:
        sheet.append(line)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    audit.record(deps, actor, "reward_export", now, detail={"rows": len(table) - 1, "format": "xlsx"})
    return out.getvalue()
