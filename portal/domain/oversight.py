"""Oversight of the county's handling (004 C21, L18; C35, L31): pure Python, ``now`` passed in.

- **Periods** (004 C21, L18: 月调度、季通报、半年排名、年度考核): a month, a quarter, a half-year or
  a year, in Asia/Shanghai. Figures are for the tickets *received* in the period (a cohort),
  so a ticket counts once whatever period it closes in; "open now" and "overdue now" are of
  every open ticket, whenever received.
- **Figures** per lead unit and per township: received, accepted, declined, each clock of the
  complaint channel met in time or breached (acceptance within 3 working days, 004 C20, L17;
  on site within 2 hours, 004 C17(2), L15(2); result told within 7 working days, 004 C20, L17),
  concluded by finding, new or stock (004 C22, L19), open and overdue now. A breach is what the
  clock records (``Clock.breached_at``, set once by the sweeper or when met late), or an open
  clock past its due instant that the sweeper has not reached yet.
- **Ranking** for the half-year (半年排名): townships (and lead units) by breach rate, the
  share of decided clocks that were breached.
- **Monthly review of townships** (004 C35, L31): at the monthly scheduling (月调度) a
  township that has not investigated a report in its area within 1 month (a ticket still
  being handled a month after receipt with no on-site check recorded) is found once for
  that month. Its findings are counted
  per calendar year, because the first finding's consequence is a deduction "in the annual
  special assessment" (第1次在年度查违控违专项考核中予以扣分) and C21 / L18 assess yearly: the
  1st finding of a year is a deduction, the 2nd a double deduction and naming in the quarterly
  notice, the 3rd an interview of the principal (约谈), the 4th referral to the discipline
  commission (移送纪委监委追责). The article stops at the 4th; a 5th and later stay referrals.
  Management areas stand for townships (004 C8) and are reviewed alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Callable, Iterable

from portal.domain.access import Actor, Role, can_view
from portal.domain.complaint import Complaint, Finding, Status
from portal.domain.deadlines import Clock, ClockKind
from portal.i18n import N_
from portal.timeutil import SHANGHAI, add_months, local

# --------------------------------------------------------------------------------------
# Periods (004 C21, L18)
# --------------------------------------------------------------------------------------

PERIOD_KINDS = ("month", "quarter", "half", "year")
PERIOD_TITLES = {
    "month": N_("月度（月调度）"),
    "quarter": N_("季度（季通报）"),
    "half": N_("半年（半年排名）"),
    "year": N_("年度（年度考核）"),
}
_MONTHS_PER = {"month": 1, "quarter": 3, "half": 6, "year": 12}

#: how far back a period may be chosen: the current one and those of the last two years. An
#: older period would make each view and export read every ticket closed since it began.
OFFERED_MONTHS = 24


@dataclass(frozen=True)
class Period:
    kind: str
    year: int
    n: int  #: month 1-12, quarter 1-4, half 1-2, or 1 for the year

    @property
    def first_month(self) -> int:
        return (self.n - 1) * _MONTHS_PER[self.kind] + 1

    @property
    def start(self) -> datetime:
        return datetime(self.year, self.first_month, 1, tzinfo=SHANGHAI)

    @property
    def end(self) -> datetime:
        """The first instant after the period."""
        return add_months(self.start, _MONTHS_PER[self.kind])

    @property
    def key(self) -> str:
        return {"month": f"{self.year}-{self.n:02d}", "quarter": f"{self.year}-Q{self.n}",
                "half": f"{self.year}-H{self.n}", "year": f"{self.year}"}[self.kind]

    def months(self) -> list[str]:
        """The review months (``YYYY-MM``) of the period."""
        return [f"{self.year}-{m:02d}" for m in range(self.first_month, self.first_month + _MONTHS_PER[self.kind])]

    def contains(self, instant: datetime) -> bool:
        return self.start <= instant < self.end

    @classmethod
    def containing(cls, kind: str, instant: datetime) -> "Period":
        value = local(instant)
        return cls(kind, value.year, (value.month - 1) // _MONTHS_PER[kind] + 1)

    @classmethod
    def parse(cls, kind: str | None, key: str | None) -> "Period | None":
        """From a period selector (``month`` + ``2026-11``, ``quarter`` + ``2026-Q4``,
        ``half`` + ``2026-H2``, ``year`` + ``2026``); None for anything else."""
        if kind not in PERIOD_KINDS or not key or len(key) > 10:
            return None
        try:
            year_text, _, rest = key.partition("-")
            year = int(year_text)
            if kind == "month" and len(rest) == 2:
                n = int(rest)
            elif kind == "quarter" and rest[:1] == "Q":
                n = int(rest[1:])
            elif kind == "half" and rest[:1] == "H":
                n = int(rest[1:])
            elif kind == "year" and rest == "":
                n = 1
            else:
                return None
        except ValueError:
            return None
        if not 2000 <= year <= 2100 or not 1 <= n <= 12 // _MONTHS_PER[kind]:
            return None
        return cls(kind, year, n)

    @classmethod
    def offered(cls, kind: str, now: datetime) -> "list[Period]":
        """The periods of ``kind`` one may choose at ``now``, newest first: the current one and
        those before it, ``OFFERED_MONTHS`` months in all (24 months, 8 quarters, 4 halves, 2 years)."""
        current = cls.containing(kind, now)
        per_year = 12 // _MONTHS_PER[kind]
        out, year, n = [], current.year, current.n
        for _step in range(OFFERED_MONTHS // _MONTHS_PER[kind]):
            out.append(cls(kind, year, n))
            year, n = (year - 1, per_year) if n == 1 else (year, n - 1)
        return out

    @classmethod
    def choose(cls, kind: str | None, key: str | None, now: datetime) -> "Period":
        """The period asked for if it is one of the ``offered`` ones, else the current period of
        the kind (the current month for an unknown kind): an old or future period is never read."""
        kind = kind if kind in PERIOD_KINDS else "month"
        wanted = cls.parse(kind, key)
        return wanted if wanted is not None and wanted in cls.offered(kind, now) else cls.containing(kind, now)


# --------------------------------------------------------------------------------------
# Figures (004 C21, L18; breaches of 004 C20, L17 and C17(2), L15(2))
# --------------------------------------------------------------------------------------

#: the clocks of the complaint channel the figures count, in column order
COUNTED_CLOCKS = (ClockKind.ACCEPTANCE, ClockKind.ONSITE, ClockKind.RESULT_NOTICE)


def clock_outcome(clock: Clock | None, now: datetime) -> str | None:
    """``met`` (in time), ``breached`` (recorded, or open past due), ``pending`` (open, not
    due yet), or None (no such clock, or cancelled before its due instant)."""
    if clock is None:
        return None
    if clock.breached_at is not None or (clock.is_open and now > clock.due_at):
        return "breached"
    if clock.met_at is not None:
        return "met"
    if clock.is_open:
        return "pending"
    return None


def _tally() -> dict[str, int]:
    return {"met": 0, "breached": 0, "pending": 0}


@dataclass
class Figures:
    unit: str
    received: int = 0
    accepted: int = 0
    declined: int = 0
    clocks: dict[str, dict[str, int]] = field(default_factory=lambda: {k.value: _tally() for k in COUNTED_CLOCKS})
    findings: dict[str, int] = field(default_factory=lambda: {f.value: 0 for f in Finding})
    new: int = 0
    stock: int = 0
    open_now: int = 0
    overdue_now: int = 0
    review_findings: int = 0  #: monthly-review findings (004 C35, L31), townships only
    #: 004 C9, C14(1), L8: hand-overs' feedback to their sender, on time / late / not yet due
    #: (apart from the breach rate, which counts the complaint channel's clocks)
    feedback: dict[str, int] = field(default_factory=_tally)

    def add_received(self, c: Complaint, now: datetime) -> None:
        self.received += 1
        outcome = clock_outcome(c.clock(ClockKind.HANDOVER_FEEDBACK), now)
        if outcome:
            self.feedback[outcome] += 1
        if c.status == Status.DECLINED:
            self.declined += 1
        elif c.status in (Status.ACCEPTED, Status.CONCLUDED, Status.CLOSED):
            self.accepted += 1
        for kind in COUNTED_CLOCKS:
            outcome = clock_outcome(c.clock(kind), now)
            if outcome:
                self.clocks[kind.value][outcome] += 1
        if c.finding is not None and c.status in (Status.CONCLUDED, Status.CLOSED):
            self.findings[c.finding.value] += 1
        if c.case_kind == "stock":
            self.stock += 1
        else:
            self.new += 1

    def add_open(self, c: Complaint, now: datetime) -> None:
        self.open_now += 1
        self.overdue_now += c.is_overdue(now)

    @property
    def breached(self) -> int:
        return sum(t["breached"] for t in self.clocks.values())

    @property
    def decided(self) -> int:
        return sum(t["met"] + t["breached"] for t in self.clocks.values())

    @property
    def breach_rate(self) -> float | None:
        """Breached clocks over decided ones (met or breached); None when nothing was decided."""
        return self.breached / self.decided if self.decided else None


def township_of(c: Complaint) -> str:
    return c.co_handler or c.township


@dataclass
class Statistics:
    period: Period
    total: Figures
    by_lead: dict[str, Figures]
    by_township: dict[str, Figures]
    #: the trend by month of receipt (``YYYY-MM`` of the period): the county's, and each unit's
    by_month: dict[str, Figures] = field(default_factory=dict)
    lead_by_month: dict[str, dict[str, Figures]] = field(default_factory=dict)
    township_by_month: dict[str, dict[str, Figures]] = field(default_factory=dict)
    #: the same figures per channel the reports arrived by (web, phone, letter, ..., 上级交办; portal.domain.channels)
    by_channel: dict[str, Figures] = field(default_factory=dict)


def tally(period: Period, received: Iterable[Complaint], open_now: Iterable[Complaint], now: datetime) -> Statistics:
    """Figures for the tickets received in ``period`` and the tickets open now, and the received
    ones again by month of receipt (the trend: the same counts, split by month)."""
    total = Figures(unit="")
    by_lead: dict[str, Figures] = {}
    by_township: dict[str, Figures] = {}
    by_channel: dict[str, Figures] = {}
    months = period.months()
    by_month = {m: Figures(unit="") for m in months}
    lead_by_month: dict[str, dict[str, Figures]] = {}
    township_by_month: dict[str, dict[str, Figures]] = {}

    def rows(c: Complaint) -> list[Figures]:
        lead = by_lead.setdefault(c.lead, Figures(unit=c.lead))
        town = by_township.setdefault(township_of(c), Figures(unit=township_of(c)))
        channel = by_channel.setdefault(c.intake.channel, Figures(unit=c.intake.channel))
        return [total, lead, town, channel]

    def monthly(c: Complaint) -> list[Figures]:
        month = review_month(c.received_at)
        lead = lead_by_month.setdefault(c.lead, {m: Figures(unit=c.lead) for m in months})
        town = township_by_month.setdefault(township_of(c), {m: Figures(unit=township_of(c)) for m in months})
        return [by_month[month], lead[month], town[month]]

    for c in received:
        if period.contains(c.received_at):
            for row in rows(c) + monthly(c):
                row.add_received(c, now)
    for c in open_now:
        for row in rows(c):
            row.add_open(c, now)
    return Statistics(period=period, total=total, by_lead=by_lead, by_township=by_township, by_month=by_month,
                      lead_by_month=lead_by_month, township_by_month=township_by_month, by_channel=by_channel)


def is_blank(f: Figures) -> bool:
    """A row of zeros: nothing received in the period, nothing open now, no review finding. The
    page puts such rows behind "show all"."""
    return not (f.received or f.open_now or f.review_findings)


def ranking(rows: Iterable[Figures]) -> list[Figures]:
    """Half-year ranking (半年排名, 004 C21, L18): lowest breach rate first; then fewer
    monthly-review findings, fewer breaches, the unit code. Units with nothing decided last."""
    return sorted(rows, key=lambda f: (f.breach_rate is None, f.breach_rate or 0.0, f.review_findings, f.breached,
                                       f.unit))


# --------------------------------------------------------------------------------------
# Monthly review of townships (004 C35, L31)
# --------------------------------------------------------------------------------------

#: how long a township has to investigate a report in its area
INVESTIGATION_MONTHS = 1

#: the consequence of the n-th finding of a year (004 C35, L31)
CONSEQUENCES = ("deduction", "double_deduction", "interview", "referral")
CONSEQUENCE_TITLES = {
    "deduction": N_("第1次：在年度查违控违专项考核中扣分"),
    "double_deduction": N_("第2次：加倍扣分，并在季度通报中点名通报"),
    "interview": N_("第3次：报请县人民政府同意后约谈主要负责人"),
    "referral": N_("第4次及以上：主要责任人及相关责任人移送纪委监委追责"),
}


def consequence(ordinal: int) -> str:
    """004 C35, L31: 1st deduction, 2nd double deduction and named in the quarterly notice,
    3rd interview, 4th (and any later) referral for accountability."""
    if ordinal < 1:
        raise ValueError("ordinals start at 1")
    return CONSEQUENCES[min(ordinal, len(CONSEQUENCES)) - 1]


def named_in_quarterly_notice(step: str) -> bool:
    """004 C35, L31: the second finding is named in the quarterly notice (季度通报中点名通报)."""
    return step == "double_deduction"


def review_month(instant: datetime) -> str:
    value = local(instant)
    return f"{value.year}-{value.month:02d}"


def next_review_at(instant: datetime) -> datetime:
    """The first instant of the next month, Asia/Shanghai: when the next monthly review is due."""
    value = local(instant)
    return add_months(datetime(value.year, value.month, 1, tzinfo=SHANGHAI), 1)


def investigation_due(c: Complaint) -> datetime:
    return add_months(c.received_at, INVESTIGATION_MONTHS)


def uninvestigated(c: Complaint, as_of: datetime) -> bool:
    """004 C35, L31: at the review held at ``as_of``, a report in the township's area (not
    about an official) received more than a month before, still being handled (received or
    accepted) and with no on-site check recorded. Each monthly review finds it again while it
    stays so. A ticket declined or concluded needs no more visits; a late visit shows in the
    statistics as an on-site breach (004 C17(2), L15(2)), not again here."""
    if c.discipline_only or not c.co_handler or not c.is_open or c.onsite is not None:
        return False
    return investigation_due(c) <= as_of


@dataclass
class ReviewFinding:
    """One township found at one monthly review (stored, never deleted)."""

    county: str
    township: str
    month: str  #: the review's month, ``YYYY-MM`` (Asia/Shanghai)
    ordinal: int  #: the n-th finding of this township in the review's calendar year
    consequence: str
    found_at: datetime
    tickets: list[str]  #: ids of every ticket not investigated (never discipline-only ones at the review)
    ticket_count: int  #: as stored: len(tickets) at the review; as shown: the viewer's visible ones
    run_by: str  #: "system" (the sweeper) or a supervisor's username

    @property
    def named(self) -> bool:
        return named_in_quarterly_notice(self.consequence)


def review(county: str, townships: Iterable[str], tickets_by_township: dict[str, list[Complaint]],
           earlier_this_year: dict[str, int], now: datetime, run_by: str) -> list[ReviewFinding]:
    """The findings of the monthly review held at ``now``: one per township with at least one
    report not investigated within a month, naming every such ticket; its ordinal follows the
    township's earlier findings of the same calendar year (004 C35, L31), counted as
    ``as_seen`` counts them (findings that still name a ticket that counts)."""
    findings = []
    month = review_month(now)
    for township in townships:
        late = sorted({c.id for c in tickets_by_township.get(township, [])
                       if c.co_handler == township and uninvestigated(c, now)})
        if not late:
            continue
        ordinal = earlier_this_year.get(township, 0) + 1
        findings.append(ReviewFinding(county=county, township=township, month=month, ordinal=ordinal,
                                      consequence=consequence(ordinal), found_at=now, tickets=late,
                                      ticket_count=len(late), run_by=run_by))
    return findings


def as_seen(findings: Iterable[ReviewFinding], counts: Callable[[str], bool]) -> list[ReviewFinding]:
    """Stored findings as a viewer may see them (000 §2(3); 004 C35, L31). ``counts(ticket_id)``
    says whether a ticket still counts for the viewer (``counts_for``: a ticket moved to the
    discipline commission since the review no longer does). Each finding keeps only those
    ids, its count is theirs, and a finding left with none is not shown. The ordinal (and so
    the consequence) is the finding's place among the township's *shown* findings of the same
    calendar year, in month order, so no gap or step betrays a hidden finding. Pass every
    finding of the year up to the last month wanted. The stored records are not changed."""
    out = []
    seen: dict[tuple[str, str], int] = {}
    for f in sorted(findings, key=lambda f: (f.month, f.township)):
        kept = [cid for cid in f.tickets if counts(cid)]
        if not kept:
            continue
        year_key = (f.month[:4], f.township)
        seen[year_key] = ordinal = seen.get(year_key, 0) + 1
        out.append(replace(f, tickets=kept, ticket_count=len(kept), ordinal=ordinal,
                           consequence=consequence(ordinal)))
    return out


def earlier_counts(shown: Iterable[ReviewFinding], before_month: str) -> dict[str, int]:
    """Findings per township shown before ``before_month`` (of the same year): the next ordinal's base."""
    counts: dict[str, int] = {}
    for f in shown:
        if f.month[:4] == before_month[:4] and f.month < before_month:
            counts[f.township] = counts.get(f.township, 0) + 1
    return counts


# --------------------------------------------------------------------------------------
# Who sees oversight figures
# --------------------------------------------------------------------------------------


def oversight_scope(actor: Actor) -> str | None:
    """``county`` for the leading-group office (every ticket but discipline-only ones, and
    the monthly review); ``discipline`` for the discipline commission (its own tickets only,
    no review: it must learn nothing of other tickets, and no one else of its); else None."""
    if actor.role == Role.SUPERVISOR:
        return "county"
    if actor.role == Role.DISCIPLINE:
        return "discipline"
    return None


def counts_for(actor: Actor, c: Complaint) -> bool:
    """Whether a ticket may enter figures the actor sees: in view, and for the leading-group
    office never a discipline-only ticket (its existence would show in a count)."""
    if not can_view(actor, c):
        return False
    if oversight_scope(actor) == "county":
        return not c.discipline_only
    if oversight_scope(actor) == "discipline":
        return c.discipline_only or c.lead == actor.unit
    return False
