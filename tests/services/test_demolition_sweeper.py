"""004 C25 through the services and the store: the handover starts urban management's
3-working-day clock for the forced-demolition plan; the sweeper (reading the due index)
reminds urban management one working day before, records the breach once and escalates it
once to the supervisors, across the Mid-Autumn holiday and a weekend (ManualClock)."""

from __future__ import annotations

import pytest

from portal.domain.access import Actor, Role
from portal.domain.deadlines import ClockKind
from portal.domain.errors import DomainError
from portal.services import queue, sweeper, workflow
from portal.timeutil import iso_local, parse_iso
from tests.services.helpers import SEAT, file, reload

COUNTY = "430225"
LEAD = Actor("nr1", Role.OFFICER, "natural_resources", COUNTY)
URBAN = Actor("cg1", Role.OFFICER, "urban_management", COUNTY)


def demolition_alerts(deps, unit):
    return [a for a in deps.repos.alerts.for_unit(COUNTY, unit) if a["clock"] == ClockKind.DEMOLITION_PLAN.value]


def handed_over(deps, clock, place=SEAT):
    clock.set(parse_iso("2026-09-21T10:00:00+08:00"))  # Monday
    complaint, _ = file(deps, category="c1-no-planning-permit", place=place)
    workflow.accept(deps, LEAD, complaint.id, "", clock.now())
    clock.set(parse_iso("2026-09-24T15:00:00+08:00"))  # Thursday; Friday 25 is Mid-Autumn Festival
    workflow.hand_over_demolition(deps, LEAD, complaint.id, "2026-09-24T14:30", "炎自然罚〔2026〕8号",
                                  "当事人逾期未拆除", clock.now())
    return reload(deps, complaint)


def test_004_c25_handover_starts_the_clock_and_urban_management_sees_the_ticket_in_its_queue(deps, clock):
    complaint = handed_over(deps, clock)
    plan = complaint.clock(ClockKind.DEMOLITION_PLAN)
    assert iso_local(plan.started_at) == "2026-09-24T14:30:00+08:00"
    assert iso_local(plan.due_at) == "2026-09-30T23:59:59+08:00"  # Mon 28, Tue 29, Wed 30
    listed = queue.visible_tickets(deps, URBAN, "active")
    assert [c.id for c in listed] == [complaint.id]
    # urban management lists nothing of another unit's tickets that were not handed over to it
    other, _ = file(deps, category="c1-no-planning-permit", place=SEAT)
    assert other.id not in {c.id for c in queue.visible_tickets(deps, URBAN, "active")}


def test_004_c25_reminder_to_urban_management_one_working_day_before_then_one_breach_escalated(deps, clock):
    complaint = handed_over(deps, clock)
    clock.set(parse_iso("2026-09-29T07:59:00+08:00"))  # across the holiday and the weekend
    sweeper.sweep(deps, clock.now())
    assert demolition_alerts(deps, "urban_management") == []

    clock.set(parse_iso("2026-09-29T08:05:00+08:00"))
    first, second = sweeper.sweep(deps, clock.now()), sweeper.sweep(deps, clock.now())
    assert (first.reminders, second.reminders) == (1, 0)
    assert [a["kind"] for a in demolition_alerts(deps, "urban_management")] == ["reminder"]
    assert demolition_alerts(deps, "leading_group_office") == []  # a reminder is urban management's alone
    assert demolition_alerts(deps, "natural_resources") == []

    clock.set(parse_iso("2026-09-30T23:59:00+08:00"))
    sweeper.sweep(deps, clock.now())
    assert not reload(deps, complaint).clock(ClockKind.DEMOLITION_PLAN).is_breached

    clock.set(parse_iso("2026-10-01T00:10:00+08:00"))
    sweeper.sweep(deps, clock.now())
    sweeper.sweep(deps, clock.now())
    clock.set(parse_iso("2026-10-08T09:00:00+08:00"))  # after the National Day holiday
    sweeper.sweep(deps, clock.now())
    stored = reload(deps, complaint)
    assert iso_local(stored.clock(ClockKind.DEMOLITION_PLAN).breached_at) == "2026-09-30T23:59:59+08:00"
    breaches = [e for e in deps.repos.complaints.history(complaint.id)
                if e.kind == "breach_recorded" and e.data["clock"] == "demolition_plan"]
    assert len(breaches) == 1
    assert [a["kind"] for a in demolition_alerts(deps, "leading_group_office")] == ["breach"]
    assert sorted(a["kind"] for a in demolition_alerts(deps, "urban_management")) == ["breach", "reminder"]

    # the plan, late, meets the clock without a second breach
    workflow.record_demolition_plan(deps, URBAN, complaint.id, "2026-10-08T08:30", "10月9日组织强制拆除", clock.now())
    stored = reload(deps, complaint)
    assert stored.clock(ClockKind.DEMOLITION_PLAN).state(clock.now()) == "met_late"
    assert len([e for e in deps.repos.complaints.history(complaint.id)
                if e.kind == "breach_recorded" and e.data["clock"] == "demolition_plan"]) == 1


def test_004_c25_a_plan_in_time_leaves_nothing_for_the_sweeper(deps, clock):
    complaint = handed_over(deps, clock)
    clock.set(parse_iso("2026-09-28T09:00:00+08:00"))
    workflow.record_demolition_plan(deps, URBAN, complaint.id, "2026-09-28T08:40", "方案要点", clock.now())
    clock.set(parse_iso("2026-10-09T00:00:00+08:00"))
    sweeper.sweep(deps, clock.now())
    assert demolition_alerts(deps, "urban_management") == [] and demolition_alerts(deps, "leading_group_office") == []
    assert reload(deps, complaint).clock(ClockKind.DEMOLITION_PLAN).state(clock.now()) == "met"


def test_004_c25_outside_the_built_up_area_the_handover_is_refused_and_no_clock_runs(deps, clock):
    clock.set(parse_iso("2026-09-21T10:00:00+08:00"))
    complaint, _ = file(deps, category="c1-no-planning-permit")  # 垄溪乡: the township demolishes
    workflow.accept(deps, LEAD, complaint.id, "", clock.now())
    with pytest.raises(DomainError):
        workflow.hand_over_demolition(deps, LEAD, complaint.id, "2026-09-21T10:30", "决定书", "", clock.now())
    assert reload(deps, complaint).clock(ClockKind.DEMOLITION_PLAN) is None
