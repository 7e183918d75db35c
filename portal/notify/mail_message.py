"""The one MIME form of a reply the portal sends (shared by the SMTP and SES adapters):
plain text in UTF-8, never HTML, threaded to the reporter's message."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from datetime import datetime, timezone

from portal.ports import OutgoingMail


def build(message: OutgoingMail, now: datetime | None = None) -> EmailMessage:
    mime = EmailMessage()
    mime["From"] = formataddr((message.sender_name, message.sender)) if message.sender_name else message.sender
    mime["To"] = message.to
    mime["Subject"] = message.subject
    mime["Date"] = format_datetime(now or datetime.now(timezone.utc))
    domain = message.sender.rpartition("@")[2] or None
    mime["Message-ID"] = make_msgid(domain=domain)
    if message.in_reply_to:
        mime["In-Reply-To"] = message.in_reply_to
        mime["References"] = message.in_reply_to
    mime["Auto-Submitted"] = "auto-replied"  # RFC 3834: no vacation reply back, no loop
    mime.set_content(message.text, charset="utf-8")
    return mime
