"""Login (password, then TOTP), logout and password change. Every failure of the login gets
one and the same answer (see ``portal.services.staff_auth``)."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from portal.domain.errors import DomainError
from portal.i18n import N_
from portal.services import staff_auth
from portal.services.staff_auth import LoginFailed, PasswordStep, TooManyFailures
from portal.web.common import client_key, deps, error_text, now

bp = Blueprint("auth", __name__)

NOTICES = {"expired": N_("登录已超时或已失效，请重新登录。")}


def _login_page(error: str | None = None, status: int = 200):
    notice = session.pop("notice", None)
    return render_template("staff/login.html", error=error,
                           notice=_(NOTICES[notice]) if notice in NOTICES else None,
                           signed_out=request.args.get("bye") == "1"), status


@bp.get("/login")
def login():
    return _login_page()


@bp.post("/login")
def login_submit():
    try:
        step = staff_auth.check_password(deps(), request.form.get("username"), request.form.get("password"), now(),
                                         client_key())
    except TooManyFailures as exc:
        return _login_page(error_text(exc), exc.status)
    session["login"] = step.to_dict()
    session.begin(None)
    return redirect(url_for("staff.auth.totp"), code=303)


@bp.get("/login/totp")
def totp():
    if "login" not in session:
        return redirect(url_for("staff.auth.login"), code=303)
    return render_template("staff/totp.html", error=None)


@bp.post("/login/totp")
def totp_submit():
    step = PasswordStep.from_dict(session.pop("login", None) or {})
    try:
        account = staff_auth.complete_login(deps(), step, request.form.get("code"), now(), client_key())
    except (LoginFailed, TooManyFailures) as exc:
        return _login_page(error_text(exc), exc.status)
    session.pop("csrf_token", None)  # a fresh CSRF secret for the signed-in session
    session.begin(account.username)
    return redirect(url_for("staff.workqueue.home"), code=303)


@bp.post("/logout")
def logout():
    session.end()
    return redirect(url_for("staff.auth.login", bye="1"), code=303)


@bp.get("/password")
def password():
    return render_template("staff/password.html", error=None, field=None)


@bp.post("/password")
def password_submit():
    form = request.form
    try:
        staff_auth.change_password(deps(), g.account.username, form.get("current"), form.get("code"),
                                   form.get("password"), form.get("confirm"), now())
    except DomainError as exc:
        return render_template("staff/password.html", error=error_text(exc), field=exc.field), exc.status
    session.begin(g.account.username)  # this session goes on under a new id; every other one has ended
    flash(_("密码已修改。其他设备上的登录已全部失效。"))
    return redirect(url_for("staff.workqueue.home"), code=303)
