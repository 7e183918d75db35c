"""Rewards (004 C20, L17) in the staff app: the list and the ledger exports, a reward's page
with the actions the actor may take, and the payee details for finance. Each route parses
the request, calls one service and renders; the services check scope and permission (out of
view: 404; in view but not permitted: 403)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.domain.access import pays_rewards
from portal.domain.errors import DomainError, NotFound, ValidationFailed
from portal.domain.rewards import (ENTRY_TITLES, FLAG_TITLES, HOLD_CODE_CHECKS, HOLD_STAFF_PHONE, METHOD_TITLES,
                                   STATE_TITLES, RewardState)
from portal.i18n import N_
from portal.services import reward_ledger, reward_views, rewards
from portal.timeutil import local_date
from portal.web.common import deps, error_text, now

bp = Blueprint("rewards", __name__, url_prefix="/rewards")

#: action name in the URL -> (service call, what the flash message says)
ACTIONS = {
    "propose": (lambda d, a, cid, f, t: rewards.propose(d, a, cid, f.get("amount"), f.get("reason"), t),
                N_("奖励建议已提出，须由另一位有审批权限的人员审批。")),
    "approve": (lambda d, a, cid, f, t: rewards.approve(d, a, cid, f.get("note"), t),
                N_("奖励已批准，举报人可在查询页面申领。")),
    "reject": (lambda d, a, cid, f, t: rewards.reject(d, a, cid, f.get("note"), t), N_("奖励建议已驳回。")),
    "hold": (lambda d, a, cid, f, t: rewards.hold(d, a, cid, f.get("note"), t), N_("已暂停发放，待复核。")),
    "release": (lambda d, a, cid, f, t: rewards.release(d, a, cid, f.get("note"), t), N_("复核通过，可以发放。")),
    "refuse": (lambda d, a, cid, f, t: rewards.refuse(d, a, cid, f.get("note"), t), N_("已决定不予发放。")),
    "clear-flags": (lambda d, a, cid, f, t: rewards.clear_flags(d, a, cid, f.get("note"), t),
                    N_("复核标记已处理。")),
    "check-code": (lambda d, a, cid, f, t: rewards.check_collection_code(d, a, cid, f.get("code"), t),
                   N_("领奖码核对一致，可以发放现金并登记。")),
    "pay": (lambda d, a, cid, f, t: rewards.record_payment(d, a, cid, f.get("paid_on"), f.get("amount"),
                                                           f.get("reference"), t), N_("发放已登记。")),
}

TITLES = dict(state_titles=STATE_TITLES, method_titles=METHOD_TITLES, entry_titles=ENTRY_TITLES,
              flag_titles=FLAG_TITLES, system_holds=(HOLD_STAFF_PHONE, HOLD_CODE_CHECKS))


@bp.get("")
def rewards_list():
    in_view = reward_views.in_view(deps(), g.actor)
    return render_template("staff/rewards.html", rewards=in_view, alerts=reward_views.alerts_for(deps(), g.actor, in_view),
                           category_titles={r.case_id: reward_views.category_title(deps(), g.actor, r) for r in in_view},
                           finance=pays_rewards(g.actor), states=RewardState, **TITLES)


def _page(case_id: str, errors: dict | None = None, form=None, payee=None, status: int = 200):
    view = reward_views.view(deps(), g.actor, case_id, payee=payee)
    return render_template("staff/reward.html", v=view, r=view.reward, errors=errors or {}, form=form or {},
                           today=local_date(now()).isoformat(), finance=pays_rewards(g.actor), **TITLES), status


@bp.get("/<case_id>")
def reward(case_id: str):
    return _page(case_id)


@bp.post("/<case_id>/payee")
def payee(case_id: str):
    """Finance only, audited; a POST so the details never sit in a link, a history or a cache."""
    try:
        details = rewards.reveal_payee(deps(), g.actor, case_id, now())
    except NotFound:
        raise
    except DomainError as exc:
        if exc.status == 403:
            raise
        return _page(case_id, errors={"payee": error_text(exc)}, status=exc.status)
    return _page(case_id, payee=details)


@bp.post("/<case_id>/<action>")
def act(case_id: str, action: str):
    entry = ACTIONS.get(action)
    if entry is None:
        abort(404)
    call, done = entry
    try:
        call(deps(), g.actor, case_id, request.form, now())
    except NotFound:
        raise
    except DomainError as exc:
        if isinstance(exc, ValidationFailed):
            message = " ".join(error_text(e) for errs in exc.errors.values() for e in errs)
        else:
            message = error_text(exc)
        return _page(case_id, errors={action: message}, form=request.form, status=exc.status)
    flash(_(done))
    return redirect(url_for("staff.rewards.reward", case_id=case_id), code=303)


def _export(body: bytes, mimetype: str, extension: str) -> Response:
    filename = f"rewards-{g.actor.unit}-{local_date(now()).isoformat()}.{extension}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/ledger.csv")
def ledger_csv():
    return _export(reward_ledger.export_csv(deps(), g.actor, now(), _), "text/csv", "csv")


@bp.get("/ledger.xlsx")
def ledger_xlsx():
    return _export(reward_ledger.export_xlsx(deps(), g.actor, now(), _),
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")


@bp.app_template_global("reward_state_title")
def reward_state_title(state) -> str:
    """For the ticket page's reward line."""
    return STATE_TITLES[RewardState(state)]
