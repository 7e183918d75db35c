"""Test mail: the hostile report email the inbox must take apart, built with the standard
library, and helpers to read the mail outbox."""

from __future__ import annotations

import io
import zipfile
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from datetime import datetime, timezone
from functools import lru_cache

from tests.fakes import images

SENDER = "wang.reporter@example.cn"
SENDER_NAME = "王举报人"
UNIT_ADDRESS = "zrzy-report@example.invalid"  # 县自然资源局's published address in the demo county
SUBJECT = "举报：村口有人占用耕地建房"
MESSAGE_ID = "<report-0001@mail.example.cn>"
SCRIPT = "stealCookies(document.cookie)"
TEXT = "村口有人占用耕地建房，已经打好地基。"
PLACE = "垄溪乡示例村三组"
#: the declared size of the oversize attachment
BIG_MB = 30


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("材料.txt", "更多材料")
    return out.getvalue()


def report_eml(*, big_mb: int = BIG_MB, to: str = UNIT_ADDRESS, message_id: str = MESSAGE_ID,
               sent: datetime | None = None) -> bytes:
    """HTML only (with scripts, a style, a javascript: link and an inline image by cid), an
    inline JPEG carrying GPS and camera-serial EXIF, a zip, and a ``big_mb`` MB "photo"."""
    return _report_eml(big_mb, to, message_id, (sent or datetime(2026, 11, 22, 9, 30, tzinfo=timezone.utc)).isoformat())


@lru_cache(maxsize=4)
def _report_eml(big_mb: int, to: str, message_id: str, sent: str) -> bytes:
    message = EmailMessage()
    message["From"] = formataddr((SENDER_NAME, SENDER))
    message["To"] = to
    message["Subject"] = SUBJECT
    message["Date"] = format_datetime(datetime.fromisoformat(sent))
    message["Message-ID"] = message_id
    html = ("<html><head><title>举报</title><style>p { color: red }</style>"
            f"<script>{SCRIPT}</script></head><body>"
            f"<p>{TEXT}</p><p>地点：{PLACE}<br>时间：11月20日上午</p>"
            "<p><img src=\"cid:photo1@example.cn\"> <a href=\"javascript:alert(1)\">点这里看视频</a></p>"
            "<script>alert('x')</script><p>&lt;b&gt;不是标签&lt;/b&gt;</p></body></html>")
    message.set_content(html, subtype="html", charset="utf-8")
    message.add_related(images.phone_jpeg(), maintype="image", subtype="jpeg", cid="<photo1@example.cn>")
    message.add_attachment(zip_bytes(), maintype="application", subtype="zip", filename="更多材料.zip")
    if big_mb:
        message.add_attachment(b"\xff\xd8\xff" + bytes(range(256)) * (big_mb * 4096), maintype="image",
                               subtype="jpeg", filename="现场视频截图.jpg")
    return message.as_bytes()


def plain_eml(text: str = TEXT, *, to: str = UNIT_ADDRESS, sender: str = SENDER, subject: str = SUBJECT,
              message_id: str = "<plain-0001@mail.example.cn>") -> bytes:
    message = EmailMessage()
    message["From"] = formataddr((SENDER_NAME, sender))
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message["Date"] = format_datetime(datetime(2026, 11, 22, 9, 30, tzinfo=timezone.utc))
    message.set_content(text)
    return message.as_bytes()
