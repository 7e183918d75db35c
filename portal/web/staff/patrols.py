"""Patrols, weekly (zero) reports and the concealment check (004 C17-C19, C33), thin routes:
each parses, calls one service of ``portal.services.patrols`` and renders. The services
check every role and scope (``portal.domain.patrols.scope``): a patrol out of view is 404,
like an id that does not exist.

The patrol form is phone-first (one column, large controls, the camera for photos) and
works without JavaScript."""

from __future__ import annotations

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.domain.errors import DomainError, Forbidden, NotFound
from portal.domain.patrols.concealment import LADDER_TITLES, SOURCE_TITLES, STATUS_TITLES
from portal.domain.patrols.records import KIND_TITLES, LEVEL_TITLES
from portal.domain.patrols.scope import can_decide_concealment, patrol_kind, status_scope
from portal.domain.patrols.weeks import Week
from portal.evidence.sanitize import ACCEPT_ATTRIBUTE
from portal.i18n import N_
from portal.services import uploads
from portal.services.patrols import concealment, recording, weekly
from portal.services.patrols.findings import FindingInput
from portal.services.patrols.recording import PatrolInput
from portal.timeutil import local_date
from portal.web.common import deps, error_text, now

bp = Blueprint("patrols", __name__)

REPORT_STATUS_TITLES = {
    "on_time": N_("按时报送"),
    "late": N_("逾期报送"),
    "not_yet": N_("未到期限"),
    "missing": N_("未报送"),
}


def _photos() -> list[bytes]:
    files = [f for f in request.files.getlist("photos") if f and f.filename]
    if len(files) > uploads.MAX_PHOTOS:
        raise DomainError(N_("最多只能上传 %(n)s 张照片。"), field="photos", n=uploads.MAX_PHOTOS)
    limit = deps().settings.photo_limit
    return [f.stream.read(limit + 1) for f in files]


def _county():
    return deps().counties.get(g.actor.county) or deps().counties.default


def _common(**extra):
    return dict(kind_titles=KIND_TITLES, level_titles=LEVEL_TITLES, report_titles=REPORT_STATUS_TITLES,
                accept_types=ACCEPT_ATTRIBUTE, max_photos=uploads.MAX_PHOTOS,
                grid_names={g.code: g.name for g in _county().grids.grids}, **extra)


@bp.get("/patrols")
def week_page():
    moment = now()
    view = weekly.status(deps(), g.actor, request.args.get("week"), moment, township=request.args.get("township"))
    return render_template("staff/patrols/week.html", v=view, now=moment, weeks=weekly.offered(moment),
                           records=patrol_kind(g.actor) is not None, **_common())


@bp.post("/patrols/report")
def file_report():
    level = {"village_grid": "village", "township_patrol": "township"}.get(g.actor.role.value, "")
    week = request.form.get("week")
    try:
        report = weekly.file_report(deps(), g.actor, level, week, request.form.get("note"), now())
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        flash(error_text(exc))
        return redirect(url_for("staff.patrols.week_page", week=week if Week.parse(week) else None), code=303)
    if report.zero:
        flash(_("本周零汇报已报送（未发现问题）。"))
    else:
        flash(_("本周巡查情况已报送：发现问题 %(n)s 处。", n=report.findings))
    return redirect(url_for("staff.patrols.week_page", week=report.week), code=303)


def _form_page(form=None, errors=None, status: int = 200):
    county = _county()
    moment = now()
    return render_template("staff/patrols/new.html", grids=weekly.grids_for(deps(), g.actor), form=form or {},
                           errors=errors or {}, today=local_date(moment).isoformat(),
                           categories=[c for c in county.categories if not c.discipline_only],
                           kind=patrol_kind(g.actor), **_common()), status


@bp.get("/patrols/new")
def new_patrol():
    if patrol_kind(g.actor) is None:
        raise Forbidden(recording.NOT_A_PATROL_ROLE)
    return _form_page(form={"patrolled_on": local_date(now()).isoformat(), "outcome": "nothing"})


@bp.post("/patrols")
def record_patrol():
    form = request.form
    data = PatrolInput(patrolled_on=form.get("patrolled_on"), grid=form.get("grid"), route=form.get("route"),
                       outcome=form.get("outcome"), finding=FindingInput.from_form(form))
    try:
        patrol = recording.record(deps(), g.actor, data, _photos(), now())
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        return _form_page(form=form, errors={exc.field or "form": error_text(exc)}, status=exc.status)
    flash(_("巡查记录已登记。") if patrol.nothing_found else
          _("巡查记录已登记，发现的问题已转乡镇执法队，2小时内到场核查。"))
    return redirect(url_for("staff.patrols.patrol_page", patrol_id=patrol.id), code=303)


def _patrol_page(patrol_id: str, errors=None, form=None, status: int = 200):
    patrol = recording.load(deps(), g.actor, patrol_id)
    county = _county()
    own = patrol.unit == g.actor.unit and patrol.kind == patrol_kind(g.actor)
    return render_template("staff/patrols/patrol.html", p=patrol, grid=county.grids.grid(patrol.grid), own=own,
                           errors=errors or {}, form=form or {},
                           categories=[c for c in county.categories if not c.discipline_only],
                           category_titles={c.code: c.title for c in county.categories}, **_common()), status


@bp.get("/patrols/<patrol_id>")
def patrol_page(patrol_id: str):
    return _patrol_page(patrol_id)


@bp.post("/patrols/<patrol_id>/findings")
def add_finding(patrol_id: str):
    try:
        recording.add_finding(deps(), g.actor, patrol_id, FindingInput.from_form(request.form), _photos(), now())
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        return _patrol_page(patrol_id, errors={exc.field or "form": error_text(exc)}, form=request.form,
                            status=exc.status)
    flash(_("发现的问题已登记，已转乡镇执法队，2小时内到场核查。"))
    return redirect(url_for("staff.patrols.patrol_page", patrol_id=patrol_id), code=303)


@bp.get("/patrols/<patrol_id>/photos/<int:n>")
def photo(patrol_id: str, n: int):
    found = recording.photo(deps(), g.actor, patrol_id, n, now())
    if found.url:
        return redirect(found.url, code=303)
    return Response(found.data, mimetype=found.evidence.content_type, headers={"Content-Disposition": "inline"})


@bp.get("/patrols/concealment")
def concealment_page():
    moment = now()
    years = [str(local_date(moment).year - n) for n in range(3)]
    year = request.args.get("year") if request.args.get("year") in years else years[0]
    shown = concealment.view(deps(), g.actor, year)
    concealment.record_view(deps(), g.actor, moment)
    return render_template("staff/patrols/concealment.html", concerns=shown, year=year, years=years,
                           decides=can_decide_concealment(g.actor), status_titles=STATUS_TITLES,
                           ladder_titles=LADDER_TITLES, source_titles=SOURCE_TITLES,
                           errors={}, form={})


@bp.post("/patrols/concealment/decide")
def decide():
    form = request.form
    try:
        concealment.decide_week(deps(), g.actor, form.get("week"), form.get("village"), form.get("decision") == "confirm",
                                form.get("reason"), now())
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        flash(error_text(exc))
        return redirect(url_for("staff.patrols.concealment_page", year=(form.get("week") or "")[:4]), code=303)
    flash(_("已确认为瞒报、漏报，计入村委会主要负责人本年度的处理次数。") if form.get("decision") == "confirm"
          else _("已排除。"))
    return redirect(url_for("staff.patrols.concealment_page", year=(form.get("week") or "")[:4]), code=303)


def sees_patrols(actor) -> bool:
    return status_scope(actor) is not None
