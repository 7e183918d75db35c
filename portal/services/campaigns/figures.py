"""What the campaign's pages show: its figures per township and unit (003 §3(3): 对各乡镇政府及相关
单位工作进展情况进行通报), its problem list as the viewer may see it, its notices, its history and
its progress against the phase dates; and the campaigns' summaries on the oversight page.

The figures come from one function (``figures``, over ``domain.campaigns.items.tally``): the
campaign's page, the notice the sweeper prepares on a reporting day and the oversight page
cannot differ. A responsible unit's figures are those of its own items.

Nothing about a reporter: a line names its ticket by the last digits of its id, its category,
township, lead unit, stock or new, state; the basic facts (基本情况) are the conclusion's
summary, or for a problem found in the survey what the unit wrote. Never a reporter's words,
address or place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from portal.domain.access import Actor
from portal.domain.campaigns.campaign import Campaign, CampaignEvent, Phase, township_of
from portal.domain.campaigns.items import CampaignFigures, is_overdue, kind_of, progress, state_of, tally
from portal.domain.campaigns.notices import CampaignNotice
from portal.domain.county import County
from portal.services.campaigns import chart as charts
from portal.services.campaigns.records import Row, all_rows, listing, load, record_view, visible_rows
from portal.services.deps import Deps
from portal.timeutil import local_date


def unit_order(county: County, campaign: Campaign) -> tuple[list[str], list[str]]:
    """(townships, units) listed in the figures even with nothing: the townships in scope (the
    whole county: every one) and the responsible departments, in the county file's order."""
    townships = [t.code for t in county.townships if campaign.scope.covers_township(t.code)]
    units = [d.code for d in county.departments if d.code in campaign.scope.units]
    return townships, units


def figures(county: County, campaign: Campaign, rows: list[Row], now: datetime, whole: bool = True
            ) -> CampaignFigures:
    """The figures of ``rows`` at ``now``; ``whole``: list every township and unit in scope (the
    office's view, the notice); a unit's view lists only the rows its items fall in."""
    townships, units = unit_order(county, campaign) if whole else ([], [])
    return tally(campaign, [r.ticket for r in rows], now, townships, units)


@dataclass
class Line:
    """One item of the problem list as a page shows it."""

    row: Row
    state: str
    kind: str  #: stock | new (004 C22, L19)
    overdue: bool
    township: str
    lead: str
    category: str
    basic: str  #: the unit's survey text, or the conclusion's summary; "" before either

    @property
    def ticket_id(self) -> str:
        return self.row.ticket.id


def line(county: County, campaign: Campaign, row: Row, now: datetime) -> Line:
    ticket = row.ticket
    category = county.category(ticket.category)
    if ticket.survey is not None:
        basic = ticket.description  # the responsible unit's own words, not a reporter's
    else:
        basic = ticket.measures.summary if ticket.measures is not None else ""
    return Line(row=row, state=state_of(ticket), kind=kind_of(ticket), overdue=is_overdue(campaign, ticket, now),
                township=county.unit_name(township_of(ticket)), lead=county.unit_name(ticket.lead),
                category=category.title if category else ticket.category, basic=basic)


@dataclass
class CampaignPage:
    campaign: Campaign
    role: str  #: office | unit
    county: County
    phase: Phase | None  #: today's
    state: str  #: before | running | ended
    lines: list[Line]
    figures: CampaignFigures
    chart: charts.ProgressChart
    notices: list[CampaignNotice]  #: the office: every one; a unit: the issued ones
    history: list[CampaignEvent] = field(default_factory=list)  #: the office only
    in_survey: bool = False
    handling_ended: bool = False


def page(deps: Deps, actor: Actor, campaign_id: str, now: datetime) -> CampaignPage:
    """The campaign's page for the actor (audited)."""
    campaign, role = load(deps, actor, campaign_id)
    county = deps.counties.get(campaign.county) or deps.counties.default
    rows = visible_rows(deps, actor, campaign, role)
    today = local_date(now)
    notices = deps.repos.campaigns.notices(campaign.id)
    if role != "office":
        notices = [n for n in notices if n.issued]
    result = CampaignPage(
        campaign=campaign, role=role, county=county, phase=campaign.phase_on(today), state=campaign.state(now),
        lines=[line(county, campaign, r, now) for r in rows], figures=figures(county, campaign, rows, now,
                                                                              whole=role == "office"),
        chart=charts.build(f"progress-{campaign.id}", campaign,
                           progress(campaign, [(r.item, r.ticket) for r in rows], today), today),
        notices=sorted(notices, key=lambda n: n.day, reverse=True),
        history=deps.repos.campaigns.history(campaign.id) if role == "office" else [],
        in_survey=campaign.in_survey(now), handling_ended=now >= campaign.handling_ends_at)
    record_view(deps, actor, campaign, now)
    return result


@dataclass
class Summary:
    """A campaign on the oversight page: today's phase, the county's totals, the chart."""

    campaign: Campaign
    phase: Phase | None
    state: str
    figures: CampaignFigures
    chart: charts.ProgressChart


#: how long an ended campaign stays on the oversight page
RECENT_DAYS = 60


def oversight_summaries(deps: Deps, actor: Actor, now: datetime) -> list[Summary]:
    """The office's running campaigns (and those ended in the last ``RECENT_DAYS``), beside the
    standing figures (004 C21, L18). Other viewers of the oversight page see none."""
    if actor.role.value != "supervisor":
        return []
    today = local_date(now)
    out = []
    for campaign in listing(deps, actor):
        if campaign.state(now) == "before" or (today - campaign.end).days > RECENT_DAYS:
            continue
        county = deps.counties.get(campaign.county) or deps.counties.default
        rows = all_rows(deps, campaign)
        out.append(Summary(campaign, campaign.phase_on(today), campaign.state(now),
                           figures(county, campaign, rows, now),
                           charts.build(f"oversight-progress-{campaign.id}", campaign,
                                        progress(campaign, [(r.item, r.ticket) for r in rows], today), today)))
    return out
