"""Who may see and do what: the one table every staff page and API call is checked against.

Scope (RULES.md §1-2):
- officer and head: tickets their department leads (the head also assigns), and, for urban
  management, tickets handed over to it for forced demolition (004 C25): it co-handles that
  step alone (the demolition plan), as a township co-handles the on-site check;
- township: tickets it co-handles (the on-site check) or leads;
- supervisor (the leading-group office): every ticket except discipline-only ones;
- discipline: the only role that sees reports involving public officials (000 §2(3), §4(2)4;
  004 C36), and every ticket it leads;
- finance, custodian, admin: no tickets at all (reward payments, disclosure requests, accounts).
No role ever sees the reporter's phone or receipt: those never leave the services.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from portal.i18n import N_


class Role(StrEnum):
    OFFICER = "officer"
    HEAD = "head"
    TOWNSHIP = "township"
    SUPERVISOR = "supervisor"
    DISCIPLINE = "discipline"
    FINANCE = "finance"
    CUSTODIAN = "custodian"
    ADMIN = "admin"


ROLE_TITLES = {
    Role.OFFICER: N_("部门经办人"),
    Role.HEAD: N_("部门负责人"),
    Role.TOWNSHIP: N_("乡镇执法队"),
    Role.SUPERVISOR: N_("领导小组办公室（督办）"),
    Role.DISCIPLINE: N_("纪委监委"),
    Role.FINANCE: N_("财政（奖励发放）"),
    Role.CUSTODIAN: N_("身份信息保管人"),
    Role.ADMIN: N_("系统管理员"),
}

#: the unit kind each role belongs to (checked when an account is created)
ROLE_UNIT_KIND = {
    Role.OFFICER: "bureau",
    Role.HEAD: "bureau",
    Role.TOWNSHIP: "township",
    Role.SUPERVISOR: "oversight",
    Role.DISCIPLINE: "discipline",
    Role.FINANCE: "finance",
    Role.CUSTODIAN: "oversight",
    Role.ADMIN: "oversight",
}


@dataclass(frozen=True)
class Actor:
    username: str
    role: Role
    unit: str  #: department or township code
    county: str


class Action(StrEnum):
    VIEW = "view"
    ACCEPT = "accept"
    DECLINE = "decline"
    TRANSFER = "transfer"
    ASK_INFO = "ask_info"
    ONSITE = "onsite"
    STOP_ORDER = "stop_order"
    RECTIFIED = "rectified"
    CONCLUDE = "conclude"
    WRITTEN_NOTICE = "written_notice"
    REOPEN = "reopen"
    ASSIGN = "assign"
    CASE = "case"  #: merge, split, mark stock/new
    AUDIT = "audit"  #: read a ticket's audit trail
    DISCLOSURE_REQUEST = "disclosure_request"
    REWARD_PROPOSE = "reward_propose"  #: see the case's reward, propose an amount (004 C20, L17)
    REWARD_APPROVE = "reward_approve"  #: approve or reject another person's proposal; review held claims
    DEMOLITION_HANDOVER = "demolition_handover"  #: hand over for forced demolition (004 C25)
    DEMOLITION_PLAN = "demolition_plan"  #: record the forced-demolition plan (004 C25)
    NOTICE_POST = "notice_post"  #: print the written notice to a postal address, record it posted (004 C20)
    FEEDBACK = "feedback"  #: record the result fed back to the higher level or department (004 C9, L8)
    ACCEPTANCE_CHECK = "acceptance_check"  #: record an acceptance check (验收, 003 §2(3))
    WRITE_OFF = "write_off"  #: write the item off the ledger (销号, 003 §2(3))


def _leads(actor: Actor, ticket) -> bool:
    return ticket.lead == actor.unit


def _demolishes(actor: Actor, ticket) -> bool:
    """Officers and heads of the department the ticket was handed over to for forced
    demolition (004 C25: urban management inside the county built-up area)."""
    unit = getattr(ticket, "demolition_unit", None)
    return unit is not None and unit == actor.unit and actor.role in (Role.OFFICER, Role.HEAD)


def can_view(actor: Actor, ticket) -> bool:
    if ticket.county != actor.county:
        return False
    if ticket.discipline_only:
        return actor.role == Role.DISCIPLINE
    if actor.role in (Role.OFFICER, Role.HEAD):
        return _leads(actor, ticket) or _demolishes(actor, ticket)
    if actor.role == Role.TOWNSHIP:
        return ticket.co_handler == actor.unit or _leads(actor, ticket)
    if actor.role == Role.SUPERVISOR:
        return True
    if actor.role == Role.DISCIPLINE:
        return _leads(actor, ticket)
    return False


def _handles(actor: Actor, ticket) -> bool:
    """The lead unit's case workers: officers and heads of the lead department, the township
    when it leads, the discipline commission for its tickets."""
    if not _leads(actor, ticket):
        return False
    return actor.role in (Role.OFFICER, Role.HEAD, Role.TOWNSHIP, Role.DISCIPLINE)


def _on_site(actor: Actor, ticket) -> bool:
    return actor.role == Role.TOWNSHIP and ticket.co_handler == actor.unit


#: roles that take reports in at a unit's published phone, mailbox, email or counter (004 C20, L17)
REGISTERING_ROLES = (Role.OFFICER, Role.HEAD, Role.TOWNSHIP, Role.SUPERVISOR)


def can_register(actor: Actor) -> bool:
    """Staff of a bureau, a township or the leading-group office register reports their unit
    received (004 C20, L17: each publishes a mailbox, an email address and a phone)."""
    return actor.role in REGISTERING_ROLES


def _received(actor: Actor, ticket) -> bool:
    """The unit that received and registered the report: it holds the letter (and the address on
    it), so it prints and posts the written notice and may record the feedback to the sender,
    without seeing the ticket. A report about officials stays with the discipline commission."""
    intake = getattr(ticket, "intake", None)
    if ticket.county != actor.county or intake is None or intake.received_by != actor.unit:
        return False
    return actor.role in REGISTERING_ROLES and not ticket.discipline_only


def can(actor: Actor, action: Action, ticket) -> bool:
    """The authorization table. Every branch starts from ``can_view``: out of scope is out,
    but for the receiving unit's two steps of a registered report (``_received``)."""
    if action in (Action.NOTICE_POST, Action.FEEDBACK) and _received(actor, ticket):
        return True
    if not can_view(actor, ticket):
        return False
    if action == Action.VIEW:
        return True
    if action in (Action.ACCEPT, Action.DECLINE, Action.TRANSFER, Action.ASK_INFO, Action.CONCLUDE,
                  Action.WRITTEN_NOTICE, Action.DISCLOSURE_REQUEST, Action.FEEDBACK):
        return _handles(actor, ticket)
    if action in (Action.ONSITE, Action.STOP_ORDER, Action.RECTIFIED):
        return _on_site(actor, ticket) or _handles(actor, ticket)
    if action == Action.DEMOLITION_HANDOVER:
        # a discipline-only ticket stays with the commission: no other department may see it
        return _handles(actor, ticket) and not ticket.discipline_only
    if action == Action.DEMOLITION_PLAN:
        return _demolishes(actor, ticket)
    if action == Action.NOTICE_POST:
        # the receiving unit posts it (above); for a report about officials, the commission itself
        return ticket.discipline_only and _handles(actor, ticket)
    if action == Action.ASSIGN:
        return _leads(actor, ticket) and actor.role in (Role.HEAD, Role.DISCIPLINE)
    if action == Action.REOPEN:
        return actor.role == Role.SUPERVISOR or (ticket.discipline_only and actor.role == Role.DISCIPLINE)
    if action == Action.CASE:
        return _handles(actor, ticket) or actor.role == Role.SUPERVISOR
    if action == Action.AUDIT:
        return actor.role in (Role.SUPERVISOR, Role.DISCIPLINE)
    if action in (Action.ACCEPTANCE_CHECK, Action.WRITE_OFF):
        # 003 §2(3): the leading group checks, accepts and writes off (the office keeps the
        # ledger); the discipline commission for the reports no supervisor sees
        return actor.role == Role.SUPERVISOR or (ticket.discipline_only and actor.role == Role.DISCIPLINE)
    if action in (Action.REWARD_PROPOSE, Action.REWARD_APPROVE):
        # the leading-group office for the cases it sees; the discipline commission for
        # reports about officials, which no supervisor sees. The second-person rule (nobody
        # approves their own proposal) is the reward's own (portal.domain.rewards).
        return actor.role == Role.SUPERVISOR or (ticket.discipline_only and actor.role == Role.DISCIPLINE)
    return False


def pays_rewards(actor: Actor) -> bool:
    """Finance pays rewards of its county: it sees the payment view (amounts, claims, payee
    details on request, each read audited) and never a ticket."""
    return actor.role == Role.FINANCE


def can_see_queue_of(actor: Actor) -> str | None:
    """Which list the actor's queue page shows: ``unit`` (lead), ``area`` (township), ``county`` (supervisor)."""
    if actor.role in (Role.OFFICER, Role.HEAD, Role.DISCIPLINE):
        return "unit"
    if actor.role == Role.TOWNSHIP:
        return "area"
    if actor.role == Role.SUPERVISOR:
        return "county"
    return None
