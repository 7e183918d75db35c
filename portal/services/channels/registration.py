"""Staff registration of a report taken by phone, letter, email or in person, or handed over
(上级交办 with its reference, 相关部门移交), 004 C20, L17 (and C9, C11, C14, L8).

- The web filing's validation and routing (``intake.validate``: category, description, place,
  and the same routing to a lead unit and a township); the receiving unit need not be the lead.
- The clocks count from the day (and time, when known) the unit received it, which the officer
  enters (``portal.domain.channels.received_instant``): a future day or one before the county's
  go-live is refused; a day before today is marked backdated in the history and in the audit
  trail (``register_backdated``).
- Every field is checked before anything is stored, and every error is returned at once
  (``ValidationFailed``, per field); photos are sanitised like the reporter's, capture facts
  dropped (nobody confirmed them).
- The form carries a filing token (``filing_tokens``): posted twice, it registers once, and the
  second answer never shows the receipt (``AlreadyRegistered``).
- The receipt reaches the reporter once: on the printable slip the officer hands over or posts
  (no contact or a postal address), by SMS once the phone is verified with the code the reporter
  reads back (``confirm_phone``; ``show_receipt`` if the SMS does not arrive), or by reply mail
  (an email report). A ``SLIP`` record, written with "must not exist", makes it once.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, time
from typing import Callable, Mapping

from portal.domain.access import Actor, can_register
from portal.domain.channels import CHANNELS, SOURCES, STAFF_CHANNELS, Intake, Received, received_instant
from portal.domain.complaint import Complaint, Evidence
from portal.domain.county import County
from portal.domain.deadlines import ClockKind
from portal.domain.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from portal.evidence.sanitize import sanitize
from portal.i18n import N_
from portal.notify.texts import receipt_text
from portal.ports import ABSENT, ConditionFailed, Item, Op, Put
from portal.services import filing_tokens, intake, uploads, verification
from portal.services.channels import contacts
from portal.services.deps import Deps
from portal.services.notifications import deliver, message_for, seal_body
from portal.services.workflow import form_date
from portal.store import keys as K
from portal.timeutil import to_store

log = logging.getLogger(__name__)

EXTERNAL_REF_MAX = 64
FROM_UNIT_MAX = 100
SLIP = "SLIP"
_TIME = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])", re.ASCII)
_FULL_WIDTH = str.maketrans("０１２３４５６７８９：", "0123456789:")

NOT_REGISTERING = N_("您的角色不登记举报。")
ALREADY = N_("这份登记已经提交过了。回执号只在提交时显示一次，不会再次显示。")


class AlreadyRegistered(Conflict):
    """The form was registered already: the receipt is not shown again."""


@dataclass
class RegistrationInput:
    token: str | None = None
    channel: str | None = None
    source: str | None = None
    external_ref: str | None = None
    from_unit: str | None = None
    received_on: str | None = None
    received_time: str | None = None
    category: str | None = None
    description: str | None = None
    address: str | None = None
    lat: str | None = None
    lng: str | None = None
    township: str | None = None
    village: str | None = None
    contact_kind: str | None = "none"
    phone: str | None = None
    postal_address: str | None = None
    email: str | None = None

    FIELDS = ("token", "channel", "source", "external_ref", "from_unit", "received_on", "received_time", "category",
              "description", "address", "lat", "lng", "township", "village", "contact_kind", "phone", "postal_address",
              "email")

    @classmethod
    def from_form(cls, form: Mapping) -> "RegistrationInput":
        return cls(**{name: form.get(name) for name in cls.FIELDS})


@dataclass(frozen=True)
class Parsed:
    channel: str
    source: str
    external_ref: str
    from_unit: str
    received: Received
    description: str
    address: str
    category: str
    point: object
    routing: object
    contact_kind: str
    contact: str | None
    village: str | None = None  #: placed at a chosen village's approximate point


@dataclass(frozen=True)
class MailOrigin:
    """What an email report brings (``inbox.register``): its sanitised photos, its sender (the
    contact), the Message-ID the receipt replies to, and the inbox's own operations."""

    evidence: list[Evidence]
    sender: str | None
    message_id: str | None
    subject: str
    #: the inbox message's decision, as operations, once the complaint id is known
    decide: Callable[[str], list[Op]] | None = None


