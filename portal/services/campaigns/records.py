"""Creating a campaign and reading it back for a staff member (``portal.domain.campaigns``).

The county office (the leading-group office, supervisors) creates a campaign from the form:
every field is hostile and checked before anything is stored; the campaign and its first
event are written in one transaction, with the audit entry. A campaign outside the actor's
county, or one the actor takes no part in, is *not found* (the same answer as an id that does
not exist).

What a staff member sees of the problem list (``visible_rows``): the office every item, a
responsible unit only its own (``domain.campaigns.campaign.owns``); nobody an item whose ticket
has since become a report about an official (it leaves every view but the commission's, which
takes no part in campaigns: 000 §2(3), 004 C36).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Mapping

from portal.domain.access import Actor, Role
from portal.domain.campaigns.campaign import (
    LEDGER_FORMS, MAX_PHASES, NAME_MAX, PHASE_KINDS, PHASE_NAME_MAX, BASIS_MAX, Campaign, Phase, Reporting, Scope, owns,
    role_in, takes_part,
)
from portal.domain.campaigns.items import CampaignItem
from portal.domain.complaint import Complaint
from portal.domain.county import County
from portal.domain.errors import DomainError, Forbidden, NotFound
from portal.i18n import N_
from portal.ids import is_id, new_id
from portal.services import audit
from portal.services.deps import Deps
from portal.services.intake import clean_text
from portal.services.workflow import form_date, text

NOT_FOUND = N_("没有找到这个专项行动，或者您的单位不在它的责任单位之中。")
OFFICE_ONLY = N_("只有领导小组办公室（督办）可以进行这项操作。")
NO_CAMPAIGNS = N_("您的角色不参与专项行动。")


def _county(deps: Deps, actor: Actor) -> County:
    return deps.counties.get(actor.county) or deps.counties.default


def require_office(actor: Actor) -> None:
    if actor.role != Role.SUPERVISOR:
        raise Forbidden(OFFICE_ONLY)


# --- the form -------------------------------------------------------------------------------


def _choices(form: Mapping, name: str, allowed: set[str], field: str, message: str) -> list[str]:
    values = form.getlist(name) if hasattr(form, "getlist") else list(form.get(name) or [])
    out = []
    for raw in values[:200]:
        value = clean_text(raw, 64)
        if not value:
            continue
        if value not in allowed:
            raise DomainError(message, field=field)
        if value not in out:
            out.append(value)
    return out


def parse_phases(form: Mapping) -> list[Phase]:
    """Rows ``phase_name_N``, ``phase_kind_N``, ``phase_start_N``, ``phase_end_N`` (N from 1);
    a row left wholly empty is skipped."""
    phases = []
    for n in range(1, MAX_PHASES + 1):
        name = text(form.get(f"phase_name_{n}"), "phases", PHASE_NAME_MAX)
        start, end = form.get(f"phase_start_{n}"), form.get(f"phase_end_{n}")
        if not name and not (start or "").strip() and not (end or "").strip():
            continue
        kind = clean_text(form.get(f"phase_kind_{n}"), 16)
        if kind not in PHASE_KINDS:
            raise DomainError(N_("请选择第 %(n)s 个阶段的类型。"), field="phases", n=n)
        first, last = form_date(start, "phases"), form_date(end, "phases")
        if first is None or last is None:
            raise DomainError(N_("请填写第 %(n)s 个阶段的开始和结束日期。"), field="phases", n=n)
        phases.append(Phase(name=name, kind=kind, start=first, end=last))
    return phases


def parse_scope(county: County, form: Mapping) -> Scope:
    categories = _choices(form, "categories", {c.code for c in county.categories if not c.discipline_only},
                          "categories", N_("请从列表中选择问题类型（涉及公职人员的问题由纪委监委办理，不纳入专项行动）。"))
    townships = [] if form.get("whole_county") == "1" else _choices(
        form, "townships", {t.code for t in county.townships}, "townships", N_("请从列表中选择乡镇（管理区）。"))
    if form.get("whole_county") != "1" and not townships:
        raise DomainError(N_("请选择专项行动的乡镇（管理区），或者选择“全县”。"), field="townships")
    units = _choices(form, "units", {d.code for d in county.departments if d.kind == "bureau"}, "units",
                     N_("请从列表中选择责任单位。"))
    return Scope(categories=categories, townships=townships, units=units)


def parse_reporting(form: Mapping) -> Reporting:
    kind = clean_text(form.get("reporting"), 16)
    day = None
    if kind == "monthly":
        raw = clean_text(form.get("reporting_day"), 4)
        if not raw.isascii() or not raw.isdigit():
            raise DomainError(N_("月例会的日期应为每月1日到31日中的一天。"), field="reporting_day")
        day = int(raw)
    reporting = Reporting(kind=kind, day=day)
    reporting.check()
    return reporting


def create(deps: Deps, actor: Actor, form: Mapping, now: datetime) -> Campaign:
    """The office creates a campaign (003 §2: phases, scope, units; §3(3): reporting days)."""
    require_office(actor)
    county = _county(deps, actor)
    name = text(form.get("name"), "name", NAME_MAX, required=True, missing=N_("请填写专项行动的名称。"))
    basis = text(form.get("basis"), "basis", BASIS_MAX)
    ledger_form = clean_text(form.get("ledger_form"), 16)
    if ledger_form not in LEDGER_FORMS:
        raise DomainError(N_("请选择台账的表格式样。"), field="ledger_form")
    campaign = Campaign.create(id=new_id(now), county=county.code, name=name, phases=parse_phases(form),
                               scope=parse_scope(county, form), reporting=parse_reporting(form),
                               ledger_form=ledger_form, basis=basis, now=now, actor=actor.username, unit=actor.unit)
    ops = deps.repos.campaigns.save_ops(campaign)
    ops.append(deps.repos.audit.op(at=now, actor=actor.username, role=actor.role.value, unit=actor.unit,
                                   action="campaign_create", county=county.code, detail={"campaign": campaign.id}))
    deps.store.write(ops)
    deps.repos.campaigns.committed(campaign)
    return campaign


# --- reading ----------------------------------------------------------------------------------


def load(deps: Deps, actor: Actor, campaign_id: str | None) -> tuple[Campaign, str]:
    """The campaign and the actor's role in it (``office`` or ``unit``), or NotFound."""
    campaign = deps.repos.campaigns.get(campaign_id) if is_id(campaign_id or "") else None
    role = role_in(actor, campaign) if campaign is not None else None
    if role is None:
        raise NotFound(NOT_FOUND)
    return campaign, role


