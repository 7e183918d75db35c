"""The case page: the tickets of one case the staff member may see, and the case's history."""

from __future__ import annotations

from flask import Blueprint, g, render_template

from portal.domain.complaint import STATUS_TITLES
from portal.services import cases
from portal.web.common import deps

bp = Blueprint("cases", __name__)


@bp.get("/cases/<case_id>")
def case(case_id: str):
    view = cases.view(deps(), g.actor, case_id)
    county = deps().counties.get(view.case.county)
    return render_template("staff/case.html", v=view, county=county, kind_titles=cases.CASE_KIND_TITLES,
                           change_titles=cases.CASE_CHANGE_TITLES, status_titles=STATUS_TITLES)
