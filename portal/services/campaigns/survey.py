"""The survey phase (排查摸底, 003 §2(3): 各乡镇、各有关单位……对辖区内……开展全面摸底排查……形成问题清单，
建立台账): a responsible unit (or the office, entering what a unit reported) records a problem it
found. It becomes a ticket with no reporter (``portal.domain.campaigns.survey``), routed by
category and place like any report, with its case (marked stock with the earlier register's
date, or new: 004 C22, L19, checked against the county's cut-off), and an item of the problem
list; all in one transaction with the audit entry, or nothing.

Every field is hostile and checked first: the category in the campaign's scope (never a report
about an official, which goes to the discipline commission), the township in scope (a
township enters only in its own area), the place inside that township (typed coordinates in
WGS84, a village of it, or the township itself), the lead a responsible unit, and a unit
enters only what it will itself handle (its own items). Refused outside the survey phase.

The patrols issue (#13) records patrol findings as tickets the same way; when it lands, a
unit's survey can be entered on the patrol page and its findings added here as ``survey`` items
(``record`` is the join point: a ticket, its case and the ops that create them).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from portal.domain.access import Actor, Role
from portal.domain.campaigns.campaign import Campaign, owns
from portal.domain.campaigns.items import CampaignItem
from portal.domain.campaigns.survey import SurveyOrigin
from portal.domain.cases import Case, CaseMember, check_stock_registration
from portal.domain.channels import Intake
from portal.domain.complaint import Complaint
from portal.domain.errors import Conflict, DomainError
from portal.domain.routing import route
from portal.i18n import N_
from portal.ids import new_id
from portal.ports import ConditionFailed, Op
from portal.services.campaigns.records import load
from portal.services.cases import stock_rule
from portal.services.deps import Deps
from portal.services.intake import DESCRIPTION_MAX, DESCRIPTION_MIN, clean_text, parse_point, place_of, public_id_for
from portal.services.workflow import form_date, text

NOT_IN_SURVEY = N_("只能在排查摸底阶段登记排查发现的问题；其他时间发现的问题请按举报或巡查登记，由领导小组办公室纳入问题清单。")


@dataclass
class SurveyInput:
    """A survey finding as the form posts it (every field hostile)."""

    category: str | None = None
    description: str | None = None
    township: str | None = None
    village: str | None = None
    lat: str | None = None
    lng: str | None = None
    kind: str | None = None  #: new | stock (004 C22, L19)
    registered_on: str | None = None  #: stock: the earlier register's date

    @classmethod
    def from_form(cls, form) -> "SurveyInput":
        return cls(**{k: form.get(k) for k in cls.__dataclass_fields__})


def _check(deps: Deps, actor: Actor, campaign: Campaign, data: SurveyInput, now: datetime):
    county = deps.counties.get(campaign.county) or deps.counties.default
    category = clean_text(data.category, 64)
    found = county.category(category)
    if found is None or found.discipline_only or (campaign.scope.categories and category not in campaign.scope.categories):
        raise DomainError(N_("请从本专项行动的问题类型中选择（涉及公职人员的问题请直接向县纪委监委反映）。"), field="category")
    description = text(data.description, "description", DESCRIPTION_MAX)
    if len(description) < DESCRIPTION_MIN:
        raise DomainError(N_("请写明问题的基本情况：违法主体、时间、地点、面积等（至少 %(n)s 个字）。"), field="description",
                          n=DESCRIPTION_MIN)
    township = actor.unit if actor.role == Role.TOWNSHIP else clean_text(data.township, 64)
    if county.township(township) is None or not campaign.scope.covers_township(township):
        raise DomainError(N_("请选择本专项行动范围内的乡镇（管理区）。"), field="township")
    typed = parse_point(data.lat, data.lng)
    point, _ = place_of(county, typed, None, None if typed else data.village, township)
    if typed is not None:
        at = county.township_at(point) if county.contains(point) else None
        if at is None or at.code != township:
            raise DomainError(N_("坐标不在所选乡镇（管理区）范围内，请检查坐标。"), field="location")
    routing = route(county, category, point, township)
    kind = clean_text(data.kind, 8) or "new"
    if kind not in ("new", "stock"):
        raise DomainError(N_("请选择新增或存量。"), field="kind")
    registered = form_date(data.registered_on, "registered_on") if kind == "stock" else None
    if kind == "stock":
        check_stock_registration(registered, stock_rule(deps, county.code), now)
    village = county.village(clean_text(data.village, 16)) if data.village and typed is None else None
    return county, category, description, point, routing, kind, registered, village


def record(deps: Deps, actor: Actor, campaign: Campaign, data: SurveyInput, now: datetime
           ) -> tuple[Complaint, Case, list[Op]]:
    """The ticket a survey finding becomes, its case, and the ops that store them (checked
    first; nothing written here)."""
    county, category, description, point, routing, kind, registered, village = _check(deps, actor, campaign, data,
                                                                                      now)
    complaint_id, case_id = new_id(now), new_id(now)
    seq = deps.repos.counters.next_sequence("complaint")
    ticket = Complaint.file(
        id=complaint_id, seq=seq, county=county.code, category=category, description=description,
        address=village.name if village else "", point=point, routing=routing, received_at=now,
        receipt_hash=deps.hasher.digest("receipt", secrets.token_urlsafe(24)),  # a receipt nobody holds
        case_id=case_id, evidence=[], contact=None, calendar=deps.calendar(), lead_name=county.unit_name(routing.lead),
        public_id=public_id_for(deps, complaint_id),
        intake=Intake(channel="survey", source="survey", received_by=actor.unit, registered_by=actor.username,
                      registered_at=now))
    ticket.found_in_survey(SurveyOrigin(campaign=campaign.id, unit=actor.unit, found_at=now), actor.username,
                           actor.unit)
    if not campaign.scope.covers(ticket):
        raise DomainError(N_("这类问题由%(lead)s办理，不在本专项行动的责任单位之中。"), field="category",
                          lead=county.unit_name(routing.lead))
    if actor.role != Role.SUPERVISOR and not owns(actor, ticket):
        raise DomainError(N_("这类问题由%(lead)s办理：请登记本单位负责的问题，其他单位的问题由该单位登记。"), field="category",
                          lead=county.unit_name(routing.lead))
    case = Case.open_for(case_id, county.code, category, CaseMember(complaint_id, now, seq))
    if kind == "stock":
        case.mark("stock", now, actor.username, "", stock_rule(deps, county.code), registered)
        ticket.mark_case(now, actor.username, actor.unit, case_id, "stock", "", case.stock_registered_on)
    ops = deps.repos.complaints.save_ops(ticket) + deps.repos.complaints.pointer_ops(ticket, None, None)
    ops.append(deps.repos.cases.save_op(case))
    return ticket, case, ops


def enter(deps: Deps, actor: Actor, campaign_id: str, data: SurveyInput, now: datetime) -> CampaignItem:
    """003 §2(3): a problem found in the survey phase, entered by a responsible unit (its own
    area and duties) or by the office; it is a ticket and an item of the list at once."""
    campaign, _role = load(deps, actor, campaign_id)
    if not campaign.in_survey(now):
        raise Conflict(NOT_IN_SURVEY)
    ticket, _case, ops = record(deps, actor, campaign, data, now)
    item = CampaignItem.add(campaign, ticket, "survey", now, actor.username, actor.unit)
    ops.append(deps.repos.campaigns.item_op(item))
    ops.append(deps.repos.audit.op(at=now, actor=actor.username, role=actor.role.value, unit=actor.unit,
                                   action="campaign_survey", county=campaign.county, complaint_id=ticket.id,
                                   detail={"campaign": campaign.id}))
    try:
        deps.store.write(ops)
    except ConditionFailed:  # every record here is new: only a clash of fresh ids, never seen
        raise Conflict(N_("登记没有成功，请重新提交。")) from None
    deps.repos.complaints.committed(ticket)
    return item