def listing(deps: Deps, actor: Actor) -> list[Campaign]:
    """The county's campaigns the actor takes part in, the latest first."""
    if not takes_part(actor):
        raise Forbidden(NO_CAMPAIGNS)
    return [c for c in deps.repos.campaigns.in_county(actor.county) if role_in(actor, c) is not None]


@dataclass
class Row:
    item: CampaignItem
    ticket: Complaint


def all_rows(deps: Deps, campaign: Campaign) -> list[Row]:
    """Every item with its ticket as it stands, but those whose ticket is now about an official."""
    rows = []
    for item in deps.repos.campaigns.items(campaign.id):
        ticket = deps.repos.complaints.get(item.ticket)
        if ticket is not None and ticket.county == campaign.county and not ticket.discipline_only:
            rows.append(Row(item, ticket))
    return sorted(rows, key=lambda r: (r.item.added_at, r.ticket.seq))


def visible_rows(deps: Deps, actor: Actor, campaign: Campaign, role: str) -> list[Row]:
    """The items the actor may see: the office every one, a unit its own."""
    rows = all_rows(deps, campaign)
    return rows if role == "office" else [r for r in rows if owns(actor, r.ticket)]


def row(deps: Deps, actor: Actor, campaign: Campaign, role: str, ticket_id: str | None) -> Row:
    """One item the actor may see, or NotFound."""
    item = deps.repos.campaigns.item(campaign.id, ticket_id) if is_id(ticket_id or "") else None
    ticket = deps.repos.complaints.get(item.ticket) if item is not None else None
    if ticket is None or ticket.discipline_only or (role != "office" and not owns(actor, ticket)):
        raise NotFound(N_("没有找到这个问题，或者它不属于您的单位。"))
    return Row(item, ticket)


def record_view(deps: Deps, actor: Actor, campaign: Campaign, now: datetime, action: str = "campaign_view",
                **detail) -> None:
    audit.record(deps, actor, action, now, detail={"campaign": campaign.id, **detail})
