"""Twilio's REST client for ``TwilioSender``, imported at the first message sent (twilio's
client and requests cost a cold start about 30 ms, and most requests send nothing)."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from portal.notify.twilio_sender import api_base_parts


class ApiBaseHttpClient(TwilioHttpClient):
    """The real Twilio HTTP client, sending every request to another origin (``api_base``,
    e.g. the local fake Twilio API in tests); the path and query are kept."""

    def __init__(self, api_base: str, *, timeout: float):
        super().__init__(timeout=timeout)
        self._scheme, self._netloc, self._prefix = api_base_parts(api_base)

    def rewrite(self, url: str) -> str:
        parts = urlsplit(url)
        return urlunsplit((self._scheme, self._netloc, self._prefix + parts.path, parts.query, parts.fragment))

    def request(self, method, url, *args, **kwargs):
        return super().request(method, self.rewrite(url), *args, **kwargs)


def twilio_client(account_sid: str, auth_token: str, api_base: str | None, timeout: float) -> Client:
    http_client = ApiBaseHttpClient(api_base, timeout=timeout) if api_base else TwilioHttpClient(timeout=timeout)
    return Client(account_sid, auth_token, http_client=http_client)
