"""The clocks every complaint carries, and what is due when (RULES.md §1 and §3).

=========================  ========================================  ==========================
clock                      length, from                              source
=========================  ========================================  ==========================
acceptance                 3 working days from receipt               004 C20, L17
onsite                     2 hours from routing (the township)       004 C17(2), L15(2)
rectification              5 days from a stop order                  004 C17(2), L15(2)
result_notice              7 working days from the conclusion        004 C20, L17
ladder_warning             1 week from a new violation's report      004 C34, L30
ladder_accountability      1 month                                   004 C34, L30
ladder_dismissal           3 months                                  004 C34, L30
demolition_plan            3 working days from the handover of the   004 C25
                           penalty decision and the request for
                           forced demolition to urban management
                           (inside the county built-up area only)
handover_feedback          N working days from receipt (N per        004 C9, C14(1), L8
                           source in the county file): the result
                           fed back to the higher level (上级交办) or
                           the transferring department (移交)
=========================  ========================================  ==========================

Each clock has ``due_at``, ``met_at`` and a breach recorded once. ``warn_at`` is when the
sweeper acts before the due instant: the acceptance clock reminds the department one
working day before, and the demolition-plan clock reminds urban management one working day
before; the result notice is escalated as at risk one working day before.

004 C25 sets no clock outside the built-up area: there the township government organises the
forced demolition "依法" (according to law) with no time limit in the rules, so nothing is
started (``portal.domain.complaint.Complaint.hand_over_demolition`` refuses the handover).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from portal.domain.calendar import WorkingCalendar
from portal.i18n import N_
from portal.timeutil import add_months, end_of_local_day, local_date


class ClockKind(StrEnum):
    ACCEPTANCE = "acceptance"
    ONSITE = "onsite"
    RECTIFICATION = "rectification"
    RESULT_NOTICE = "result_notice"
    LADDER_WARNING = "ladder_warning"
    LADDER_ACCOUNTABILITY = "ladder_accountability"
    LADDER_DISMISSAL = "ladder_dismissal"
    DEMOLITION_PLAN = "demolition_plan"
    HANDOVER_FEEDBACK = "handover_feedback"


ACCEPTANCE_WORKING_DAYS = 3  # 004 C20, L17
RESULT_NOTICE_WORKING_DAYS = 7  # 004 C20, L17
ONSITE_HOURS = 2  # 004 C17(2), L15(2)
RECTIFICATION_DAYS = 5  # 004 C17(2), L15(2)
DEMOLITION_PLAN_WORKING_DAYS = 3  # 004 C25
LADDER = (  # 004 C34, L30
    (ClockKind.LADDER_WARNING, "week", 1),
    (ClockKind.LADDER_ACCOUNTABILITY, "month", 1),
    (ClockKind.LADDER_DISMISSAL, "month", 3),
)
LADDER_KINDS = frozenset(kind for kind, _, _ in LADDER)
#: clocks whose warning is a reminder to the unit that must act (not an at-risk escalation)
REMINDER_KINDS = frozenset({ClockKind.ACCEPTANCE, ClockKind.DEMOLITION_PLAN})

CLOCK_TITLES = {
    ClockKind.ACCEPTANCE: N_("受理决定（3个工作日内）"),
    ClockKind.ONSITE: N_("乡镇执法队到场核查（2小时内）"),
    ClockKind.RECTIFICATION: N_("责令整改（5日内）"),
    ClockKind.RESULT_NOTICE: N_("告知举报人处理结果（办结后7个工作日内）"),
    ClockKind.LADDER_WARNING: N_("新增违法1周内未制止整改：警告"),
    ClockKind.LADDER_ACCOUNTABILITY: N_("新增违法1个月内未制止整改：追责"),
    ClockKind.LADDER_DISMISSAL: N_("新增违法3个月内未制止整改：予以免职"),
    ClockKind.DEMOLITION_PLAN: N_("城管执法局制定强制拆除方案（移交后3个工作日内）"),
    ClockKind.HANDOVER_FEEDBACK: N_("向交办（移交）单位反馈办理结果"),
}


@dataclass
class Clock:
    kind: ClockKind
    started_at: datetime
    due_at: datetime
    warn_at: datetime | None = None
    provisional: bool = False
    working_days: int | None = None  #: set for working-day clocks, so they can be recomputed
    met_at: datetime | None = None
    cancelled_at: datetime | None = None
    warned_at: datetime | None = None
    breached_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.met_at is None and self.cancelled_at is None

    @property
    def is_breached(self) -> bool:
        return self.breached_at is not None

    def wake_at(self) -> datetime | None:
        """The next instant the sweeper must look at this clock, or None."""
        if not self.is_open:
            return None
        if self.warn_at is not None and self.warned_at is None and self.warn_at < self.due_at:
            return self.warn_at
        if self.breached_at is None:
            return self.due_at
        return None

    def meet(self, at: datetime, *, recorded_at: datetime | None = None) -> bool:
        """Mark met at ``at``; a clock met after its due instant is a breach, recorded once. So is
        one whose step is recorded (``recorded_at``) after its due instant, whatever ``at`` says.
        Returns True if this call recorded the breach."""
        if not self.is_open:
            return False
        self.met_at = at
        late = at > self.due_at or (recorded_at is not None and recorded_at > self.due_at)
        if late and self.breached_at is None:
            self.breached_at = self.due_at
            return True
        return False

    def cancel(self, at: datetime) -> None:
        if self.is_open:
            self.cancelled_at = at

    def state(self, now: datetime) -> str:
        if self.cancelled_at:
            return "cancelled"
        if self.met_at:
            return "met_late" if self.breached_at else "met"
        if now > self.due_at or self.breached_at:
            return "breached"
        if self.warn_at and now >= self.warn_at:
            return "due_soon"
        return "running"


def working_day_clock(kind: ClockKind, start: datetime, n: int, calendar: WorkingCalendar, *, warn: bool) -> Clock:
    due, provisional = calendar.due_after_working_days(start, n)
    warn_at = calendar.start_of_previous_working_day(due) if warn else None
    if warn_at is not None and warn_at <= start:
        warn_at = None
    return Clock(kind=kind, started_at=start, due_at=due, warn_at=warn_at, provisional=provisional, working_days=n)


def acceptance_clock(received_at: datetime, calendar: WorkingCalendar) -> Clock:
    """004 C20, L17: accept, or tell the reporter it is not accepted, within 3 working days."""
    return working_day_clock(ClockKind.ACCEPTANCE, received_at, ACCEPTANCE_WORKING_DAYS, calendar, warn=True)


def result_notice_clock(concluded_at: datetime, calendar: WorkingCalendar) -> Clock:
    """004 C20, L17: the result reaches the reporter within 7 working days after handling ends."""
    return working_day_clock(ClockKind.RESULT_NOTICE, concluded_at, RESULT_NOTICE_WORKING_DAYS, calendar, warn=True)


def demolition_plan_clock(handed_over_at: datetime, calendar: WorkingCalendar) -> Clock:
    """004 C25: inside the county built-up area, once the penalty decision and the request for
    forced demolition are handed over (移交), urban management drafts the demolition plan within
    3 working days (counted from the local date of the handover, like every working-day clock)."""
    return working_day_clock(ClockKind.DEMOLITION_PLAN, handed_over_at, DEMOLITION_PLAN_WORKING_DAYS, calendar,
                             warn=True)


def feedback_clock(received_at: datetime, working_days: int, calendar: WorkingCalendar) -> Clock:
    """004 C9, C14(1), L8: a report handed down by a higher level (上级交办) or transferred by
    another department (相关部门移交) is answered to its sender within the working days the
    county file sets for that source, counted from the day the unit received it."""
    return working_day_clock(ClockKind.HANDOVER_FEEDBACK, received_at, working_days, calendar, warn=True)


def onsite_clock(routed_at: datetime) -> Clock:
    """004 C17(2), L15(2): the township's enforcement team reaches the site within 2 hours."""
    return Clock(kind=ClockKind.ONSITE, started_at=routed_at, due_at=routed_at + timedelta(hours=ONSITE_HOURS))


