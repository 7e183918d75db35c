"""The department workspace at ``/staff``: its own blueprints, templates (``templates/staff``),
stylesheet and server-side session.

- Every page but the two login steps needs a signed-in account; every ticket a page or an
  action touches is checked against ``portal.domain.access`` by the services (out of view:
  404, the same answer as an id that does not exist; in view but not permitted: 403).
- Every form posted here carries a CSRF token (Flask-WTF), checked for this blueprint tree
  only: the citizen app, the JSON API, Open311 and provider hooks have their own defences
  and never get a staff cookie.

The blueprint tree (``workspace``: the pages, the sign-in and CSRF checks, the pages'
context) is a lazy part of the app (``portal.web.routing``): a citizen's request never
imports it; the first request under ``/staff`` or ``url_for`` of a staff endpoint registers
it. What concerns every request is set here, with the app: the session interface (no session
outside ``/staff``) and CSRF checked by the workspace alone.
"""

from __future__ import annotations

from flask import Flask

from portal.web.staff.server_session import PREFIX, StaffSessionInterface


def init_app(app: Flask) -> None:
    # CSRF is checked by ``workspace.signed_in_and_csrf`` for this blueprint tree only
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    app.session_interface = StaffSessionInterface()
    app.add_lazy_part(PREFIX, "portal.web.staff.workspace:register")
