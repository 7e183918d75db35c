"""The sweeper: the one service behind ``portal sweep`` and the scheduled Lambda function
(``functions/deadlines.py``). It reads only what is due, through the sparse, sharded due
index (never a scan of open complaints), and for each item:

- complaint: reminds the department one working day before its acceptance decision is due
  (004 C20, L17), reminds urban management one working day before its forced-demolition plan
  is due (004 C25), warns when a result notice is at risk, records each breach once and
  escalates it once (to the supervisors, or for discipline-only reports to the discipline
  commission alone), purges the reporter's personal data when its retention ends
  (``portal.services.retention``);
- SMS row (or mail reply to an email report): sends it (claimed first by a conditional
  write), retrying failures with backoff;
- inbox message dismissed long enough ago: purges its personal data (``services.channels.inbox``);
- the units' mailboxes (``PORTAL_IMAP_INBOXES``): reads new mail into their inboxes, each
  message once (``services.channels.imap_poll``);
- staged upload nobody filed: removes it;
- reward: expires an approved reward unclaimed at the end of its claim window;
- a county's monthly review of townships (004 C35, L31), woken on the 1st of each month
  (``portal.services.oversight``; the schedule record is created by the first sweep);
- the key rotation under way: a slice of the background re-wrap
  (``portal.services.keys.rewrap``);
- a campaign (专项行动): its progress notice on each reporting day (003 §3(3)), and the overdue
  flags at the end of its handling phase (003 §2(3)) (``portal.services.campaigns.sweep``);
- and whatever later features register in ``HANDLERS``.

Safe when two sweeps run at once: every change is a conditional write on the version read,
alerts are created with "must not exist", and an SMS row is sent only by the sweeper whose
claim succeeded.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Callable

from portal.domain.complaint import Alert, Complaint
from portal.domain.deadlines import LADDER_KINDS, ClockKind
from portal.ports import ConditionFailed, Op
from portal.services import oversight, retention, rewards, uploads
from portal.services.campaigns import sweep as campaign_sweep
from portal.services.deps import Deps
from portal.services.keys import rewrap
from portal.services.notifications import commit_complaint, deliver
from portal.store import keys as K
from portal.store.repositories.keys import PK as KEYS_PK, SK as KEYS_SK
from portal.store.repositories.oversight import SCHEDULE
from portal.store.repositories import DueRef, Rewards

log = logging.getLogger(__name__)

#: the token the CloudWatch metric filter in infra/ counts
ERROR_TOKEN = "SWEEP_ERROR"


@dataclass
class SweepReport:
    due: int = 0
    complaints: int = 0
    reminders: int = 0
    warnings: int = 0
    breaches: int = 0
    messages: dict = field(default_factory=dict)  # outcome -> count
    uploads_removed: int = 0
    rewards_expired: int = 0
    reviews: int = 0  #: monthly reviews of townships held (004 C35, L31)
    mail_stored: int = 0  #: emails read from the units' mailboxes into their inboxes
    rewrapped: int = 0  #: envelopes moved to the current key after a rotation
    campaigns: int = 0  #: campaign notices prepared and items flagged overdue (003 §3(3), §2(3))
    purged: int = 0
    other: int = 0
    skipped: int = 0
    errors: int = 0
    dry_run: bool = False
    would: list = field(default_factory=list)  # dry run: what would happen

    def as_dict(self) -> dict:
        return asdict(self)


def alert_targets(complaint: Complaint, alert: Alert, supervisors: str) -> list[str]:
    """Who hears of an alert. Reports about public officials stay with the discipline
    commission alone (000 §2(3); 004 C36); the ladder concerns the township's leaders and
    is shown to the supervisors (004 C34, L30)."""
    if complaint.discipline_only:
        return [complaint.lead]
    if alert.clock == ClockKind.DEMOLITION_PLAN:
        # 004 C25: the plan is urban management's to draft; a breach is escalated to the supervisors
        unit = complaint.demolition_unit
        return [t for t in ([unit] if alert.kind == "reminder" else [unit, supervisors]) if t]
    if alert.kind == "reminder":
        return [complaint.lead]
    township = complaint.co_handler
    if alert.clock in LADDER_KINDS or alert.clock == ClockKind.ONSITE:
        targets = [township, supervisors]
    elif alert.clock == ClockKind.RECTIFICATION:
        targets = [township, complaint.lead, supervisors]
    else:
        targets = [complaint.lead, supervisors]
    return list(dict.fromkeys(t for t in targets if t))


def sweep_complaint(deps: Deps, complaint_id: str, now: datetime, report: SweepReport) -> None:
    for _ in range(5):
        complaint = deps.repos.complaints.get(complaint_id)
        if complaint is None:
            return
        wake = complaint.wake_at()
        if wake is None or wake > now:
            report.skipped += 1  # another sweep got here first, or the index lagged
            return
        alerts = complaint.sweep(now)
        purge = complaint.purge_due(now)
        if not complaint.new_events and not purge:
            report.skipped += 1
            return
        if report.dry_run:
            report.would += [f"{complaint_id} {a.kind} {a.clock.value}" for a in alerts]
            if purge:
                report.would.append(f"{complaint_id} purge personal data")
            return
        if purge:
            complaint.purge_contact(now, retention.run_steps(deps, complaint, now))
        county = deps.counties.get(complaint.county) or deps.counties.default
        supervisors = next(d.code for d in county.departments if d.kind == "oversight")
        ops: list[Op] = []
        for alert in alerts:
            for unit in alert_targets(complaint, alert, supervisors):
                ops.append(deps.repos.alerts.op(complaint.county, unit, alert.kind, alert.clock.value,
                                                complaint.id, alert.at, alert.due_at))
        try:
            commit_complaint(deps, complaint, now, extra_ops=ops)
        except ConditionFailed:
            continue  # someone changed the ticket meanwhile: look again
        report.complaints += 1
        report.purged += purge
        for alert in alerts:
            if alert.kind == "reminder":
                report.reminders += 1
            elif alert.kind == "at_risk":
                report.warnings += 1
            else:
                report.breaches += 1
        return
    log.warning("complaint %s kept changing under the sweeper; left for the next sweep", complaint_id)


def _complaint(deps: Deps, ref: DueRef, now: datetime, report: SweepReport) -> None:
    sweep_complaint(deps, ref.pk.split("#", 1)[1], now, report)


def _message(deps: Deps, ref: DueRef, now: datetime, report: SweepReport) -> None:
    if report.dry_run:
        report.would.append(f"send {ref.sk}")
        return
    outcome = deliver(deps, ref.pk, ref.sk, now).status
    report.messages[outcome] = report.messages.get(outcome, 0) + 1


def _upload(deps: Deps, ref: DueRef, now: datetime, report: SweepReport) -> None:
    if report.dry_run:
        report.would.append(f"remove unclaimed upload {ref.pk}")
        return
    if uploads.sweep_unclaimed(deps, ref.pk, now):
        report.uploads_removed += 1


def _reward(deps: Deps, ref: DueRef, now: datetime, report: SweepReport) -> None:
    """The end of a reward's claim window (004 C20, L17), or of the retention of its claim's
    payee details."""
    case_id = ref.pk.split("#", 1)[1]
    if report.dry_run:
        report.would.append(f"expire or purge the reward of case {case_id}")
        return
    if rewards.expire(deps, case_id, now):
        report.rewards_expired += 1
    elif rewards.purge_payee(deps, case_id, now):
        report.purged += 1
    else:
        report.skipped += 1


def _review(deps: Deps, ref: DueRef, now: datetime, report: SweepReport) -> None:
    """004 C35, L31: the county's monthly review of townships, once per month."""
    county = ref.pk.split("#", 1)[1]
    if report.dry_run:
        report.would.append(f"monthly review of county {county}")
        return
    outcome = oversight.scheduled_review(deps, county, now)
    if outcome is not None and outcome.held:
        report.reviews += 1
    else:
        report.skipped += 1


