"""Provider hooks (``/hooks``): Twilio's SMS status callback.

The result of a complaint must reach the reporter within 7 working days of the conclusion
(004 C20, L17); a result SMS counts as having reached the reporter when Twilio reports it
delivered, here. Only Twilio can say so: each callback must carry a valid
``X-Twilio-Signature`` (HMAC of the URL and the form fields under the account's auth
token), computed over the portal's public URL, since API Gateway or a proxy in front of
the portal changes the host the request arrives on. A request that fails the check gets
403 and changes nothing. The hook needs no CSRF token: the signature authenticates it.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, abort, request

from portal.services.notifications import record_provider_status
from portal.web.common import deps, now

log = logging.getLogger(__name__)

bp = Blueprint("hooks", __name__, url_prefix="/hooks")


def _public_url() -> str:
    """The URL Twilio requested: the public base URL, the path and the query as received."""
    url = deps().settings.public_url.rstrip("/") + request.path
    if request.query_string:
        url += "?" + request.query_string.decode("latin-1")
    return url


@bp.post("/twilio/status")
def twilio_status():
    """Record a message's delivery status (delivered, undelivered, failed); other statuses
    and unknown message SIDs are answered 204 and change nothing."""
    from twilio.request_validator import RequestValidator  # twilio at the first callback, not at start-up

    d = deps()
    if d.settings.sms != "twilio":
        abort(404)
    token = d.secrets.twilio_auth_token
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature or not RequestValidator(token).validate(_public_url(), request.form, signature):
        log.warning("twilio status callback refused: bad or missing signature")
        abort(403)
    sid, status = request.form.get("MessageSid", ""), request.form.get("MessageStatus", "")
    if not sid or not status:
        abort(400)
    record_provider_status(d, sid, status, now())
    return "", 204


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
