"""Weekly reports (零汇报) and the week's status pages (004 C17(1), C18(1), C19; L15(1), L16(1)).

- ``file_report``: a village's grid member files the village's report of the week, a
  township's patrol team the township's (built from its villages' reports as they stand and
  its own patrols). Filed once, never changed; a week with nothing found is a zero report.
  A village's zero report raises the concealment flags of the week (``concealment``) in the
  same transaction, and its answer is the same whether it raised any or not.
- ``status``: the week as the actor may see it: a village its own patrols and report; a
  township its villages' reports (on time, late, not yet due, missing), its own patrols and
  report; the county office every township; the professional patrol the built-up area's
  weeks (004 C19). Deadlines follow ``portal.domain.patrols.weeks`` (the holiday rule).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from portal.domain.access import Actor
from portal.domain.county import County
from portal.domain.errors import Conflict, DomainError, Forbidden
from portal.domain.patrols.records import (
    NOTE_MAX, MissingReport, Patrol, WeeklyReport, line_for, township_report, village_report,
)
from portal.domain.patrols.scope import can_file, can_see_township, status_scope
from portal.domain.patrols.weeks import Week, professional_deadline, township_deadline, village_deadline
from portal.domain.routing import built_up_township
from portal.i18n import N_
from portal.ports import ConditionFailed
from portal.services.deps import Deps
from portal.services.intake import bounded_text
from portal.services.patrols import violations

#: how many past weeks the week selector offers (a late report can still be filed for them)
WEEKS_BACK = 8
NO_STATUS = N_("您的角色不查看巡查和零汇报情况。")
ALREADY = N_("本周的情况已经报送过了，不能重复报送。")


def choose_week(key: str | None, now: datetime) -> Week:
    """The week asked for if offered (this week or the ``WEEKS_BACK`` before it), else this week."""
    current = Week.of(now)
    wanted = Week.parse(key)
    if wanted is None or wanted > current or wanted < offered(now)[-1]:
        return current
    return wanted


def offered(now: datetime) -> list[Week]:
    weeks, week = [], Week.of(now)
    for _ in range(WEEKS_BACK + 1):
        weeks.append(week)
        week = week.previous()
    return weeks


def _county(deps: Deps, actor: Actor) -> County:
    return deps.counties.get(actor.county) or deps.counties.default


# --- filing ------------------------------------------------------------------------------


def file_report(deps: Deps, actor: Actor, level: str, week_key: str | None, note: str | None,
                now: datetime) -> WeeklyReport:
    county = _county(deps, actor)
    if level not in ("village", "township") or not can_file(actor, level, actor.unit):
        raise Forbidden(N_("您的角色不能报送这一级的零汇报。"))
    week = Week.parse(week_key)
    if week is None or week not in offered(now):
        raise DomainError(N_("请选择本周或最近几周报送。"), field="week")
    note = bounded_text(note, "note", NOTE_MAX)
    records = deps.repos.patrols
    calendar = deps.calendar()
    if level == "village":
        place = county.village(actor.unit)
        if place is None or not county.grids.of_village(actor.unit):
            raise Forbidden(N_("您的村（社区）不在网格划分表中。"))
        patrols = records.of_week(county.code, week.key, place.township, actor.unit)
        report = village_report(county.code, week.key, actor.unit, place.township, patrols, now,
                                village_deadline(week, calendar), actor.username, note)
    else:
        villages = county.grids.villages_of(actor.unit)
        reports, _ = records.week(county.code, week.key)
        by_village = {r.unit: r for r in reports if r.level == "village" and r.township == actor.unit}
        patrols = records.of_week(county.code, week.key, actor.unit)
        report = township_report(county.code, week.key, actor.unit, villages, by_village, patrols, now,
                                 village_deadline(week, calendar), township_deadline(week, calendar),
                                 actor.username, note)
    ops = [records.report_op(report), *violations.report_ops(deps, report, now),
           deps.repos.audit.op(at=now, actor=actor.username, role=actor.role.value, unit=actor.unit,
                               action="weekly_report", county=county.code,
                               detail={"week": week.key, "level": level, "zero": report.zero,
                                       "on_time": report.on_time})]
    try:
        deps.store.write(ops)
    except ConditionFailed:
        raise Conflict(ALREADY) from None
    return report


# --- status ------------------------------------------------------------------------------


@dataclass
class VillageWeek:
    village: str
    name: str
    due_at: datetime
    status: str  #: on_time | late | not_yet | missing
    report: WeeklyReport | None
    patrols: list[Patrol]  #: the village's own patrols of the week
    flagged: bool = False  #: the sweeper flagged it missing at the deadline

    @property
    def found(self) -> int:
        return sum(len(p.findings) for p in self.patrols)


@dataclass
class TownshipWeek:
    township: str
    name: str
    due_at: datetime
    status: str
    report: WeeklyReport | None
    villages: list[VillageWeek]
    patrols: list[Patrol]  #: the township's own patrols (and professional ones in it)
    flagged: bool = False

    def count(self, status: str) -> int:
        return sum(1 for v in self.villages if v.status == status)

    @property
    def patrol_count(self) -> int:
        """Every patrol of the week in the township: its villages', its own, professional ones."""
        return len(self.patrols) + sum(len(v.patrols) for v in self.villages)


@dataclass
class ProfessionalWeek:
    """004 C19: the built-up area's professional patrols of the week."""

    due_at: datetime
    patrols: list[Patrol]
    flagged: bool  #: the sweeper flagged the week without one

    @property
    def held(self) -> bool:
        return bool(self.patrols)


