"""Special campaigns (专项行动) in the staff app: the list, the office's form to create one, the
campaign's page (figures, progress chart, problem list, notices, history), adding existing
tickets and suggested reports, the survey entry, an item's page (progress, acceptance check,
write-off), the notices (review, issue, .docx) and the ledger (.xlsx). Each route parses the
request, calls one service and renders; the services check scope and role (out of view: 404;
in view but not permitted: 403)."""

from __future__ import annotations

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.domain.campaigns.campaign import (
    EVENT_TITLES, LEDGER_FORM_TITLES, PHASE_KIND_TITLES, PHASE_KINDS, REPORTING_TITLES, STANDARD_PHASES, MAX_PHASES,
)
from portal.domain.campaigns.items import ITEM_EVENT_TITLES, ITEM_SOURCES, ITEM_STATE_TITLES
from portal.domain.complaint import STATUS_TITLES
from portal.domain.county import GROUP_TITLES
from portal.domain.errors import DomainError, Forbidden, NotFound
from portal.domain.measures import ACCEPTANCE_LEVELS
from portal.i18n import N_
from portal.services.campaigns import figures, items, ledger, notice, records, survey
from portal.timeutil import local
from portal.web.common import deps, error_text, now

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TITLES = dict(phase_kind_titles=PHASE_KIND_TITLES, reporting_titles=REPORTING_TITLES,
              ledger_form_titles=LEDGER_FORM_TITLES, event_titles=EVENT_TITLES, item_event_titles=ITEM_EVENT_TITLES,
              sources=ITEM_SOURCES, state_titles=ITEM_STATE_TITLES, acceptance_levels=ACCEPTANCE_LEVELS)


def _county():
    return deps().counties.get(g.actor.county) or deps().counties.default


@bp.get("")
def listing():
    moment = now()
    return render_template("staff/campaigns/list.html", campaigns=records.listing(deps(), g.actor), now=moment,
                           today=local(moment).date(), **TITLES)


def _category_groups(county) -> list[tuple[str, list]]:
    """The catalog by group, in the county file's order (never reports about officials)."""
    groups: dict[str, list] = {}
    for category in county.categories:
        if not category.discipline_only:
            groups.setdefault(category.group, []).append(category)
    return [(GROUP_TITLES.get(group, group), found) for group, found in groups.items()]


def _new_form(errors: dict | None = None, form=None, status: int = 200):
    records.require_office(g.actor)
    county = _county()
    chosen = (lambda name: set(form.getlist(name))) if form is not None else (lambda name: set())
    selected = dict(categories=chosen("categories"), townships=chosen("townships"), units=chosen("units"),
                    whole_county=form is None or form.get("whole_county") != "0")
    return render_template("staff/campaigns/new.html", errors=errors or {}, form=form or {}, county=county,
                           selected=selected,
                           groups=_category_groups(county),
                           units=[d for d in county.departments if d.kind == "bureau"], phase_kinds=PHASE_KINDS,
                           standard=STANDARD_PHASES, rows=range(1, MAX_PHASES + 1), **TITLES), status


@bp.get("/new")
def new():
    return _new_form()


@bp.post("")
def create():
    try:
        campaign = records.create(deps(), g.actor, request.form, now())
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        return _new_form({exc.field or "form": error_text(exc)}, request.form, exc.status)
    flash(_("专项行动已建立。"))
    return redirect(url_for("staff.campaigns.campaign_page", campaign_id=campaign.id), code=303)


@bp.get("/<campaign_id>")
def campaign_page(campaign_id: str):
    moment = now()
    view = figures.page(deps(), g.actor, campaign_id, moment)
    suggested = None
    if view.role == "office" and view.state != "ended":
        suggested = len(items.candidates(deps(), g.actor, campaign_id, moment).suggested)
    return render_template("staff/campaigns/campaign.html", v=view, c=view.campaign, now=moment, suggested=suggested,
                           **TITLES)


def _add_page(campaign_id: str, error: str | None = None, status: int = 200):
    moment = now()
    campaign, role = records.load(deps(), g.actor, campaign_id)
    found = items.candidates(deps(), g.actor, campaign_id, moment)
    county = _county()
    return render_template("staff/campaigns/add.html", c=campaign, found=found, error=error, county=county,
                           max_add=items.MAX_ADD, status_titles=STATUS_TITLES,
                           category_titles={k.code: k.title for k in county.categories}, **TITLES), status


@bp.get("/<campaign_id>/add")
def add_page(campaign_id: str):
    return _add_page(campaign_id)