@dataclass(frozen=True)
class Registration:
    complaint_id: str
    lead_name: str
    channel: str
    contact_kind: str
    received_at: datetime
    backdated: bool
    acceptance_due: datetime | None
    receipt: str | None  #: shown on the slip now (None: it goes, or went, by SMS or mail)
    receipt_by: str  #: slip | sms | mail
    token: str | None = None  #: for the phone's code (read back) or the fallback slip
    code_sent: bool = False


def _text(value, field_name: str, limit: int, required: bool = False, missing: str = "") -> str:
    return intake.bounded_text(value, field_name, limit, required=required, missing=missing or N_("请填写这一项。"))


def _time(raw) -> time | None:
    text = (raw or "").strip().translate(_FULL_WIDTH) if isinstance(raw, str) else ""
    if not text:
        return None
    match = _TIME.fullmatch(text)
    if not match:
        raise DomainError(N_("时间格式不正确，请按“时:分”填写，例如 09:30。"), field="received_time")
    return time(int(match.group(1)), int(match.group(2)))


def validate(deps: Deps, county: County, data: RegistrationInput, now: datetime, *,
             mail_sender: str | None = None, from_mail: bool = False) -> Parsed:
    """Every field checked before anything is stored; all errors at once, each naming its field.
    ``from_mail``: an email from the inbox, whose channel is email and whose contact is its sender."""
    errors: dict[str, list[DomainError]] = {}

    def attempt(check, *args):
        try:
            return check(*args)
        except ValidationFailed as exc:
            for name, found in exc.errors.items():
                errors.setdefault(name, []).extend(found)
        except DomainError as exc:
            errors.setdefault(exc.field or "form", []).append(exc)
        return None

    channel_code = "email" if from_mail else (data.channel or "").strip()
    channel = CHANNELS.get(channel_code) if channel_code in STAFF_CHANNELS else None
    if channel is None:
        errors["channel"] = [DomainError(N_("请选择举报渠道。"), field="channel")]
    source_code = (data.source or "").strip()
    if channel is not None and len(channel.sources) == 1:
        source_code = channel.sources[0]
    if channel is not None and source_code not in channel.sources:
        errors["source"] = [DomainError(N_("请选择交办来源（12345、12336、市级或省级）。"), field="source")]
        source_code = ""
    source = SOURCES.get(source_code)
    external_ref = attempt(_text, data.external_ref, "external_ref", EXTERNAL_REF_MAX,
                           bool(source and source.reference), N_("请填写交办单号（外部编号）。")) or ""
    from_unit = attempt(_text, data.from_unit, "from_unit", FROM_UNIT_MAX, bool(source and source.from_unit),
                        N_("请填写移交线索的部门。")) or ""

    received = None
    day = attempt(form_date, data.received_on, "received_on")
    at_time = attempt(_time, data.received_time)
    if day is None and "received_on" not in errors:
        errors["received_on"] = [DomainError(N_("请填写收到举报的日期。"), field="received_on")]
    if day is not None and "received_time" not in errors:
        received = attempt(received_instant, day, at_time, county.first_day, now)

    kind = "email" if from_mail and mail_sender else ("none" if from_mail else (data.contact_kind or "none").strip())
    contact = None
    if from_mail:
        contact = mail_sender
    elif channel is not None and kind not in channel.contacts:
        errors["contact_kind"] = [DomainError(N_("请选择举报人的联系方式。"), field="contact_kind")]
    else:
        contact = attempt(contacts.parse_value, kind, data)

    filing = intake.FilingInput(token=None, category=data.category, description=data.description,
                                address=data.address, lat=data.lat, lng=data.lng, township=data.township,
                                village=data.village)
    found = attempt(intake.validate, county, filing)
    if errors:
        raise ValidationFailed(errors)
    description, address, category, point, routing, _, village = found
    return Parsed(channel=channel.code, source=source.code, external_ref=external_ref, from_unit=from_unit,
                  received=received, description=description, address=address, category=category, point=point,
                  routing=routing, contact_kind=kind, contact=contact, village=village)


def _require_registrar(actor: Actor) -> None:
    if not can_register(actor):
        raise Forbidden(NOT_REGISTERING)


