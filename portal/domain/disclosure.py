"""Identity disclosure, for the rare lawful case (RULES.md §1: the reporter's identity is kept
confidential, 004 C20, L17; DESIGN.md "Identity protection").

An officer handling a ticket asks, with a reason, to see the reporter's phone; a custodian
of identity data (身份信息保管人, ``Role.CUSTODIAN``, never the person who asked) approves
or denies, with a reason. Nothing approves by itself: no custodian, no disclosure; a request
nobody decides stays pending for ever.

An approval opens the phone to the officer who asked, and to no one else: the first view
must come within ``APPROVAL_VALID`` of the approval and opens a window of ``VIEW_WINDOW``;
every view inside it is recorded (audit trail, ticket history, the reporter's status page).
After the window the request is spent; a new need is a new request. A transfer of the ticket
withdraws every open request (the unit that asked no longer handles it; the new lead unit
asks for itself, if it needs to).

Pure Python: every method takes ``now``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from portal.domain.access import Actor, Role
from portal.domain.errors import Conflict, DomainError, Forbidden
from portal.i18n import N_

#: how long an approval waits for its first view
APPROVAL_VALID = timedelta(days=3)
#: how long the phone stays readable after the first view
VIEW_WINDOW = timedelta(minutes=15)
REASON_MIN = 4
REASON_MAX = 500


class DisclosureStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"
    WITHDRAWN = "withdrawn"  #: the ticket moved to another unit before the request was spent


STATUS_TITLES = {
    DisclosureStatus.PENDING: N_("等待保管人审批"),
    DisclosureStatus.APPROVED: N_("保管人已批准"),
    DisclosureStatus.DENIED: N_("保管人已拒绝"),
    DisclosureStatus.WITHDRAWN: N_("举报已移交，申请已撤销"),
}


def clean_reason(text: str | None, field: str) -> str:
    reason = " ".join((text or "").split())
    if len(reason) < REASON_MIN:
        raise DomainError(N_("请写明理由（至少 %(n)s 个字）。"), field=field, n=REASON_MIN)
    if len(reason) > REASON_MAX:
        raise DomainError(N_("理由太长了，请控制在 %(n)s 字以内。"), field=field, n=REASON_MAX)
    return reason


@dataclass
class DisclosureRequest:
    complaint_id: str
    n: int
    county: str
    requested_by: str
    requested_unit: str
    requested_at: datetime
    reason: str
    status: DisclosureStatus = DisclosureStatus.PENDING
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_reason: str = ""
    views: list[datetime] = field(default_factory=list)
    withdrawn_at: datetime | None = None
    version: int = 0

    @classmethod
    def open(cls, *, complaint_id: str, n: int, county: str, actor: Actor, reason: str,
             now: datetime) -> "DisclosureRequest":
        return cls(complaint_id=complaint_id, n=n, county=county, requested_by=actor.username,
                   requested_unit=actor.unit, requested_at=now, reason=clean_reason(reason, "reason"))

    # --- the custodian's decision ----------------------------------------------------------
    def decide(self, now: datetime, custodian: Actor, approve: bool, reason: str) -> None:
        if custodian.role != Role.CUSTODIAN or custodian.county != self.county:
            raise Forbidden(N_("只有本县的身份信息保管人可以审批查看举报人联系方式的申请。"))
        if custodian.username == self.requested_by:
            raise Forbidden(N_("申请人不能审批自己的申请。"))
        if self.status == DisclosureStatus.WITHDRAWN:
            raise Conflict(N_("举报已移交其他单位，这项申请已撤销，无需审批。"))
        if self.status != DisclosureStatus.PENDING:
            raise Conflict(N_("这项申请已经审批过了。"))
        self.decision_reason = clean_reason(reason, "decision_reason")
        self.status = DisclosureStatus.APPROVED if approve else DisclosureStatus.DENIED
        self.decided_by, self.decided_at = custodian.username, now

    def withdraw(self, now: datetime) -> None:
        """The requester's unit no longer handles the ticket (it was transferred): a pending
        request can no longer be decided, an approved one no longer read."""
        if not self.is_open(now):
            raise Conflict(N_("这项申请已经结束，不能撤销。"))
        self.status = DisclosureStatus.WITHDRAWN
        self.withdrawn_at = now

    # --- the officer's view ----------------------------------------------------------------
    def readable_until(self) -> datetime | None:
        """Until when the officer who asked may read the phone; None if never (again)."""
        if self.status != DisclosureStatus.APPROVED:
            return None
        if self.views:
            return self.views[0] + VIEW_WINDOW
        return self.decided_at + APPROVAL_VALID

    def readable(self, now: datetime) -> bool:
        until = self.readable_until()
        return until is not None and now <= until

    def is_open(self, now: datetime) -> bool:
        """Still waiting for a decision, or approved and not yet spent."""
        return self.status == DisclosureStatus.PENDING or self.readable(now)

    def view(self, now: datetime, actor: Actor) -> None:
        if actor.username != self.requested_by:
            raise Forbidden(N_("只有提出申请的工作人员本人可以查看。"))
        if self.status == DisclosureStatus.PENDING:
            raise Conflict(N_("这项申请还在等待保管人审批。"))
        if self.status == DisclosureStatus.DENIED:
            raise Conflict(N_("这项申请已被保管人拒绝，不能查看。"))
        if self.status == DisclosureStatus.WITHDRAWN:
            raise Conflict(N_("举报已移交其他单位，这项申请已撤销，不能查看。"))
        if not self.readable(now):
            raise Conflict(N_("查看期限已过。如仍需要，请重新申请。"))
        self.views.append(now)
