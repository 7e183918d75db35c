"""The problem list (问题清单, 003 §2(3); 001 §1-2): what the office adds, what the portal suggests,
the units' progress, and the acceptance check and write-off through the campaign.

- **Candidates** (``candidates``): tickets in scope that are not yet in the list, one per case
  (duplicate reports of one violation are one item), not declined, not found untrue, not
  written off: those received before the campaign's first day (existing tickets, which the
  office adds with one action) and those received since (new reports the portal suggests).
  Read through the ``nearby`` index, one partition per category in scope (every report of
  that category, by receipt time): O(reports of the campaign's categories), no table scan.
- **Adding** (``add_tickets``): the office adds the tickets it ticked, all in one transaction
  with the campaign's event and the audit entry, or none (at most ``MAX_ADD`` at once).
- **Progress** (``note_progress``): a responsible unit reports the progress of its own item.
- **Acceptance check and write-off** (``record_acceptance``, ``write_off``): the ticket's own
  steps (``portal.services.workflow``, ``portal.domain.measures``: written off only after a
  recorded check that met the standard, 003 §2(3)), committed with the item's history entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Mapping

from portal.domain.access import Actor, can_view
from portal.domain.campaigns.campaign import Campaign, owns
from portal.domain.campaigns.items import CampaignItem, check_addable, state_of
from portal.domain.complaint import Complaint
from portal.domain.errors import Conflict, DomainError, NotFound
from portal.i18n import N_
from portal.ids import is_id
from portal.ports import ConditionFailed, Op
from portal.services import workflow
from portal.services.campaigns.records import load, require_office
from portal.services.deps import Deps
from portal.services.workflow import text

MAX_ADD = 90  #: tickets added in one action (one transaction, within DynamoDB's 100 operations)
RETRIES = 4
BUSY = N_("问题清单刚刚被其他人修改过，请刷新页面后重试。")


@dataclass
class Candidates:
    existing: list[Complaint]  #: received before the campaign's first day
    suggested: list[Complaint]  #: received during the campaign: the portal's suggestions


def _in_list(deps: Deps, campaign: Campaign) -> tuple[set[str], set[str]]:
    """(tickets, cases) already in the problem list; a case as the ticket now stands too."""
    tickets, cases = set(), set()
    for item in deps.repos.campaigns.items(campaign.id):
        tickets.add(item.ticket)
        cases.add(item.case)
        ticket = deps.repos.complaints.get(item.ticket)
        if ticket is not None:
            cases.add(ticket.case_id)
    return tickets, cases


def candidates(deps: Deps, actor: Actor, campaign_id: str, now: datetime) -> Candidates:
    """What the office may add: existing tickets and the new reports the portal suggests."""
    campaign, _ = load(deps, actor, campaign_id)
    require_office(actor)
    county = deps.counties.get(campaign.county) or deps.counties.default
    categories = campaign.scope.categories or [c.code for c in county.categories if not c.discipline_only]
    _, cases = _in_list(deps, campaign)
    by_case: dict[str, Complaint] = {}
    for category in categories:
        for ticket in deps.repos.complaints.iterate("nearby", f"N#{campaign.county}#{category}"):
            if ticket.case_id in cases or not can_view(actor, ticket) or not campaign.scope.covers(ticket):
                continue
            if state_of(ticket) not in ("open", "handled"):
                continue
            first = by_case.get(ticket.case_id)
            if first is None or (ticket.received_at, ticket.seq) < (first.received_at, first.seq):
                by_case[ticket.case_id] = ticket
    found = sorted(by_case.values(), key=lambda t: (t.received_at, t.seq))
    return Candidates(existing=[t for t in found if t.received_at < campaign.starts_at],
                      suggested=[t for t in found if t.received_at >= campaign.starts_at])


def _source(campaign: Campaign, ticket: Complaint) -> str:
    return "existing" if ticket.received_at < campaign.starts_at else "suggested"


def add_tickets(deps: Deps, actor: Actor, campaign_id: str, ticket_ids: list[str], now: datetime) -> int:
    """The office adds existing tickets and suggested reports to the list, with one action: all
    of them or none (an id out of view, out of scope or already listed refuses the lot)."""
    require_office(actor)
    wanted = list(dict.fromkeys(t for t in ticket_ids if t))
    if not wanted:
        raise DomainError(N_("请勾选要纳入问题清单的举报。"), field="tickets")
    if len(wanted) > MAX_ADD:
        raise DomainError(N_("一次最多纳入 %(n)s 件，请分几次纳入。"), field="tickets", n=MAX_ADD)
    if not all(is_id(t) for t in wanted):
        raise DomainError(N_("所选举报不存在。"), field="tickets")
    for _ in range(RETRIES):
        campaign, _role = load(deps, actor, campaign_id)
        _, cases = _in_list(deps, campaign)
        items = []
        for ticket_id in wanted:
            ticket = deps.repos.complaints.get(ticket_id)
            if ticket is None or ticket.county != campaign.county or not can_view(actor, ticket):
                raise DomainError(N_("所选举报不存在。"), field="tickets")
            check_addable(campaign, ticket, cases, now)
            cases.add(ticket.case_id)
            items.append(CampaignItem.add(campaign, ticket, _source(campaign, ticket), now, actor.username,
                                          actor.unit))
        campaign.items_added(now, actor.username, actor.unit, [i.ticket for i in items])
        ops = deps.repos.campaigns.save_ops(campaign) + [deps.repos.campaigns.item_op(i) for i in items]
        ops.append(deps.repos.audit.op(at=now, actor=actor.username, role=actor.role.value, unit=actor.unit,
                                       action="campaign_add", county=campaign.county,
                                       detail={"campaign": campaign.id, "count": len(items)}))
        try:
            deps.store.write(ops)
        except ConditionFailed:
            continue
        deps.repos.campaigns.committed(campaign)
        return len(items)
    raise Conflict(BUSY)


def _item_for(deps: Deps, actor: Actor, campaign_id: str, ticket_id: str | None, *, office: bool
              ) -> tuple[Campaign, str, CampaignItem, Complaint]:
    campaign, role = load(deps, actor, campaign_id)
    if office:
        require_office(actor)
    item = deps.repos.campaigns.item(campaign.id, ticket_id) if is_id(ticket_id or "") else None
    ticket = deps.repos.complaints.get(item.ticket) if item is not None else None
    if ticket is None or ticket.discipline_only or (role != "office" and not owns(actor, ticket)):
        raise NotFound(N_("没有找到这个问题，或者它不属于您的单位。"))
    return campaign, role, item, ticket


def note_progress(deps: Deps, actor: Actor, campaign_id: str, ticket_id: str | None, note: str | None,
                  now: datetime) -> CampaignItem:
    """A responsible unit reports the progress of its own item (or the office, of any)."""
    note = text(note, "note", required=True, missing=N_("请填写整改进展。"))
    for _ in range(RETRIES):
        campaign, _role, item, _ticket = _item_for(deps, actor, campaign_id, ticket_id, office=False)
        item.note_progress(now, actor.username, actor.unit, note)
        ops = [deps.repos.campaigns.item_op(item),
               deps.repos.audit.op(at=now, actor=actor.username, role=actor.role.value, unit=actor.unit,
                                   action="campaign_progress", county=campaign.county, complaint_id=item.ticket,
                                   detail={"campaign": campaign.id})]
        try:
            deps.store.write(ops)
        except ConditionFailed:
            continue
        return item
    raise Conflict(BUSY)


def _mirror(deps: Deps, actor: Actor, campaign_id: str, ticket_id: str, kind: str, now: datetime,
            data: dict | None = None):
    """The item's history entry for a step of its ticket, read afresh at each try of the ticket's
    transaction (``workflow._act`` calls it after the domain accepted the step)."""
    def ops() -> list[Op]:
        item = deps.repos.campaigns.item(campaign_id, ticket_id)
        item.ticket_step(now, actor.username, actor.unit, kind, data)
        return [deps.repos.campaigns.item_op(item)]
    return ops


def record_acceptance(deps: Deps, actor: Actor, campaign_id: str, ticket_id: str | None, form: Mapping,
                      now: datetime) -> Complaint:
    """003 §2(3), Annex 2 and 3: the acceptance check of an item's ticket (county, city or province
    level, meets the standard or not), recorded on the ticket and in the item's history."""
    campaign, _role, item, ticket = _item_for(deps, actor, campaign_id, ticket_id, office=True)
    return workflow.record_acceptance_check(
        deps, actor, ticket.id, form.get("level"), form.get("meets_standard"), form.get("checked_on"),
        form.get("note"), now,
        extra_ops=_mirror(deps, actor, campaign.id, item.ticket, "acceptance_checked", now,
                          {"level": form.get("level") if form.get("level") in ("county", "city", "province") else "",
                           "meets_standard": form.get("meets_standard") == "yes"}))


def write_off(deps: Deps, actor: Actor, campaign_id: str, ticket_id: str | None, note: str | None,
              now: datetime) -> Complaint:
    """003 §2(3): the item is written off (销号, an event on the ticket and in the item's history)
    only after an acceptance check that met the standard; refused before it
    (``portal.domain.measures.LedgerSteps.record_write_off``)."""
    campaign, _role, item, ticket = _item_for(deps, actor, campaign_id, ticket_id, office=True)
    return workflow.write_off(deps, actor, ticket.id, note, now,
                              extra_ops=_mirror(deps, actor, campaign.id, item.ticket, "written_off", now))
