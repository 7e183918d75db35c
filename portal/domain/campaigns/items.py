"""The problem list (问题清单) of a campaign and its figures (003 §2(3): 形成问题清单，建立台账……
工作台账实施动态管理、对查处整改到位的以乡镇为单位统一销号; 001 §1-2: 建立台账，对账销号).

**An item links to a ticket and its case, and follows it.** Items come from three places
(``ITEM_SOURCES``): the survey phase (排查摸底: a responsible unit enters what it found, which
becomes a ticket with no reporter, ``portal.domain.campaigns.survey``), existing tickets in
scope the office adds (one item per case: duplicate reports of one violation are one item),
and new reports received during the campaign that the portal suggests. The item stores only
where it came from, who added it, its progress notes and its overdue flag; everything else
(stock or new, 004 C22 / L19, from the case; status; the ledger's columns; the acceptance
checks and the write-off, ``portal.domain.measures``) is read from the ticket, so the item
and the ticket can never disagree.

**States** (``item_state``): ``open`` (being handled), ``handled`` (concluded as a violation,
waiting for the acceptance check and the write-off), ``written_off`` (销号), ``no_violation``
(declined, or found not substantiated: nothing to write off).

**Overdue** (003 §2(3)): once the handling phase (查处整改) has ended, an item neither written
off nor found no violation is overdue. The sweeper flags each such item to the office once
(``CampaignItem.flag_overdue``); an item added later, after the end, is flagged when added.

**Figures** per township and per unit (the lead): found (stock / new), handled (its ticket
concluded or declined), written off, overdue; the same function feeds the campaign's page,
its fortnightly notice and the oversight page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Iterable

from portal.domain.campaigns.campaign import Campaign, day_start, township_of
from portal.domain.errors import Conflict, DomainError
from portal.i18n import N_

ITEM_SOURCES = {
    "survey": N_("排查摸底发现"),
    "existing": N_("已有举报纳入"),
    "suggested": N_("专项行动期间的新举报"),
}
ITEM_STATES = ("open", "handled", "written_off", "no_violation")
ITEM_STATE_TITLES = {
    "open": N_("正在查处"),
    "handled": N_("已查处，待验收销号"),
    "written_off": N_("已销号"),
    "no_violation": N_("经核查不属实或不予受理"),
}
NOTE_MAX = 1000


@dataclass
class ItemEvent:
    at: datetime
    kind: str  #: added | progress | acceptance_checked | written_off | overdue_flagged
    actor: str
    unit: str | None = None
    note: str = ""
    data: dict = field(default_factory=dict)


ITEM_EVENT_TITLES = {
    "added": N_("列入问题清单"),
    "progress": N_("报送整改进展"),
    "acceptance_checked": N_("登记验收"),
    "written_off": N_("销号"),
    "overdue_flagged": N_("查处整改阶段结束仍未销号，已提醒领导小组办公室"),
}


@dataclass
class CampaignItem:
    campaign: str
    county: str
    ticket: str  #: the ticket the item follows
    case: str  #: its case when added (one item per case)
    source: str  #: survey | existing | suggested
    added_at: datetime
    added_by: str
    added_unit: str
    flagged_at: datetime | None = None  #: flagged overdue to the office (once)
    history: list[ItemEvent] = field(default_factory=list)
    version: int = 0

    @classmethod
    def add(cls, campaign: Campaign, ticket, source: str, now: datetime, actor: str, unit: str) -> "CampaignItem":
        if source not in ITEM_SOURCES:
            raise DomainError(N_("问题来源不正确。"), field="source")
        if not campaign.scope.covers(ticket):
            raise DomainError(N_("这件举报不在本专项行动的范围内（问题类型、乡镇或责任单位）。"), field="tickets")
        item = cls(campaign=campaign.id, county=campaign.county, ticket=ticket.id, case=ticket.case_id, source=source,
                   added_at=now, added_by=actor, added_unit=unit)
        item.history.append(ItemEvent(at=now, kind="added", actor=actor, unit=unit, data={"source": source}))
        if now >= campaign.handling_ends_at and state_of(ticket) in ("open", "handled"):
            item.flag_overdue(now)  # added after the handling phase: overdue at once
        return item

    def note_progress(self, now: datetime, actor: str, unit: str, text: str) -> None:
        """A responsible unit reports the progress of its own item (整改进展)."""
        text = text.strip()
        if not text:
            raise DomainError(N_("请填写整改进展。"), field="note")
        self.history.append(ItemEvent(at=now, kind="progress", actor=actor, unit=unit, note=text))

    def ticket_step(self, now: datetime, actor: str, unit: str, kind: str, data: dict | None = None) -> None:
        """The acceptance check or the write-off of the item's ticket, recorded through the
        campaign, mirrored in the item's history (the ticket's own history has the step too)."""
        self.history.append(ItemEvent(at=now, kind=kind, actor=actor, unit=unit, data=data or {}))

    def flag_overdue(self, now: datetime) -> bool:
        """003 §2(3): not written off by the end of the handling phase: flagged to the office, once."""
        if self.flagged_at is not None:
            return False
        self.flagged_at = now
        self.history.append(ItemEvent(at=now, kind="overdue_flagged", actor="system"))
        return True


def state_of(ticket) -> str:
    """The item's state as its ticket stands (see the module docstring)."""
    status = ticket.status.value
    if status == "declined":
        return "no_violation"
    if status in ("concluded", "closed"):
        if ticket.finding is not None and not ticket.finding.substantiated:
            return "no_violation"
        return "written_off" if ticket.write_off is not None else "handled"
    return "open"


