"""Retention: a closed ticket keeps the reporter's personal data for ``PORTAL_RETENTION_DAYS``
(``settings.retention``), then the sweeper purges it.

- When a ticket closes (declined, or its result told) ``Complaint.schedule_purge`` sets
  ``purge_at`` (in ``notifications.commit_complaint`` and wherever a notice outcome closes a
  ticket); the due index wakes the sweeper then. Reopening clears ``purge_at``; closing
  again sets a new one.
- The sweeper (``sweeper.sweep_complaint``) runs every step of ``PURGE_STEPS``, then
  ``Complaint.purge_contact`` removes the phone envelope and its keyed hash and records the
  purge as an event, in the commit that clears ``purge_at``. The complaint's text, its
  evidence and its history stay: they are the county's record of the case (003 Annex 2).
- Every step is idempotent and returns how many records it changed: a sweep interrupted
  half way runs them all again on the next sweep, and nothing is purged twice.

Extension point: a feature that keeps more personal data per ticket or per case registers
a step with ``register``. The reward's payee details are one such step; they also have a
clock of their own (retention after payment or refusal) in the reward's due-index entry,
since a reward can be paid after its ticket's purge.
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from portal.domain.complaint import Complaint
from portal.ports import ConditionFailed, Delete
from portal.services import rewards, verification
from portal.services.deps import Deps
from portal.store import keys as K

#: (deps, complaint, now) -> number of records changed
PurgeStep = Callable[[Deps, Complaint, datetime], int]


def _verification_record(deps: Deps, complaint: Complaint, now: datetime) -> int:
    """The phone-verification record (the code's secret, its tries). Deleted even when it has
    expired: an expired item may still sit in the table until the engine removes it."""
    pk = K.complaint_pk(complaint.id)
    live = deps.repos.records.get(pk, verification.SK) is not None
    deps.store.write([Delete(pk, verification.SK)])
    return int(live)


def _sms_envelopes(deps: Deps, complaint: Complaint, now: datetime) -> int:
    """The phone envelope on each of the ticket's SMS rows (and the text of its codes); the
    rows themselves stay, as the record that each notice went out."""
    changed = 0
    for message in deps.repos.outbox.for_record(K.complaint_pk(complaint.id)):
        for _ in range(5):
            if not message.forget_recipient(now):
                break
            try:
                deps.store.write([deps.repos.outbox.save_op(message)])
            except ConditionFailed:  # a sender touched the row meanwhile: look again
                message = deps.repos.outbox.get(message.pk, message.sk)
                if message is None:
                    break
                continue
            deps.repos.outbox.committed(message)
            changed += 1
            break
        else:
            raise ConditionFailed(message="an SMS row kept changing during the purge")
    return changed


#: what the purge removes besides the complaint's own contact fields, in order
PURGE_STEPS: list[tuple[str, PurgeStep]] = [
    ("verification_record", _verification_record),
    ("sms_envelopes", _sms_envelopes),
    # the reward's payee details have their own clock (retention after payment or refusal),
    # which the reward's entry in the due index keeps; this step catches what is already due
    ("payee", lambda deps, complaint, now: int(rewards.purge_payee(deps, complaint.case_id, now))),
    # a report registered by staff: the mail replies' addresses, the email it came from
    ("channels", lambda deps, complaint, now: _channels().run(deps, complaint, now)),
]


def _channels():
    from portal.services.channels import purge  # (it builds on the notification path)

    return purge


def register(name: str, step: PurgeStep) -> None:
    """Add a purge step (once per name)."""
    if any(existing == name for existing, _ in PURGE_STEPS):
        raise ValueError(f"purge step {name!r} is registered already")
    PURGE_STEPS.append((name, step))


def run_steps(deps: Deps, complaint: Complaint, now: datetime) -> dict[str, int]:
    """Run every purge step for a ticket whose retention has ended; what each changed."""
    return {name: step(deps, complaint, now) for name, step in PURGE_STEPS}
