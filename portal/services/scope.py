"""Loading a ticket for a staff member: the one place that turns ``portal.domain.access`` into
answers. A ticket outside the actor's view is *not found* (the same answer as an id that
does not exist, so guessing ids reveals nothing); a visible ticket the actor may not act on
is *forbidden*."""

from __future__ import annotations

from portal.domain.access import Action, Actor, can, can_view
from portal.domain.complaint import Complaint
from portal.domain.county import County
from portal.domain.errors import Forbidden, NotFound
from portal.i18n import N_
from portal.ids import is_id
from portal.services.deps import Deps

NOT_FOUND = N_("没有找到这件举报，或者它不在您的办理范围内。")
FORBIDDEN = N_("您的角色不能对这件举报进行这项操作。")


def load(deps: Deps, actor: Actor, complaint_id: str | None) -> Complaint:
    complaint = deps.repos.complaints.get(complaint_id) if is_id(complaint_id or "") else None
    if complaint is None or not can_view(actor, complaint):
        raise NotFound(NOT_FOUND)
    return complaint


def require(actor: Actor, action: Action, complaint: Complaint) -> None:
    if not can(actor, action, complaint):
        raise Forbidden(FORBIDDEN)


def county_of(deps: Deps, complaint: Complaint) -> County:
    return deps.counties.get(complaint.county) or deps.counties.default


def visible(deps: Deps, actor: Actor, complaint_id: str) -> Complaint | None:
    """The ticket if the actor may see it, else None (for lists that skip what is out of view)."""
    complaint = deps.repos.complaints.get(complaint_id) if is_id(complaint_id or "") else None
    return complaint if complaint is not None and can_view(actor, complaint) else None
