"""The department workspace at ``/staff``: its blueprint tree, the sign-in and CSRF checks of
every page and the pages' context (the rules: ``portal.web.staff``). Registered when the app
first needs it (a lazy part, ``portal.web.staff.init_app``).
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, CSRFProtect

from portal.domain.access import ROLE_TITLES, Role, can_register, can_see_queue_of
from portal.domain.campaigns.campaign import takes_part
from portal.domain.oversight import oversight_scope
from portal.domain.patrols.scope import can_decide_concealment, can_see_township, patrol_kind, status_scope
from portal.services import staff_auth
from portal.web.common import deps
from portal.web.errors import render_error

bp = Blueprint("staff", __name__, url_prefix="/staff")
csrf = CSRFProtect()

#: endpoints open without a signed-in account
PUBLIC_ENDPOINTS = {"staff.auth.login", "staff.auth.login_submit", "staff.auth.totp", "staff.auth.totp_submit"}
#: what an account that must change its password (a generated or one-time password) may reach
PASSWORD_CHANGE_ENDPOINTS = {"staff.auth.password", "staff.auth.password_submit", "staff.auth.logout"}


@bp.before_request
def signed_in_and_csrf():
    if request.endpoint not in PUBLIC_ENDPOINTS:
        record = getattr(session, "record", None)
        account = staff_auth.session_account(deps(), record)
        if account is None:
            if record is not None and record.username:
                session.begin(None)  # the password changed, the account was deactivated or locked, its TOTP reset
                session["notice"] = "expired"
            elif record is None and request.cookies.get(current_app.config["SESSION_COOKIE_NAME"]):
                session["notice"] = "expired"  # the session timed out or was ended
            return redirect(url_for("staff.auth.login"), code=303)
        g.account = account
        g.actor = account.actor
        if account.must_change_password and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS:
            return redirect(url_for("staff.auth.password"), code=303)  # someone else knows the password
    csrf.protect()


@bp.errorhandler(CSRFError)
def csrf_failed(_exc):
    return render_error(400, _("表单已过期或来源不明，请返回上一页刷新后重新提交。"))


@bp.context_processor
def staff_context():
    account = g.get("account")
    return {
        "account": account,
        "role_title": ROLE_TITLES.get(account.role) if account else None,
        "queue_kind": can_see_queue_of(account.actor) if account else None,
        "is_admin": account is not None and account.role == Role.ADMIN,
        "can_read_audit": account is not None and account.role in (Role.SUPERVISOR, Role.DISCIPLINE),
        "handles_rewards": account is not None and account.role in (Role.SUPERVISOR, Role.DISCIPLINE, Role.FINANCE),
        "is_custodian": account is not None and account.role == Role.CUSTODIAN,
        "sees_oversight": account is not None and oversight_scope(account.actor) is not None,
        "sees_patrols": account is not None and status_scope(account.actor) is not None,
        "records_patrols": account is not None and patrol_kind(account.actor) is not None,
        "sees_concealment": account is not None and (can_decide_concealment(account.actor)
                                                     or can_see_township(account.actor, account.unit)),
        "sees_campaigns": account is not None and takes_part(account.actor),
        "county": deps().counties.get(account.county) if account else deps().counties.default,
        "demo": deps().settings.is_demo,
        "registers": account is not None and can_register(account.actor),
    }


def _register_children() -> None:
    from portal.web.staff import (
        admin, audit, auth, campaigns, cases, channels, disclosure, oversight, patrols, rewards, tickets, workqueue,
    )

    for child in (auth.bp, workqueue.bp, tickets.bp, cases.bp, audit.bp, admin.bp, rewards.bp, disclosure.bp,
                  oversight.bp, channels.bp, campaigns.bp, patrols.bp):
        bp.register_blueprint(child)


_register_children()


def register(app: Flask) -> None:
    """Register the workspace's blueprint tree and its CSRF check (the app's lazy part
    ``/staff``; ``WTF_CSRF_CHECK_DEFAULT`` is off from the start, ``portal.web.staff.init_app``)."""
    csrf.init_app(app)
    app.register_blueprint(bp)
