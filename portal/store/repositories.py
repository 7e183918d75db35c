"""Typed repositories over the store port, written once for every adapter.

Each repository turns domain objects into items (body + index keys) and back, and returns
*operations* rather than writing, so that a service can commit several records (a complaint,
its new events, its SMS rows, a case) in one transaction.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterable, Sequence

from portal.domain.cases import Case
from portal.domain.complaint import Complaint, Event, Status
from portal.domain.disclosure import DisclosureRequest, DisclosureStatus
from portal.domain.messages import OutboxMessage
from portal.domain.rewards import Reward
from portal.domain.staff import StaffAccount
from portal.ports import ABSENT, ANY, ConditionFailed, Delete, Item, Op, Put, Store
from portal.store import keys as K
from portal.store.codec import dump, load
from portal.store.calendar import CalendarArrangements, override_put
from portal.store.oversight import OversightRecords
from portal.timeutil import to_store

ACTIVE = frozenset({Status.RECEIVED, Status.ACCEPTED, Status.CONCLUDED})


def _epoch(instant: datetime) -> int:
    return int(instant.timestamp())


def _expect(version: int) -> int:
    return ABSENT if version == 0 else version


def _versioned(cls, item: Item):
    """A domain record read back from its item, carrying the version its next write expects."""
    record = load(cls, dict(item.body))
    record.version = item.version
    return record


# --------------------------------------------------------------------------------------
# Complaints and their history
# --------------------------------------------------------------------------------------


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
        ops: list[Op] = [Put(self.item(c), expect=_expect(c.version))]
        for event in c.new_events:
            ops.append(Put(Item(pk=K.complaint_pk(c.id), sk=K.event_sk(event.n), body=dump(event)), expect=ABSENT))
        return ops

    @staticmethod
    def committed(c: Complaint) -> None:
        """Call after the transaction holding ``save_ops(c)`` succeeded."""
        c.version += 1
        c.new_events.clear()
        c.new_notifications.clear()

    def pointer_ops(self, c: Complaint, submission_hash: str | None, submission_ttl: datetime | None) -> list[Op]:
        """Unique pointers created with the complaint: its receipt hash and the form submission."""
        ops: list[Op] = [Put(Item(pk=K.receipt_pk(c.receipt_hash), sk=K.POINTER, body={"complaint": c.id}), expect=ABSENT)]
        if c.public_id:
            ops.append(Put(Item(pk=f"PUB#{c.public_id}", sk=K.POINTER, body={"complaint": c.id}), expect=ABSENT))
        if submission_hash:
            ops.append(Put(Item(pk=K.submission_pk(submission_hash), sk=K.POINTER, body={"complaint": c.id},
                                expires_at=_epoch(submission_ttl) if submission_ttl else None), expect=ABSENT))
        return ops

    @staticmethod
    def from_item(item: Item) -> Complaint:
        return _versioned(Complaint, item)

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
        item = self.store.get(K.submission_pk(submission_hash), K.POINTER)
        return item.body["complaint"] if item else None

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


# --------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------


class Cases:
    def __init__(self, store: Store):
        self.store = store

    def save_op(self, case: Case) -> Op:
        return Put(Item(pk=K.case_pk(case.id), sk=K.META, body=dump(case), version=case.version),
                   expect=_expect(case.version))

    @staticmethod
    def committed(case: Case) -> None:
        case.version += 1

    def get(self, case_id: str) -> Case | None:
        item = self.store.get(K.case_pk(case_id), K.META)
        if item is None:
            return None
        return _versioned(Case, item)


# --------------------------------------------------------------------------------------
# SMS outbox
# --------------------------------------------------------------------------------------


class Outbox:
    def __init__(self, store: Store, shards: int):
        self.store, self.shards = store, shards

    def item(self, m: OutboxMessage) -> Item:
        keys = {"county_pk": f"OUTBOX#{m.county}", "county_sk": f"{to_store(m.created_at)}#{m.pk}#{m.sk}"}
        keys.update(K.due_keys(m.pk, m.sk, m.wake_at(), self.shards))
        return Item(pk=m.pk, sk=m.sk, body=dump(m), version=m.version, keys=keys)

    def save_op(self, m: OutboxMessage) -> Op:
        return Put(self.item(m), expect=_expect(m.version))

    @staticmethod
    def committed(m: OutboxMessage) -> None:
        m.version += 1

    def provider_pointer_op(self, m: OutboxMessage) -> Op:
        return Put(Item(pk=f"SMSID#{m.provider_id}", sk=K.POINTER, body={"pk": m.pk, "sk": m.sk}), expect=ANY)

    @staticmethod
    def from_item(item: Item) -> OutboxMessage:
        return _versioned(OutboxMessage, item)

    def get(self, pk: str, sk: str) -> OutboxMessage | None:
        item = self.store.get(pk, sk)
        return self.from_item(item) if item else None

    def by_provider_id(self, provider_id: str) -> OutboxMessage | None:
        pointer = self.store.get(f"SMSID#{provider_id}", K.POINTER)
        return self.get(pointer.body["pk"], pointer.body["sk"]) if pointer else None

    def recent(self, county: str, limit: int = 100) -> list[OutboxMessage]:
        page = self.store.query(f"OUTBOX#{county}", index="county", limit=limit, descending=True)
        return [self.from_item(i) for i in page.items]

    def for_record(self, pk: str) -> list[OutboxMessage]:
        page = self.store.query(pk, sk_prefix="SMS#", limit=100)
        return [self.from_item(i) for i in page.items]


# --------------------------------------------------------------------------------------
# Due index (what the sweeper reads)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueRef:
    pk: str
    sk: str
    wake: str


class DueIndex:
    def __init__(self, store: Store, shards: int):
        self.store, self.shards = store, shards

    def due(self, now: datetime, limit_per_shard: int = 200) -> list[DueRef]:
        """Every item whose wake instant is at or before ``now``, read through the sparse,
        sharded due index only (never a scan of open complaints)."""
        upper = to_store(now) + K.HIGH
        refs = []
        for partition in K.due_partitions(self.shards):
            cursor = None
            while True:
                page = self.store.query(partition, index="due", sk_to=upper, limit=limit_per_shard, cursor=cursor)
                refs += [DueRef(i.pk, i.sk, i.keys["due_sk"].split("#", 1)[0]) for i in page.items]
                cursor = page.cursor
                if not cursor:
                    break
        refs.sort(key=lambda r: r.wake)
        return refs


# --------------------------------------------------------------------------------------
# Staff, sessions, API keys
# --------------------------------------------------------------------------------------


class StaffAccounts:
    PK = "STAFF"

    def __init__(self, store: Store):
        self.store = store

    def save_op(self, account: StaffAccount) -> Op:
        return Put(Item(pk=self.PK, sk=account.username, body=dump(account), version=account.version,
                        keys={"county_pk": f"STAFF#{account.county}", "county_sk": account.username}),
                   expect=_expect(account.version))

    def save(self, account: StaffAccount) -> None:
        """Conditional on the version read: a concurrent login attempt makes this fail."""
        self.store.write([self.save_op(account)])
        account.version += 1

    def get(self, username: str) -> StaffAccount | None:
        item = self.store.get(self.PK, username)
        if item is None:
            return None
        return _versioned(StaffAccount, item)

    def in_county(self, county: str) -> list[StaffAccount]:
        page = self.store.query(f"STAFF#{county}", index="county", limit=1000)
        return [_versioned(StaffAccount, item) for item in page.items]


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
                                   expires_at=_epoch(now + lifetime)), expect=ABSENT)])

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
        item = self.store.get(f"APIKEY#{key_hash}", K.POINTER)
        return dict(item.body) if item and item.body.get("active") else None

    def in_county(self, county: str) -> list[dict]:
        return [dict(i.body) for i in self.store.query(f"APIKEYS#{county}", index="county", limit=1000).items]


# --------------------------------------------------------------------------------------
# Audit trail and staff alerts
# --------------------------------------------------------------------------------------


class AuditTrail:
    def __init__(self, store: Store):
        self.store = store

    def op(self, *, at: datetime, actor: str, role: str, unit: str, action: str, county: str,
           complaint_id: str | None = None, detail: dict | None = None) -> Op:
        stamp = f"{to_store(at)}#{secrets.token_hex(4)}"
        body = {"at": to_store(at), "actor": actor, "role": role, "unit": unit, "action": action,
                "complaint": complaint_id, "detail": detail or {}}
        if complaint_id:
            item = Item(pk=K.complaint_pk(complaint_id), sk=f"AUD#{stamp}", body=body,
                        keys={"county_pk": f"AUDIT#{county}", "county_sk": stamp})
        else:
            item = Item(pk=f"AUDIT#{county}#{at.strftime('%Y-%m')}", sk=stamp, body=body,
                        keys={"county_pk": f"AUDIT#{county}", "county_sk": stamp})
        return Put(item, expect=ABSENT)

    def record(self, **kwargs) -> None:
        self.store.write([self.op(**kwargs)])

    def for_complaint(self, complaint_id: str) -> list[dict]:
        return [dict(i.body) for i in self.store.query(K.complaint_pk(complaint_id), sk_prefix="AUD#", limit=1000).items]

    def recent(self, county: str, limit: int = 200) -> list[dict]:
        return [dict(i.body) for i in self.store.query(f"AUDIT#{county}", index="county", limit=limit,
                                                       descending=True).items]


class Alerts:
    """Reminders, at-risk warnings and escalated breaches, listed per unit for staff."""

    def __init__(self, store: Store):
        self.store = store

    def op(self, county: str, unit: str, kind: str, clock: str, complaint_id: str, at: datetime, due_at: datetime) -> Op:
        # one alert per (complaint, clock, kind, unit): a second sweep cannot repeat it
        return Put(Item(pk=f"ALERT#{county}#{unit}", sk=f"{complaint_id}#{clock}#{kind}",
                        body={"kind": kind, "clock": clock, "complaint": complaint_id, "at": to_store(at),
                              "due_at": to_store(due_at), "unit": unit},
                        keys={"county_pk": f"ALERTS#{county}#{unit}", "county_sk": f"{to_store(at)}#{complaint_id}#{clock}#{kind}"}),
                   expect=ABSENT)

    def for_unit(self, county: str, unit: str, limit: int = 100) -> list[dict]:
        page = self.store.query(f"ALERTS#{county}#{unit}", index="county", limit=limit, descending=True)
        return [dict(i.body) for i in page.items]


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
                        keys=keys), expect=_expect(r.version))

    @staticmethod
    def committed(r: DisclosureRequest) -> None:
        r.version += 1

    @staticmethod
    def _load(item: Item) -> DisclosureRequest:
        return _versioned(DisclosureRequest, item)

    def get(self, complaint_id: str, n: int) -> DisclosureRequest | None:
        item = self.store.get(K.complaint_pk(complaint_id), self.sk(n))
        return self._load(item) if item else None

    def for_complaint(self, complaint_id: str) -> list[DisclosureRequest]:
        page = self.store.query(K.complaint_pk(complaint_id), sk_prefix="DISC#", limit=1000)
        return [self._load(i) for i in page.items]

    def pending(self, county: str, limit: int = 200) -> list[DisclosureRequest]:
        page = self.store.query(f"DISC#{county}", index="county", limit=limit)
        return [self._load(i) for i in page.items]


# --------------------------------------------------------------------------------------
# Calendar overrides, rate limits, salts, staged uploads, phone verification
# --------------------------------------------------------------------------------------


class CalendarOverrides:
    def __init__(self, store: Store):
        self.store = store

    def set(self, day: date, workday: bool, note: str, actor: str, now: datetime) -> None:
        self.store.write([override_put(day, workday, note, actor, now)])

    def year(self, year: int) -> dict[date, dict]:
        page = self.store.query(f"CAL#{year}", limit=400)
        return {date.fromisoformat(i.sk): dict(i.body) for i in page.items}

    def for_years(self, years: Sequence[int]) -> dict[date, bool]:
        out: dict[date, bool] = {}
        for year in years:
            out.update({d: row["workday"] for d, row in self.year(year).items()})
        return out


class Counters:
    def __init__(self, store: Store):
        self.store = store

    def hit(self, name: str, window: str, key: str, expires_at: datetime) -> int:
        return self.store.increment(f"RATE#{name}#{window}", key, 1, _epoch(expires_at))

    def peek(self, name: str, window: str, key: str) -> int:
        item = self.store.get(f"RATE#{name}#{window}", key)
        return int(item.body.get("n", 0)) if item else 0

    def code_try(self, kind: str, complaint_id: str, counter: int, expires_at: datetime) -> int:
        """Count one try of a one-time code (``kind``, the code's ``counter``) atomically and
        return how many there have been, this one included: parallel tries that read the same
        code record each get their own number, none is lost."""
        return self.store.increment(f"TRIES#{kind}#{complaint_id}", f"{counter:06d}", 1, _epoch(expires_at))

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
            self.store.write([Put(Item(pk="SALT", sk=day, body={"salt": salt}, expires_at=_epoch(expires_at)),
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
        return Put(Item(pk=pk, sk=sk, body=body, expires_at=_epoch(expires_at) if expires_at else None,
                        keys=keys or {}), expect=expect)

    def get(self, pk: str, sk: str) -> Item | None:
        return self.store.get(pk, sk)


# --------------------------------------------------------------------------------------
# Rewards (004 C20, L17)
# --------------------------------------------------------------------------------------


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
        return Put(self.item(r), expect=_expect(r.version))

    @staticmethod
    def committed(r: Reward) -> None:
        r.version += 1

    @staticmethod
    def from_item(item: Item) -> Reward:
        return _versioned(Reward, item)

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
                        expires_at=_epoch(keep_until)), expect=ABSENT)

    def phone_claims_since(self, phone_hash: str, since: datetime) -> list[str]:
        """Case ids of the rewards claimed from this phone since ``since``."""
        page = self.store.query(self._phone_pk(phone_hash), sk_from=to_store(since), limit=1000)
        return [i.body["case"] for i in page.items]

    def phone_claim_delete_ops(self, phone_hash: str, case_id: str) -> list[Op]:
        page = self.store.query(self._phone_pk(phone_hash), limit=1000)
        return [Delete(i.pk, i.sk) for i in page.items if i.body.get("case") == case_id]


class Repositories:
    def __init__(self, store: Store, shards: int = 8, retention_days: int = 365):
        self.store = store
        self.complaints = Complaints(store, shards)
        self.cases = Cases(store)
        self.outbox = Outbox(store, shards)
        self.due = DueIndex(store, shards)
        self.staff = StaffAccounts(store)
        self.sessions = Sessions(store)
        self.api_keys = ApiKeys(store)
        self.audit = AuditTrail(store)
        self.alerts = Alerts(store)
        self.disclosures = Disclosures(store)
        self.calendar = CalendarOverrides(store)
        self.arrangements = CalendarArrangements(store)
        self.counters = Counters(store)
        self.salts = Salts(store)
        self.records = Records(store)
        self.rewards = Rewards(store, shards, retention_days)
        self.oversight = OversightRecords(store, shards)