def _slip_op(complaint_id: str, how: str, actor: Actor, now: datetime) -> Op:
    return Put(Item(pk=K.complaint_pk(complaint_id), sk=SLIP, body={"how": how, "at": to_store(now), "by": actor.username}),
               expect=ABSENT)


def register(deps: Deps, actor: Actor, county: County, data: RegistrationInput, photos: list[bytes], now: datetime,
             *, mail: MailOrigin | None = None) -> Registration:
    """Register a report the actor's unit received (004 C20, L17). Nothing is stored unless all
    of it is: the complaint, its history, its case, its photos, the unit's list entry, the audit
    entry, the code SMS or the receipt reply, and (from the inbox) the message's decision."""
    _require_registrar(actor)
    token = filing_tokens.open_token(deps, data.token, now)
    submission = token.submission_hash(deps)
    if deps.repos.complaints.id_for_submission(submission):
        raise AlreadyRegistered(ALREADY, field="form")
    parsed = validate(deps, county, data, now, mail_sender=mail.sender if mail else None, from_mail=mail is not None)
    evidence, upload_ops = (list(mail.evidence), []) if mail else _photos(deps, actor, photos, now)
    received = parsed.received
    record = Intake(channel=parsed.channel, source=parsed.source, external_ref=parsed.external_ref,
                    from_unit=parsed.from_unit, received_by=actor.unit, registered_by=actor.username,
                    registered_at=now, received_time_known=received.time_known, backdated=received.backdated)

    def contact(complaint_id: str):
        if parsed.contact is None:
            return None
        return contacts.new_contact(deps, complaint_id, parsed.contact_kind, parsed.contact, now)

    complaint, ops = intake.new_filing(
        deps, county, category=parsed.category, description=parsed.description, address=parsed.address,
        point=parsed.point, routing=parsed.routing, receipt=token.receipt, received_at=received.at,
        evidence=evidence, contact=contact, submission=submission, now=now, intake=record,
        place={"village": parsed.village, "approximate": True} if parsed.village else None)
    ops += upload_ops
    ops.append(deps.repos.registrations.op(county.code, actor.unit, complaint.id, now))
    ops.append(deps.repos.audit.op(
        at=now, actor=actor.username, role=actor.role.value, unit=actor.unit, county=county.code,
        action="register_backdated" if received.backdated else "register", complaint_id=complaint.id,
        detail={"channel": parsed.channel, "source": parsed.source, "received_at": received.at.isoformat(),
                "backdated": received.backdated, "contact": parsed.contact_kind}))
    code_message = reply = None
    if parsed.contact_kind == "phone":
        code_ops, code_message = verification.start_ops(deps, complaint, county, now)
        ops += code_ops
        receipt_by = "sms"
    elif parsed.contact_kind == "email":
        from portal.services.channels import mail as replies

        reply = replies.receipt_reply(deps, complaint, county, token.receipt, mail.message_id if mail else None,
                                      mail.subject if mail else None, now)
        ops += [deps.repos.outbox.save_op(reply), _slip_op(complaint.id, "mail", actor, now)]
        receipt_by = "mail"
    else:
        ops.append(_slip_op(complaint.id, "slip", actor, now))
        receipt_by = "slip"
    if mail is not None and mail.decide is not None:
        ops += mail.decide(complaint.id)
    try:
        deps.store.write(ops)
    except ConditionFailed:
        if deps.repos.complaints.id_for_submission(submission):
            raise AlreadyRegistered(ALREADY, field="form") from None
        raise
    deps.repos.complaints.committed(complaint)
    log.info("complaint %s registered by %s (channel %s)", complaint.id, actor.unit, parsed.channel)
    if code_message is not None:
        verification.send_code(deps, code_message, now)
    if reply is not None:
        deps.repos.outbox.committed(reply)
        deliver(deps, reply.pk, reply.sk, now)
    acceptance = complaint.clock(ClockKind.ACCEPTANCE)
    return Registration(
        complaint_id=complaint.id, lead_name=county.unit_name(complaint.lead), channel=parsed.channel,
        contact_kind=parsed.contact_kind, received_at=received.at, backdated=received.backdated,
        acceptance_due=acceptance.due_at if acceptance else None,
        receipt=token.receipt if receipt_by == "slip" else None, receipt_by=receipt_by,
        token=data.token if receipt_by == "sms" else None, code_sent=code_message is not None)


