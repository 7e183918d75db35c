"""Server-side sessions for the staff app (Flask's session interface).

The cookie (``portal_staff``, path ``/staff``, HttpOnly, Secure, SameSite=Strict) carries a
random session id and nothing else; the session's data (who is signed in, the CSRF secret,
the pending login step) lives in the store (``portal.services.staff_auth``). Outside
``/staff`` there is no session at all: citizen pages, the APIs and the hooks never read or
set this cookie.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask, Request
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict

if TYPE_CHECKING:
    from portal.services.staff_auth import SessionRecord

PREFIX = "/staff"


def in_staff_app(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


class StaffSession(CallbackDict, SessionMixin):
    def __init__(self, record: SessionRecord | None = None):
        def on_update(_):
            self.modified = True

        super().__init__(dict(record.data) if record else {}, on_update)
        self.record = record
        self.modified = False
        #: set by ``begin``/``end``: the next response replaces or drops the session
        self.begin_as: str | None = None
        self.rotate = False
        self.ended = False

    def begin(self, username: str | None) -> None:
        """A new session id for a new stage of the login (no session fixation); data is kept."""
        self.rotate = True
        self.begin_as = username
        self.modified = True

    def end(self) -> None:
        self.clear()
        self.ended = True


class StaffSessionInterface(SessionInterface):
    """Set with the app, for every request; ``portal.services.staff_auth`` (password hashing,
    accounts) is imported by the first request under ``/staff``, never by a citizen's."""

    def open_session(self, app: Flask, request: Request):
        if not in_staff_app(request.path):
            return self.make_null_session(app)
        from portal.services import staff_auth

        deps = app.extensions["portal"]
        sid = request.cookies.get(self.get_cookie_name(app))
        return StaffSession(staff_auth.load_session(deps, sid, deps.clock.now()))

    def save_session(self, app: Flask, session, response) -> None:
        if not isinstance(session, StaffSession):
            return
        from portal.services import staff_auth

        deps = app.extensions["portal"]
        now = deps.clock.now()
        name, path = self.get_cookie_name(app), self.get_cookie_path(app)
        cookie = dict(domain=self.get_cookie_domain(app), path=path, secure=self.get_cookie_secure(app),
                      httponly=self.get_cookie_httponly(app), samesite=self.get_cookie_samesite(app))
        response.vary.add("Cookie")
        if session.ended or session.rotate:
            if session.record is not None:
                staff_auth.end_session(deps, session.record.sid)
            if session.ended:
                response.delete_cookie(name, **cookie)
                return
        if session.record is None or session.rotate:
            if not session and not session.rotate:
                return  # nothing worth a session yet
            record = staff_auth.new_session(deps, session.begin_as, dict(session), now)
            response.set_cookie(name, record.sid, **cookie)
            return
        staff_auth.save_session(deps, session.record, dict(session) if session.modified else None, now)
