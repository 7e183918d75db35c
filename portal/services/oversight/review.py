"""The monthly review of townships (004 C35, L31): once per month per county, by the sweeper
(a ``due``-index record ``REVIEW#<county>`` / ``SCHEDULE`` that wakes on the 1st, 00:00
Asia/Shanghai) or by a supervisor's button, whichever comes first. It reads each township's
``area`` partition of open tickets (``A#<county>#<township>#active``: one query per township),
records one finding per township found, with its ordinal in the calendar year and the
consequence step, and the review itself, in one transaction conditional on the review not
existing: a second run writes nothing. The ordinal base is this year's earlier findings as the
leading-group office sees them now (``statistics.findings_seen``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from portal.domain.access import Actor, Role
from portal.domain.county import County
from portal.domain.errors import Forbidden
from portal.domain.oversight import ReviewFinding, earlier_counts, next_review_at, review, review_month
from portal.i18n import N_
from portal.ports import ConditionFailed
from portal.services import county_schedules
from portal.services.deps import Deps
from portal.services.oversight.statistics import findings_seen

REVIEW_SUPERVISORS_ONLY = N_("只有领导小组办公室（督办）可以开展月度调度检查。")


@dataclass
class ReviewOutcome:
    month: str
    held: bool  #: False: this month's review had been held already, nothing was written
    findings: list[ReviewFinding] = field(default_factory=list)
    tickets_read: int = 0


def monthly_review(deps: Deps, county: County, now: datetime, run_by: str = "system",
                   actor: Actor | None = None) -> ReviewOutcome:
    """004 C35, L31: the monthly review held at ``now`` (at most one per county and month)."""
    month = review_month(now)
    records = deps.repos.oversight
    if records.run(county.code, month) is not None:
        return ReviewOutcome(month=month, held=False)
    # the ordinal base: this year's earlier findings as the leading-group office sees them now
    viewer = actor or Actor("system", Role.SUPERVISOR, "leading_group_office", county.code)
    earlier = earlier_counts(findings_seen(deps, viewer, county.code, month), month)
    by_township = {}
    read = 0
    for t in county.townships:
        active = records.open_in_area(county.code, t.code, deps.repos.complaints.from_item)
        read += len(active)
        by_township[t.code] = [c for c in active if not c.discipline_only]
    findings = review(county.code, [t.code for t in county.townships], by_township, earlier, now, run_by)
    ops = [records.run_op(county.code, month, now, run_by, len(findings), read)]
    ops += [records.finding_op(f) for f in findings]
    ops.append(deps.repos.audit.op(
        at=now, actor=actor.username if actor else "system", role=actor.role.value if actor else "system",
        unit=actor.unit if actor else "", action="monthly_review", county=county.code,
        detail={"month": month, "found": [f"{f.township}:{f.ordinal}" for f in findings]}))
    try:
        deps.store.write(ops)
    except ConditionFailed:
        return ReviewOutcome(month=month, held=False)  # another run held it meanwhile
    return ReviewOutcome(month=month, held=True, findings=findings, tickets_read=read)


def review_now(deps: Deps, actor: Actor, now: datetime) -> ReviewOutcome:
    """A supervisor holds this month's review (if the sweeper has not yet)."""
    if actor.role != Role.SUPERVISOR:
        raise Forbidden(REVIEW_SUPERVISORS_ONLY)
    county = deps.counties.get(actor.county) or deps.counties.default
    return monthly_review(deps, county, now, run_by=actor.username, actor=actor)


def ensure_schedules(deps: Deps, now: datetime) -> int:
    """Give every county a review schedule in the due index, waking on the next 1st (written
    once), through ``portal.services.county_schedules``. Returns how many were created."""
    records = deps.repos.oversight

    def create(code: str) -> int:  # written only where none exists yet (its condition)
        return county_schedules.write_once(deps, records.schedule_op(code, next_review_at(now), 0))

    return county_schedules.ensure(deps, records.scheduled, create)


def scheduled_review(deps: Deps, county_code: str, now: datetime) -> ReviewOutcome | None:
    """The sweeper's handler: hold the month's review, then wake again on the next 1st."""
    item = deps.repos.oversight.schedule(county_code)
    county = deps.counties.get(county_code)
    if item is None or county is None:
        return None
    outcome = monthly_review(deps, county, now)
    try:
        deps.store.write([deps.repos.oversight.schedule_op(county_code, next_review_at(now), item.version)])
    except ConditionFailed:
        pass  # another sweep moved it
    return outcome