def _photos(deps: Deps, actor: Actor, photos: list[bytes], now: datetime) -> tuple[list[Evidence], list[Op]]:
    """Photos that came with a letter or a visit: all sanitised (all or nothing), staged for this
    officer and taken in the registration's transaction; capture facts are not kept."""
    if len(photos) > uploads.MAX_PHOTOS:
        raise ValidationFailed({"photos": [DomainError(N_("最多只能上传 %(n)s 张照片。"), field="photos",
                                                        n=uploads.MAX_PHOTOS)]})
    cleans = [sanitize(raw, deps.settings.photo_limit) for raw in photos]
    owner = f"staff:{actor.username}"
    staged = [uploads.keep_clean(deps, owner, clean, now).upload_id for clean in cleans]
    return uploads.take(deps, owner, staged, confirmed=set(), source="reporter")


# --- the phone: the code read back, the receipt by SMS ------------------------------------
def _registered_by_me(deps: Deps, actor: Actor, token: str | None, now: datetime) -> tuple[Complaint, str]:
    """The complaint this registration form filed, if this officer filed it: (complaint, receipt)."""
    opened = filing_tokens.open_token(deps, token, now)
    complaint_id = deps.repos.complaints.id_for_submission(opened.submission_hash(deps))
    complaint = deps.repos.complaints.get(complaint_id) if complaint_id else None
    if complaint is None or complaint.intake.registered_by != actor.username:
        raise NotFound(N_("没有找到这份登记。"))
    return complaint, opened.receipt


def _receipt_gone(deps: Deps, complaint: Complaint) -> bool:
    return deps.repos.records.get(K.complaint_pk(complaint.id), SLIP) is not None


def confirm_phone(deps: Deps, actor: Actor, token: str | None, code: str | None, now: datetime) -> Complaint:
    """The reporter reads back the code the SMS brought: the phone is verified (as on the status
    page) and the receipt goes to it by SMS, once."""
    complaint, receipt = _registered_by_me(deps, actor, token, now)
    if _receipt_gone(deps, complaint):
        raise Conflict(N_("回执号已经发出或显示过，不会再次发送。"))
    verification.confirm(deps, complaint, code, now, client=f"staff:{actor.username}")
    complaint = deps.repos.complaints.get(complaint.id)
    county = deps.counties.get(complaint.county) or deps.counties.default
    message = message_for(deps, complaint, "receipt", 1, now, body="")
    if message is None:  # the contact was purged meanwhile (cannot happen within the token's day)
        raise Conflict(N_("举报人的手机号码不可用。"))
    seal_body(deps, message, receipt_text(receipt, county.sms_signature, deps.settings.public_url))
    try:
        deps.store.write([_slip_op(complaint.id, "sms", actor, now), deps.repos.outbox.save_op(message)])
    except ConditionFailed:
        raise Conflict(N_("回执号已经发出或显示过，不会再次发送。")) from None
    deps.repos.outbox.committed(message)
    deliver(deps, message.pk, message.sk, now)
    return complaint


def show_receipt(deps: Deps, actor: Actor, token: str | None, now: datetime) -> Registration:
    """The SMS did not arrive (or the phone cannot get one): the slip shows the receipt, once, for
    the officer to read out or post."""
    complaint, receipt = _registered_by_me(deps, actor, token, now)
    try:
        deps.store.write([_slip_op(complaint.id, "slip", actor, now)])
    except ConditionFailed:
        raise Conflict(N_("回执号已经发出或显示过，不会再次显示。")) from None
    county = deps.counties.get(complaint.county) or deps.counties.default
    acceptance = complaint.clock(ClockKind.ACCEPTANCE)
    return Registration(complaint_id=complaint.id, lead_name=county.unit_name(complaint.lead),
                        channel=complaint.intake.channel, contact_kind=complaint.contact.kind if complaint.contact else "none",
                        received_at=complaint.received_at, backdated=complaint.intake.backdated,
                        acceptance_due=acceptance.due_at if acceptance else None, receipt=receipt, receipt_by="slip")

