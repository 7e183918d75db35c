"""Retention for reports registered by staff (a step of ``portal.services.retention``): the
addresses on the ticket's mail replies, and the email the report came from (its envelope, its
raw message, the photos the ticket did not take as evidence). The contact itself goes with
``Complaint.purge_contact``, whatever its kind."""

from __future__ import annotations

from datetime import datetime

from portal.domain.complaint import Complaint
from portal.services.channels import inbox, mail
from portal.services.deps import Deps
from portal.store import keys as K


def run(deps: Deps, complaint: Complaint, now: datetime) -> int:
    changed = mail.forget(deps, complaint, now)
    pointer = deps.repos.records.get(K.complaint_pk(complaint.id), inbox.MESSAGE_SK)
    if pointer is not None:
        evidence = {e.key for e in complaint.evidence}
        changed += int(inbox.purge(deps, pointer.body["message"], now, keep=evidence))
    return changed
