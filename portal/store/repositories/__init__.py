"""Typed repositories over the store port, written once for every adapter, one module per
capability:

=================  ==================================================================
module             records
=================  ==================================================================
``complaints``     complaints, their history events and pointers (receipt, public id,
                   submission); cases
``outbox``         SMS outbox rows and provider-id pointers
``due``            the sparse, sharded due index the sweeper reads
``staff``          staff accounts, staff sessions, Open311 API keys
``audit``          the audit trail and staff alerts
``disclosures``    requests to see a reporter's phone
``rewards``        rewards, beneficiary pointers, claims per phone
``oversight``      monthly-review findings and schedule
``keys``           the key rotation under way (re-wrap progress)
``channels``       inbox messages (email reports) and their fingerprints, IMAP claims, units' registrations
``calendar``       working-day overrides and the official arrangements imported whole
``campaigns``      special campaigns, their history, problem-list items and progress notices
``small``          counters, daily salts, small expiring records
=================  ==================================================================

Each repository turns domain objects into items (body + index keys) and back, and returns
*operations* rather than writing, so that a service can commit several records (a complaint,
its new events, its SMS rows, a case) in one transaction. A new record kind gets its own
module here, an attribute on ``Repositories`` and a declaration of its format
(``portal.store.formats.declare``, see docs/development.md).

``Repositories`` reads and writes through ``FormattedStore``, so every record carries its
format version and is migrated when read.
"""

from __future__ import annotations

from portal.ports import Store
from portal.store.formats import FormattedStore
from portal.store.repositories.audit import Alerts, AuditTrail
from portal.store.repositories.complaints import ACTIVE, Cases, Complaints
from portal.store.repositories.disclosures import Disclosures
from portal.store.repositories.due import DueIndex, DueRef
from portal.store.repositories.keys import KeyRotations
from portal.store.repositories.outbox import Outbox
from portal.store.repositories.oversight import OversightRecords
from portal.store.repositories.rewards import Rewards
from portal.store.repositories.calendar import CalendarArrangements, CalendarOverrides
from portal.store.repositories.campaigns import CampaignRecords
from portal.store.repositories.channels import InboxMessages, Registrations
from portal.store.repositories.small import Counters, Records, Salts
from portal.store.repositories.staff import ApiKeys, Sessions, StaffAccounts

__all__ = ["ACTIVE", "Alerts", "ApiKeys", "AuditTrail", "CalendarArrangements", "CalendarOverrides", "CampaignRecords", "Cases", "Complaints", "Counters",
           "Disclosures", "DueIndex", "DueRef", "InboxMessages", "KeyRotations", "Outbox", "OversightRecords", "Records", "Registrations", "Repositories", "Rewards",
           "Salts", "Sessions", "StaffAccounts"]


class Repositories:
    def __init__(self, store: Store, shards: int = 8, retention_days: int = 365):
        if not isinstance(store, FormattedStore):
            store = FormattedStore(store)
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
        self.key_rotations = KeyRotations(store, shards)
        self.inbox = InboxMessages(store, shards)
        self.registrations = Registrations(store)
        self.campaigns = CampaignRecords(store, shards)
