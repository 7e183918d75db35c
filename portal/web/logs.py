"""Logging that cannot leak a reporter: every record passes a filter that masks digit runs
long enough to be a phone number or a receipt, and anything shaped like an IP address.
Request access logs are never written by the portal (waitress writes none either, and Zappa's
on AWS Lambda is switched off here)."""

from __future__ import annotations

import logging

from portal.config import Settings
from portal.redaction import redact


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the record, drop its arguments
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


_configured = False


def configure(settings: Settings) -> None:
    global _configured
    root = logging.getLogger()
    root.setLevel(settings.log_level.upper())
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    for handler in root.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
    # the development server's access log names client addresses; twilio's client logs each
    # request it makes; Zappa's handler logs every request on Lambda with the client's address,
    # user agent and query string: none of them belongs in the portal's log
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("twilio.http_client").setLevel(logging.WARNING)
    logging.getLogger("zappa.wsgi").setLevel(logging.WARNING)
    _configured = True