def _inbox_message(deps: Deps, ref: DueRef, now: datetime, report: SweepReport) -> None:
    """A dismissed email's retention has ended: its personal data go."""
    from portal.services.channels import inbox

    if report.dry_run:
        report.would.append(f"purge email {ref.pk.split('#', 1)[1]}")
        return
    if inbox.purge(deps, ref.pk.split("#", 1)[1], now):
        report.purged += 1
    else:
        report.skipped += 1


def _key_rotation(deps: Deps, ref: DueRef, now: datetime, report: SweepReport) -> None:
    if report.dry_run:
        report.would.append("re-wrap envelopes under the retired keys")
        return
    before = deps.repos.key_rotations.get()
    after = rewrap.step(deps, now)
    if before is not None and after is not None:
        report.rewrapped += max(0, after.total_rewrapped - before.total_rewrapped)


def _campaign(deps: Deps, ref: DueRef, now: datetime, report: SweepReport) -> None:
    """003 §3(3), §2(3): a campaign's reporting day or the end of its handling phase."""
    campaign_id = ref.pk.split("#", 1)[1]
    if report.dry_run:
        report.would.append(f"campaign {campaign_id}: progress notice or overdue flags")
        return
    done = campaign_sweep.sweep_campaign(deps, campaign_id, now)
    report.campaigns += len(done.notices) + done.flagged


