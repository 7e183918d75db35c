"""What the reporter sees and does with the receipt: the status page, replies to a request
for information, phone verification. A wrong receipt counts against a per-client limit
(and, once a global one is reached, a stricter per-client one) before any lookup, so receipts
cannot be guessed at scale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from portal.domain.complaint import (
    FINDING_TITLES, STATUS_TITLES, Complaint, Event, Status,
)
from portal.domain.deadlines import ClockKind
from portal.domain.errors import DomainError, RateLimited
from portal.domain.receipts import normalize
from portal.i18n import N_
from portal.ports import ConditionFailed
from portal.services import disclosure, ratelimit, reward_claims
from portal.services.deps import Deps
from portal.services.keys import lookups
from portal.services.notifications import commit_complaint


@dataclass
class HistoryLine:
    at: datetime
    text: str  #: msgid (or verbatim text when ``params`` is {"text": ...})
    params: dict
    by_reporter: bool  #: the reporter's own words (a reply)


@dataclass
class ReporterView:
    status: Status
    status_title: str
    category_title: str
    lead_name: str
    received_at: datetime
    acceptance_due: datetime | None
    result_due: datetime | None
    provisional: bool
    history: list[HistoryLine]
    info_pending: bool
    can_reply: bool
    finding_title: str | None
    result_text: str
    phone_on_file: bool
    phone_verified: bool
    evidence_count: int
    steps: list["Step"] = field(default_factory=list)  #: the step bar (12336 vocabulary)
    question: str | None = None  #: the office's open question to the reporter (info_pending), verbatim
    #: the due date shown is in a year whose official arrangement is not entered yet (portal.domain.calendar)
    acceptance_provisional: bool = False
    result_provisional: bool = False
    extras: dict = field(default_factory=dict)  #: later features (rewards, disclosure) add their parts here


@dataclass(frozen=True)
class Step:
    """One step of the status page's step bar, in the words of the 12336 land-and-resources
    reporting line: 接收 → 判定 → 核查 → 处理 → 反馈."""

    key: str  #: received | judged | checked | handled | told
    title: str  #: msgid
    state: str  #: done | current | upcoming | skipped
    at: datetime | None = None
    note: str | None = None  #: msgid, e.g. "不予受理"


STEP_TITLES = {"received": N_("接收"), "judged": N_("判定"), "checked": N_("核查"), "handled": N_("处理"),
               "told": N_("反馈")}


def steps(complaint: Complaint, events: list[Event]) -> list[Step]:
    """The step bar: received (the filing), judged (accepted or declined, 004 C20, L17),
    checked (the on-site check, or the finding at the conclusion), handled (concluded) and
    told (the result reached the reporter, or the decline was told), each with its date.
    A declined report skips checking and handling; a reopened one goes back to the step it is at."""
    status = complaint.status
    last = lambda *kinds: next((e.at for e in reversed(events) if e.kind in kinds), None)  # noqa: E731
    onsite = next((e.at for e in events if e.kind == "onsite_recorded"), None)
    declined = status == Status.DECLINED
    concluded = status in (Status.CONCLUDED, Status.CLOSED)
    done = {
        "received": complaint.received_at,
        "judged": last("accepted", "declined") if status != Status.RECEIVED else None,
        "checked": None if declined else (onsite or (complaint.concluded_at if concluded else None)),
        "handled": complaint.concluded_at if concluded else None,
        "told": complaint.closed_at if status in (Status.CLOSED, Status.DECLINED) else None,
    }
    result, current_given = [], False
    for key, title in STEP_TITLES.items():
        note = N_("不予受理") if declined and key == "judged" else None
        if declined and key in ("checked", "handled"):
            result.append(Step(key, title, "skipped", None, N_("不适用")))
        elif done[key] is not None:
            result.append(Step(key, title, "done", done[key], note))
        elif not current_given:
            current_given = True
            result.append(Step(key, title, "current"))
        else:
            result.append(Step(key, title, "upcoming"))
    return result


WRONG_RECEIPT = N_("回执号不正确。请核对16位数字后再试。")


def find_by_receipt(deps: Deps, receipt_text: str | None, client: str, now: datetime) -> tuple[Complaint, str]:
    """The complaint for a receipt, or DomainError. Guessing is limited per client and overall.

    Reaching the overall limit does not shut everyone out (an attacker could then stop every
    reporter reading their status page): it tightens every client's budget to
    ``receipt_miss_strict``, so a reporter with a right receipt still gets in."""
    everyone, mine = ratelimit.counts(deps, [("receipt_miss_all", "all"), ("receipt_miss", client)], now)
    budget = "receipt_miss_strict" if everyone >= ratelimit.allowed(deps, "receipt_miss_all") else "receipt_miss"
    if mine >= ratelimit.allowed(deps, budget):
        raise RateLimited(N_("查询失败次数太多，请一小时后再试。"))
    receipt = normalize(receipt_text)
    complaint = lookups.complaint_for_receipt(deps, receipt) if receipt else None
    if complaint is None:
        ratelimit.hit(deps, "receipt_miss", client, now)
        ratelimit.hit(deps, "receipt_miss_all", "all", now)
        raise DomainError(WRONG_RECEIPT, field="receipt")
    return complaint, receipt


def _history(events: list[Event]) -> list[HistoryLine]:
    """``by_reporter`` marks the reporter's own words (a reply), not every event the reporter
    caused: "您的举报已收到。" is the portal speaking, though the filing was the reporter's."""
    return [HistoryLine(at=e.at, text=e.public, params=e.params, by_reporter=e.kind == "reporter_replied")
            for e in events if e.public]


