"""Logging that cannot leak a reporter, as JSON lines for operators.

Every record passes a filter that masks digit runs long enough to be a phone number or a
receipt, and anything shaped like an IP address, in its message, its traceback and every
field it carries. With ``PORTAL_LOG_FORMAT=json`` (the default) each record is one JSON
object per line: ``ts``, ``level``, ``logger``, ``message``, the record's own fields
(``event``, counts) and ``exception``; CloudWatch metric filters read them (infra/).

Secret values given to ``hide`` (a county's basemap key) are masked when a record is made.

Each request is logged once (``event: request``): a request id (also sent back as
``X-Request-Id``), the route *as declared* (``/staff/tickets/<complaint_id>``, never the
path with its ids), the method, the status and the duration. Never the client's address, its
user agent, the query string, a cookie, a header or a body. Waitress writes no access log,
Zappa's on AWS Lambda is switched off here (``QUIET``).
"""

from __future__ import annotations

import json
import logging
import secrets
import string
import threading
import time
from datetime import datetime, timezone

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


#: the attributes every LogRecord has; any other is a field the code gave (``extra=``)
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}
#: field values a log line may carry (anything else is dropped, never converted)
_PLAIN = (str, int, float, bool, type(None))


def fields_of(record: logging.LogRecord) -> dict:
    return {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}


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
        for name, value in fields_of(record).items():
            if isinstance(value, str):
                setattr(record, name, redact(value))
            elif not isinstance(value, _PLAIN):
                setattr(record, name, None)  # an object could print anything
        return True


_TRACEBACKS = logging.Formatter()


class JsonLines(logging.Formatter):
    """One JSON object per record (after ``RedactingFilter``; strings are masked again here,
    so a handler without the filter still leaks nothing)."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for name, value in fields_of(record).items():
            if isinstance(value, _PLAIN):
                line[name] = redact(value) if isinstance(value, str) else value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = redact(record.exc_text)
        return json.dumps(line, ensure_ascii=False)


_configured = False


def formatter_for(settings: Settings) -> logging.Formatter:
    if settings.log_format == "json":
        return JsonLines()
    return logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")


def configure(settings: Settings) -> None:
    global _configured
    root = logging.getLogger()
    root.setLevel(settings.log_level.upper())
    if not root.handlers:
        root.addHandler(logging.StreamHandler())
    for handler in root.handlers:  # Lambda's own handler too: its lines become JSON as well
        if not _configured or settings.log_format == "json":
            handler.setFormatter(formatter_for(settings))
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
    for name, level in QUIET.items():
        logging.getLogger(name).setLevel(level)
    _configured = True


#: third-party loggers held above DEBUG whatever PORTAL_LOG_LEVEL says: the development
#: server's access log names client addresses; twilio's client logs each request it makes;
#: Zappa's handler logs every request on Lambda with the client's address, user agent and
#: query string; Pillow logs every EXIF tag of a photo it opens (device serial numbers, the
#: owner's name, GPS), which is what the sanitiser removes; waitress logs its listening address
#: at INFO, which the filter would mask to "http://[ip]:8000" (`portal serve` prints it itself)
QUIET = {"werkzeug": logging.WARNING, "twilio.http_client": logging.WARNING, "zappa.wsgi": logging.WARNING,
         "PIL": logging.INFO, "waitress": logging.WARNING}


# --- one line per request ---------------------------------------------------------------------

requests_log = logging.getLogger("portal.requests")
_ALPHABET = string.ascii_lowercase  # no digits: a request id never looks like a number to mask


def new_request_id() -> str:
    """16 lowercase letters from one read of the system's random source (80 bits: 26**16 is
    2**75, so the letters are as good as uniform); one letter a read cost 16 system calls a
    request."""
    number = int.from_bytes(secrets.token_bytes(10), "big")
    letters = []
    for _ in range(16):
        number, index = divmod(number, 26)
        letters.append(_ALPHABET[index])
    return "".join(letters)


def init_request_log(app) -> None:
    from flask import g, request

    @app.before_request
    def start_request():
        g.request_id = new_request_id()
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        request_id = getattr(g, "request_id", None) or new_request_id()
        started = getattr(g, "request_started", None)
        response.headers["X-Request-Id"] = request_id
        requests_log.info("request", extra={
            "event": "request", "request_id": request_id,
            "route": request.url_rule.rule if request.url_rule is not None else "-",
            "method": request.method, "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started is not None else None,
        })
        return response
