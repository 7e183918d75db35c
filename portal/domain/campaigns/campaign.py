"""A special campaign (专项行动) as the county office creates it, with its history.

**Phases** (003 §2(3): 组织准备 6月4日-6月11日, 排查摸底 6月12日-6月30日, 查处整改 7月1日-10月31日,
检查验收 11月1日-11月15日; 000 §4: 宣传发动, 调查摸底, 分类处置, 完善机制): each has the county's own
name, a kind (``PHASE_KINDS``: what the portal does in it) and its first and last day (both
included, Asia/Shanghai). Phases are in order: each starts on or after the one before and ends
on or after it; two may share a day (000's phases meet on 9月25日, 10月15日 and 12月5日), and on
a shared day the later phase is the current one. Exactly one phase is the handling phase
(查处整改): an item not written off by its end is overdue (003 §2(3): 对查处整改到位的……统一销号;
验收 by 10月25日/11月15日). At most one is the survey phase (排查摸底), when the responsible units
enter what they find (003 §2(3): 形成问题清单，建立台账).

**Scope**: categories (none chosen: every category but reports about officials, which stay
with the discipline commission: 000 §2(3), 004 C36), townships (none chosen: the whole
county) and the responsible units (003 §2(2): the townships are responsible for their areas,
the departments by their duties). A ticket is in scope when its category, its township and its
lead unit are (a township that leads is always a responsible unit of its own area).

**Reporting days** (``Reporting``): the 15th and the 30th of each month (003 §3(3): 每月15日、30日
……进行通报), the last day of a month that has no 30th (February); or one day a month, the
leading group's monthly meeting (002 §6(6): 每月定期召开一次例会), on the month's last day when
the month is shorter. Days from the campaign's first day to its last.

**History**: every change of the campaign is an event (``CampaignEvent``), stored beside it
and never removed; the sweeper wakes the campaign on its next reporting day and at the end of
its handling phase (``wake_at``).
"""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from portal.domain.access import Actor, Role
from portal.domain.errors import Conflict, DomainError
from portal.i18n import N_
from portal.timeutil import SHANGHAI, as_utc, local_date

# --------------------------------------------------------------------------------------
# Phases (003 §2(3); 000 §4; 001 §1-2; 002 §4)
# --------------------------------------------------------------------------------------

PHASE_KINDS = ("preparation", "survey", "handling", "acceptance", "other")
PHASE_KIND_TITLES = {
    "preparation": N_("组织准备（动员部署）"),
    "survey": N_("排查摸底"),
    "handling": N_("查处整改"),
    "acceptance": N_("检查验收"),
    "other": N_("其他阶段"),
}
#: 003 §2(3)'s four phases, the form's first rows (dates are the county's)
STANDARD_PHASES = ((N_("组织准备"), "preparation"), (N_("排查摸底"), "survey"), (N_("查处整改"), "handling"),
                   (N_("检查验收"), "acceptance"))
MAX_PHASES = 8
NAME_MAX = 60
PHASE_NAME_MAX = 20
BASIS_MAX = 200
MAX_SPAN_DAYS = 3 * 366  #: a campaign longer than three years is a typing error
YEAR_MIN, YEAR_MAX = 2000, 2100


@dataclass
class Phase:
    name: str
    kind: str
    start: date  #: first day (Asia/Shanghai)
    end: date  #: last day, included

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def day_start(day: date) -> datetime:
    """00:00 Asia/Shanghai of ``day``, in UTC."""
    return as_utc(datetime.combine(day, time(0), tzinfo=SHANGHAI))