def rectification_clock(ordered_at: datetime) -> Clock:
    """004 C17(2), L15(2): rectification (restoration) ordered within 5 days, counted in calendar days."""
    due = end_of_local_day(local_date(ordered_at) + timedelta(days=RECTIFICATION_DAYS))
    return Clock(kind=ClockKind.RECTIFICATION, started_at=ordered_at, due_at=due)


def ladder_clocks(reported_at: datetime) -> list[Clock]:
    """004 C34, L30: a new violation not stopped and rectified within 1 week / 1 month /
    3 months brings a warning (予以警告) / accountability (予以追责) / dismissal (予以免职: the seed's
    words for township leaders; the village head's third step, a dismissal *proposal*, is 004 C33, L29)."""
    clocks = []
    for kind, unit, amount in LADDER:
        due = reported_at + timedelta(weeks=amount) if unit == "week" else add_months(reported_at, amount)
        clocks.append(Clock(kind=kind, started_at=reported_at, due_at=due))
    return clocks


def recompute(clock: Clock, calendar: WorkingCalendar) -> bool:
    """Recompute an open working-day clock after the calendar changed; True if it moved."""
    if not clock.is_open or clock.working_days is None:
        return False
    fresh = working_day_clock(clock.kind, clock.started_at, clock.working_days, calendar, warn=clock.warn_at is not None)
    changed = (fresh.due_at, fresh.provisional) != (clock.due_at, clock.provisional)
    clock.due_at, clock.provisional = fresh.due_at, fresh.provisional
    if clock.warned_at is None:
        clock.warn_at = fresh.warn_at
    return changed
