"""Reading a hostile email: MIME with the standard library's parser, the text preferred over
the HTML, HTML reduced to text (scripts, styles and markup dropped; the portal never displays
a message as HTML), photos through the same sanitiser as the web form's, everything else
refused with the reason the officer reads, and limits on size and attachment count.

Nothing here stores anything: ``parse`` returns what the inbox keeps, or raises ``Unreadable``.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser

from portal.evidence.sanitize import CleanImage, ImageRejected, sanitize
from portal.i18n import N_
from portal.services.intake import clean_text

#: the text an officer reads and may turn into the report's description
TEXT_MAX = 20_000
SUBJECT_MAX = 300
PHOTO_TYPES = {"image/jpeg", "image/jpg", "image/pjpeg", "image/png", "image/webp"}

NOT_A_PHOTO = N_("只接收照片（JPEG、PNG 或 WebP）；这个附件（%(type)s）未接收，需要时请举报人另行提供。")
TOO_BIG = N_("附件超过 %(mb)s MB，未接收。")
TOO_MANY = N_("附件太多：只处理前 %(n)s 个，这个附件未接收。")


class Unreadable(Exception):
    """The message cannot be parsed; ``message`` is the msgid the officer reads."""

    def __init__(self, message: str, **params):
        super().__init__(message)
        self.message, self.params = message, params


@dataclass
class Part:
    """An attachment (or inline image) as found: kept as a sanitised photo, or refused."""

    n: int
    content_type: str
    size: int
    filename: str
    clean: CleanImage | None = None
    reason: str | None = None
    params: dict = field(default_factory=dict)


@dataclass
class ParsedMail:
    sender: str | None  #: the From address, lower-cased domain; None when there is none
    subject: str
    date: datetime | None  #: the Date header, when it parses (hostile: only ever a hint)
    message_id: str | None
    text: str
    parts: list[Part]


class _TextOnly(HTMLParser):
    """The text of an HTML body: what is between tags, with line breaks where blocks end.
    The contents of script, style, head, template and similar elements are dropped."""

    SKIP = {"script", "style", "head", "title", "template", "noscript", "object", "iframe", "svg", "math"}
    BREAK = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "pre",
             "section", "article", "header", "footer", "ul", "ol", "hr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BREAK:
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BREAK:
            self.out.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.out.append(data)


def html_to_text(html: str) -> str:
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    return "".join(parser.out)


def _tidy(text: str) -> str:
    lines = [re.sub(r"[ \t\u00a0\u3000]+", " ", line).strip() for line in text.replace("\r", "").split("\n")]
    tidy = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return clean_text(tidy, TEXT_MAX)[:TEXT_MAX]


def _declared_type(part: EmailMessage) -> str:
    value = (part.get_content_type() or "application/octet-stream").lower()
    return value if re.fullmatch(r"[a-z0-9.+\-]{1,40}/[a-z0-9.+\-]{1,60}", value) else "application/octet-stream"


def _payload(part: EmailMessage) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001 - a broken transfer encoding: nothing usable
        return b""
    return data or b""


def _size(part: EmailMessage) -> int:
    """The decoded size, estimated from the encoded text (nothing large is decoded to measure it)."""
    encoded = part.get_payload()
    if not isinstance(encoded, str):
        return len(_payload(part))
    if (part.get("Content-Transfer-Encoding") or "").strip().lower() == "base64":
        return len(re.sub(r"\s", "", encoded)) * 3 // 4
    return len(encoded)


def _text_of(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except Exception:  # noqa: BLE001 - an unknown charset or a broken encoding: decode what there is
        content = _payload(part).decode("utf-8", errors="replace")
    if not isinstance(content, str):
        return ""
    return html_to_text(content) if part.get_content_type() == "text/html" else content


def _is_attachment(part: EmailMessage) -> bool:
    if part.is_multipart():
        return False
    disposition = part.get_content_disposition()
    if disposition == "attachment" or part.get_filename():
        return True
    return part.get_content_maintype() not in ("text",)


def _sender(message: EmailMessage) -> str | None:
    try:
        found = getaddresses([str(v) for v in message.get_all("From", [])])
    except Exception:  # noqa: BLE001 - a From header the parser cannot split
        return None
    for _name, address in found:
        if "@" in address and len(address) <= 254:
            local, _, domain = address.rpartition("@")
            return f"{local}@{domain.lower()}"
    return None


def _date(message: EmailMessage) -> datetime | None:
    try:
        value = parsedate_to_datetime(str(message["Date"]))
    except Exception:  # noqa: BLE001 - absent or malformed
        return None
    return value.astimezone(timezone.utc) if value is not None and value.tzinfo is not None else None


def _header(message: EmailMessage, name: str, limit: int) -> str:
    try:
        return clean_text(str(message.get(name, "") or ""), limit)[:limit]
    except Exception:  # noqa: BLE001 - an undecodable encoded word
        return ""


def parse(raw: bytes, *, max_attachments: int, photo_limit: int) -> ParsedMail:
    """The message's sender, subject, text and attachments. Photos are sanitised here (all
    metadata dropped, capture facts not kept: nobody confirmed them); any other attachment,
    a photo over ``photo_limit`` and those beyond ``max_attachments`` are refused with a reason."""
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
    except Exception:  # noqa: BLE001 - the parser is lenient; anything it raises means unreadable
        raise Unreadable(N_("邮件格式无法识别（不是有效的 MIME 邮件）。")) from None
    if not message.keys():
        raise Unreadable(N_("邮件格式无法识别（没有邮件头）。"))
    try:
        body = message.get_body(preferencelist=("plain", "html"))
        leaves = [p for p in message.walk() if not p.is_multipart()]
    except Exception:  # noqa: BLE001 - a structure the walker cannot follow
        raise Unreadable(N_("邮件结构无法识别。")) from None
    text = _tidy(_text_of(body)) if body is not None else ""
    parts: list[Part] = []
    for leaf in leaves:
        if leaf is body or not _is_attachment(leaf):
            continue
        n = len(parts) + 1
        declared = _declared_type(leaf)
        filename = clean_text(leaf.get_filename() or "", 200)[:200]
        if n > max_attachments:
            parts.append(Part(n, declared, 0, filename, reason=TOO_MANY, params={"n": max_attachments}))
            continue
        part = Part(n, declared, _size(leaf), filename)
        if declared not in PHOTO_TYPES:
            part.reason, part.params = NOT_A_PHOTO, {"type": declared}
        elif part.size > photo_limit:
            part.reason, part.params = TOO_BIG, {"mb": photo_limit // (1024 * 1024)}
        else:
            data = _payload(leaf)
            part.size = len(data)
            try:
                part.clean = sanitize(data, photo_limit)
            except ImageRejected as exc:
                part.reason, part.params = exc.message, dict(exc.params)
        parts.append(part)
    return ParsedMail(sender=_sender(message), subject=_header(message, "Subject", SUBJECT_MAX), date=_date(message),
                      message_id=_header(message, "Message-ID", 300) or None, text=text, parts=parts)

