"""Recording a patrol (004 C7, C17, C18, C19; L6, L15, L16): the phone page's one service call.

A patrol names its day, its grid (the professional patrol may name the built-up area as a
whole), its route and either "nothing found" or a finding; photos go through the same
sanitiser as a citizen's (every piece of metadata removed, the capture place and time not
kept). Everything is checked before anything is kept: a bad field or a bad photo stores
nothing. The patrol, its photos' uploads, the finding's ticket and case, the concealment
note and the audit entry are one transaction. A finding found later on the same patrol is
added to it (``add_finding``), on the same terms.

Who records where: ``portal.domain.patrols.scope``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from portal.domain.access import Actor
from portal.domain.county import County
from portal.domain.errors import Conflict, DomainError, Forbidden, NotFound
from portal.domain.patrols.grids import Grid
from portal.domain.patrols.records import ROUTE_MAX, Patrol, PatrolEvent, check_patrol_day
from portal.domain.patrols.scope import can_record_in, can_view_patrol, patrol_kind
from portal.domain.patrols.weeks import Week
from portal.domain.routing import built_up_township
from portal.evidence.sanitize import sanitize
from portal.i18n import N_
from portal.ids import is_id, new_id
from portal.ports import BlobNotFound, ConditionFailed, Op
from portal.services import uploads
from portal.services.deps import Deps
from portal.services.intake import bounded_text
from portal.services.patrols import findings as finding_tickets
from portal.services.patrols.findings import FindingInput
from portal.services.tickets import Photo
from portal.services.workflow import form_date
from portal.timeutil import local_date

NOT_A_PATROL_ROLE = N_("您的角色不登记巡查。")
NOT_FOUND = N_("没有找到这条巡查记录，或者它不在您的范围内。")
OUTSIDE = N_("只能登记您负责范围内网格的巡查。")
OUTCOMES = ("nothing", "found")
BUSY = N_("这条巡查记录刚刚被修改过，请刷新页面后重试。")


@dataclass
class PatrolInput:
    patrolled_on: str | None = None
    grid: str | None = None
    route: str | None = None
    outcome: str | None = None  #: nothing | found
    finding: FindingInput | None = None


def _county(deps: Deps, actor: Actor) -> County:
    return deps.counties.get(actor.county) or deps.counties.default


def _grid(county: County, actor: Actor, code: str | None, kind: str) -> Grid | None:
    code = (code or "").strip()
    grid = county.grids.grid(code) if code else None
    if code and grid is None:
        raise DomainError(N_("所选网格不存在。"), field="grid")
    if grid is None and kind != "professional":
        raise DomainError(N_("请选择巡查的网格。"), field="grid")
    if not can_record_in(actor, county, grid):
        raise Forbidden(OUTSIDE)
    return grid


def _photos(deps: Deps, actor: Actor, photos: list[bytes], now: datetime):
    """Sanitise every photo (all or nothing), keep the clean ones for this person, and return
    (evidence, the operations that mark their uploads taken)."""
    if len(photos) > uploads.MAX_PHOTOS:
        raise DomainError(N_("最多只能上传 %(n)s 张照片。"), field="photos", n=uploads.MAX_PHOTOS)
    cleans = [sanitize(raw, deps.settings.photo_limit) for raw in photos]
    owner = f"staff:{actor.username}"
    staged = [uploads.keep_clean(deps, owner, clean, now).upload_id for clean in cleans]
    return uploads.take(deps, owner, staged, confirmed=set(), source="patrol")


def record(deps: Deps, actor: Actor, data: PatrolInput, photos: list[bytes], now: datetime) -> Patrol:
    kind = patrol_kind(actor)
    if kind is None:
        raise Forbidden(NOT_A_PATROL_ROLE)
    county = _county(deps, actor)
    grid = _grid(county, actor, data.grid, kind)
    day = form_date(data.patrolled_on, "patrolled_on")
    if day is None:
        raise DomainError(N_("请填写巡查日期。"), field="patrolled_on")
    check_patrol_day(day, local_date(now))
    route = bounded_text(data.route, "route", ROUTE_MAX, required=True, missing=N_("请填写巡查路线或区域。"))
    if data.outcome not in OUTCOMES:
        raise DomainError(N_("请选择“未发现问题”或“发现问题”。"), field="outcome")
    township = grid.township if grid else built_up_township(county)
    checked = None
    if data.outcome == "found":
        checked = finding_tickets.check(deps, county, data.finding or FindingInput(), grid, township, now)
        if kind == "professional" and not county.in_built_up_area(checked.point) and not checked.approximate:
            raise DomainError(N_("专业巡查发现问题的位置应在县城建成区内。"), field="location")
    evidence, upload_ops = _photos(deps, actor, photos, now)
    patrol = Patrol(id=new_id(now), county=county.code, kind=kind, unit=actor.unit, township=township,
                    village=grid.village if grid else None, grid=grid.code if grid else None, patrolled_on=day,
                    week=Week.of_date(day).key, route=route, nothing_found=checked is None,
                    recorded_by=actor.username, recorded_at=now, photos=evidence,
                    in_built_up_area=kind == "professional",
                    history=[PatrolEvent(at=now, kind="recorded", actor=actor.username)])
    ops: list[Op] = list(upload_ops)
    if checked is not None:
        ticket_ops, ref, _ = finding_tickets.ticket_ops(deps, actor, county, patrol, checked, evidence, now)
        ops += ticket_ops
        patrol.add_finding(ref, actor.username)
    ops.append(deps.repos.patrols.patrol_op(patrol))
    ops.append(_audit(deps, actor, "patrol_recorded", now, patrol))
    try:
        deps.store.write(ops)
    except ConditionFailed:  # a photo taken by a parallel post of the same form: nothing was written
        raise Conflict(BUSY) from None
    patrol.version += 1
    return patrol


def add_finding(deps: Deps, actor: Actor, patrol_id: str, data: FindingInput, photos: list[bytes],
                now: datetime) -> Patrol:
    """A further finding on a patrol the actor's unit recorded, within the patrol's week."""
    for _ in range(4):
        patrol = load(deps, actor, patrol_id)
        if patrol.unit != actor.unit or patrol.kind != patrol_kind(actor):
            raise Forbidden(OUTSIDE)
        county = _county(deps, actor)
        grid = county.grids.grid(patrol.grid)
        check_patrol_day(patrol.patrolled_on, local_date(now))
        checked = finding_tickets.check(deps, county, data, grid, patrol.township, now)
        evidence, upload_ops = _photos(deps, actor, photos, now)
        ticket_ops, ref, _ = finding_tickets.ticket_ops(deps, actor, county, patrol, checked, evidence, now)
        patrol.photos += evidence
        patrol.add_finding(ref, actor.username)
        ops = [*upload_ops, *ticket_ops, deps.repos.patrols.patrol_op(patrol),
               _audit(deps, actor, "patrol_finding", now, patrol)]
        try:
            deps.store.write(ops)
        except ConditionFailed:
            continue
        patrol.version += 1
        return patrol
    raise Conflict(BUSY)


def _audit(deps: Deps, actor: Actor, action: str, now: datetime, patrol: Patrol) -> Op:
    return deps.repos.audit.op(at=now, actor=actor.username, role=actor.role.value, unit=actor.unit, action=action,
                               county=actor.county, detail={"patrol": patrol.id, "grid": patrol.grid,
                                                            "findings": len(patrol.findings)})


def load(deps: Deps, actor: Actor, patrol_id: str | None) -> Patrol:
    """A patrol the actor may see; anything else (another unit's, a guessed id) is not found."""
    patrol = deps.repos.patrols.patrol(patrol_id) if is_id(patrol_id or "") else None
    if patrol is None or not can_view_patrol(actor, patrol):
        raise NotFound(NOT_FOUND)
    return patrol


def photo(deps: Deps, actor: Actor, patrol_id: str, n: int, now: datetime):
    """A patrol photo (sanitised JPEG) for someone who may see the patrol; audited."""
    patrol = load(deps, actor, patrol_id)
    if not 0 <= n < len(patrol.photos):
        raise NotFound(NOT_FOUND)
    evidence = patrol.photos[n]
    url, data = deps.blobs.url_for(evidence.key), None
    if url is None:
        try:
            data = deps.blobs.get(evidence.key)
        except BlobNotFound:
            raise NotFound(NOT_FOUND) from None
    deps.repos.audit.record(at=now, actor=actor.username, role=actor.role.value, unit=actor.unit,
                            action="view_patrol_photo", county=actor.county, detail={"patrol": patrol.id, "n": n})
    return Photo(evidence, data, url)