def check_phases(phases: list[Phase]) -> None:
    """003 §2(3): the phases in order with their dates; exactly one handling phase (查处整改) and
    at most one survey phase (排查摸底). Two phases may share a day (000 §4)."""
    if not phases:
        raise DomainError(N_("请至少填写一个阶段。"), field="phases")
    if len(phases) > MAX_PHASES:
        raise DomainError(N_("阶段最多 %(n)s 个。"), field="phases", n=MAX_PHASES)
    for n, p in enumerate(phases, start=1):
        if not p.name:
            raise DomainError(N_("请填写第 %(n)s 个阶段的名称。"), field="phases", n=n)
        if p.kind not in PHASE_KINDS:
            raise DomainError(N_("请选择第 %(n)s 个阶段的类型。"), field="phases", n=n)
        for day in (p.start, p.end):
            if not YEAR_MIN <= day.year <= YEAR_MAX:
                raise DomainError(N_("年份应在 %(min)s 到 %(max)s 年之间，请检查填写的日期。"), field="phases",
                                  min=YEAR_MIN, max=YEAR_MAX)
        if p.end < p.start:
            raise DomainError(N_("第 %(n)s 个阶段（%(name)s）的结束日期早于开始日期。"), field="phases", n=n, name=p.name)
    for n, (before, after) in enumerate(zip(phases, phases[1:]), start=2):
        if after.start < before.start or after.end < before.end:
            raise DomainError(N_("第 %(n)s 个阶段（%(name)s）应在上一个阶段之后：请按时间顺序填写各阶段。"),
                              field="phases", n=n, name=after.name)
    kinds = [p.kind for p in phases]
    if kinds.count("handling") != 1:
        raise DomainError(N_("须有且只有一个“查处整改”阶段：未在该阶段结束前销号的问题将被标记为逾期。"), field="phases")
    if kinds.count("survey") > 1:
        raise DomainError(N_("“排查摸底”阶段只能有一个。"), field="phases")
    if (max(p.end for p in phases) - phases[0].start).days > MAX_SPAN_DAYS:
        raise DomainError(N_("专项行动不能超过三年，请检查各阶段的日期。"), field="phases")


# --------------------------------------------------------------------------------------
# Reporting days (003 §3(3); 002 §6(6))
# --------------------------------------------------------------------------------------

REPORTING_KINDS = ("semimonthly", "monthly")
REPORTING_TITLES = {
    "semimonthly": N_("每月15日、30日通报（当月没有30日的，为该月最后一天）"),
    "monthly": N_("每月一次（领导小组月例会）"),
}
SEMIMONTHLY_DAYS = (15, 30)  #: 003 §3(3): 每月15日、30日


@dataclass
class Reporting:
    kind: str = "semimonthly"
    day: int | None = None  #: monthly: the meeting's day of the month (1-31)

    def check(self) -> None:
        if self.kind not in REPORTING_KINDS:
            raise DomainError(N_("请选择通报日。"), field="reporting")
        if self.kind == "monthly" and (self.day is None or not 1 <= self.day <= 31):
            raise DomainError(N_("月例会的日期应为每月1日到31日中的一天。"), field="reporting_day")

    def in_month(self, year: int, month: int) -> list[date]:
        """The reporting days of a month: 003's 15th and 30th (a month without a 30th, February,
        reports on its last day instead), or the monthly meeting's day (clamped to the month's
        last day)."""
        last = _calendar.monthrange(year, month)[1]
        wanted = SEMIMONTHLY_DAYS if self.kind == "semimonthly" else (self.day or last,)
        return sorted({date(year, month, min(day, last)) for day in wanted})

    def days(self, first: date, last: date) -> list[date]:
        """Every reporting day from ``first`` to ``last``, both included."""
        out, year, month = [], first.year, first.month
        while (year, month) <= (last.year, last.month):
            out += [d for d in self.in_month(year, month) if first <= d <= last]
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out

    def next_day(self, on_or_after: date, last: date) -> date | None:
        """The first reporting day on or after ``on_or_after`` (and not after ``last``)."""
        year, month = on_or_after.year, on_or_after.month
        while (year, month) <= (last.year, last.month):
            for d in self.in_month(year, month):
                if on_or_after <= d <= last:
                    return d
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return None


# --------------------------------------------------------------------------------------
# Scope (003 §2(1)-(2); 000 §2)
# --------------------------------------------------------------------------------------

LEDGER_FORMS = ("annex", "plain")
LEDGER_FORM_TITLES = {
    "annex": N_("按003附件2、附件3的表格（违法违规用地清单、非法违法采矿清单）"),
    "plain": N_("简明台账（一张表）"),
}


def township_of(ticket) -> str:
    """The township of a ticket (its co-handler; the place's township for one the township leads)."""
    return ticket.co_handler or ticket.township


