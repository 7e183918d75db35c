"""The audit trail: of one ticket, and the county's latest entries (supervisors; the discipline
commission for its own tickets)."""

from __future__ import annotations

from flask import Blueprint, g, render_template

from portal.domain.access import ROLE_TITLES
from portal.services import audit
from portal.web.common import deps, now

bp = Blueprint("audit", __name__)


@bp.get("/tickets/<complaint_id>/audit")
def ticket_audit(complaint_id: str):
    complaint, lines = audit.for_ticket(deps(), g.actor, complaint_id, now())
    return render_template("staff/audit.html", complaint=complaint, lines=lines, titles=audit.ACTION_TITLES,
                           role_titles=ROLE_TITLES)


@bp.get("/audit")
def recent():
    lines = audit.recent(deps(), g.actor, now())
    return render_template("staff/audit.html", complaint=None, lines=lines, titles=audit.ACTION_TITLES,
                           role_titles=ROLE_TITLES)
