"""Campaign records (专项行动), over the store port like every repository.

========================  ================  ==========================================================
record                    pk                sk
========================  ================  ==========================================================
campaign                  ``CAMP#<id>``     ``#META`` (index ``county``: ``CAMPS#<county>``, by first
                                            day; index ``due``: its next reporting day or the end of
                                            its handling phase)
campaign history event    ``CAMP#<id>``     ``EVT#<n:06d>`` (never removed)
problem-list item         ``CAMP#<id>``     ``ITEM#<ticket id>`` (one per ticket; created "must not exist")
progress notice           ``CAMP#<id>``     ``NOTICE#<YYYY-MM-DD>`` (one per reporting day)
========================  ================  ==========================================================

A campaign's items and notices are one partition read with a prefix; the county's campaigns
one query of the ``county`` index. Nothing about a reporter is stored here: an item names its
ticket and case by id only, so no kind holds an envelope. Each kind's format is declared below
(``portal.store.formats``: format 1).
"""

from __future__ import annotations

from typing import Iterable

from portal.domain.campaigns.campaign import Campaign, CampaignEvent
from portal.domain.campaigns.items import CampaignItem
from portal.domain.campaigns.notices import CampaignNotice
from portal.ports import ABSENT, Item, Op, Put, Store
from portal.store import keys as K
from portal.store.codec import dump, load
from portal.store.formats import declare
from portal.store.repositories.base import expect_version as _expect, versioned as _versioned

CAMPAIGN = declare("campaign", pk="CAMP#", sk=K.META)
CAMPAIGN_EVENT = declare("campaign history event", pk="CAMP#", sk="EVT#")
CAMPAIGN_ITEM = declare("campaign problem-list item", pk="CAMP#", sk="ITEM#")
CAMPAIGN_NOTICE = declare("campaign progress notice", pk="CAMP#", sk="NOTICE#")


def campaign_pk(campaign_id: str) -> str:
    return f"CAMP#{campaign_id}"


class CampaignRecords:
    def __init__(self, store: Store, shards: int):
        self.store, self.shards = store, shards

    # --- the campaign and its history -------------------------------------------------------
    def _keys(self, c: Campaign) -> dict[str, str]:
        pk = campaign_pk(c.id)
        keys = {"county_pk": f"CAMPS#{c.county}", "county_sk": f"{c.start.isoformat()}#{c.id}"}
        keys.update(K.due_keys(pk, K.META, c.wake_at(), self.shards))
        return keys

    def save_ops(self, c: Campaign) -> list[Op]:
        ops: list[Op] = [Put(Item(pk=campaign_pk(c.id), sk=K.META, body=dump(c), version=c.version, keys=self._keys(c)),
                             expect=_expect(c.version))]
        for event in c.new_events:
            ops.append(Put(Item(pk=campaign_pk(c.id), sk=K.event_sk(event.n), body=dump(event)), expect=ABSENT))
        return ops

    @staticmethod
    def committed(c: Campaign) -> None:
        c.version += 1
        c.new_events.clear()

    def get(self, campaign_id: str) -> Campaign | None:
        item = self.store.get(campaign_pk(campaign_id), K.META)
        return _versioned(Campaign, item) if item else None

    def in_county(self, county: str) -> list[Campaign]:
        return [_versioned(Campaign, i) for i in self._all(f"CAMPS#{county}", index="county", descending=True)]

    def history(self, campaign_id: str) -> list[CampaignEvent]:
        return [load(CampaignEvent, dict(i.body)) for i in self._all(campaign_pk(campaign_id), sk_prefix="EVT#")]

    # --- the problem list ---------------------------------------------------------------------
    @staticmethod
    def item_sk(ticket_id: str) -> str:
        return f"ITEM#{ticket_id}"

    def item_op(self, item: CampaignItem) -> Op:
        return Put(Item(pk=campaign_pk(item.campaign), sk=self.item_sk(item.ticket), body=dump(item),
                        version=item.version), expect=_expect(item.version))

    def items(self, campaign_id: str) -> list[CampaignItem]:
        return [_versioned(CampaignItem, i) for i in self._all(campaign_pk(campaign_id), sk_prefix="ITEM#")]

    def item(self, campaign_id: str, ticket_id: str) -> CampaignItem | None:
        found = self.store.get(campaign_pk(campaign_id), self.item_sk(ticket_id))
        return _versioned(CampaignItem, found) if found else None

    # --- notices ------------------------------------------------------------------------------
    @staticmethod
    def notice_sk(day) -> str:
        return f"NOTICE#{day.isoformat()}"

    def notice_op(self, notice: CampaignNotice) -> Op:
        return Put(Item(pk=campaign_pk(notice.campaign), sk=self.notice_sk(notice.day), body=dump(notice),
                        version=notice.version), expect=_expect(notice.version))

    def notices(self, campaign_id: str) -> list[CampaignNotice]:
        return [_versioned(CampaignNotice, i) for i in self._all(campaign_pk(campaign_id), sk_prefix="NOTICE#")]

    def notice(self, campaign_id: str, day) -> CampaignNotice | None:
        found = self.store.get(campaign_pk(campaign_id), self.notice_sk(day))
        return _versioned(CampaignNotice, found) if found else None

    def _all(self, partition: str, **kwargs) -> Iterable[Item]:
        cursor = None
        while True:
            page = self.store.query(partition, limit=500, cursor=cursor, **kwargs)
            yield from page.items
            cursor = page.cursor
            if not cursor:
                return
