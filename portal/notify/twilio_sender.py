"""The Twilio SMS sender: the result of a complaint reaches the reporter by SMS (手机短信)
within 7 working days of the conclusion (004 C20, L17); this adapter hands each outbox row
to Twilio's Messages API and asks for a signed status callback, which tells the portal
when the message was delivered (``portal.web.hooks``).

The outbox retries, so this adapter never does: it makes one request with a timeout and
classifies the outcome. What a failure says is built here from the HTTP status and
Twilio's numeric error code only, because Twilio's own error text quotes the number it
failed on; neither the phone number nor the text ever reaches an exception or a log.
"""

from __future__ import annotations

import logging
import threading
from urllib.parse import urlsplit

from portal.config import Settings, SettingsError
from portal.crypto.secrets import Secrets
from portal.ports import SmsPermanentError, SmsReceipt, SmsTemporaryError

log = logging.getLogger(__name__)

#: seconds for connecting and for each read; a hung provider must not hold a sweeper or a request
DEFAULT_TIMEOUT = 10.0

#: 4xx statuses that say nothing about the message itself: our credentials (401), a slow
#: request (408) or too many requests (429). The message may go out once that is fixed.
_TEMPORARY_4XX = frozenset({401, 408, 429})


def api_base_parts(api_base: str) -> tuple[str, str, str]:
    """(scheme, host, path prefix) of ``PORTAL_TWILIO_API_BASE``; SettingsError unless an http(s) URL."""
    parts = urlsplit(api_base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError("PORTAL_TWILIO_API_BASE must be an http(s) URL")
    return parts.scheme, parts.netloc, parts.path.rstrip("/")


class TwilioSender:
    """SmsSender port on Twilio (``PORTAL_SMS=twilio``). A Messaging Service SID is preferred
    over a From number: the service picks the sender and handles opt-outs."""

    def __init__(self, account_sid: str, auth_token: str, *, messaging_service_sid: str | None = None,
                 from_number: str | None = None, api_base: str | None = None,
                 timeout: float = DEFAULT_TIMEOUT):
        if not (messaging_service_sid or from_number):
            raise SettingsError("PORTAL_TWILIO_MESSAGING_SERVICE_SID or PORTAL_TWILIO_FROM is required")
        if api_base:
            api_base_parts(api_base)
        self._credentials = (account_sid, auth_token, api_base, timeout)
        self._made = None
        self._lock = threading.Lock()
        self._sender = ({"messaging_service_sid": messaging_service_sid} if messaging_service_sid
                        else {"from_": from_number})

    @classmethod
    def from_settings(cls, settings: Settings, secrets: Secrets, *, timeout: float = DEFAULT_TIMEOUT) -> "TwilioSender":
        """The auth token comes from the secrets (SSM on AWS, PORTAL_TWILIO_AUTH_TOKEN locally)."""
        if not settings.twilio_account_sid:
            raise SettingsError("PORTAL_TWILIO_ACCOUNT_SID is required when PORTAL_SMS=twilio")
        if not secrets.twilio_auth_token:
            raise SettingsError("the Twilio auth token is missing (PORTAL_TWILIO_AUTH_TOKEN, "
                                "or twilio-auth-token in SSM)")
        return cls(settings.twilio_account_sid, secrets.twilio_auth_token,
                   messaging_service_sid=settings.twilio_messaging_service_sid, from_number=settings.twilio_from,
                   api_base=settings.twilio_api_base, timeout=timeout)

    def _client(self):
        """Twilio's client, made at the first message: a cold start that sends none never
        imports twilio's REST client or requests (``portal.notify.twilio_http``)."""
        with self._lock:
            if self._made is None:
                from portal.notify.twilio_http import twilio_client

                self._made = twilio_client(*self._credentials)
            return self._made

    def send(self, to: str, body: str, *, callback_url: str | None = None) -> SmsReceipt:
        """Raises SmsTemporaryError (retry later) or SmsPermanentError (refused for good)."""
        import requests
        from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException

        extra = {"status_callback": callback_url} if callback_url else {}
        try:
            message = self._client().messages.create(to=to, body=body, **self._sender, **extra)
        except (TwilioRestException, TwilioServiceException) as exc:
            raise _classify(exc) from None
        except requests.Timeout:
            raise SmsTemporaryError("twilio: timed out") from None
        except requests.ConnectionError:
            raise SmsTemporaryError("twilio: connection failed") from None
        except (requests.RequestException, TwilioException, ValueError) as exc:
            # anything else on the way (a malformed answer, a broken proxy): the message may
            # still go out later, so it stays in the outbox
            raise SmsTemporaryError(f"twilio: {type(exc).__name__}") from None
        return SmsReceipt(provider_id=message.sid, status="sent")


def _classify(exc) -> Exception:
    """A TwilioRestException or TwilioServiceException: HTTP 5xx, 429, 408 and 401 -> temporary; any other 4xx refusal (21211 invalid number,
    21610 unsubscribed, 21614 not a mobile ...) -> permanent. Only status and code are kept."""
    status = int(exc.status or 0)
    code = exc.code if isinstance(exc.code, int) else None
    reason = f"twilio: HTTP {status}" + (f" error {code}" if code else "")
    if status >= 500 or status in _TEMPORARY_4XX or status < 400:
        if status == 401:
            log.error("twilio refused our credentials: check the account SID and auth token")
        return SmsTemporaryError(reason)
    return SmsPermanentError(reason)
