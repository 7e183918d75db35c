"""Account administration (the admin role): the county's accounts, TOTP reset (with a one-time
password), unlock, deactivation and reactivation. Accounts are created on the command line
(``portal staff add``); see ``portal.services.staff_accounts`` for what the page may not do."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from portal.domain.access import ROLE_TITLES
from portal.domain.errors import Conflict, Forbidden
from portal.services import staff_accounts
from portal.web.common import deps, error_text, now

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _page(provisioned=None, qr_svg=None, error: str | None = None, status: int = 200):
    county = deps().counties.get(g.actor.county)
    return render_template("staff/admin_accounts.html", accounts=staff_accounts.in_county(deps(), g.actor.county),
                           role_titles=ROLE_TITLES, unit_name=county.unit_name, now=now(), provisioned=provisioned,
                           qr_svg=qr_svg, error=error, cli_reset_only=staff_accounts.CLI_RESET_ONLY), status


@bp.get("/accounts")
def accounts():
    staff_accounts.require_admin(g.actor)
    return _page()


def _username() -> str:
    return request.form.get("username") or ""


@bp.post("/accounts/reset-totp")
def reset_totp():
    staff_accounts.require_admin(g.actor)
    try:
        provisioned = staff_accounts.reset_totp(deps(), _username(), now(), by=g.actor)
    except (Forbidden, Conflict) as exc:
        return _page(error=error_text(exc), status=exc.status)
    import segno  # the QR code: imported by the first page that draws one

    qr = Markup(segno.make(provisioned.otpauth_uri, error="m").svg_inline(scale=4, omitsize=False))
    return _page(provisioned, qr)


@bp.post("/accounts/phone")
def set_phone():
    account = staff_accounts.set_phone(deps(), _username(), request.form.get("phone"), now(), by=g.actor)
    if account.phone_hash:
        flash(_("账号 %(username)s 的手机号码已登记（只保存其加密散列，用于举报奖励防作弊核对）。", username=account.username))
    else:
        flash(_("账号 %(username)s 的手机号码登记已删除。", username=account.username))
    return redirect(url_for("staff.admin.accounts"), code=303)


@bp.post("/accounts/unlock")
def unlock():
    account = staff_accounts.unlock(deps(), _username(), now(), by=g.actor)
    flash(_("账号 %(username)s 已解除锁定。", username=account.username))
    return redirect(url_for("staff.admin.accounts"), code=303)


@bp.post("/accounts/deactivate")
def deactivate():
    staff_accounts.require_admin(g.actor)
    try:
        account = staff_accounts.deactivate(deps(), _username(), now(), by=g.actor)
    except (Forbidden, Conflict) as exc:
        return _page(error=error_text(exc), status=exc.status)
    flash(_("账号 %(username)s 已停用，其所有登录已立即失效。", username=account.username))
    return redirect(url_for("staff.admin.accounts"), code=303)


@bp.post("/accounts/reactivate")
def reactivate():
    staff_accounts.require_admin(g.actor)
    try:
        account = staff_accounts.reactivate(deps(), _username(), now(), by=g.actor)
    except (Forbidden, Conflict) as exc:
        return _page(error=error_text(exc), status=exc.status)
    flash(_("账号 %(username)s 已恢复使用。如怀疑账号被他人使用，请同时重置其动态验证码。", username=account.username))
    return redirect(url_for("staff.admin.accounts"), code=303)