def is_overdue(campaign: Campaign, ticket, now: datetime) -> bool:
    """003 §2(3): after the handling phase, an item neither written off nor found no violation."""
    return now >= campaign.handling_ends_at and state_of(ticket) in ("open", "handled")


def kind_of(ticket) -> str:
    """Stock or new (004 C22, L19), as the ticket's case is marked."""
    return "stock" if ticket.case_kind == "stock" else "new"


def flag_candidates(campaign: Campaign, rows: Iterable[tuple[CampaignItem, object]], now: datetime
                    ) -> list[CampaignItem]:
    """The items the end-of-handling pass flags: overdue and not flagged before."""
    return [item for item, ticket in rows if item.flagged_at is None and is_overdue(campaign, ticket, now)]


def check_addable(campaign: Campaign, ticket, cases_in_list: set[str], now: datetime) -> None:
    """A ticket the office may add: in scope, not already in the list (by case), a violation
    still to handle or write off (not declined, not found untrue, not written off before)."""
    if ticket.case_id in cases_in_list:
        raise Conflict(N_("这个问题已经在问题清单中。"))
    if not campaign.scope.covers(ticket):
        raise DomainError(N_("这件举报不在本专项行动的范围内（问题类型、乡镇或责任单位）。"), field="tickets")
    if state_of(ticket) in ("no_violation", "written_off"):
        raise DomainError(N_("不予受理、核查不属实或已经销号的举报不纳入问题清单。"), field="tickets")
    if campaign.state(now) == "ended":
        raise Conflict(N_("专项行动已经结束，不能再纳入问题。"))


# --------------------------------------------------------------------------------------
# Figures (003 §3(3): 对各乡镇政府及相关单位工作进展情况进行通报)
# --------------------------------------------------------------------------------------


@dataclass
class ItemFigures:
    unit: str  #: township or lead unit code; "" for the total
    found: int = 0
    stock: int = 0
    new: int = 0
    handled: int = 0
    written_off: int = 0
    overdue: int = 0

    def add(self, campaign: Campaign, ticket, now: datetime) -> None:
        self.found += 1
        if kind_of(ticket) == "stock":
            self.stock += 1
        else:
            self.new += 1
        state = state_of(ticket)
        if state != "open":
            self.handled += 1
        if state == "written_off":
            self.written_off += 1
        if is_overdue(campaign, ticket, now):
            self.overdue += 1

    def as_row(self) -> list[int]:
        return [self.found, self.stock, self.new, self.handled, self.written_off, self.overdue]

    @classmethod
    def from_row(cls, unit: str, row: list[int]) -> "ItemFigures":
        found, stock, new, handled, written_off, overdue = row
        return cls(unit, found, stock, new, handled, written_off, overdue)


@dataclass
class CampaignFigures:
    total: ItemFigures
    townships: list[ItemFigures]  #: every township in scope, in the county's order
    units: list[ItemFigures]  #: every responsible department and any other lead, in order


def tally(campaign: Campaign, tickets: Iterable, now: datetime, townships: list[str], units: list[str]
          ) -> CampaignFigures:
    """Figures of the items' tickets at ``now``: per township (``townships``, each listed even
    with nothing) and per lead unit (``units`` first, then any other lead met)."""
    total = ItemFigures("")
    by_township = {code: ItemFigures(code) for code in townships}
    by_unit = {code: ItemFigures(code) for code in units}
    for ticket in tickets:
        total.add(campaign, ticket, now)
        by_township.setdefault(township_of(ticket), ItemFigures(township_of(ticket))).add(campaign, ticket, now)
        by_unit.setdefault(ticket.lead, ItemFigures(ticket.lead)).add(campaign, ticket, now)
    return CampaignFigures(total, list(by_township.values()), list(by_unit.values()))


# --------------------------------------------------------------------------------------
# Progress over the phases (the oversight page's chart)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgressPoint:
    day: date
    found: int
    handled: int
    written_off: int


def handled_at(ticket) -> datetime | None:
    """When handling ended: the conclusion, or the decline."""
    if ticket.status.value == "declined":
        return ticket.closed_at
    return ticket.concluded_at


def progress(campaign: Campaign, rows: Iterable[tuple[CampaignItem, object]], today: date) -> list[ProgressPoint]:
    """Cumulative items found, handled and written off at the end of each day from the
    campaign's first day to ``today`` (or its last day, whichever comes first)."""
    rows = list(rows)
    found = sorted(item.added_at for item, _ in rows)
    handled = sorted(t for t in (handled_at(ticket) for _, ticket in rows) if t is not None)
    written = sorted(ticket.write_off.at for _, ticket in rows if ticket.write_off is not None)
    out, day = [], campaign.start
    last = min(today, campaign.end)
    while day <= last:
        until = day_start(day + timedelta(days=1))
        out.append(ProgressPoint(day, _count(found, until), _count(handled, until), _count(written, until)))
        day += timedelta(days=1)
    return out


def _count(sorted_instants: list[datetime], until: datetime) -> int:
    from bisect import bisect_left

    return bisect_left(sorted_instants, until)
