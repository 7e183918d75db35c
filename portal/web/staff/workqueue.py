"""The landing page, the work queue with its filters and alerts, and the ledger export."""

from __future__ import annotations

from flask import Blueprint, Response, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.domain.access import Role, can_see_queue_of
from portal.domain.complaint import STATUS_TITLES
from portal.domain.deadlines import CLOCK_TITLES
from portal.services import alerts, queue
from portal.services.oversight import ledger
from portal.services.places import maps as place_maps
from portal.timeutil import local_date
from portal.web.common import deps, now

bp = Blueprint("workqueue", __name__)


@bp.get("/")
def home():
    if can_see_queue_of(g.actor) is not None:
        return redirect(url_for("staff.workqueue.queue_page"), code=303)
    if g.actor.role == Role.ADMIN:
        return redirect(url_for("staff.admin.accounts"), code=303)
    if g.actor.role == Role.FINANCE:
        return redirect(url_for("staff.rewards.rewards_list"), code=303)
    if g.actor.role == Role.CUSTODIAN:
        return redirect(url_for("staff.disclosure.pending"), code=303)
    return render_template("staff/home.html")


@bp.get("/queue")
def queue_page():
    flt = queue.QueueFilter.parse(request.args)
    moment = now()
    result = queue.load(deps(), g.actor, flt, moment, cursor=request.args.get("cursor"))
    county = deps().counties.get(g.actor.county)
    statuses = queue.ACTIVE_STATUSES if flt.bucket == "active" else queue.DONE_STATUSES
    view = "map" if request.args.get("view") == "map" else "list"
    # the map shows the list's tickets (same scope, same filters); a township sees its own area
    points = place_maps.ticket_points(county, result.tickets) if view == "map" else []
    focus = g.actor.unit if county.township(g.actor.unit) else (flt.township or None)
    return render_template("staff/queue.html", result=result, flt=flt, now=moment, statuses=statuses,
                           view=view, map_points=points, focus=focus,
                           status_titles=STATUS_TITLES, categories=county.categories, townships=county.townships,
                           category_titles={c.code: c.title for c in county.categories},
                           alerts=alerts.for_actor(deps(), g.actor, limit=5), clock_titles=CLOCK_TITLES)


@bp.get("/alerts")
def alerts_page():
    return render_template("staff/alerts.html", alerts=alerts.for_actor(deps(), g.actor, limit=100),
                           clock_titles=CLOCK_TITLES)


@bp.get("/ledger.csv")
def ledger_export():
    moment = now()
    body = ledger.export_csv(deps(), g.actor, moment, _)
    filename = f"ledger-{g.actor.unit}-{local_date(moment).isoformat()}.csv"
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/ledger.xlsx")
def ledger_xlsx():
    """The ledger in the forms of 003 Annex 2 and 3 (the CSV above stays for machines)."""
    moment = now()
    body = ledger.export_xlsx(deps(), g.actor, moment, _)
    filename = f"ledger-{g.actor.unit}-{local_date(moment).isoformat()}.xlsx"
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
