"""Records of the report channels (``portal.services.channels``), over the store port.

==========================  ==========================  ======================================
record                      pk                          sk
==========================  ==========================  ======================================
inbox message               ``MAIL#<id>``               ``#META``
message fingerprint         ``MAILFP#<hmac of bytes>``  ``#`` (one message stored once)
IMAP claim of one message   ``IMAP#<unit>#<validity>``  ``<uid:012d>``
IMAP mailbox lease          ``IMAPLEASE#<unit>``        ``#``
unit's registrations        ``REG#<county>#<unit>``     ``<registered instant>#<complaint id>``
receipt handed out          ``CMP#<id>``                ``SLIP`` (shown once, or sent once)
==========================  ==========================  ======================================

Inbox messages are listed per unit on the ``county`` index (``INBOX#<county>#<unit>#open|done``)
and wake the sweeper on the ``due`` index when their retention ends.
"""

from __future__ import annotations

from datetime import datetime

from portal.crypto import contexts
from portal.domain.inbox import InboxMessage
from portal.ports import ABSENT, Item, Op, Put, Store
from portal.store import keys as K
from portal.store.codec import dump
from portal.store.formats import EnvelopeField, declare
from portal.store.repositories.base import expect_version as _expect, versioned
from portal.timeutil import to_store


def _inbox_envelopes(item: Item) -> list[EnvelopeField]:
    message_id = item.pk.removeprefix("MAIL#")
    return [EnvelopeField(("envelope",), contexts.mail(message_id, "envelope")),
            EnvelopeField(("raw_key",), contexts.mail(message_id, "raw"), blob=True)]  # the raw message's blob


INBOX_MESSAGE = declare("inbox message", pk="MAIL#", sk=K.META, envelopes=_inbox_envelopes)
MAIL_FINGERPRINT = declare("inbox message fingerprint", pk="MAILFP#")
IMAP_CLAIM = declare("IMAP claim", pk="IMAP#")
IMAP_LEASE = declare("IMAP mailbox lease", pk="IMAPLEASE#")
REGISTRATION = declare("registration", pk="REG#")
RECEIPT_SLIP = declare("receipt slip", pk="CMP#", sk="SLIP")


class InboxMessages:
    def __init__(self, store: Store, shards: int):
        self.store, self.shards = store, shards

    @staticmethod
    def pk(message_id: str) -> str:
        return f"MAIL#{message_id}"

    @staticmethod
    def partition(county: str, unit: str, bucket: str) -> str:
        return f"INBOX#{county}#{unit}#{bucket}"

    def save_op(self, m: InboxMessage) -> Op:
        bucket = "open" if m.is_open else "done"
        keys = {"county_pk": self.partition(m.county, m.unit, bucket), "county_sk": f"{to_store(m.arrived_at)}#{m.id}"}
        keys.update(K.due_keys(self.pk(m.id), K.META, m.purge_at, self.shards))
        return Put(Item(pk=self.pk(m.id), sk=K.META, body=dump(m), version=m.version, keys=keys),
                   expect=_expect(m.version))

    @staticmethod
    def committed(m: InboxMessage) -> None:
        m.version += 1

    @staticmethod
    def _load(item: Item) -> InboxMessage:
        return versioned(InboxMessage, item)

    def get(self, message_id: str) -> InboxMessage | None:
        item = self.store.get(self.pk(message_id), K.META)
        return self._load(item) if item else None

    def for_unit(self, county: str, unit: str, bucket: str, limit: int = 50,
                 cursor: str | None = None) -> tuple[list[InboxMessage], str | None]:
        page = self.store.query(self.partition(county, unit, bucket), index="county", limit=limit, cursor=cursor,
                                descending=True)
        return [self._load(i) for i in page.items], page.cursor

    def fingerprint_op(self, fingerprint: str, message_id: str) -> Op:
        """Unique: the same bytes (fetched twice, imported twice) are stored once."""
        return Put(Item(pk=f"MAILFP#{fingerprint}", sk=K.POINTER, body={"message": message_id}), expect=ABSENT)

    def by_fingerprint(self, fingerprint: str) -> str | None:
        item = self.store.get(f"MAILFP#{fingerprint}", K.POINTER)
        return item.body["message"] if item else None


class Registrations:
    """The reports a unit registered, newest first: its desk (written notices, feedback owed)."""

    def __init__(self, store: Store):
        self.store = store

    def op(self, county: str, unit: str, complaint_id: str, at: datetime) -> Op:
        return Put(Item(pk=f"REG#{county}#{unit}", sk=f"{to_store(at)}#{complaint_id}",
                        body={"complaint": complaint_id}), expect=ABSENT)

    def for_unit(self, county: str, unit: str, limit: int = 50, cursor: str | None = None) -> tuple[list[str], str | None]:
        page = self.store.query(f"REG#{county}#{unit}", limit=limit, cursor=cursor, descending=True)
        return [i.body["complaint"] for i in page.items], page.cursor
