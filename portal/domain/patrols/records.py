"""Patrol records and weekly reports (004 C7, C17, C18, C19; L6, L15, L16), pure Python.

- A **patrol** (巡查记录): who patrolled which grid on which day, the route, photos, and either
  "nothing found" or findings. Each finding is a ticket (``portal.domain.patrols.steps``),
  named here by its id. Three kinds, one per patrol role: ``village`` (a village's grid
  member, in its village's grids), ``township`` (the township's patrol team, in any grid of
  its township) and ``professional`` (004 C19, in the county built-up area).
- A **weekly report** (零汇报): a village's report to its township (004 C18(1), by Thursday
  16:00) or a township's to the county office (004 C17(1), by Friday 16:00), built from the
  week's patrol records: a week with nothing found is an explicit zero report, never
  silence. A report is filed once per unit and week and never changed.
- A **missing report** (未按时汇报), written by the sweeper once at the deadline, and the
  week without a professional patrol (004 C19).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from portal.domain.complaint import Evidence
from portal.domain.errors import DomainError
from portal.i18n import N_

KINDS = ("village", "township", "professional")
KIND_TITLES = {
    "village": N_("村级网格巡查"),
    "township": N_("乡镇巡查"),
    "professional": N_("专业巡查（县城建成区）"),
}
LEVEL_TITLES = {
    "village": N_("村级零汇报（周四16:00前报乡镇）"),
    "township": N_("乡镇零汇报（周五16:00前报县领导小组办公室）"),
    "professional": N_("县城建成区专业巡查（每周不少于1次）"),
}

#: what a patrol date may be: not in the future, and at most this many days back
PATROL_DAYS_BACK = 7
ROUTE_MAX = 1000
NOTE_MAX = 1000


@dataclass
class FindingRef:
    """A finding of a patrol: the ticket it became, and what the patrol recorded with it."""

    ticket: str
    category: str
    found_at: datetime
    stopped_on_spot: bool = False  #: 即发现即制止 (004 C19)
    kind: str = "new"  #: new | stock (004 C22, L19)


@dataclass
class PatrolEvent:
    at: datetime
    kind: str  #: recorded | finding_added
    actor: str
    data: dict = field(default_factory=dict)


@dataclass
class Patrol:
    id: str
    county: str
    kind: str  #: village | township | professional
    unit: str  #: the recording unit: village code, township code, or the professional member unit
    township: str  #: where: the grid's township (professional patrols: the built-up area's town)
    village: str | None  #: the patrolled grid's village, if a grid was named
    grid: str | None
    patrolled_on: date
    week: str  #: ISO week key of ``patrolled_on``
    route: str
    nothing_found: bool
    recorded_by: str
    recorded_at: datetime
    photos: list[Evidence] = field(default_factory=list)
    findings: list[FindingRef] = field(default_factory=list)
    in_built_up_area: bool = False
    history: list[PatrolEvent] = field(default_factory=list)
    version: int = 0

    def add_finding(self, ref: FindingRef, actor: str) -> None:
        self.findings.append(ref)
        self.nothing_found = False
        self.history.append(PatrolEvent(at=ref.found_at, kind="finding_added", actor=actor,
                                        data={"ticket": ref.ticket, "stopped_on_spot": ref.stopped_on_spot}))


def check_patrol_day(day: date, today: date) -> None:
    """A patrol is recorded for a day that has come, within the last week."""
    if day > today:
        raise DomainError(N_("巡查日期不能晚于今天。"), field="patrolled_on")
    if (today - day).days > PATROL_DAYS_BACK:
        raise DomainError(N_("只能登记最近 %(n)s 天内的巡查。"), field="patrolled_on", n=PATROL_DAYS_BACK)


# --------------------------------------------------------------------------------------
# Weekly reports (零汇报)
# --------------------------------------------------------------------------------------


@dataclass
class VillageLine:
    """A village as its township's report states it."""

    village: str
    status: str  #: on_time | late | not_yet (not filed, not yet due) | missing (not filed, past due)
    zero: bool | None = None  #: the village's report was a zero report (None: no report)
    findings: int = 0
    patrols: int = 0


@dataclass
class WeeklyReport:
    county: str
    week: str
    level: str  #: village | township
    unit: str  #: village code or township code
    township: str
    filed_at: datetime
    filed_by: str
    due_at: datetime
    patrols: list[str]  #: ids of the patrol records the report covers (the unit's own)
    findings: int  #: findings in those patrols (and, for a township, in its villages' reports)
    zero: bool  #: nothing found: the explicit zero report (零汇报)
    note: str = ""
    villages: list[VillageLine] = field(default_factory=list)  #: township reports only

    @property
    def on_time(self) -> bool:
        return self.filed_at <= self.due_at

    @property
    def status(self) -> str:
        return "on_time" if self.on_time else "late"


def village_report(county: str, week: str, village: str, township: str, patrols: list[Patrol], now: datetime,
                   due_at: datetime, actor: str, note: str) -> WeeklyReport:
    """004 C18(1), L16(1): the village's report of the week's patrols (its own, in its grids).
    Without a patrol there is nothing to report: a zero report says "patrolled, nothing found"."""
    own = [p for p in patrols if p.kind == "village" and p.unit == village and p.week == week]
    if not own:
        raise DomainError(N_("本周还没有巡查记录，请先登记巡查，再报送本周情况。"), field="form")
    findings = sum(len(p.findings) for p in own)
    return WeeklyReport(county=county, week=week, level="village", unit=village, township=township, filed_at=now,
                        filed_by=actor, due_at=due_at, patrols=[p.id for p in own], findings=findings,
                        zero=findings == 0, note=note)


def line_for(village: str, report: WeeklyReport | None, due_at: datetime, now: datetime) -> VillageLine:
    if report is None:
        return VillageLine(village=village, status="missing" if now > due_at else "not_yet")
    return VillageLine(village=village, status=report.status, zero=report.zero, findings=report.findings,
                       patrols=len(report.patrols))


def township_report(county: str, week: str, township: str, villages: list[str],
                    village_reports: dict[str, WeeklyReport], patrols: list[Patrol], now: datetime,
                    village_due: datetime, due_at: datetime, actor: str, note: str) -> WeeklyReport:
    """004 C17(1), L15(1): the township's report, built from its villages' reports (each as it
    stands: on time, late, not yet due, missing) and its own patrols. It is a zero report only
    when its own patrols and every village report found nothing and no village is missing."""
    own = [p for p in patrols if p.kind == "township" and p.unit == township and p.week == week]
    lines = [line_for(v, village_reports.get(v), village_due, now) for v in villages]
    if not own and not any(line.zero is not None for line in lines):
        raise DomainError(N_("本周本乡镇既没有巡查记录，也没有村级汇报，无法报送。请先登记巡查。"), field="form")
    findings = sum(len(p.findings) for p in own) + sum(line.findings for line in lines)
    complete = all(line.zero is not None for line in lines)
    return WeeklyReport(county=county, week=week, level="township", unit=township, township=township, filed_at=now,
                        filed_by=actor, due_at=due_at, patrols=[p.id for p in own], findings=findings,
                        zero=findings == 0 and complete, note=note, villages=lines)


@dataclass
class MissingReport:
    """A report not filed by its deadline (or, ``professional``, a week without a professional
    patrol, 004 C19), recorded once by the sweeper at the deadline and told to ``notified``."""

    county: str
    week: str
    level: str  #: village | township | professional
    unit: str  #: the village, the township, or the professional patrol's lead unit
    township: str | None
    due_at: datetime
    flagged_at: datetime
    notified: str  #: the unit told: the township (a village's report) or the county office
