"""The SMS outbox: one row per message, due for the sweeper while it waits to be sent."""

from __future__ import annotations

from portal.crypto import contexts
from portal.domain.messages import OutboxMessage
from portal.ports import ANY, Item, Op, Put, Store
from portal.store import keys as K
from portal.store.codec import dump
from portal.store.formats import EnvelopeField, declare
from portal.store.repositories.base import expect_version, versioned
from portal.timeutil import to_store


def _message_envelopes(item: Item) -> list[EnvelopeField]:
    """The address (its context is stored beside it) and, for a mail whose text is sealed, the text."""
    fields = [EnvelopeField(("to_envelope",), item.body["to_context"])]
    if item.body.get("sealed"):
        fields.append(EnvelopeField(("body",), contexts.message_body(item.pk, item.sk)))
    return fields


OUTBOX_MESSAGE = declare("outbox message", pk=None, sk="SMS#", envelopes=_message_envelopes)
OUTBOX_MAIL = declare("outbox mail", pk=None, sk="MAIL#", envelopes=_message_envelopes)
PROVIDER_RECORD = declare("provider message id record", pk="SMSID#")  # pointer and early status


class Outbox:
    def __init__(self, store: Store, shards: int):
        self.store, self.shards = store, shards

    def item(self, m: OutboxMessage) -> Item:
        listing = "MAILOUT" if m.channel == "mail" else "OUTBOX"  # the demo pages list SMS and mail apart
        keys = {"county_pk": f"{listing}#{m.county}", "county_sk": f"{to_store(m.created_at)}#{m.pk}#{m.sk}"}
        keys.update(K.due_keys(m.pk, m.sk, m.wake_at(), self.shards))
        return Item(pk=m.pk, sk=m.sk, body=dump(m), version=m.version, keys=keys)

    def save_op(self, m: OutboxMessage) -> Op:
        return Put(self.item(m), expect=expect_version(m.version))

    @staticmethod
    def committed(m: OutboxMessage) -> None:
        m.version += 1

    def provider_pointer_op(self, m: OutboxMessage) -> Op:
        return Put(Item(pk=f"SMSID#{m.provider_id}", sk=K.POINTER, body={"pk": m.pk, "sk": m.sk}), expect=ANY)

    @staticmethod
    def from_item(item: Item) -> OutboxMessage:
        return versioned(OutboxMessage, item)

    def get(self, pk: str, sk: str) -> OutboxMessage | None:
        item = self.store.get(pk, sk)
        return self.from_item(item) if item else None

    def by_provider_id(self, provider_id: str) -> OutboxMessage | None:
        pointer = self.store.get(f"SMSID#{provider_id}", K.POINTER)
        return self.get(pointer.body["pk"], pointer.body["sk"]) if pointer else None

    def recent(self, county: str, limit: int = 100, channel: str = "sms") -> list[OutboxMessage]:
        listing = "MAILOUT" if channel == "mail" else "OUTBOX"
        page = self.store.query(f"{listing}#{county}", index="county", limit=limit, descending=True)
        return [self.from_item(i) for i in page.items]

    def for_record(self, pk: str, channel: str = "sms") -> list[OutboxMessage]:
        page = self.store.query(pk, sk_prefix="MAIL#" if channel == "mail" else "SMS#", limit=100)
        return [self.from_item(i) for i in page.items]
