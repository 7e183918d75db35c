"""Violations noted in their village's week, and the concealment flags they raise (004 C33,
L29). Kept apart from the views (``concealment``) so that filing (``portal.services.intake``)
can call it without importing the staff side.

- **At every new ticket** (``new_violation_ops``, in the filing's own transaction: intake for
  web, API and Open311 reports, patrol findings, a campaign survey's findings): a new violation found in a village's
  grids by anyone but that village's own patrol is noted in the village's week; if the
  village has already filed a zero report for that week, the flag is raised at once. One
  extra read (the village's report) and one or two extra writes per filing.
- **At every village zero report** (``report_ops``, in the report's transaction): the week's
  noted violations that still count raise their flags.
- **The sweeper** (``reconcile``), at the township deadline, raises any flag the two paths
  missed when a report and a ticket were committed at the same moment. Every flag is
  written with "must not exist", so whichever path comes second writes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Mapping

from portal.domain.complaint import Complaint, Status
from portal.domain.county import County
from portal.domain.gazetteer import Place
from portal.domain.patrols.concealment import Flag
from portal.domain.patrols.grids import village_at
from portal.domain.patrols.records import WeeklyReport
from portal.domain.patrols.weeks import Week
from portal.ports import Item, Op
from portal.services.deps import Deps


def _village(county: County, point, township: str | None) -> Place | None:
    return village_at(county.villages, point, township) if point is not None else None


def _gridded_village(county: County, point, township: str | None) -> Place | None:
    """The village at the point if it has grids (a village report to check against), else None."""
    village = _village(county, point, township)
    return village if village is not None and county.grids.of_village(village.code or "") else None


def report_key(deps: Deps, county: County, point, routing, received_at: datetime) -> tuple[str, str] | None:
    """The key of the village report a new ticket at ``point`` (routed by ``routing``) would be
    checked against, for a batched read ahead of the filing (``portal.services.intake``); None
    when there is none to read. Only a hint: ``new_violation_ops`` reads what it was not given."""
    village = _gridded_village(county, point, routing.co_handler or routing.township)
    if village is None:
        return None
    return deps.repos.patrols.report_key(county.code, Week.of(received_at).key, "village", village.code)


def found_by(complaint: Complaint) -> str:
    """How a violation behind a flag was found, as the office reads it (never which report):
    another unit's ``patrol``, a responsible unit's ``survey`` in a special campaign, a
    ``handover`` (上级交办, 相关部门移交), or a ``citizen`` report (web, API, Open311, phone,
    letter, email, visit)."""
    channel = complaint.intake.channel
    if channel in ("patrol", "survey"):
        return channel
    return "handover" if channel in ("assigned", "transferred") else "citizen"


def counts(complaint: Complaint | None) -> bool:
    """A ticket that can stand behind a flag: a new violation (004 C22), not for the discipline
    commission alone (000 §2(3)), not declined as no violation at all."""
    return (complaint is not None and not complaint.discipline_only and complaint.case_kind == "new"
            and complaint.status != Status.DECLINED)


def new_violation_ops(deps: Deps, county: County, complaint: Complaint, now: datetime,
                      read_ahead: Mapping[tuple[str, str], Item | None] | None = None) -> list[Op]:
    """The new ticket's note in its village's week, and its flag if the week was reported zero.
    ``read_ahead``: items already read, by key (the village's report, ``report_key``)."""
    if not counts(complaint):
        return []
    village = _gridded_village(county, complaint.point, complaint.co_handler or complaint.township)
    if village is None:
        return []
    origin = complaint.patrol
    if origin is not None and origin.kind == "village" and origin.unit == village.code:
        return []  # the village found it itself
    week = Week.of(complaint.received_at).key
    records = deps.repos.patrols
    ops = [records.violation_op(county.code, week, village.code, complaint.id, found_by(complaint), now)]
    report = records.report(county.code, week, "village", village.code, read_ahead)
    if report is not None and report.zero:
        ops.append(records.flag_op(Flag(county=county.code, week=week, village=village.code,
                                        township=village.township, ticket=complaint.id, source=found_by(complaint),
                                        raised_at=now)))
    return ops


def _flags_for(deps: Deps, report: WeeklyReport, now: datetime) -> list[Flag]:
    out = []
    for row in deps.repos.patrols.violations(report.county, report.week, report.unit):
        if counts(deps.repos.complaints.get(row["ticket"])):
            out.append(Flag(county=report.county, week=report.week, village=report.unit, township=report.township,
                            ticket=row["ticket"], source=row.get("source", "citizen"), raised_at=now))
    return out


def report_ops(deps: Deps, report: WeeklyReport, now: datetime) -> list[Op]:
    """A village's zero report: the flags of the week's violations noted so far."""
    if report.level != "village" or not report.zero:
        return []
    return [deps.repos.patrols.flag_op(f) for f in _flags_for(deps, report, now)]


def reconcile(deps: Deps, county: County, week: str, now: datetime) -> int:
    """The sweeper's pass over a week's village zero reports: flags either path missed. Returns
    how many were raised."""
    reports, _ = deps.repos.patrols.week(county.code, week)
    raised = 0
    for report in reports:
        if report.level == "village" and report.zero:
            for flag in _flags_for(deps, report, now):
                raised += deps.repos.patrols.write_once([deps.repos.patrols.flag_op(flag)])
    return raised