@dataclass
class Scope:
    categories: list[str] = field(default_factory=list)  #: none: every category (never officials')
    townships: list[str] = field(default_factory=list)  #: none: the whole county
    units: list[str] = field(default_factory=list)  #: responsible departments (the townships are, in their areas)

    def covers_township(self, code: str) -> bool:
        return not self.townships or code in self.townships

    def covers(self, ticket) -> bool:
        """A ticket in scope: not about an official (those stay with the discipline commission,
        000 §2(3), 004 C36), its category and township in scope, led by a responsible unit
        (a department named, or a township: the township leads in its own area)."""
        if ticket.discipline_only:
            return False
        if self.categories and ticket.category not in self.categories:
            return False
        if not self.covers_township(township_of(ticket)):
            return False
        return not self.units or ticket.lead in self.units or ticket.lead == township_of(ticket)


# --------------------------------------------------------------------------------------
# The campaign and its history
# --------------------------------------------------------------------------------------


@dataclass
class CampaignEvent:
    n: int
    at: datetime
    kind: str
    actor: str  #: a staff username, or "system" (the sweeper)
    unit: str | None = None
    note: str = ""
    data: dict = field(default_factory=dict)


EVENT_TITLES = {
    "created": N_("建立专项行动"),
    "items_added": N_("纳入已有举报"),
    "notice_prepared": N_("生成进展通报（待审核）"),
    "notice_issued": N_("印发进展通报"),
    "overdue_flagged": N_("查处整改阶段结束：标记未销号问题"),
}


@dataclass
class Campaign:
    id: str
    county: str
    name: str
    phases: list[Phase]
    scope: Scope
    reporting: Reporting
    ledger_form: str
    created_at: datetime
    created_by: str
    basis: str = ""  #: the document that launched it (文号), as typed
    #: the next reporting day whose notice the sweeper has not prepared yet (None: none left)
    next_report: date | None = None
    #: when the sweeper flagged the items not written off at the end of the handling phase (once)
    overdue_flagged_at: datetime | None = None
    event_count: int = 0
    version: int = 0
    new_events: list[CampaignEvent] = field(default_factory=list, repr=False)

    @classmethod
    def create(cls, *, id: str, county: str, name: str, phases: list[Phase], scope: Scope, reporting: Reporting,
               ledger_form: str, basis: str, now: datetime, actor: str, unit: str) -> "Campaign":
        name = name.strip()
        if not name:
            raise DomainError(N_("请填写专项行动的名称。"), field="name")
        if len(name) > NAME_MAX:
            raise DomainError(N_("内容太长了，请控制在 %(n)s 字以内。"), field="name", n=NAME_MAX)
        check_phases(phases)
        reporting.check()
        if ledger_form not in LEDGER_FORMS:
            raise DomainError(N_("请选择台账的表格式样。"), field="ledger_form")
        campaign = cls(id=id, county=county, name=name, phases=list(phases), scope=scope, reporting=reporting,
                       ledger_form=ledger_form, created_at=now, created_by=actor, basis=basis.strip())
        if campaign.end < local_date(now):
            raise DomainError(N_("专项行动的最后一个阶段已经结束，不能再建立。"), field="phases")
        campaign.next_report = reporting.next_day(max(campaign.start, local_date(now)), campaign.end)
        campaign._record(now, "created", actor, unit, data={
            "phases": [{"name": p.name, "kind": p.kind, "start": p.start.isoformat(), "end": p.end.isoformat()}
                       for p in phases],
            "categories": list(scope.categories), "townships": list(scope.townships), "units": list(scope.units),
            "reporting": reporting.kind, "reporting_day": reporting.day, "ledger_form": ledger_form})
        return campaign

    # --- dates -----------------------------------------------------------------------------
    @property
    def start(self) -> date:
        return self.phases[0].start

    @property
    def end(self) -> date:
        return max(p.end for p in self.phases)

    @property
    def starts_at(self) -> datetime:
        return day_start(self.start)

    @property
    def ends_at(self) -> datetime:
        """The first instant after the campaign."""
        return day_start(self.end + timedelta(days=1))

    def phase_of(self, kind: str) -> Phase | None:
        return next((p for p in self.phases if p.kind == kind), None)

    @property
    def handling_ends_at(self) -> datetime:
        """The first instant after the handling phase (查处整改): items not written off then are overdue."""
        return day_start(self.phase_of("handling").end + timedelta(days=1))

    def phase_on(self, day: date) -> Phase | None:
        """The phase of ``day``: on a day two phases share, the later one; None between phases,
        before the first and after the last."""
        current = None
        for p in self.phases:
            if p.contains(day):
                current = p
        return current

    def state(self, now: datetime) -> str:
        """``before`` the first day, ``running``, or ``ended`` after the last day."""
        if now < self.starts_at:
            return "before"
        return "running" if now < self.ends_at else "ended"

    def in_survey(self, now: datetime) -> bool:
        """003 §2(3): the responsible units enter what they find in the survey phase (排查摸底)."""
        survey = self.phase_of("survey")
        return survey is not None and survey.contains(local_date(now))

    def reporting_days(self) -> list[date]:
        return self.reporting.days(self.start, self.end)

    # --- the sweeper ------------------------------------------------------------------------
    def wake_at(self) -> datetime | None:
        """When the sweeper must look at the campaign: its next reporting day (00:00) and, once,
        the end of its handling phase."""
        times = []
        if self.next_report is not None:
            times.append(day_start(self.next_report))
        if self.overdue_flagged_at is None:
            times.append(self.handling_ends_at)
        return min(times) if times else None

    def report_due(self, now: datetime) -> date | None:
        """The reporting day whose notice is due at ``now`` and not yet prepared."""
        if self.next_report is not None and day_start(self.next_report) <= now:
            return self.next_report
        return None

    def notice_prepared(self, day: date, now: datetime) -> None:
        """003 §3(3): the notice of ``day`` was prepared; the next reporting day follows."""
        if day != self.next_report:
            raise Conflict(N_("这一期进展通报已经生成。"))
        self.next_report = self.reporting.next_day(day + timedelta(days=1), self.end)
        self._record(now, "notice_prepared", "system", data={"day": day.isoformat()})

    def flag_due(self, now: datetime) -> bool:
        return self.overdue_flagged_at is None and now >= self.handling_ends_at

    def overdue_flag_done(self, now: datetime, flagged: list[str]) -> None:
        """003 §2(3): the handling phase has ended; the items not written off were flagged to the
        office, each once (``CampaignItem.flag_overdue``). This closes the pass."""
        if self.overdue_flagged_at is not None:
            raise Conflict(N_("查处整改阶段结束时的逾期标记已经完成。"))
        self.overdue_flagged_at = now
        self._record(now, "overdue_flagged", "system", data={"count": len(flagged), "tickets": flagged})

    # --- office actions --------------------------------------------------------------------
    def items_added(self, now: datetime, actor: str, unit: str, tickets: list[str]) -> None:
        self._record(now, "items_added", actor, unit, data={"count": len(tickets), "tickets": tickets})

    def notice_issued(self, day: date, now: datetime, actor: str, unit: str) -> None:
        self._record(now, "notice_issued", actor, unit, data={"day": day.isoformat()})

    def _record(self, at: datetime, kind: str, actor: str, unit: str | None = None, note: str = "",
                data: dict | None = None) -> CampaignEvent:
        self.event_count += 1
        event = CampaignEvent(n=self.event_count, at=at, kind=kind, actor=actor, unit=unit, note=note,
                              data=data or {})
        self.new_events.append(event)
        return event


