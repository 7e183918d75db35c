"""Cases: duplicate complaints about one violation, merged so it is handled once.

A case keeps each member's receipt time and store sequence, so its first reporter
(第一举报人, 004 C20 / L17) is the member received earliest, the sequence breaking ties.
Each case is marked stock (存量) or new (新增) (004 C22, L19). A merge folds one case into
another and leaves the absorbed case behind with a pointer (nothing is deleted); a split
takes one complaint back out into a case of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from portal.domain.errors import Conflict, DomainError
from portal.domain.geo import Point, distance_m
from portal.i18n import N_

CASE_KINDS = ("new", "stock")


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
                   kind=self.kind)
        new.history.append(CaseChange(now, "split_from", actor, note, {"from": self.id, "complaint": complaint_id}))
        self.history.append(CaseChange(now, "split_out", actor, note, {"into": new_case_id, "complaint": complaint_id}))
        return new

    def mark(self, kind: str, now: datetime, actor: str, note: str) -> None:
        """004 C22, L19: stock violations were registered before the rules or in the 2022
        campaign; everything found afterwards is new and counts in the assessment."""
        if kind not in CASE_KINDS:
            raise DomainError(N_("案件性质只能是存量或新增。"), field="kind")
        if not self.active:
            raise Conflict(N_("已经并入其他案件的案件不能再标记。"))
        self.kind = kind
        self.history.append(CaseChange(now, "marked", actor, note, {"kind": kind}))


def is_merge_candidate(origin: Point | None, other: Point | None, radius_m: float) -> bool:
    """Same category is checked by the query; here, the distance (unknown places never match)."""
    if origin is None or other is None:
        return False
    return distance_m(origin, other) <= radius_m
