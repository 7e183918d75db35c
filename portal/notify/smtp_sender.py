"""SMTP adapter of the mail port: the county's own mail server.

``smtps://`` is TLS from the first byte; ``smtp://`` must offer STARTTLS, and a server that
does not is refused rather than sent the password or a reporter's address in clear, unless it
is on the loopback (a local relay, the tests' sink). A reply the server defers (4xx) or a
connection that fails is retried by the outbox; one it refuses (5xx) is not.
"""

from __future__ import annotations

import smtplib
import socket
import ssl

from portal.config import MailServer, Settings
from portal.notify.mail_message import build
from portal.ports import MailPermanentError, MailReceipt, MailTemporaryError, OutgoingMail


class SmtpSender:
    def __init__(self, server: MailServer, password: str | None, timeout: float = 20.0,
                 context: ssl.SSLContext | None = None):
        self.server, self._password, self.timeout = server, password, timeout
        self._context = context or ssl.create_default_context()

    @classmethod
    def from_settings(cls, settings: Settings, secrets) -> "SmtpSender":
        return cls(settings.smtp_server, secrets.smtp_password)

    def _connect(self) -> smtplib.SMTP:
        s = self.server
        if s.implicit_tls:
            return smtplib.SMTP_SSL(s.host, s.port, timeout=self.timeout, context=self._context)
        client = smtplib.SMTP(s.host, s.port, timeout=self.timeout)
        client.ehlo()
        if client.has_extn("starttls"):
            client.starttls(context=self._context)
            client.ehlo()
        elif not s.loopback:
            client.close()
            raise MailPermanentError("the mail server offers no STARTTLS; refusing to send in clear")
        return client

    def send(self, message: OutgoingMail) -> MailReceipt:
        mime = build(message)
        try:
            with self._connect() as client:
                if self.server.username:
                    client.login(self.server.username, self._password or "")
                refused = client.send_message(mime)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise (MailTemporaryError if all(400 <= c < 500 for c in codes) else MailPermanentError)(
                f"recipient refused ({', '.join(map(str, codes))})") from None
        except smtplib.SMTPResponseException as exc:
            kind = MailTemporaryError if 400 <= exc.smtp_code < 500 else MailPermanentError
            raise kind(f"server answered {exc.smtp_code}") from None
        except (smtplib.SMTPException, OSError, socket.timeout, ssl.SSLError) as exc:
            raise MailTemporaryError(type(exc).__name__) from None
        if refused:
            raise MailPermanentError("recipient refused")
        return MailReceipt(provider_id=str(mime["Message-ID"]), status="sent")
