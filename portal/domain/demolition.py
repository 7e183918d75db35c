"""Forced demolition (004 C25), a step inside handling: the lead unit records that the penalty
decision and the request for forced demolition were handed over to urban management (only
inside the county built-up area), which starts a 3-working-day clock; urban management
records the demolition plan, which meets it. Urban management sees the ticket from the
handover on (``Complaint.demolition_unit``, ``portal.domain.access``). Pure Python: the
steps are a mixin of ``portal.domain.complaint.Complaint`` and record events on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from portal.domain.calendar import WorkingCalendar
from portal.domain.deadlines import ClockKind, demolition_plan_clock
from portal.domain.errors import Conflict, DomainError
from portal.i18n import N_


@dataclass
class Demolition:
    """004 C25: the handover to urban management for forced demolition, and its plan."""

    unit: str  #: the department that drafts the plan (the county's ``demolition_department``)
    handed_over_at: datetime  #: when the penalty decision and the request were handed over: the clock's start
    decision: str  #: the penalty decision (行政处罚决定书) ordering demolition, e.g. its number
    handed_over_by: str
    plan_at: datetime | None = None  #: when the plan was drafted: meets the clock
    plan_by: str | None = None


#: what the reporter reads when the plan is made: that the step happened, nothing of its content
#: (the plan, its date of execution and the penalty decision stay inside the departments)
DEMOLITION_PLAN_PUBLIC = N_("强制拆除方案已制定，将报县人民政府批复后依法组织强制拆除。")


class DemolitionSteps:
    """The handover and the plan, as steps of the ``Complaint`` (which holds ``demolition``).
    ``Status`` is a StrEnum: its members compare equal to their values."""

    def hand_over_demolition(self, now: datetime, actor: str, unit: str, handed_over_at: datetime, decision: str,
                             note: str, demolition_unit: str | None, calendar: WorkingCalendar) -> None:
        """004 C25: the party neither demolished within the term of the penalty decision nor sought
        review or sued, so the enforcing unit hands the decision and a request for forced
        demolition over to urban management; inside the county built-up area urban management
        then drafts the demolition plan within 3 working days of the handover. Outside the
        built-up area the township organises the demolition and the rules set no clock: the
        handover is refused there."""
        if self.status != "accepted":
            raise Conflict(N_("只有已受理、尚未办结的举报才能登记移交强制拆除。"), status=self.status.value)
        if self.demolition is not None:
            raise Conflict(N_("已经登记过移交城管执法局强制拆除。"))
        if self.discipline_only:
            raise DomainError(N_("涉及公职人员的举报只能由纪委监委办理，不能移交城管执法局。"))
        if not self.in_built_up_area:
            raise DomainError(N_("县城建成区范围外的违法建设由属地乡镇人民政府依法组织强制拆除，不移交城管执法局。"))
        if not demolition_unit:
            raise DomainError(N_("本县没有设置负责强制拆除的城管执法部门，请联系系统管理员。"))
        if handed_over_at > now:
            raise DomainError(N_("移交时间不能晚于现在。"), field="handed_over_at")
        if handed_over_at < self.received_at:
            raise DomainError(N_("移交时间不能早于收到举报的时间。"), field="handed_over_at")
        decision = decision.strip()
        if not decision:
            raise DomainError(N_("请填写责令限期拆除的行政处罚决定书（文号）。"), field="decision")
        self.demolition = Demolition(unit=demolition_unit, handed_over_at=handed_over_at, decision=decision,
                                     handed_over_by=actor)
        self._add_clock(demolition_plan_clock(handed_over_at, calendar))
        self._record(now, "demolition_handed_over", actor, unit=unit, note=note.strip(),
                     data={"to": demolition_unit, "handed_over_at": handed_over_at.isoformat(), "decision": decision})

    def record_demolition_plan(self, now: datetime, actor: str, unit: str, drafted_at: datetime, note: str) -> None:
        """004 C25: urban management has drafted the demolition plan (to be approved by the county
        government); meets the 3-working-day clock at the drafting time. A late plan is a breach,
        recorded once whether the sweeper or this call sees it first; a plan recorded after the
        due instant is late whatever drafting time is typed (no backdating past the clock). Only
        while the ticket is being handled: it cannot be concluded while the plan is owed."""
        self._require({"accepted"}, N_("只有已受理、尚未办结的举报才能登记强制拆除方案。"))
        if self.demolition is None:
            raise Conflict(N_("这件举报尚未移交城管执法局强制拆除，不能登记拆除方案。"))
        if self.demolition.plan_at is not None:
            raise Conflict(N_("已经登记过强制拆除方案。"))
        if unit != self.demolition.unit:
            raise DomainError(N_("强制拆除方案由承接移交的城管执法部门登记。"))
        clock = self.clock(ClockKind.DEMOLITION_PLAN)
        if clock is not None and clock.cancelled_at is not None:
            raise Conflict(N_("这件举报的强制拆除已不再由城管执法局办理。"))
        if drafted_at > now:
            raise DomainError(N_("方案制定时间不能晚于现在。"), field="drafted_at")
        if drafted_at < self.demolition.handed_over_at:
            raise DomainError(N_("方案制定时间不能早于移交时间。"), field="drafted_at")
        note = note.strip()
        if not note:
            raise DomainError(N_("请填写拆除方案的要点。"), field="note")
        self.demolition.plan_at, self.demolition.plan_by = drafted_at, actor
        self._meet(ClockKind.DEMOLITION_PLAN, drafted_at, actor, recorded_at=now)
        self._record(now, "demolition_plan_recorded", actor, unit=unit, note=note, public=DEMOLITION_PLAN_PUBLIC,
                     data={"drafted_at": drafted_at.isoformat()})
