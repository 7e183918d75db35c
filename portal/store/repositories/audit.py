"""The audit trail and staff alerts."""

from __future__ import annotations

import secrets
from datetime import datetime

from portal.ports import ABSENT, Item, Op, Put, Store
from portal.store import keys as K
from portal.store.formats import declare
from portal.timeutil import to_store

TICKET_AUDIT = declare("ticket audit entry", pk="CMP#", sk="AUD#")
COUNTY_AUDIT = declare("county audit entry", pk="AUDIT#")
ALERT = declare("staff alert", pk="ALERT#")


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
