"""Identity disclosure pages: the custodian's list of requests waiting for a decision and the
decision forms; the page where the officer whose request was approved reads the phone.
The officer's request itself is an action on the ticket page (``tickets.ACTIONS``)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.domain.errors import DomainError, Forbidden, NotFound
from portal.services import disclosure
from portal.web.common import deps, error_text, now

bp = Blueprint("disclosure", __name__)

DECISIONS = {"approve": True, "deny": False}


def _pending_page(errors: dict | None = None, status: int = 200):
    return render_template("staff/disclosures.html", lines=disclosure.pending(deps(), g.actor),
                           errors=errors or {}), status


@bp.get("/disclosures")
def pending():
    return _pending_page()


@bp.post("/disclosures/<complaint_id>/<int:n>/<decision>")
def decide(complaint_id: str, n: int, decision: str):
    if decision not in DECISIONS:
        abort(404)
    try:
        disclosure.decide(deps(), g.actor, complaint_id, n, DECISIONS[decision], request.form.get("reason"), now())
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        return _pending_page({f"{complaint_id}#{n}": error_text(exc)}, exc.status)
    flash(_("已批准。申请人可以在限定时间内查看一次举报人的联系方式。") if DECISIONS[decision] else _("已拒绝。"))
    return redirect(url_for("staff.disclosure.pending"), code=303)


@bp.post("/tickets/<complaint_id>/disclosures/<int:n>/view")
def view(complaint_id: str, n: int):
    try:
        revealed = disclosure.reveal(deps(), g.actor, complaint_id, n, now())
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        flash(error_text(exc))
        return redirect(url_for("staff.tickets.ticket", complaint_id=complaint_id), code=303)
    return render_template("staff/disclosure_view.html", revealed=revealed)
