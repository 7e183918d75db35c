"""The campaign records (portal/store/repositories/campaigns.py) on every store adapter, SQLite and DynamoDB
Local: the campaign with its history and its ``county`` and ``due`` index keys, the items (one
per ticket, "must not exist"), the notices, and a stale write refused."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from portal.domain.campaigns.campaign import Campaign, Reporting, Scope
from portal.domain.campaigns.items import CampaignItem, tally
from portal.domain.campaigns.notices import CampaignNotice
from portal.ports import ConditionFailed
from portal.store.repositories import Repositories
from portal.timeutil import SHANGHAI
from tests.unit.test_campaign_rules import PHASES_003, Ticket

NOW = datetime(2019, 6, 1, 9, 0, tzinfo=SHANGHAI)


def test_campaign_records_round_trip_and_conflict(store):
    repos = Repositories(store, shards=4)
    store = repos.store  # every record through the format stamp, as the services write them
    campaign = Campaign.create(id="01J0CAMPAIGN0000000000000A", county="430225", name="专项行动", phases=list(PHASES_003),
                               scope=Scope(categories=["l1-occupy-land"], units=["natural_resources"]),
                               reporting=Reporting("semimonthly"), ledger_form="annex", basis="", now=NOW,
                               actor="office-1", unit="leading_group_office")
    store.write(repos.campaigns.save_ops(campaign))
    repos.campaigns.committed(campaign)
    loaded = repos.campaigns.get(campaign.id)
    assert loaded.phases == PHASES_003 and loaded.scope == campaign.scope and loaded.next_report == date(2019, 6, 15)
    assert [c.id for c in repos.campaigns.in_county("430225")] == [campaign.id]
    assert repos.campaigns.in_county("430200") == []
    assert [e.kind for e in repos.campaigns.history(campaign.id)] == ["created"]
    # due on its first reporting day (00:00 Asia/Shanghai), through the sharded due index
    assert [r.pk for r in repos.due.due(datetime(2019, 6, 14, 23, 59, tzinfo=SHANGHAI))] == []
    assert [r.pk for r in repos.due.due(datetime(2019, 6, 15, 0, 0, tzinfo=SHANGHAI))] == [f"CAMP#{campaign.id}"]

    item = CampaignItem.add(loaded, Ticket(id="01J0TICKET000000000000000A"), "existing", NOW, "office-1",
                            "leading_group_office")
    store.write([repos.campaigns.item_op(item)])
    with pytest.raises(ConditionFailed):  # the same ticket twice
        store.write([repos.campaigns.item_op(item)])
    stored = repos.campaigns.item(campaign.id, item.ticket)
    assert stored.history == item.history and stored.version == 1
    figures = tally(loaded, [Ticket()], NOW, ["longxi"], ["natural_resources"])
    notice = CampaignNotice.prepare(loaded, date(2019, 6, 15), 1, "排查摸底", figures, [], NOW)
    loaded.notice_prepared(date(2019, 6, 15), NOW)
    store.write(repos.campaigns.save_ops(loaded) + [repos.campaigns.notice_op(notice)])
    again = repos.campaigns.notices(campaign.id)[0]
    assert again.as_figures() == figures and again.day == date(2019, 6, 15)
    with pytest.raises(ConditionFailed):  # the campaign read before the notice is stale
        stale = repos.campaigns.get(campaign.id)
        stale.version = 1
        store.write(repos.campaigns.save_ops(stale))
