"""What the sweeper does for a campaign (``portal.services.sweeper``: the campaign record's ``due``
keys wake it, ``Campaign.wake_at``):

- on each reporting day (003 §3(3): the 15th and the 30th, the last day of a month without a
  30th; or the monthly meeting, 002 §6(6)), at 00:00, it prepares the progress notice
  (``notice.prepare``), once: a reporting day missed while the sweeper was down is prepared at
  the next sweep, each in turn;
- at the end of the handling phase (查处整改, 003 §2(3)) it flags to the office every item not
  written off (and not found no violation), each once (``CampaignItem.flag_overdue``), in
  transactions of at most ``CHUNK`` items conditional on each item's version; then it closes
  the pass on the campaign (one event naming the items). A pass cut short is finished by the
  next sweep: items already flagged are not flagged again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime

from portal.domain.campaigns.items import flag_candidates
from portal.ports import ConditionFailed
from portal.services.campaigns import notice
from portal.services.campaigns.records import all_rows
from portal.services.deps import Deps

log = logging.getLogger(__name__)

CHUNK = 90  #: items per transaction (DynamoDB takes 100 operations)
RETRIES = 5
MAX_STEPS = 24  #: notices prepared and passes made in one sweep (the rest at the next)


@dataclass
class CampaignSweep:
    notices: list[date] = field(default_factory=list)
    flagged: int = 0
    flag_pass_done: bool = False


def sweep_campaign(deps: Deps, campaign_id: str, now: datetime) -> CampaignSweep:
    out = CampaignSweep()
    for _ in range(MAX_STEPS):
        campaign = deps.repos.campaigns.get(campaign_id)
        if campaign is None:
            return out
        day = campaign.report_due(now)
        if day is not None:
            try:
                notice.prepare(deps, campaign, day, now)
                out.notices.append(day)
            except ConditionFailed:
                pass  # another sweep prepared it, or the campaign changed: look again
            continue
        if campaign.flag_due(now):
            out.flagged += _flag_items(deps, campaign, now)
            campaign = deps.repos.campaigns.get(campaign_id)
            if not campaign.flag_due(now):
                continue
            flagged = [item.ticket for item in deps.repos.campaigns.items(campaign.id) if item.flagged_at is not None]
            campaign.overdue_flag_done(now, flagged)
            try:
                deps.store.write(deps.repos.campaigns.save_ops(campaign))
            except ConditionFailed:
                continue
            deps.repos.campaigns.committed(campaign)
            out.flag_pass_done = True
            continue
        return out
    log.warning("campaign %s still due after %d steps; left for the next sweep", campaign_id, MAX_STEPS)
    return out


def _flag_items(deps: Deps, campaign, now: datetime) -> int:
    """Flag every overdue item not flagged yet, a chunk per transaction; a chunk that meets a
    concurrent change is read again."""
    flagged = 0
    for _ in range(RETRIES):
        due = flag_candidates(campaign, [(r.item, r.ticket) for r in all_rows(deps, campaign)], now)
        if not due:
            return flagged
        for start in range(0, len(due), CHUNK):
            chunk = due[start:start + CHUNK]
            for item in chunk:
                item.flag_overdue(now)
            try:
                deps.store.write([deps.repos.campaigns.item_op(item) for item in chunk])
                flagged += len(chunk)
            except ConditionFailed:
                break  # read the rest again
    return flagged