@bp.post("/<campaign_id>/items")
def add(campaign_id: str):
    try:
        count = items.add_tickets(deps(), g.actor, campaign_id, request.form.getlist("tickets"), now())
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        return _add_page(campaign_id, error_text(exc), exc.status)
    flash(_("已将 %(n)s 件举报纳入问题清单。", n=count))
    return redirect(url_for("staff.campaigns.campaign_page", campaign_id=campaign_id), code=303)


def _survey_page(campaign_id: str, error: dict | None = None, form=None, status: int = 200):
    campaign, role = records.load(deps(), g.actor, campaign_id)
    county = _county()
    scope = campaign.scope
    return render_template("staff/campaigns/survey.html", c=campaign, errors=error or {}, form=form or {},
                           in_survey=campaign.in_survey(now()),
                           categories=[k for k in county.categories if not k.discipline_only
                                       and (not scope.categories or k.code in scope.categories)],
                           townships=[t for t in county.townships if scope.covers_township(t.code)],
                           villages=[v for v in county.villages if scope.covers_township(v.township)],
                           fixed_township=county.township(g.actor.unit), **TITLES), status


@bp.get("/<campaign_id>/survey")
def survey_page(campaign_id: str):
    return _survey_page(campaign_id)


@bp.post("/<campaign_id>/survey")
def survey_submit(campaign_id: str):
    try:
        item = survey.enter(deps(), g.actor, campaign_id, survey.SurveyInput.from_form(request.form), now())
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        return _survey_page(campaign_id, {exc.field or "form": error_text(exc)}, request.form, exc.status)
    flash(_("排查发现的问题已登记，并已列入问题清单。"))
    return redirect(url_for("staff.campaigns.item_page", campaign_id=campaign_id, ticket_id=item.ticket), code=303)


def _item_page(campaign_id: str, ticket_id: str, errors: dict | None = None, form=None, status: int = 200):
    moment = now()
    campaign, role = records.load(deps(), g.actor, campaign_id)
    row = records.row(deps(), g.actor, campaign, role, ticket_id)
    county = _county()
    return render_template("staff/campaigns/item.html", c=campaign, role=role, row=row,
                           line=figures.line(county, campaign, row, moment), county=county, errors=errors or {},
                           form=form or {}, today=local(moment).date(), **TITLES), status


@bp.get("/<campaign_id>/items/<ticket_id>")
def item_page(campaign_id: str, ticket_id: str):
    return _item_page(campaign_id, ticket_id)


ITEM_ACTIONS = {
    "progress": (lambda d, a, cid, tid, f, t: items.note_progress(d, a, cid, tid, f.get("note"), t),
                 N_("整改进展已报送。")),
    "acceptance-check": (lambda d, a, cid, tid, f, t: items.record_acceptance(d, a, cid, tid, f, t),
                         N_("验收情况已登记。")),
    "write-off": (lambda d, a, cid, tid, f, t: items.write_off(d, a, cid, tid, f.get("note"), t), N_("已销号。")),
}


@bp.post("/<campaign_id>/items/<ticket_id>/<action>")
def item_act(campaign_id: str, ticket_id: str, action: str):
    entry = ITEM_ACTIONS.get(action)
    if entry is None:
        raise NotFound(records.NOT_FOUND)
    call, done = entry
    try:
        call(deps(), g.actor, campaign_id, ticket_id, request.form, now())
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        return _item_page(campaign_id, ticket_id, {action: error_text(exc)}, request.form, exc.status)
    flash(_(done))
    return redirect(url_for("staff.campaigns.item_page", campaign_id=campaign_id, ticket_id=ticket_id), code=303)


@bp.get("/<campaign_id>/notices/<day>")
def notice_page(campaign_id: str, day: str):
    campaign, role, found = notice.view(deps(), g.actor, campaign_id, day)
    return render_template("staff/campaigns/notice.html", c=campaign, role=role, n=found, f=found.as_figures(),
                           county=_county(), **TITLES)


@bp.post("/<campaign_id>/notices/<day>/issue")
def notice_issue(campaign_id: str, day: str):
    notice.issue(deps(), g.actor, campaign_id, day, now())
    flash(_("进展通报已印发，各责任单位可以查看。"))
    return redirect(url_for("staff.campaigns.notice_page", campaign_id=campaign_id, day=day), code=303)


@bp.get("/<campaign_id>/notices/<day>/notice.docx")
def notice_docx(campaign_id: str, day: str):
    body, filename = notice.docx(deps(), g.actor, campaign_id, day, now(), _)
    return Response(body, mimetype=DOCX, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/<campaign_id>/ledger.xlsx")
def ledger_xlsx(campaign_id: str):
    body, filename = ledger.export_xlsx(deps(), g.actor, campaign_id, now(), _)
    return Response(body, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
