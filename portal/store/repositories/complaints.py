"""Complaints with their history and unique pointers (receipt, public id, form submission),
and the cases that group them."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Iterable

from portal.crypto import contexts
from portal.domain.cases import Case
from portal.domain.complaint import Complaint, Event, Status
from portal.ports import ABSENT, Item, Op, Put, Store
from portal.store import keys as K
from portal.store.codec import dump, load
from portal.store.formats import EnvelopeField, declare
from portal.store.repositories.base import epoch, expect_version, versioned
from portal.timeutil import to_store

ACTIVE = frozenset({Status.RECEIVED, Status.ACCEPTED, Status.CONCLUDED})


def _complaint_envelopes(item: Item) -> list[EnvelopeField]:
    """The reporter's contact (a phone with its keyed hash beside it, a postal or email address)."""
    complaint_id = item.pk.removeprefix("CMP#")
    contact = item.body.get("contact") or {}
    phone = contact.get("kind", "phone") == "phone"
    return [EnvelopeField(("contact", "envelope"), contexts.contact(complaint_id),
                          hash_path=("contact", "phone_hash") if phone else None, hash_purpose="phone" if phone else None)]


def _receipt_1_to_2(item: Item) -> Item:
    """Format 2 names the hash key the pointer's key was made with; format 1 pointers were all
    made with the first hash key, before keys had ids (``None``)."""
    return replace(item, body={**item.body, "key": None})


COMPLAINT = declare("complaint", pk="CMP#", sk="#META", envelopes=_complaint_envelopes)
EVENT = declare("complaint event", pk="CMP#", sk="EVT#")
RECEIPT_POINTER = declare("receipt pointer", pk="RCPT#", version=2, migrations={1: _receipt_1_to_2})
PUBLIC_ID_POINTER = declare("public id pointer", pk="PUB#")
SUBMISSION_POINTER = declare("submission pointer", pk="SUB#")
CASE = declare("case", pk="CASE#", sk="#META")


