"""The reporter's contact, whatever the channel: a phone (SMS), a postal address (a written
notice, 004 C20: 书面), an email address (replies by mail) or nothing. Each is encrypted
exactly as a web reporter's phone (a keyring envelope bound to the complaint), never shown to
a department, and purged with the ticket (``Complaint.purge_contact``)."""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import parseaddr

from portal.domain.complaint import Complaint, Contact
from portal.domain.errors import DomainError
from portal.i18n import N_
from portal.services.deps import Deps
from portal.services.intake import bounded_text, parse_phone
from portal.services.notifications import contact_context

POSTAL_MAX = 200
EMAIL_MAX = 254
#: an address as mail servers take it: one @, no spaces, a dotted domain
_EMAIL = re.compile(r"[^@\s<>()\[\],;:\"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}[A-Za-z0-9])?)+")


def parse_postal(raw) -> str:
    """A postal address for a written notice: the recipient and the address, as the reporter gave it."""
    text = bounded_text(raw, "postal_address", POSTAL_MAX, required=True,
                        missing=N_("请填写邮寄书面告知的通信地址（收件人和地址）。"))
    if len(text) < 6:
        raise DomainError(N_("通信地址太短，请写明省市县、乡镇、村组（街道门牌）和收件人。"), field="postal_address")
    return text


def parse_email(raw) -> str:
    text = bounded_text(raw, "email", EMAIL_MAX, required=True, missing=N_("请填写电子邮箱地址。"))
    _, address = parseaddr(text)
    if not address or not _EMAIL.fullmatch(address):
        raise DomainError(N_("电子邮箱地址格式不正确。"), field="email")
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}"


def parse_value(kind: str, data) -> str | None:
    """The contact of ``kind`` from the form's fields (``phone``, ``postal_address``, ``email``)."""
    if kind == "phone":
        phone = parse_phone(data.phone)
        if phone is None:
            raise DomainError(N_("请填写举报人的手机号码。"), field="phone")
        return phone
    if kind == "postal":
        return parse_postal(data.postal_address)
    if kind == "email":
        return parse_email(data.email)
    return None


def new_contact(deps: Deps, complaint_id: str, kind: str, value: str, now: datetime) -> Contact:
    """The envelope (and, for a phone, the keyed hash that rate limits and reward checks use).
    An email address is taken as verified: the report came from it, and the replies go back to it."""
    return Contact(envelope=deps.keyring.encrypt(value.encode(), contact_context(complaint_id)),
                   phone_hash=deps.hasher.digest("phone", value) if kind == "phone" else None,
                   verified_at=now if kind == "email" else None, kind=kind)


def read(deps: Deps, complaint: Complaint) -> str | None:
    """The contact in clear, for the notice path and the written-notice page only."""
    contact = complaint.contact
    if contact is None or contact.envelope is None:
        return None
    return deps.keyring.decrypt(contact.envelope, contact_context(complaint.id)).decode()


def masked_address(address: str) -> str:
    """An email address as the demo outbox shows it: the first character and the domain."""
    local, _, domain = address.rpartition("@")
    return f"{local[:1]}***@{domain}" if local else "—"
