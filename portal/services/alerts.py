"""The alerts a staff member's unit received from the sweeper (reminders, at-risk warnings,
escalated breaches), limited to tickets the staff member can still see: a ticket moved to
another department, or to the discipline commission, drops out of the list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from portal.domain.access import Actor, can_see_queue_of
from portal.domain.deadlines import ClockKind
from portal.i18n import N_
from portal.services import scope
from portal.services.deps import Deps
from portal.timeutil import from_store

ALERT_TITLES = {
    "reminder": N_("受理期限提醒"),
    "at_risk": N_("即将超期"),
    "breach": N_("已超期"),
}
#: a reminder of a clock other than the acceptance decision says which one
REMINDER_TITLES = {
    ClockKind.DEMOLITION_PLAN.value: N_("拆除方案期限提醒"),  # 004 C25
}


@dataclass(frozen=True)
class AlertLine:
    kind: str
    title: str
    clock: ClockKind
    complaint_id: str
    at: datetime
    due_at: datetime
    #: the clock's due instant reaches a year whose official arrangement is not entered yet
    provisional: bool = False


def for_actor(deps: Deps, actor: Actor, limit: int = 100) -> list[AlertLine]:
    if can_see_queue_of(actor) is None:
        return []
    lines, visible = [], {}
    for row in deps.repos.alerts.for_unit(actor.county, actor.unit, limit=limit * 2):
        complaint_id = row["complaint"]
        if complaint_id not in visible:
            visible[complaint_id] = scope.visible(deps, actor, complaint_id)
        complaint = visible[complaint_id]
        if complaint is None or row.get("clock") not in ClockKind._value2member_map_:
            continue
        clock = complaint.clock(ClockKind(row["clock"]))
        title = (REMINDER_TITLES.get(row["clock"]) if row["kind"] == "reminder" else None) \
            or ALERT_TITLES.get(row["kind"], row["kind"])
        lines.append(AlertLine(kind=row["kind"], title=title,
                               clock=ClockKind(row["clock"]), complaint_id=complaint_id,
                               at=from_store(row["at"]), due_at=from_store(row["due_at"]),
                               provisional=clock is not None and clock.provisional))
        if len(lines) >= limit:
            break
    return lines