def _open_question(complaint: Complaint, events: list[Event]) -> str | None:
    """The question the office asked and the reporter has not answered yet: shown at the top
    of the status page, so that it is not missed below the step bar."""
    if not complaint.info_pending:
        return None
    asked = next((e for e in reversed(events) if e.kind == "info_requested"), None)
    return (asked.params or {}).get("text") if asked else None


def view(deps: Deps, complaint: Complaint, now: datetime) -> ReporterView:
    """The reporter's view; opening it after the conclusion is the written notice for a
    reporter without a phone (it meets the result-notice clock, 004 C20 / L17)."""
    if complaint.result_read_on_status_page(now):
        try:
            commit_complaint(deps, complaint, now)
        except ConditionFailed:
            complaint = deps.repos.complaints.get(complaint.id)
    county = deps.counties.get(complaint.county) or deps.counties.default
    category = county.category(complaint.category)
    events, requests = deps.repos.history_and_disclosures(complaint.id)
    acceptance = complaint.clock(ClockKind.ACCEPTANCE)
    result = complaint.clock(ClockKind.RESULT_NOTICE)
    return ReporterView(
        status=complaint.status,
        status_title=STATUS_TITLES[complaint.status],
        category_title=category.title if category else complaint.category,
        lead_name=county.unit_name(complaint.lead),
        received_at=complaint.received_at,
        acceptance_due=acceptance.due_at if acceptance else None,
        result_due=result.due_at if result else None,
        provisional=any(c.provisional and c.is_open for c in complaint.clocks.values()),
        history=_history(events),
        info_pending=complaint.info_pending,
        can_reply=complaint.is_open,
        finding_title=FINDING_TITLES[complaint.finding] if complaint.finding else None,
        result_text=complaint.result_text,
        phone_on_file=complaint.contact is not None and complaint.contact.is_phone and complaint.contact.envelope is not None,
        phone_verified=complaint.contact is not None and complaint.contact.verified_at is not None,
        evidence_count=len(complaint.evidence),
        steps=steps(complaint, events),
        question=_open_question(complaint, events),
        acceptance_provisional=bool(acceptance and acceptance.provisional),
        result_provisional=bool(result and result.provisional),
        extras=_extras(deps, complaint, now, requests),
    )


def _extras(deps: Deps, complaint: Complaint, now: datetime, requests: list) -> dict:
    """The status page's parts from other features (each has a ``template``): the reward
    (004 C20, L17) and any request to see the reporter's contact (``requests``, read with the history)."""
    parts = {"reward": reward_claims.reporter_part(deps, complaint, now),
             "disclosure": disclosure.reporter_part(deps, complaint, requests)}
    return {name: part for name, part in parts.items() if part is not None}


def reply(deps: Deps, complaint: Complaint, text: str | None, client: str, now: datetime) -> None:
    from portal.services.intake import clean_text

    ratelimit.check(deps, "reply", client, now)
    body = clean_text(text, 2000)
    if len(body) > 2000:
        raise DomainError(N_("补充内容太长了，请控制在 %(n)s 字以内。"), field="text", n=2000)
    for _ in range(3):
        complaint.reporter_reply(now, body)
        try:
            commit_complaint(deps, complaint, now)
            return
        except ConditionFailed:
            complaint = deps.repos.complaints.get(complaint.id)
    raise DomainError(N_("系统繁忙，请稍后再试。"))
