"""Small records: counters and sequences, daily salts, and records with an expiry (staged
uploads, phone verification and the like)."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from portal.crypto import contexts
from portal.ports import ABSENT, ANY, ConditionFailed, Delete, Item, Op, Put, Store
from portal.store.formats import EnvelopeField, declare
from portal.store.repositories.base import epoch

RATE_COUNTER = declare("rate-limit counter", pk="RATE#", counter=True)
TRIES_COUNTER = declare("one-time code tries", pk="TRIES#", counter=True)
SEQUENCE = declare("sequence", pk="SEQ", counter=True)
SALT = declare("daily salt", pk="SALT")


def _secret_envelope(context):
    return lambda item: [EnvelopeField(("secret",), context(item.pk.removeprefix("CMP#")))]


# small records kept through ``Records`` by the services named
UPLOAD = declare("staged upload", pk="UPL#")  # services.uploads
VERIFICATION = declare("phone verification", pk="CMP#", sk="VERIFY",  # services.verification
                       envelopes=_secret_envelope(contexts.verification))
REWARD_CODE = declare("reward claim code", pk="CMP#", sk="RWDCODE",  # services.reward_claims
                      envelopes=_secret_envelope(contexts.reward_code))


class Counters:
    def __init__(self, store: Store):
        self.store = store

    def hit(self, name: str, window: str, key: str, expires_at: datetime) -> int:
        return self.store.increment(f"RATE#{name}#{window}", key, 1, epoch(expires_at))

    def peek(self, name: str, window: str, key: str) -> int:
        item = self.store.get(f"RATE#{name}#{window}", key)
        return int(item.body.get("n", 0)) if item else 0

    def code_try(self, kind: str, complaint_id: str, counter: int, expires_at: datetime) -> int:
        """Count one try of a one-time code (``kind``, the code's ``counter``) atomically and
        return how many there have been, this one included: parallel tries that read the same
        code record each get their own number, none is lost."""
        return self.store.increment(f"TRIES#{kind}#{complaint_id}", f"{counter:06d}", 1, epoch(expires_at))

    def next_sequence(self, name: str) -> int:
        return self.store.increment("SEQ", name, 1, None)


class Salts:
    """A random salt per day, shared by every process. The first use of a day's salt deletes
    the salts of the days before, so yesterday's keyed hashes cannot be recomputed, even with
    the hash key; the expiry is a backstop for a day nobody used."""

    #: earlier days whose salts the first use of a new day deletes
    FORGET_DAYS = 3

    def __init__(self, store: Store):
        self.store = store

    def for_day(self, day: str, expires_at: datetime) -> str:
        item = self.store.get("SALT", day)
        if item:
            return item.body["salt"]
        try:
            salt = secrets.token_hex(32)
            self.store.write([Put(Item(pk="SALT", sk=day, body={"salt": salt}, expires_at=epoch(expires_at)),
                                  expect=ABSENT)])
        except ConditionFailed:
            return self.store.get("SALT", day).body["salt"]
        first = date.fromisoformat(day)
        self.store.write([Delete("SALT", (first - timedelta(days=n)).isoformat())
                          for n in range(1, self.FORGET_DAYS + 1)])
        return salt


class Records:
    """Small records with an expiry: staged uploads, phone-verification state, and the like."""

    def __init__(self, store: Store):
        self.store = store

    def put(self, pk: str, sk: str, body: dict, *, expires_at: datetime | None = None, expect=ANY,
            keys: dict | None = None) -> None:
        self.store.write([self.op(pk, sk, body, expires_at=expires_at, expect=expect, keys=keys)])

    def op(self, pk: str, sk: str, body: dict, *, expires_at: datetime | None = None, expect=ANY,
           keys: dict | None = None) -> Op:
        return Put(Item(pk=pk, sk=sk, body=body, expires_at=epoch(expires_at) if expires_at else None,
                        keys=keys or {}), expect=expect)

    def get(self, pk: str, sk: str) -> Item | None:
        return self.store.get(pk, sk)