# --------------------------------------------------------------------------------------
# Who sees a campaign (003 §2(2): the townships and the departments by their duties)
# --------------------------------------------------------------------------------------

UNIT_ROLES = (Role.OFFICER, Role.HEAD, Role.TOWNSHIP)


def takes_part(actor: Actor) -> bool:
    """Roles that may see campaigns at all: the office, departments and townships. The
    discipline commission's reports never enter a campaign; finance, custodians and
    administrators handle no violations."""
    return actor.role == Role.SUPERVISOR or actor.role in UNIT_ROLES


def role_in(actor: Actor, campaign: Campaign) -> str | None:
    """``office`` for the leading-group office (creates the campaign, adds tickets, records
    acceptance, writes off, issues notices); ``unit`` for a responsible unit in scope (a
    department named, a township in scope); else None (not found)."""
    if actor.county != campaign.county:
        return None
    if actor.role == Role.SUPERVISOR:
        return "office"
    if actor.role in (Role.OFFICER, Role.HEAD) and actor.unit in campaign.scope.units:
        return "unit"
    if actor.role == Role.TOWNSHIP and campaign.scope.covers_township(actor.unit):
        return "unit"
    return None


def owns(actor: Actor, ticket) -> bool:
    """A responsible unit's own items: those whose ticket it leads, and for a township those in
    its area. (A unit sees and edits only its own items.)"""
    if ticket.discipline_only:
        return False
    if ticket.lead == actor.unit:
        return True
    return actor.role == Role.TOWNSHIP and township_of(ticket) == actor.unit