class Complaints:
    def __init__(self, store: Store, shards: int):
        self.store, self.shards = store, shards

    def _keys(self, c: Complaint) -> dict[str, str]:
        pk = K.complaint_pk(c.id)
        active = c.status in ACTIVE
        bucket = "active" if active else "done"
        if active:
            order = to_store(c.next_due() or c.received_at)
        else:
            order = to_store(c.closed_at or c.concluded_at or c.received_at)
        keys = {
            "queue_pk": f"Q#{c.county}#{c.lead}#{bucket}", "queue_sk": f"{order}#{c.id}",
            "case_pk": K.case_pk(c.case_id), "case_sk": f"{to_store(c.received_at)}#{c.seq:012d}",
            "nearby_pk": f"N#{c.county}#{c.category}", "nearby_sk": f"{to_store(c.received_at)}#{c.id}",
        }
        if c.co_handler and not c.discipline_only:
            keys.update(area_pk=f"A#{c.county}#{c.co_handler}#{bucket}", area_sk=f"{order}#{c.id}")
        if not c.discipline_only:
            keys.update(county_pk=f"K#{c.county}#{bucket}", county_sk=f"{order}#{c.id}")
        keys.update(K.due_keys(pk, K.META, c.wake_at(), self.shards))
        return keys

    def item(self, c: Complaint) -> Item:
        return Item(pk=K.complaint_pk(c.id), sk=K.META, body=dump(c), version=c.version, keys=self._keys(c))

    def save_ops(self, c: Complaint) -> list[Op]:
        ops: list[Op] = [Put(self.item(c), expect=expect_version(c.version))]
        for event in c.new_events:
            ops.append(Put(Item(pk=K.complaint_pk(c.id), sk=K.event_sk(event.n), body=dump(event)), expect=ABSENT))
        return ops

    @staticmethod
    def committed(c: Complaint) -> None:
        """Call after the transaction holding ``save_ops(c)`` succeeded."""
        c.version += 1
        c.new_events.clear()
        c.new_notifications.clear()

    def pointer_ops(self, c: Complaint, submission_hash: str | None, submission_ttl: datetime | None,
                    hash_key: str | None = None) -> list[Op]:
        """Unique pointers created with the complaint: its receipt hash (made with the hash key
        ``hash_key``) and the form submission."""
        ops: list[Op] = [self.receipt_pointer_op(c, hash_key)]
        if c.public_id:
            ops.append(Put(Item(pk=f"PUB#{c.public_id}", sk=K.POINTER, body={"complaint": c.id}), expect=ABSENT))
        if submission_hash:
            ops.append(Put(Item(pk=K.submission_pk(submission_hash), sk=K.POINTER, body={"complaint": c.id},
                                expires_at=epoch(submission_ttl) if submission_ttl else None), expect=ABSENT))
        return ops

    @staticmethod
    def receipt_pointer_op(c: Complaint, hash_key: str | None) -> Op:
        return Put(Item(pk=K.receipt_pk(c.receipt_hash), sk=K.POINTER, body={"complaint": c.id, "key": hash_key}),
                   expect=ABSENT)

    def receipt_pointer(self, receipt_hash: str) -> Item | None:
        return self.store.get(K.receipt_pk(receipt_hash), K.POINTER)

    @staticmethod
    def from_item(item: Item) -> Complaint:
        return versioned(Complaint, item)

    def get(self, complaint_id: str) -> Complaint | None:
        item = self.store.get(K.complaint_pk(complaint_id), K.META)
        return self.from_item(item) if item else None

    def id_for_receipt(self, receipt_hash: str) -> str | None:
        item = self.store.get(K.receipt_pk(receipt_hash), K.POINTER)
        return item.body["complaint"] if item else None

    def get_by_receipt(self, receipt_hash: str) -> Complaint | None:
        complaint_id = self.id_for_receipt(receipt_hash)
        return self.get(complaint_id) if complaint_id else None

    def id_for_public(self, public_id: str) -> str | None:
        item = self.store.get(f"PUB#{public_id}", K.POINTER)
        return item.body["complaint"] if item else None

    def id_for_submission(self, submission_hash: str) -> str | None:
        item = self.store.get(*self.submission_key(submission_hash))
        return item.body["complaint"] if item else None

    @staticmethod
    def submission_key(submission_hash: str) -> tuple[str, str]:
        return K.submission_pk(submission_hash), K.POINTER

    def history(self, complaint_id: str) -> list[Event]:
        events, cursor = [], None
        while True:
            page = self.store.query(K.complaint_pk(complaint_id), sk_prefix="EVT#", limit=500, cursor=cursor)
            events += [load(Event, dict(i.body)) for i in page.items]
            cursor = page.cursor
            if not cursor:
                return events

    def list(self, index: str, partition: str, *, limit: int = 50, cursor: str | None = None,
             descending: bool = False) -> tuple[list[Complaint], str | None]:
        page = self.store.query(partition, index=index, limit=limit, cursor=cursor, descending=descending)
        return [self.from_item(i) for i in page.items], page.cursor

    def iterate(self, index: str, partition: str, **bounds) -> Iterable[Complaint]:
        cursor = None
        while True:
            page = self.store.query(partition, index=index, limit=500, cursor=cursor, **bounds)
            for item in page.items:
                yield self.from_item(item)
            cursor = page.cursor
            if not cursor:
                return

    def in_case(self, case_id: str) -> list[Complaint]:
        return list(self.iterate("case", K.case_pk(case_id)))

    def recent_in_category(self, county: str, category: str, since: datetime) -> list[Complaint]:
        return list(self.iterate("nearby", f"N#{county}#{category}", sk_from=to_store(since)))


class Cases:
    def __init__(self, store: Store):
        self.store = store

    def save_op(self, case: Case) -> Op:
        return Put(Item(pk=K.case_pk(case.id), sk=K.META, body=dump(case), version=case.version),
                   expect=expect_version(case.version))

    @staticmethod
    def committed(case: Case) -> None:
        case.version += 1

    def get(self, case_id: str) -> Case | None:
        item = self.store.get(K.case_pk(case_id), K.META)
        if item is None:
            return None
        return versioned(Case, item)
