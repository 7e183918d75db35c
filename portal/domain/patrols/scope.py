"""Who may do what with patrols, weekly reports and concealment flags (004 C17-C19, C33).

Deny by default: every function answers False (or None) for a role it does not name.

=======================  ==================================  ===================================
role                     records patrols in                  sees (patrols, weekly status)
=======================  ==================================  ===================================
village grid member      the grids of its village            its village's own patrols and report
township patrol team     any grid of its township            its township: patrols, villages'
                                                             reports, its own report; files it
township (执法队)         —                                   its township's status, read only
professional patrol      the county built-up area (C19)      the professional patrols
supervisor (office)      —                                   every township; decides concealment
anyone else              —                                   nothing
=======================  ==================================  ===================================

A village user sees nothing of tickets (``portal.domain.access``), of other units' patrols in
its grids, or of concealment flags: a finding by someone else in its grid, or a flag on its
week, would tell it that somebody reported something there.
"""

from __future__ import annotations

from portal.domain.access import Actor, Role
from portal.domain.county import County
from portal.domain.patrols.grids import Grid
from portal.domain.patrols.records import Patrol

#: the patrol kind each patrol role records
RECORDS = {Role.VILLAGE_GRID: "village", Role.TOWNSHIP_PATROL: "township", Role.PROFESSIONAL_PATROL: "professional"}


def patrol_kind(actor: Actor) -> str | None:
    return RECORDS.get(actor.role)


def can_record_in(actor: Actor, county: County, grid: Grid | None) -> bool:
    """Whether the actor may record a patrol in ``grid`` (None: the built-up area as a whole,
    for the professional patrol only)."""
    if actor.county != county.code:
        return False
    if actor.role == Role.VILLAGE_GRID:
        return grid is not None and grid.village == actor.unit
    if actor.role == Role.TOWNSHIP_PATROL:
        return grid is not None and grid.township == actor.unit
    if actor.role == Role.PROFESSIONAL_PATROL:
        if county.professional_patrol is None or actor.unit not in county.professional_patrol.members:
            return False
        return grid is None or grid.code in built_up_grids(county)
    return False


def built_up_grids(county: County) -> set[str]:
    """Grids of the villages (communities) whose point lies in the county built-up area."""
    inside = {v.code for v in county.villages if county.in_built_up_area(v.point)}
    return {g.code for g in county.grids.grids if g.village in inside}


def recordable_grids(actor: Actor, county: County) -> list[Grid]:
    return [g for g in county.grids.grids if can_record_in(actor, county, g)]


def can_view_patrol(actor: Actor, patrol: Patrol) -> bool:
    if actor.county != patrol.county:
        return False
    if actor.role == Role.VILLAGE_GRID:
        return patrol.kind == "village" and patrol.unit == actor.unit
    if actor.role in (Role.TOWNSHIP_PATROL, Role.TOWNSHIP):
        return patrol.township == actor.unit
    if actor.role == Role.PROFESSIONAL_PATROL:
        return patrol.kind == "professional"
    return actor.role == Role.SUPERVISOR


def status_scope(actor: Actor) -> str | None:
    """Which weekly status page the actor reads: ``village`` (its own), ``township`` (its
    villages and itself), ``professional`` (the built-up area's weeks), ``county`` (every
    township, the office), or None."""
    return {Role.VILLAGE_GRID: "village", Role.TOWNSHIP_PATROL: "township", Role.TOWNSHIP: "township",
            Role.PROFESSIONAL_PATROL: "professional", Role.SUPERVISOR: "county"}.get(actor.role)


def can_file(actor: Actor, level: str, unit: str) -> bool:
    """The village's grid member files its village's report; the township's patrol team its
    township's (004 C18(1), C17(1))."""
    if level == "village":
        return actor.role == Role.VILLAGE_GRID and actor.unit == unit
    if level == "township":
        return actor.role == Role.TOWNSHIP_PATROL and actor.unit == unit
    return False


def can_see_township(actor: Actor, township: str) -> bool:
    """Weekly status and confirmed concealment of a township's villages (not the decision)."""
    if actor.role == Role.SUPERVISOR:
        return True
    return actor.role in (Role.TOWNSHIP_PATROL, Role.TOWNSHIP) and actor.unit == township


def can_decide_concealment(actor: Actor) -> bool:
    """004 C33, L29: the county leading-group office confirms or dismisses."""
    return actor.role == Role.SUPERVISOR


def sees_patrols(actor: Actor) -> bool:
    return status_scope(actor) is not None
