"""Cases: duplicate complaints about one violation, merged so it is handled once.

A case keeps each member's receipt time and store sequence, so its first reporter
(第一举报人, 004 C20 / L17) is the member received earliest, the sequence breaking ties.
Each case is marked stock (存量) or new (新增) (004 C22, L19). A merge folds one case into
another and leaves the absorbed case behind with a pointer (nothing is deleted); a split
takes one complaint back out into a case of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from portal.domain.errors import Conflict, DomainError
from portal.domain.geo import Point, distance_m
from portal.i18n import N_
from portal.timeutil import local_date

CASE_KINDS = ("new", "stock")


@dataclass(frozen=True)
class StockRule:
    """004 C22, L19: what makes a violation stock (存量). The land rules (L19): found and
    registered before the rules took effect (``cutoff``, the county's ``stock_cutoff``, the day
    the rules were published: registered on that day or later is new). The construction rules
    (C22): found in the 2022 "hundred-day" campaign (百日攻坚); the seeds give no dates for it,
    so the county file may set the window (``stock_campaign``), both ends included."""

    cutoff: date
    campaign: tuple[date, date] | None = None

    def admits(self, registered_on: date) -> bool:
        if registered_on < self.cutoff:
            return True
        return self.campaign is not None and self.campaign[0] <= registered_on <= self.campaign[1]


def check_stock_registration(registered_on: date | None, rule: StockRule, now: datetime) -> None:
    """004 C22, L19: a case is stock only on the date an earlier register or ledger entry
    recorded the violation, and only if that date is before the rules took effect (or inside
    the 2022 campaign window); anything registered later is new and counts in the assessment."""
    if registered_on is None:
        raise DomainError(N_("标记为存量，须填写该违法行为此前在台账或登记册中登记的日期。"), field="registered_on")
    if registered_on > local_date(now):
        raise DomainError(N_("登记日期不能晚于今天。"), field="registered_on")
    if rule.admits(registered_on):
        return
    if rule.campaign is None:
        raise DomainError(N_("登记日期 %(date)s 不早于规定施行之日 %(cutoff)s，不能标记为存量：规定施行后发现的违法行为均为新增，"
                             "纳入查违控违考核。"), field="registered_on", date=registered_on.isoformat(),
                          cutoff=rule.cutoff.isoformat())
    raise DomainError(N_("登记日期 %(date)s 不早于规定施行之日 %(cutoff)s，也不在2022年百日攻坚行动期间（%(start)s 至 %(end)s），"
                         "不能标记为存量：此后发现的违法行为均为新增，纳入查违控违考核。"), field="registered_on",
                      date=registered_on.isoformat(), cutoff=rule.cutoff.isoformat(),
                      start=rule.campaign[0].isoformat(), end=rule.campaign[1].isoformat())


@dataclass
class CaseMember:
    complaint_id: str
    received_at: datetime
    seq: int

    @property
    def order(self) -> tuple[datetime, int]:
        return (self.received_at, self.seq)


@dataclass
class CaseChange:
    at: datetime
    kind: str  # created | merged_in | merged_into | split_out | split_from | marked
    actor: str
    note: str = ""
    data: dict = field(default_factory=dict)


@dataclass
class Case:
    id: str
    county: str
    category: str
    created_at: datetime
    members: list[CaseMember] = field(default_factory=list)
    kind: str = "new"
    #: 004 C22, L19: the date an earlier register/ledger entry recorded the violation (stock only)
    stock_registered_on: date | None = None
    merged_into: str | None = None
    history: list[CaseChange] = field(default_factory=list)
    version: int = 0

    @classmethod
    def open_for(cls, case_id: str, county: str, category: str, member: CaseMember) -> "Case":
        case = cls(id=case_id, county=county, category=category, created_at=member.received_at, members=[member])
        case.history.append(CaseChange(at=member.received_at, kind="created", actor="system"))
        return case

    @property
    def active(self) -> bool:
        return self.merged_into is None

    def first_reporter(self) -> CaseMember:
        """The first reporter of the case (004 C20, L17): earliest receipt, then store sequence."""
        if not self.members:
            raise DomainError(N_("这个案件没有举报。"))
        return min(self.members, key=lambda m: m.order)

    def member_ids(self) -> list[str]:
        return [m.complaint_id for m in sorted(self.members, key=lambda m: m.order)]

    def absorb(self, other: "Case", now: datetime, actor: str, note: str) -> None:
        if other.id == self.id:
            raise Conflict(N_("不能把案件合并到它自己。"))
        if not (self.active and other.active):
            raise Conflict(N_("已经并入其他案件的案件不能再合并。"))
        moved = [m.complaint_id for m in other.members]
        self.members.extend(other.members)
        other.members = []
        other.merged_into = self.id
        self.history.append(CaseChange(now, "merged_in", actor, note, {"from": other.id, "complaints": moved}))
        other.history.append(CaseChange(now, "merged_into", actor, note, {"into": self.id, "complaints": moved}))

    def split_out(self, complaint_id: str, new_case_id: str, now: datetime, actor: str, note: str) -> "Case":
        member = next((m for m in self.members if m.complaint_id == complaint_id), None)
        if member is None:
            raise Conflict(N_("这件举报不在该案件中。"))
        if len(self.members) == 1:
            raise Conflict(N_("案件只有这一件举报，无需拆分。"))
        self.members.remove(member)
        new = Case(id=new_case_id, county=self.county, category=self.category, created_at=now, members=[member],
                   kind=self.kind, stock_registered_on=self.stock_registered_on)
        new.history.append(CaseChange(now, "split_from", actor, note, {"from": self.id, "complaint": complaint_id}))
        self.history.append(CaseChange(now, "split_out", actor, note, {"into": new_case_id, "complaint": complaint_id}))
        return new

    def mark(self, kind: str, now: datetime, actor: str, note: str, rule: StockRule,
             registered_on: date | None = None) -> None:
        """004 C22, L19: stock violations were registered before the rules or in the 2022
        campaign (``check_stock_registration``: the registration date is required and checked);
        everything found afterwards is new and counts in the assessment. Marking new clears the
        date on the case; the history keeps every earlier mark and its date."""
        if kind not in CASE_KINDS:
            raise DomainError(N_("案件性质只能是存量或新增。"), field="kind")
        if not self.active:
            raise Conflict(N_("已经并入其他案件的案件不能再标记。"))
        if kind == "stock":
            check_stock_registration(registered_on, rule, now)
        else:
            registered_on = None
        self.kind = kind
        self.stock_registered_on = registered_on
        data: dict = {"kind": kind}
        if registered_on is not None:
            data["registered_on"] = registered_on.isoformat()
        self.history.append(CaseChange(now, "marked", actor, note, data))


def is_merge_candidate(origin: Point | None, other: Point | None, radius_m: float) -> bool:
    """Same category is checked by the query; here, the distance (unknown places never match)."""
    if origin is None or other is None:
        return False
    return distance_m(origin, other) <= radius_m
