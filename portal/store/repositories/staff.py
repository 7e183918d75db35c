"""Staff accounts, their sessions, and Open311 API keys."""

from __future__ import annotations

from datetime import datetime, timedelta

from portal.crypto import contexts
from portal.domain.staff import StaffAccount
from portal.ports import ABSENT, ConditionFailed, Delete, Item, Op, Put, Store
from portal.store import keys as K
from portal.store.codec import dump
from portal.store.formats import EnvelopeField, declare
from portal.store.repositories.base import epoch, expect_version, versioned
from portal.timeutil import to_store


def _staff_envelopes(item: Item) -> list[EnvelopeField]:
    return [EnvelopeField(("totp_envelope",), contexts.totp(item.sk))]


STAFF_ACCOUNT = declare("staff account", pk="STAFF", envelopes=_staff_envelopes)
STAFF_SESSION = declare("staff session", pk="SESS#")
API_KEY = declare("API key", pk="APIKEY#")
LOGIN_MISS = declare("failed login mark", pk="LOGINMISS#")


class StaffAccounts:
    PK = "STAFF"

    def __init__(self, store: Store):
        self.store = store

    def save_op(self, account: StaffAccount) -> Op:
        return Put(Item(pk=self.PK, sk=account.username, body=dump(account), version=account.version,
                        keys={"county_pk": f"STAFF#{account.county}", "county_sk": account.username}),
                   expect=expect_version(account.version))

    def save(self, account: StaffAccount) -> None:
        """Conditional on the version read: a concurrent login attempt makes this fail."""
        self.store.write([self.save_op(account)])
        account.version += 1

    def get(self, username: str) -> StaffAccount | None:
        item = self.store.get(self.PK, username)
        if item is None:
            return None
        return versioned(StaffAccount, item)

    def in_county(self, county: str) -> list[StaffAccount]:
        page = self.store.query(f"STAFF#{county}", index="county", limit=1000)
        return [versioned(StaffAccount, item) for item in page.items]


class Sessions:
    def __init__(self, store: Store):
        self.store = store

    def create(self, session_hash: str, username: str | None, now: datetime, lifetime: timedelta,
               data: dict | None = None) -> None:
        """``username`` is None while a login is under way; ``data`` is the web session's own
        (the CSRF token, the pending login step, one-time messages)."""
        self.store.write([Put(Item(pk=f"SESS#{session_hash}", sk=K.POINTER,
                                   body={"username": username, "created_at": to_store(now), "seen_at": to_store(now),
                                         "data": data or {}},
                                   expires_at=epoch(now + lifetime)), expect=ABSENT)])

    def get(self, session_hash: str) -> Item | None:
        return self.store.get(f"SESS#{session_hash}", K.POINTER)

    def touch(self, item: Item, now: datetime, data: dict | None = None) -> None:
        body = dict(item.body, seen_at=to_store(now))
        if data is not None:
            body["data"] = data
        try:
            self.store.write([Put(Item(pk=item.pk, sk=item.sk, body=body, expires_at=item.expires_at),
                                  expect=item.version)])
        except ConditionFailed:
            pass  # a parallel request touched it first

    def delete(self, session_hash: str) -> None:
        self.store.write([Delete(f"SESS#{session_hash}", K.POINTER)])


class ApiKeys:
    def __init__(self, store: Store):
        self.store = store

    def add(self, key_hash: str, name: str, scope: str, county: str, now: datetime) -> None:
        self.store.write([Put(Item(pk=f"APIKEY#{key_hash}", sk=K.POINTER,
                                   body={"name": name, "scope": scope, "county": county, "created_at": to_store(now),
                                         "active": True},
                                   keys={"county_pk": f"APIKEYS#{county}", "county_sk": f"{name}#{key_hash[:12]}"}),
                              expect=ABSENT)])

    def get(self, key_hash: str) -> dict | None:
        item = self.item(key_hash)
        return dict(item.body) if item and item.body.get("active") else None

    def item(self, key_hash: str) -> Item | None:
        return self.store.get(f"APIKEY#{key_hash}", K.POINTER)

    @staticmethod
    def rehash_ops(item: Item, new_hash: str) -> list[Op]:
        """The key's record moved to its hash under the current hash key."""
        county, name = item.body["county"], item.body["name"]
        moved = Item(pk=f"APIKEY#{new_hash}", sk=K.POINTER, body=dict(item.body),
                     keys={"county_pk": f"APIKEYS#{county}", "county_sk": f"{name}#{new_hash[:12]}"})
        return [Put(moved, expect=ABSENT), Delete(item.pk, item.sk, expect=item.version)]

    def in_county(self, county: str) -> list[dict]:
        return [dict(i.body) for i in self.store.query(f"APIKEYS#{county}", index="county", limit=1000).items]