#: (does this handler take the item?, handler) — later features append their own
HANDLERS: list[tuple[Callable[[DueRef], bool], Callable[[Deps, DueRef, datetime, SweepReport], None]]] = [
    (lambda ref: ref.pk.startswith("CMP#") and ref.sk == K.META, _complaint),
    (lambda ref: ref.sk.startswith(("SMS#", "MAIL#")), _message),
    (lambda ref: ref.pk.startswith("MAIL#") and ref.sk == K.META, _inbox_message),
    (lambda ref: ref.pk.startswith("UPL#"), _upload),
    (lambda ref: ref.pk.startswith("CASE#") and ref.sk == Rewards.SK, _reward),
    (lambda ref: ref.pk.startswith("REVIEW#") and ref.sk == SCHEDULE, _review),
    (lambda ref: (ref.pk, ref.sk) == (KEYS_PK, KEYS_SK), _key_rotation),
    (lambda ref: ref.pk.startswith("CAMP#") and ref.sk == K.META, _campaign),
]


def sweep(deps: Deps, now: datetime, dry_run: bool = False) -> SweepReport:
    report = SweepReport(dry_run=dry_run)
    refs = deps.repos.due.due(now)
    report.due = len(refs)
    for ref in refs:
        handler = next((h for accepts, h in HANDLERS if accepts(ref)), None)
        try:
            if handler is None:
                report.other += 1
                log.warning("nothing handles due item %s %s", ref.pk.split("#", 1)[0], ref.sk.split("#", 1)[0])
                continue
            handler(deps, ref, now, report)
        except Exception:
            report.errors += 1
            log.exception("%s while sweeping %s", ERROR_TOKEN, ref.pk.split("#", 1)[0])
    if not dry_run:
        try:
            oversight.ensure_schedules(deps, now)
        except Exception:
            report.errors += 1
            log.exception("%s while scheduling the monthly review", ERROR_TOKEN)
    if not dry_run and deps.settings.mailboxes:
        from portal.services.channels import imap_poll

        polled = imap_poll.poll_all(deps, now)
        report.mail_stored, report.errors = polled.stored, report.errors + polled.errors
    if report.errors:
        log.error("%s: %d item(s) failed in this sweep", ERROR_TOKEN, report.errors)
    # the operators' line (infra/ counts sweeps, escalated breaches and errors from it)
    log.info("sweep done", extra={
        "event": "sweep", "dry_run": dry_run, "due": report.due, "complaints": report.complaints,
        "reminders": report.reminders, "breaches": report.breaches, "errors": report.errors,
        "messages_sent": sum(n for outcome, n in report.messages.items() if outcome in ("sent", "delivered")),
        "messages_failed": sum(n for outcome, n in report.messages.items() if outcome in ("failed", "retry")),
        "mail_stored": report.mail_stored, "rewrapped": report.rewrapped})
    return report
