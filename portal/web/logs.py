"""Logging that cannot leak a reporter: every record passes a filter that masks digit runs
long enough to be a phone number or a receipt, and anything shaped like an IP address.
Request access logs are never written by the portal (waitress writes none either, and Zappa's
on AWS Lambda is switched off here)."""

from __future__ import annotations

import logging
import threading

from portal.config import Settings
from portal.redaction import redact


#: secret values masked in every log record, whoever writes it (``hide``)
_hidden: set[str] = set()
_base_factory = None
_hide_lock = threading.Lock()
HIDDEN = "[secret]"


def hide(values) -> None:
    """Mask these secret values (a county's basemap key) in every log record from now on,
    whoever writes it: urllib3 logs each request line at DEBUG, and the basemap's upstream
    URLs carry the key. Masked when the record is made, before any handler or filter sees it."""
    global _base_factory
    new = {v for v in values if isinstance(v, str) and len(v) >= 8}
    if not new:
        return
    with _hide_lock:
        _hidden.update(new)
        if _base_factory is not None:
            return
        _base_factory = logging.getLogRecordFactory()

        def factory(*args, **kwargs):
            record = _base_factory(*args, **kwargs)
            try:
                message = record.getMessage()
            except Exception:  # a broken format string: left to the redacting filter
                return record
            if any(v in message for v in _hidden):
                record.msg, record.args = _mask(message), None
            if record.exc_info:
                text = _TRACEBACKS.formatException(record.exc_info)
                if any(v in text for v in _hidden):
                    record.exc_text = _mask(text)
            return record

        logging.setLogRecordFactory(factory)


def _mask(text: str) -> str:
    for value in sorted(_hidden, key=len, reverse=True):
        text = text.replace(value, HIDDEN)
    return text


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the record, drop its arguments
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            # format the traceback now, so that the exception's message (which may quote a
            # number) is masked too; the handler's formatter then uses this text
            record.exc_text = _TRACEBACKS.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_TRACEBACKS = logging.Formatter()


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
    for name, level in QUIET.items():
        logging.getLogger(name).setLevel(level)
    _configured = True


#: third-party loggers held above DEBUG whatever PORTAL_LOG_LEVEL says: the development
#: server's access log names client addresses; twilio's client logs each request it makes;
#: Zappa's handler logs every request on Lambda with the client's address, user agent and
#: query string; Pillow logs every EXIF tag of a photo it opens (device serial numbers, the
#: owner's name, GPS), which is what the sanitiser removes
QUIET = {"werkzeug": logging.WARNING, "twilio.http_client": logging.WARNING, "zappa.wsgi": logging.WARNING,
         "PIL": logging.INFO}
