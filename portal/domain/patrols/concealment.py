"""The concealment check (004 C33, L29: 村委会主要负责人……故意瞒报、漏报的，一经发现，第1次予以
警告；第2次予以追责；第3次提出免职建议), pure Python.

- **Raised**: a new violation (004 C22: not stock) found in a village's grid by anyone but
  that village's own patrol — a citizen report, a hand-over, another unit's patrol — in a
  week for which the village filed a zero report (零汇报: patrolled, nothing found) is a
  possible 瞒报/漏报. It does not matter which came first: the flag is raised when the
  second of the two is recorded. Never for a report the discipline commission alone sees.
- **Named by grid and week**: the county office decides on the village and the week, never
  on the report behind it (``Concern``): the village must not learn of a citizen's report
  through the flag, and the office needs only the fact that something was found.
- **Decided** by the county office, with a reason: confirmed or dismissed. A dismissed week
  whose grid sees another violation afterwards is pending again; a confirmed week stays
  confirmed.
- **The ladder**: confirmed weeks count for the village head through the year (the ISO year
  of the week), in the order they were confirmed: the 1st a warning, the 2nd accountability,
  the 3rd (and any later) a dismissal proposal (提出免职建议).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Callable, Iterable

from portal.domain.errors import Conflict, DomainError
from portal.i18n import N_

LADDER = ("warning", "accountability", "dismissal_proposal")
LADDER_TITLES = {
    "warning": N_("第1次：予以警告"),
    "accountability": N_("第2次：予以追责"),
    "dismissal_proposal": N_("第3次及以上：提出免职建议"),
}
STATUS_TITLES = {
    "pending": N_("待核实"),
    "confirmed": N_("已确认瞒报、漏报"),
    "dismissed": N_("已排除"),
}
#: how the violation behind a flag was found (what the office reads; never which report)
SOURCE_TITLES = {
    "citizen": N_("群众举报"),
    "handover": N_("上级交办或部门移交"),
    "patrol": N_("其他单位巡查"),
    "survey": N_("专项行动排查"),
}
REASON_MAX = 1000


def ladder_step(ordinal: int) -> str:
    """004 C33, L29: 1st warning, 2nd accountability, 3rd and later a dismissal proposal."""
    if ordinal < 1:
        raise ValueError("ordinals start at 1")
    return LADDER[min(ordinal, len(LADDER)) - 1]


@dataclass
class Flag:
    """One violation in one village's grid in a week the village reported zero (stored once)."""

    county: str
    week: str
    village: str
    township: str
    ticket: str  #: kept for the check, shown to nobody
    source: str  #: citizen | handover | patrol (``portal.services.patrols.violations.found_by``)
    raised_at: datetime


@dataclass
class DecisionEntry:
    at: datetime
    status: str  #: confirmed | dismissed
    reason: str
    by: str


@dataclass
class Decision:
    """The county office's decision on a village's week (004 C33, L29)."""

    county: str
    week: str
    village: str
    township: str
    status: str  #: confirmed | dismissed
    reason: str
    decided_by: str
    decided_at: datetime
    history: list[DecisionEntry] = field(default_factory=list)
    version: int = 0


@dataclass
class Concern:
    """What a viewer sees of a village's week: the grid and the week, how many violations were
    found there and how, and the decision. Never a ticket."""

    week: str
    village: str
    township: str
    found: int
    sources: dict[str, int]
    status: str  #: pending | confirmed | dismissed
    raised_at: datetime
    decision: Decision | None = None
    ordinal: int | None = None  #: confirmed: its place on the village head's ladder this year
    step: str | None = None

    @property
    def year(self) -> str:
        return self.week[:4]


def decide(decision: Decision | None, *, county: str, week: str, village: str, township: str, confirm: bool,
           reason: str, by: str, now: datetime, pending: bool) -> Decision:
    """The office confirms or dismisses a pending week, with a reason. A confirmed week is final."""
    reason = reason.strip()
    if not reason:
        raise DomainError(N_("请写明确认或排除的理由。"), field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(N_("内容太长了，请控制在 %(n)s 字以内。"), field="reason", n=REASON_MAX)
    if not pending:
        raise Conflict(N_("这一周的疑似瞒报、漏报已经处理过了。"))
    status = "confirmed" if confirm else "dismissed"
    entry = DecisionEntry(at=now, status=status, reason=reason, by=by)
    if decision is None:
        return Decision(county=county, week=week, village=village, township=township, status=status, reason=reason,
                        decided_by=by, decided_at=now, history=[entry])
    decision.status, decision.reason, decision.decided_by, decision.decided_at = status, reason, by, now
    decision.history.append(entry)
    return decision


def concerns(flags: Iterable[Flag], decisions: Iterable[Decision], counts: Callable[[str], bool]) -> list[Concern]:
    """The village weeks as a viewer may see them: only flags whose ticket still ``counts``
    (not moved to the discipline commission, not marked stock since); a week left with none
    is not shown. Pending: never decided, or dismissed before a violation flagged since.
    Confirmed weeks get their ordinal over the confirmed weeks *shown* of the same village
    and year, in the order they were confirmed, so no gap betrays one hidden."""
    by_key: dict[tuple[str, str], list[Flag]] = {}
    for f in flags:
        if counts(f.ticket):
            by_key.setdefault((f.week, f.village), []).append(f)
    decided = {(d.week, d.village): d for d in decisions}
    out = []
    for (week, village), shown in by_key.items():
        sources: dict[str, int] = {}
        for f in shown:
            sources[f.source] = sources.get(f.source, 0) + 1
        d = decided.get((week, village))
        if d is None:
            status = "pending"
        elif d.status == "confirmed":
            status = "confirmed"
        else:
            status = "pending" if any(f.raised_at > d.decided_at for f in shown) else "dismissed"
        out.append(Concern(week=week, village=village, township=shown[0].township, found=len(shown),
                           sources=sources, status=status, raised_at=min(f.raised_at for f in shown), decision=d))
    confirmed = sorted((c for c in out if c.status == "confirmed"), key=lambda c: (c.decision.decided_at, c.week))
    seen: dict[tuple[str, str], int] = {}
    for c in confirmed:
        key = (c.village, c.year)
        seen[key] = seen.get(key, 0) + 1
        c.ordinal, c.step = seen[key], ladder_step(seen[key])
    return sorted(out, key=lambda c: (c.week, c.village), reverse=True)


def without_decision_detail(c: Concern) -> Concern:
    """What a township sees: the week, the grid, the status and the step; not the office's
    reason (it may describe the violation) nor who decided."""
    return replace(c, decision=None)
