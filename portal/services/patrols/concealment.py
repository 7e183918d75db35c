"""The concealment check (004 C33, L29) as the services run it.

How flags are raised: ``violations`` (at each new ticket, at each village zero report, and
by the sweeper's reconciliation).

The county office sees each village's week (``Concern``): the grid, the week, how many
violations were found and how; confirms or dismisses it with a reason (``decide``), audited.
Townships see their villages' weeks and ladder steps, without the office's reason; village
users see nothing of it. Nobody is shown a ticket through a flag.
"""

from __future__ import annotations

from datetime import datetime

from portal.domain.access import Actor, Role
from portal.domain.errors import Conflict, Forbidden, NotFound
from portal.domain.oversight import counts_for
from portal.domain.patrols.concealment import Concern, concerns, decide, without_decision_detail
from portal.domain.patrols.scope import can_decide_concealment, can_see_township
from portal.domain.patrols.weeks import Week
from portal.i18n import N_
from portal.ports import ConditionFailed
from portal.services import audit
from portal.services.deps import Deps
from portal.services.intake import bounded_text
from portal.services.patrols.violations import counts

NOT_YOURS = N_("只有领导小组办公室（督办）可以核实疑似瞒报、漏报。")
NO_SUCH_WEEK = N_("没有找到这一周这个村的疑似瞒报、漏报。")
BUSY = N_("这条记录刚刚被其他人处理过，请刷新页面后重试。")


# --- what the office and the townships see ----------------------------------------------


def _office(county: str) -> Actor:
    return Actor("system", Role.SUPERVISOR, "leading_group_office", county)


def view(deps: Deps, actor: Actor, year: str | None = None, township: str | None = None) -> list[Concern]:
    """The village weeks flagged (of ``year``, of ``township``) as ``actor`` may see them: the
    office every township's with its decisions; a township its own villages' without the
    office's reason; anyone else nothing (Forbidden)."""
    if township is None and not can_decide_concealment(actor):
        township = actor.unit
    if not can_see_township(actor, township or ""):
        raise Forbidden(NOT_YOURS)
    records = deps.repos.patrols
    flags = [f for f in records.flags(actor.county, year) if township is None or f.township == township]
    decisions = records.decisions(actor.county, year)
    viewer = _office(actor.county)  # a ticket counts as it does for the office: never discipline-only
    seen: dict[str, bool] = {}
    for f in flags:
        if f.ticket not in seen:
            ticket = deps.repos.complaints.get(f.ticket)
            seen[f.ticket] = counts(ticket) and counts_for(viewer, ticket)
    # ordinals run over the whole year of the village, whichever township filter is shown
    shown = concerns(flags, decisions, seen.__getitem__)
    if not can_decide_concealment(actor):
        shown = [without_decision_detail(c) for c in shown]
    return shown


def decide_week(deps: Deps, actor: Actor, week: str | None, village: str | None, confirm: bool,
                reason: str | None, now: datetime) -> Concern:
    """004 C33, L29: the office confirms (counted on the village head's ladder) or dismisses a
    flagged village week, with a reason; audited; retried on a concurrent decision."""
    if not can_decide_concealment(actor):
        raise Forbidden(NOT_YOURS)
    parsed = Week.parse(week)
    if parsed is None or not village:
        raise NotFound(NO_SUCH_WEEK)
    reason = bounded_text(reason, "reason", 1000)
    records = deps.repos.patrols
    for _ in range(4):
        current = next((c for c in view(deps, actor, parsed.key[:4]) if c.week == parsed.key and c.village == village),
                       None)
        if current is None:
            raise NotFound(NO_SUCH_WEEK)
        stored = records.decision(actor.county, parsed.key, village)
        decision = decide(stored, county=actor.county, week=parsed.key, village=village, township=current.township,
                          confirm=confirm, reason=reason, by=actor.username, now=now,
                          pending=current.status == "pending")
        ops = [records.decision_op(decision),
               deps.repos.audit.op(at=now, actor=actor.username, role=actor.role.value, unit=actor.unit,
                                   action="concealment_" + decision.status, county=actor.county,
                                   detail={"week": parsed.key, "village": village})]
        try:
            deps.store.write(ops)
        except ConditionFailed:
            continue
        return next(c for c in view(deps, actor, parsed.key[:4]) if c.week == parsed.key and c.village == village)
    raise Conflict(BUSY)


def record_view(deps: Deps, actor: Actor, now: datetime) -> None:
    audit.record(deps, actor, "view_concealment", now)
