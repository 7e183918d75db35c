"""Requests to see a reporter's phone."""

from __future__ import annotations

from portal.domain.disclosure import DisclosureRequest, DisclosureStatus
from portal.ports import Item, Op, Put, Store
from portal.store import keys as K
from portal.store.codec import dump
from portal.store.formats import declare
from portal.store.repositories.base import expect_version, versioned
from portal.timeutil import to_store

DISCLOSURE = declare("disclosure request", pk="CMP#", sk="DISC#")


class Disclosures:
    """Requests to see a reporter's phone, in the complaint's partition (``DISC#<n>``); while
    pending they are listed for the county's custodians (``county`` index, ``DISC#<county>``)."""

    def __init__(self, store: Store):
        self.store = store

    @staticmethod
    def sk(n: int) -> str:
        return f"DISC#{n:04d}"

    def save_op(self, r: DisclosureRequest) -> Op:
        keys = {}
        if r.status == DisclosureStatus.PENDING:
            keys = {"county_pk": f"DISC#{r.county}", "county_sk": f"{to_store(r.requested_at)}#{r.complaint_id}#{r.n:04d}"}
        return Put(Item(pk=K.complaint_pk(r.complaint_id), sk=self.sk(r.n), body=dump(r), version=r.version,
                        keys=keys), expect=expect_version(r.version))

    @staticmethod
    def committed(r: DisclosureRequest) -> None:
        r.version += 1

    @staticmethod
    def _load(item: Item) -> DisclosureRequest:
        return versioned(DisclosureRequest, item)

    def get(self, complaint_id: str, n: int) -> DisclosureRequest | None:
        item = self.store.get(K.complaint_pk(complaint_id), self.sk(n))
        return self._load(item) if item else None

    def for_complaint(self, complaint_id: str) -> list[DisclosureRequest]:
        page = self.store.query(K.complaint_pk(complaint_id), sk_prefix="DISC#", limit=1000)
        return [self._load(i) for i in page.items]

    def pending(self, county: str, limit: int = 200) -> list[DisclosureRequest]:
        page = self.store.query(f"DISC#{county}", index="county", limit=limit)
        return [self._load(i) for i in page.items]
