"""Oversight (004 C21, L18; C35, L31): the period figures with their charts, the half-year
ranking, the CSV export, the quarterly notice and half-year ranking as Word documents, and the
monthly review of townships, for the leading-group office (the discipline
commission sees its own tickets' figures only). The service checks the role and audits."""

from __future__ import annotations

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.domain.deadlines import CLOCK_TITLES
from portal.domain.oversight import (
    CONSEQUENCE_TITLES, COUNTED_CLOCKS, PERIOD_KINDS, PERIOD_TITLES, Period, oversight_scope,
)
from portal.services import oversight
from portal.services.campaigns import figures as campaign_figures
from portal.timeutil import local_date
from portal.web.common import deps, now

bp = Blueprint("oversight", __name__)


def _period() -> Period:
    """The period asked for if the selector offers it, else the current one of the kind (the
    current month by default): an older period would read the county's whole closed history."""
    return Period.choose(request.args.get("kind"), request.args.get("period"), now())


@bp.get("/oversight")
def page():
    period = _period()
    view = oversight.page(deps(), g.actor, period, now())
    return render_template("staff/oversight.html", r=view.report, c=view.charts, blank_units=view.blank_units,
                           period=period, kinds=PERIOD_KINDS, kind_titles=PERIOD_TITLES,
                           choices=Period.offered(period.kind, now()), clocks=COUNTED_CLOCKS,
                           clock_titles=CLOCK_TITLES, consequence_titles=CONSEQUENCE_TITLES,
                           campaigns=campaign_figures.oversight_summaries(deps(), g.actor, now()))


@bp.get("/oversight.csv")
def export():
    period = _period()
    body = oversight.export_csv(deps(), g.actor, period, now(), _)
    filename = f"oversight-{period.key}-{local_date(now()).isoformat()}.csv"
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/oversight/notice.docx")
def notice():
    """The quarterly notice (季通报) or the half-year ranking (半年排名) as a Word document."""
    period = _period()
    body = oversight.notice_docx(deps(), g.actor, period, now(), _)
    filename = f"notice-{period.key}-{local_date(now()).isoformat()}.docx"
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.post("/oversight/review")
def review():
    outcome = oversight.review_now(deps(), g.actor, now())
    if outcome.held:
        flash(_("%(month)s 月度调度检查已完成，发现 %(count)s 个乡镇（管理区）1个月内未查处。",
                month=outcome.month, count=len(outcome.findings)))
    else:
        flash(_("%(month)s 的月度调度检查已经开展过，本月不再重复。", month=outcome.month))
    return redirect(url_for("staff.oversight.page"), code=303)


