"""A patrol's finding becomes a ticket (channel ``patrol``; 004 C17(2), L15(2); C19; C22, L19).

The ticket is built like a citizen's report (``Complaint.file``: routed by category and place,
the acceptance clock, the township's 2 hours, the 004 C34 / L30 ladder), then marked as the
patrol's (``Complaint.found_on_patrol``: the 5-day rectification clock from the finding, a
stop on the spot recorded as such). A stock violation (004 C22, L19) is marked stock at once
with the earlier register's date, checked against the county's cut-off like any case. The
ticket, its case, the concealment note (``violations.new_violation_ops``), its item in the
problem list of a campaign in its survey phase (``portal.services.campaigns.survey.patrol_items``)
and the patrol record are written in one transaction by the caller. No receipt exists: nobody can follow
the ticket on the status page, and no SMS is ever sent for it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime

from portal.domain.access import Actor
from portal.domain.cases import Case, CaseMember, check_stock_registration
from portal.domain.complaint import Complaint, Evidence
from portal.domain.county import County
from portal.domain.errors import DomainError
from portal.domain.geo import Point
from portal.domain.patrols.grids import Grid
from portal.domain.patrols.records import FindingRef, Patrol
from portal.domain.channels import Intake
from portal.domain.patrols.steps import CHANNEL, SOURCES, PatrolOrigin
from portal.domain.routing import route
from portal.i18n import N_
from portal.ids import new_id
from portal.ports import Op
from portal.services.campaigns import survey
from portal.services.cases import stock_rule
from portal.services.deps import Deps
from portal.services.intake import DESCRIPTION_MAX, DESCRIPTION_MIN, bounded_text, parse_point, public_id_for
from portal.services.patrols import violations
from portal.services.workflow import form_date

KINDS = ("new", "stock")


def _yes(value) -> bool:
    return (value or "") in ("1", "on", "true", "yes")


@dataclass
class FindingInput:
    """A finding as the patrol form posts it (every field hostile)."""

    category: str | None = None
    description: str | None = None
    lat: str | None = None
    lng: str | None = None
    stopped_on_spot: str | None = None
    builder_identified: str | None = None
    kind: str | None = None  #: new | stock (004 C22, L19)
    registered_on: str | None = None  #: stock: the earlier register's date

    @classmethod
    def from_form(cls, form) -> "FindingInput":
        return cls(**{k: form.get(k) for k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class CheckedFinding:
    category: str
    description: str
    point: Point
    approximate: bool  #: the grid's village point, not a typed one
    stopped_on_spot: bool
    builder_identified: bool
    kind: str
    registered_on: date | None


def check(deps: Deps, county: County, data: FindingInput, grid: Grid | None, township: str, now: datetime
          ) -> CheckedFinding:
    """Every field of a finding checked before anything is stored."""
    category = (data.category or "").strip()
    cat = county.category(category)
    if cat is None:
        raise DomainError(N_("请选择发现的问题类型。"), field="category")
    if cat.discipline_only:
        # 000 §2(3), 004 C36: an official's involvement is reported to the discipline commission,
        # not recorded on a patrol record others read
        raise DomainError(N_("涉及公职人员的问题请直接向县纪委监委反映，不在巡查记录中登记。"), field="category")
    description = bounded_text(data.description, "description", DESCRIPTION_MAX)
    if len(description) < DESCRIPTION_MIN:
        raise DomainError(N_("请描述发现的问题（至少 %(n)s 个字）。"), field="description", n=DESCRIPTION_MIN)
    point = parse_point(data.lat, data.lng)
    approximate = point is None
    if point is None:
        village = county.village(grid.village) if grid else None
        if village is None:
            raise DomainError(N_("请填写发现问题的位置坐标。"), field="location")
        point = village.point
    elif not county.contains(point):
        raise DomainError(N_("这个位置不在%(county)s范围内，本平台只受理本县的举报。"), field="location",
                          county=county.name)
    at = county.township_at(point)
    if at is None or at.code != township:
        raise DomainError(N_("发现问题的位置不在所巡查的网格所在乡镇，请检查坐标。"), field="location")
    kind = data.kind or "new"
    if kind not in KINDS:
        raise DomainError(N_("请选择新增或存量。"), field="kind")
    registered = form_date(data.registered_on, "registered_on") if kind == "stock" else None
    if kind == "stock":
        check_stock_registration(registered, stock_rule(deps, county.code), now)
    return CheckedFinding(category=category, description=description, point=point, approximate=approximate,
                          stopped_on_spot=_yes(data.stopped_on_spot),
                          builder_identified=_yes(data.builder_identified), kind=kind,
                          registered_on=registered)


def ticket_ops(deps: Deps, actor: Actor, county: County, patrol: Patrol, finding: CheckedFinding,
               evidence: list[Evidence], now: datetime) -> tuple[list[Op], FindingRef, Complaint]:
    """The ticket a finding becomes, its case and its concealment note; and the patrol's reference."""
    routing = route(county, finding.category, finding.point)
    complaint_id, case_id = new_id(now), new_id(now)
    seq = deps.repos.counters.next_sequence("complaint")
    grid = county.grids.grid(patrol.grid)
    address = grid.name if grid else ""
    complaint = Complaint.file(
        id=complaint_id, seq=seq, county=county.code, category=finding.category, description=finding.description,
        address=address, point=finding.point, routing=routing, received_at=now,
        receipt_hash=deps.hasher.digest("receipt", secrets.token_urlsafe(24)),  # a receipt nobody holds
        case_id=case_id, evidence=[replace(e, source="patrol") for e in evidence], contact=None,
        calendar=deps.calendar(), lead_name=county.unit_name(routing.lead), public_id=public_id_for(deps, complaint_id),
        place={"village": patrol.village, "approximate": True} if finding.approximate and patrol.village else None,
        intake=Intake(channel=CHANNEL, source=SOURCES[patrol.kind], received_by=actor.unit,
                      registered_by=actor.username, registered_at=now),
    )
    origin = PatrolOrigin(patrol=patrol.id, kind=patrol.kind, unit=patrol.unit, found_at=now, village=patrol.village,
                          grid=patrol.grid, stopped_on_spot=finding.stopped_on_spot,
                          builder_identified=finding.builder_identified)
    complaint.found_on_patrol(origin, actor.username, actor.unit)
    case = Case.open_for(case_id, county.code, finding.category, CaseMember(complaint_id, now, seq))
    if finding.kind == "stock":
        note = ""
        case.mark("stock", now, actor.username, note, stock_rule(deps, county.code), finding.registered_on)
        complaint.mark_case(now, actor.username, actor.unit, case_id, "stock", note, case.stock_registered_on)
    ops = deps.repos.complaints.save_ops(complaint)
    ops.append(deps.repos.cases.save_op(case))
    ops += violations.new_violation_ops(deps, county, complaint, now)
    ops += survey.patrol_items(deps, complaint, actor, now)  # a campaign's survey phase (003 §2(3))
    ref = FindingRef(ticket=complaint_id, category=finding.category, found_at=now,
                     stopped_on_spot=finding.stopped_on_spot, kind=finding.kind)
    return ops, ref, complaint
