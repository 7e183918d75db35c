"""Rewards (004 C20, L17)."""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from portal.crypto import contexts
from portal.domain.rewards import Reward
from portal.ports import ABSENT, ANY, Delete, Item, Op, Put, Store
from portal.store import keys as K
from portal.store.codec import dump
from portal.store.formats import EnvelopeField, declare
from portal.store.repositories.base import epoch, expect_version, versioned
from portal.timeutil import to_store


def _reward_envelopes(item: Item) -> list[EnvelopeField]:
    case_id = item.pk.removeprefix("CASE#")
    return [EnvelopeField(("claim", "payee_envelope"), contexts.payee(case_id)),
            EnvelopeField(("claim", "collection_envelope"), contexts.collection_code(case_id))]


REWARD = declare("reward", pk="CASE#", sk="REWARD", envelopes=_reward_envelopes)
BENEFICIARY_POINTER = declare("reward beneficiary pointer", pk="CMP#", sk="REWARD")
PHONE_CLAIM = declare("reward claim per phone", pk="RWDPHONE#")


class Rewards:
    """A case's reward at ``CASE#<id>`` / ``REWARD``, listed per county (index ``county``,
    ``RWD#<county>``) and due for the sweeper at the end of its claim window (index ``due``).
    The beneficiary's ticket points at it (``CMP#<id>`` / ``REWARD``), so the status page finds
    the reporter's reward even after a split. Claims verified from a phone are counted per
    keyed phone hash (``RWDPHONE#<hash>``, kept for the county's flag period) for the abuse check."""

    SK = "REWARD"

    def __init__(self, store: Store, shards: int, retention_days: int):
        self.store, self.shards, self.retention_days = store, shards, retention_days

    def item(self, r: Reward) -> Item:
        pk = K.case_pk(r.case_id)
        keys = {"county_pk": f"RWD#{r.county}", "county_sk": f"{to_store(r.created_at)}#{r.case_id}"}
        keys.update(K.due_keys(pk, self.SK, r.wake_at(self.retention_days), self.shards))
        return Item(pk=pk, sk=self.SK, body=dump(r), version=r.version, keys=keys)

    def save_op(self, r: Reward) -> Op:
        return Put(self.item(r), expect=expect_version(r.version))

    @staticmethod
    def committed(r: Reward) -> None:
        r.version += 1

    @staticmethod
    def from_item(item: Item) -> Reward:
        return versioned(Reward, item)

    def get(self, case_id: str) -> Reward | None:
        item = self.store.get(K.case_pk(case_id), self.SK)
        return self.from_item(item) if item else None

    def in_county(self, county: str) -> Iterable[Reward]:
        cursor = None
        while True:
            page = self.store.query(f"RWD#{county}", index="county", limit=500, cursor=cursor, descending=True)
            for item in page.items:
                yield self.from_item(item)
            cursor = page.cursor
            if not cursor:
                return

    # --- the beneficiary's pointer ------------------------------------------------------
    def case_of(self, complaint_id: str) -> str | None:
        item = self.store.get(K.complaint_pk(complaint_id), self.SK)
        return item.body["case"] if item else None

    def pointer_op(self, complaint_id: str, case_id: str) -> Op:
        return Put(Item(pk=K.complaint_pk(complaint_id), sk=self.SK, body={"case": case_id}), expect=ANY)

    def pointer_delete_op(self, complaint_id: str) -> Op:
        return Delete(K.complaint_pk(complaint_id), self.SK)

    # --- claims per phone (abuse check) -------------------------------------------------
    @staticmethod
    def _phone_pk(phone_hash: str) -> str:
        return f"RWDPHONE#{phone_hash}"

    def phone_claim_op(self, phone_hash: str, at: datetime, case_id: str, keep_until: datetime) -> Op:
        return Put(Item(pk=self._phone_pk(phone_hash), sk=f"{to_store(at)}#{case_id}", body={"case": case_id},
                        expires_at=epoch(keep_until)), expect=ABSENT)

    def phone_claims_since(self, phone_hash: str, since: datetime) -> list[str]:
        """Case ids of the rewards claimed from this phone since ``since``."""
        page = self.store.query(self._phone_pk(phone_hash), sk_from=to_store(since), limit=1000)
        return [i.body["case"] for i in page.items]

    def phone_claim_delete_ops(self, phone_hash: str, case_id: str) -> list[Op]:
        page = self.store.query(self._phone_pk(phone_hash), limit=1000)
        return [Delete(i.pk, i.sk) for i in page.items if i.body.get("case") == case_id]
