"""Account administration (the admin role): the county's accounts, TOTP reset, unlock.
Accounts are created on the command line (``portal staff add``)."""

from __future__ import annotations

import segno
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from portal.domain.access import ROLE_TITLES
from portal.services import staff_accounts
from portal.web.common import deps, now

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/accounts")
def accounts():
    staff_accounts.require_admin(g.actor)
    county = deps().counties.get(g.actor.county)
    return render_template("staff/admin_accounts.html", accounts=staff_accounts.in_county(deps(), g.actor.county),
                           role_titles=ROLE_TITLES, unit_name=county.unit_name, now=now(), provisioned=None)


@bp.post("/accounts/reset-totp")
def reset_totp():
    provisioned = staff_accounts.reset_totp(deps(), request.form.get("username") or "", now(), by=g.actor)
    qr = Markup(segno.make(provisioned.otpauth_uri, error="m").svg_inline(scale=4, omitsize=False))
    county = deps().counties.get(g.actor.county)
    return render_template("staff/admin_accounts.html", accounts=staff_accounts.in_county(deps(), g.actor.county),
                           role_titles=ROLE_TITLES, unit_name=county.unit_name, now=now(), provisioned=provisioned,
                           qr_svg=qr)


@bp.post("/accounts/phone")
def set_phone():
    account = staff_accounts.set_phone(deps(), request.form.get("username") or "", request.form.get("phone"), now(),
                                       by=g.actor)
    if account.phone_hash:
        flash(_("账号 %(username)s 的手机号码已登记（只保存其加密散列，用于举报奖励防作弊核对）。", username=account.username))
    else:
        flash(_("账号 %(username)s 的手机号码登记已删除。", username=account.username))
    return redirect(url_for("staff.admin.accounts"), code=303)


@bp.post("/accounts/unlock")
def unlock():
    account = staff_accounts.unlock(deps(), request.form.get("username") or "", now(), by=g.actor)
    flash(_("账号 %(username)s 已解除锁定。", username=account.username))
    return redirect(url_for("staff.admin.accounts"), code=303)