@dataclass
class WeekStatus:
    week: Week
    scope: str
    village: VillageWeek | None = None
    townships: list[TownshipWeek] = field(default_factory=list)
    professional: ProfessionalWeek | None = None
    notices: list[MissingReport] = field(default_factory=list)  #: the newest missing reports told to the unit
    more_notices: bool = False  #: older ones exist (read them week by week)
    can_file: bool = False

    @property
    def notice_groups(self) -> list[tuple[MissingReport, list[MissingReport]]]:
        """The notices by week, level and deadline, newest first: a township's 24 villages late
        in one week read as one line naming them, not 24 lines repeating the week."""
        groups: dict[tuple, tuple[MissingReport, list[MissingReport]]] = {}
        for m in self.notices:
            groups.setdefault((m.week, m.level, m.due_at), (m, []))[1].append(m)
        return list(groups.values())


#: missing reports listed on the week page, newest first: a few weeks' worth for the largest township
NOTICES = 100


def _status(report: WeeklyReport | None, due_at: datetime, now: datetime) -> str:
    return line_for("", report, due_at, now).status


def _village_week(county: County, code: str, week: Week, reports: dict, flagged: set, patrols: list[Patrol],
                  due_at: datetime, now: datetime) -> VillageWeek:
    report = reports.get(("village", code))
    own = [p for p in patrols if p.kind == "village" and p.unit == code]
    return VillageWeek(village=code, name=county.unit_name(code), due_at=due_at, status=_status(report, due_at, now),
                       report=report, patrols=own, flagged=("village", code) in flagged)


def _township_week(county: County, code: str, week: Week, reports: dict, flagged: set, patrols: list[Patrol],
                   village_due: datetime, due_at: datetime, now: datetime) -> TownshipWeek:
    mine = [p for p in patrols if p.township == code]
    villages = [_village_week(county, v, week, reports, flagged, mine, village_due, now)
                for v in county.grids.villages_of(code)]
    report = reports.get(("township", code))
    return TownshipWeek(township=code, name=county.unit_name(code), due_at=due_at,
                        status=_status(report, due_at, now), report=report, villages=villages,
                        patrols=[p for p in mine if p.kind != "village"], flagged=("township", code) in flagged)


def status(deps: Deps, actor: Actor, week_key: str | None, now: datetime, township: str | None = None) -> WeekStatus:
    """The week as ``actor`` may see it (``portal.domain.patrols.scope.status_scope``)."""
    kind = status_scope(actor)
    if kind is None:
        raise Forbidden(NO_STATUS)
    county = _county(deps, actor)
    week = choose_week(week_key, now)
    calendar = deps.calendar()
    village_due, township_due = village_deadline(week, calendar), township_deadline(week, calendar)
    records = deps.repos.patrols
    out = WeekStatus(week=week, scope=kind)
    if kind == "village":
        place = county.village(actor.unit)
        if place is None:
            return out
        patrols = records.of_week(county.code, week.key, place.township, actor.unit)
        report = records.report(county.code, week.key, "village", actor.unit)
        # a village sees its own patrols and report only: no flag, no other unit's patrol
        own = [p for p in patrols if p.kind == "village" and p.unit == actor.unit]
        out.village = VillageWeek(village=actor.unit, name=place.name, due_at=village_due,
                                  status=_status(report, village_due, now), report=report, patrols=own)
        out.can_file = report is None and bool(own)
        return out
    reports, missing = records.week(county.code, week.key)
    by_key = {(r.level, r.unit): r for r in reports}
    flagged = {(m.level, m.unit) for m in missing}
    if kind == "professional":
        town = built_up_township(county)
        patrols = [p for p in records.of_week(county.code, week.key, town) if p.kind == "professional"] if town else []
        out.professional = ProfessionalWeek(due_at=professional_deadline(week), patrols=patrols,
                                            flagged=("professional", county.professional_patrol.lead
                                                     if county.professional_patrol else "") in flagged)
        return out
    if kind == "township":
        township = actor.unit
    elif township not in county.grids.townships:
        township = None  # the office asked for no township, or one without grids: every township
    if township is not None and not can_see_township(actor, township):
        raise Forbidden(NO_STATUS)
    codes = [township] if township else county.grids.townships
    patrols = records.of_week(county.code, week.key, township) if township else records.of_week(county.code, week.key)
    out.townships = [_township_week(county, code, week, by_key, flagged, patrols, village_due, township_due, now)
                     for code in codes]
    if kind == "county":
        town = built_up_township(county)
        lead = county.professional_patrol.lead if county.professional_patrol else ""
        pro = [p for p in (patrols if not township else records.of_week(county.code, week.key, town))
               if p.kind == "professional"]
        out.professional = ProfessionalWeek(due_at=professional_deadline(week), patrols=pro,
                                            flagged=("professional", lead) in flagged)
    if township and kind == "township":
        out.can_file = can_file(actor, "township", township) and by_key.get(("township", township)) is None
    told = records.notices(county.code, actor.unit if kind == "township" else _office(county), limit=NOTICES + 1)
    out.notices, out.more_notices = told[:NOTICES], len(told) > NOTICES
    return out


def _office(county: County) -> str:
    return next(d.code for d in county.departments if d.kind == "oversight")


def grids_for(deps: Deps, actor: Actor) -> list:
    from portal.domain.patrols.scope import recordable_grids

    return recordable_grids(actor, _county(deps, actor))
