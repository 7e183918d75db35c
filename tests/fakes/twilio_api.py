"""A local fake of Twilio's Messages API, on loopback, driven by the real twilio client.

``POST /2010-04-01/Accounts/{AccountSid}/Messages.json`` with HTTP Basic auth (account
SID : auth token) takes the form fields To, Body, MessagingServiceSid or From, and
StatusCallback, and answers 201 with Twilio-shaped JSON; every accepted message is recorded
in ``messages``. Errors are Twilio-shaped too (``code``, ``message``, ``more_info``,
``status``) and, like Twilio's, may quote the number they failed on.

Failure controls: ``fail_next(n, status, code)``, ``hang_next(n)`` (answer only after the
client has given up), ``lose_answer_next(n)`` (accept and send the message, but answer only
after the client has given up), ``stop()`` / ``start()`` (connection refused in between, same URL).
``send_status(sid, status)`` plays Twilio's part afterwards: it POSTs a status callback,
signed with ``X-Twilio-Signature`` as Twilio signs it, to the message's StatusCallback,
through a poster: real HTTP by default, or a Flask test client (``flask_poster``).
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import Callable, Mapping
from urllib.parse import urlencode, urlsplit

from twilio.request_validator import RequestValidator
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

API_VERSION = "2010-04-01"
_MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<account>[^/]+)/Messages\.json$")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")

#: Twilio's wording for the errors the fake can produce; ``{to}`` is the number, as Twilio quotes it
ERROR_TEXTS = {
    20003: "Authenticate",
    20404: "The requested resource was not found",
    20429: "Too Many Requests",
    20500: "An internal server error has occurred",
    20503: "Service unavailable",
    21211: "The 'To' number {to} is not a valid phone number.",
    21602: "Message body is required.",
    21603: "A 'From' phone number is required.",
    21604: "A 'To' phone number is required.",
    21610: "Attempt to send to unsubscribed recipient {to}",
    21614: "'To' number {to} is not a valid mobile number",
}
_DEFAULT_CODES = {400: 21211, 401: 20003, 404: 20404, 429: 20429, 500: 20500, 503: 20503}

#: (url, form fields, headers) -> HTTP status of the answer
Poster = Callable[[str, Mapping[str, str], Mapping[str, str]], int]


class _QuietHandler(WSGIRequestHandler):
    protocol_version = "HTTP/1.0"  # one request per connection: a stopped server refuses at once

    def log_request(self, code="-", size="-") -> None:
        pass


class LoopbackServer:
    """A WSGI app served on 127.0.0.1 in a thread; ``stop()`` closes the port, ``start()``
    opens the same port again."""

    def __init__(self, app, port: int = 0):
        self.app = app
        self.port = port
        self._server = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        if self._server is not None:
            return
        self._server = make_server("127.0.0.1", self.port, self.app, threaded=True, request_handler=_QuietHandler)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"loopback-{self.port}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


@dataclass
class FakeMessage:
    sid: str
    to: str
    body: str
    messaging_service_sid: str | None
    from_: str | None
    status_callback: str | None
    status: str
    date_created: datetime


def http_poster(url: str, params: Mapping[str, str], headers: Mapping[str, str]) -> int:
    """POST the callback over HTTP, as Twilio does."""
    request = urllib.request.Request(url, data=urlencode(params).encode(), method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded", **headers})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def flask_poster(test_client) -> Poster:
    """POST the callback into a Flask test client: the URL's path on the URL's host."""

    def post(url: str, params: Mapping[str, str], headers: Mapping[str, str]) -> int:
        parts = urlsplit(url)
        response = test_client.post(parts.path + (f"?{parts.query}" if parts.query else ""), data=dict(params),
                                    headers=dict(headers), base_url=f"{parts.scheme}://{parts.netloc}")
        return response.status_code

    return post


class FakeTwilioApi:
    def __init__(self, account_sid: str, auth_token: str, *, hang_seconds: float = 3.0):
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.hang_seconds = hang_seconds
        self.messages: list[FakeMessage] = []
        self.attempts = 0  #: every POST to Messages.json, answered or not
        self._failures: list[tuple[str, int, int | None]] = []  # ("fail", status, code) | ("hang", 0, None)
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._server = LoopbackServer(self._wsgi)

    # --- lifecycle -------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return self._server.url

    def start(self) -> "FakeTwilioApi":
        self._release.clear()
        self._server.start()
        return self

    def stop(self) -> None:
        self._release.set()  # wake any request still hanging
        self._server.stop()

    def __enter__(self) -> "FakeTwilioApi":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- failure controls ------------------------------------------------------------------
    def fail_next(self, n: int = 1, status: int = 500, code: int | None = None) -> None:
        """The next ``n`` requests get a Twilio-style JSON error and send nothing."""
        with self._lock:
            self._failures += [("fail", status, code or _DEFAULT_CODES.get(status, status * 100))] * n

    def hang_next(self, n: int = 1) -> None:
        """The next ``n`` requests get no answer for ``hang_seconds`` (past the client's
        timeout), then a 503; nothing is sent."""
        with self._lock:
            self._failures += [("hang", 503, 20503)] * n

    def lose_answer_next(self, n: int = 1) -> None:
        """The next ``n`` requests are accepted and their messages sent, but the answer comes
        only after the client has given up (Twilio took it; the caller cannot know)."""
        with self._lock:
            self._failures += [("lost", 201, None)] * n

    # --- what was sent ---------------------------------------------------------------------
    def message(self, sid: str) -> FakeMessage:
        with self._lock:
            return next(m for m in self.messages if m.sid == sid)

    # --- status callbacks ------------------------------------------------------------------
    def status_params(self, sid: str, status: str, error_code: str | None = None) -> dict[str, str]:
        """The form fields of Twilio's status callback for one message."""
        message = self.message(sid)
        params = {"MessageSid": sid, "SmsSid": sid, "MessageStatus": status, "SmsStatus": status,
                  "AccountSid": self.account_sid, "To": message.to, "ApiVersion": API_VERSION}
        if message.messaging_service_sid:
            params["MessagingServiceSid"] = message.messaging_service_sid
        if message.from_:
            params["From"] = message.from_
        if error_code:
            params["ErrorCode"] = error_code
        return params

    def signature(self, url: str, params: Mapping[str, str]) -> str:
        return RequestValidator(self.auth_token).compute_signature(url, params)

    def send_status(self, sid: str, status: str, poster: Poster = http_poster, error_code: str | None = None) -> int:
        """POST a signed status callback to the message's StatusCallback; the answer's status."""
        message = self.message(sid)
        if not message.status_callback:
            raise AssertionError(f"message {sid} was sent without a StatusCallback")
        params = self.status_params(sid, status, error_code)
        with self._lock:
            message.status = status
        return poster(message.status_callback, params, {"X-Twilio-Signature": self.signature(message.status_callback, params)})

    # --- the API ---------------------------------------------------------------------------
    def _wsgi(self, environ, start_response):
        request = Request(environ)
        return self._answer(request)(environ, start_response)

    def _answer(self, request: Request) -> Response:
        found = _MESSAGES_PATH.match(request.path)
        if request.method != "POST" or found is None:
            return _error(404, 20404)
        auth = request.authorization
        if auth is None or auth.username != self.account_sid or auth.password != self.auth_token:
            return _error(401, 20003)
        if found.group("account") != self.account_sid:
            return _error(404, 20404)
        form = request.form
        to = form.get("To", "")
        with self._lock:
            self.attempts += 1
            failure = self._failures.pop(0) if self._failures else None
        if failure is not None and failure[0] != "lost":
            kind, status, code = failure
            if kind == "hang":
                self._release.wait(self.hang_seconds)
            return _error(status, code, to)
        if not to:
            return _error(400, 21604)
        if not form.get("Body"):
            return _error(400, 21602)
        if not (form.get("MessagingServiceSid") or form.get("From")):
            return _error(400, 21603)
        if not _E164.match(to):
            return _error(400, 21211, to)
        now = datetime.now(timezone.utc)
        message = FakeMessage(sid="SM" + secrets.token_hex(16), to=to, body=form["Body"],
                              messaging_service_sid=form.get("MessagingServiceSid"), from_=form.get("From"),
                              status_callback=form.get("StatusCallback"), status="queued", date_created=now)
        with self._lock:
            self.messages.append(message)
        if failure is not None:  # "lost": sent, but the answer arrives too late
            self._release.wait(self.hang_seconds)
        return _json(201, self._resource(message))

    def _resource(self, m: FakeMessage) -> dict:
        stamp = format_datetime(m.date_created)
        uri = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{m.sid}"
        return {
            "account_sid": self.account_sid, "api_version": API_VERSION, "body": m.body,
            "date_created": stamp, "date_updated": stamp, "date_sent": None, "direction": "outbound-api",
            "error_code": None, "error_message": None, "from": m.from_, "messaging_service_sid": m.messaging_service_sid,
            "num_media": "0", "num_segments": "1", "price": None, "price_unit": "USD", "sid": m.sid,
            "status": m.status, "to": m.to, "uri": uri + ".json",
            "subresource_uris": {"media": uri + "/Media.json", "feedback": uri + "/Feedback.json"},
        }


def _json(status: int, body: dict) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


def _error(status: int, code: int, to: str = "") -> Response:
    text = ERROR_TEXTS.get(code, "Error {code}").format(to=to, code=code)
    return _json(status, {"code": code, "message": text, "more_info": f"https://www.twilio.com/docs/errors/{code}",
                          "status": status})
