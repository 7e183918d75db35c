"""Replies to email reports through the mail port (``portal.ports.MailSender``: the county's
SMTP server, SES where it sends, or the embedded default's outbox).

Each reply is an outbox row first (``OutboxMessage`` with ``channel="mail"``, sk ``MAIL#<kind>#<n>``),
written in the same transaction as the change that calls for it and sent by the same claim,
retry and backoff as an SMS (``notifications.deliver``). The address is an envelope, and so is
the whole reply (subject, text, the Message-ID it answers): the receipt reply holds the
receipt, and a subject may hold what the reporter wrote. A receipt reply's text is dropped
once sent. The sender is the receiving unit's published address (004 C20, L17).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from portal.domain.complaint import Complaint, Notify
from portal.domain.county import County
from portal.domain.deadlines import ACCEPTANCE_WORKING_DAYS, RESULT_NOTICE_WORKING_DAYS
from portal.domain.messages import OutboxMessage
from portal.domain.receipts import display
from portal.i18n import N_
from portal.notify.texts import status_url, text_for
from portal.ports import DecryptionError, MailReceipt, OutgoingMail, Op
from portal.services.channels.contacts import masked_address
from portal.services.deps import Deps
from portal.services.notifications import contact_context, open_body, seal_body
from portal.store import keys as K

RECEIPT_SUBJECT = N_("您的举报已登记")
RECEIPT_TEXT = N_(
    "您好：\n\n%(unit)s已收到并登记您通过电子邮件反映的问题，转交%(lead)s办理。\n\n"
    "回执号：%(receipt)s\n\n"
    "请妥善保存回执号，不要告诉他人。凭回执号可在 %(url)s 查询办理进度、补充信息和申领举报奖励。\n"
    "办理单位将在%(accept_days)s个工作日内决定是否受理；办结后%(result_days)s个工作日内告知您处理结果。\n\n"
    "%(county)s\n（本邮件由系统发出，请勿直接回复个人信息。）")
NOTICE_SUBJECT = N_("您举报的问题办理进展")


def sk(kind: str, trigger: int) -> str:
    return f"MAIL#{kind}#{trigger:06d}"


def _row(deps: Deps, complaint: Complaint, kind: str, trigger: int, now: datetime, payload: dict) -> OutboxMessage:
    message = OutboxMessage(
        pk=K.complaint_pk(complaint.id), sk=sk(kind, trigger), county=complaint.county, kind=kind, body="",
        to_envelope=complaint.contact.envelope, to_context=contact_context(complaint.id), complaint_id=complaint.id,
        created_at=now, next_attempt_at=now, channel="mail")
    seal_body(deps, message, json.dumps(payload, ensure_ascii=False))
    return message


def _sender(county: County, unit: str | None) -> tuple[str, str]:
    found = county.department(unit or "") or county.township(unit or "")
    if found is None:  # the leading-group office's address stands in
        found = next(d for d in county.departments if d.kind == "oversight")
    return found.email, f"{county.name}{found.name}"


def receipt_reply(deps: Deps, complaint: Complaint, county: County, receipt: str, in_reply_to: str | None,
                  subject: str | None, now: datetime) -> OutboxMessage:
    """The receipt, by reply to the reporter's email (004 C20, L17)."""
    sender, name = _sender(county, complaint.intake.received_by)
    text = RECEIPT_TEXT % {
        "unit": county.unit_name(complaint.intake.received_by), "lead": county.unit_name(complaint.lead),
        "receipt": display(receipt), "url": status_url(deps.settings.public_url), "accept_days": ACCEPTANCE_WORKING_DAYS,
        "result_days": RESULT_NOTICE_WORKING_DAYS, "county": county.full_name}
    title = f"Re: {subject}" if subject else RECEIPT_SUBJECT
    return _row(deps, complaint, "receipt", 1, now, {"subject": title[:200], "text": text, "in_reply_to": in_reply_to,
                                                      "sender": sender, "sender_name": name})


def notice_row(deps: Deps, complaint: Complaint, kind: Notify, trigger: int, now: datetime) -> OutboxMessage | None:
    """The notices a verified phone gets by SMS, by mail to an email report's sender."""
    contact = complaint.contact
    if contact is None or not contact.reachable or contact.kind != "email":
        return None
    county = deps.counties.get(complaint.county) or deps.counties.default
    sender, name = _sender(county, complaint.intake.received_by)
    text = text_for(kind, signature=county.sms_signature, public_url=deps.settings.public_url,
                    decline_reason=complaint.decline_reason,
                    finding=complaint.finding.value if complaint.finding else None)
    return _row(deps, complaint, Notify(kind).value, trigger, now,
                {"subject": NOTICE_SUBJECT, "text": text, "in_reply_to": None, "sender": sender, "sender_name": name})


def transmit(deps: Deps, message: OutboxMessage) -> MailReceipt:
    """Open the row and hand it to the mail port (``notifications.deliver`` claimed it)."""
    payload = json.loads(open_body(deps, message))
    to = deps.keyring.decrypt(message.to_envelope, message.to_context).decode()
    return deps.mail.send(OutgoingMail(to=to, sender=payload["sender"], sender_name=payload.get("sender_name", ""),
                                       subject=payload["subject"], text=payload["text"],
                                       in_reply_to=payload.get("in_reply_to")))


def save_ops(deps: Deps, messages: list[OutboxMessage]) -> list[Op]:
    return [deps.repos.outbox.save_op(m) for m in messages]


# --- the demo page ----------------------------------------------------------------------
@dataclass(frozen=True)
class MailRow:
    created_at: datetime
    kind: str
    status: str
    to_masked: str
    subject: str
    text: str


def outbox_rows(deps: Deps, county: str, limit: int = 100) -> list[MailRow]:
    """Demo mode only: the mail replies as the server would get them (addresses masked)."""
    if not deps.settings.is_demo:
        return []
    rows = []
    for m in deps.repos.outbox.recent(county, limit=limit, channel="mail"):
        try:
            to = masked_address(deps.keyring.decrypt(m.to_envelope, m.to_context).decode()) if m.to_envelope else "—"
            payload = json.loads(open_body(deps, m)) if m.sealed else {"subject": "", "text": m.body}
        except (DecryptionError, ValueError):
            to, payload = "—", {"subject": "", "text": ""}
        rows.append(MailRow(m.created_at, m.kind, m.status.value, to, payload.get("subject", ""), payload.get("text", "")))
    return rows


# --- retention ----------------------------------------------------------------------------
def forget(deps: Deps, complaint: Complaint, now: datetime) -> int:
    """The address (and the sealed text) on each of the ticket's mail rows; the rows stay."""
    changed = 0
    for message in deps.repos.outbox.for_record(K.complaint_pk(complaint.id), channel="mail"):
        if message.forget_recipient(now):
            deps.store.write([deps.repos.outbox.save_op(message)])
            changed += 1
    return changed

