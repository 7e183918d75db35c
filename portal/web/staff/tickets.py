"""The ticket page, its photos, and every action form on it. Each route parses the request,
calls one service and renders; the services check scope and permission."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.domain.access import can_view
from portal.domain.complaint import DECLINE_REASONS, Complaint
from portal.domain.errors import DomainError, Forbidden, NotFound
from portal.domain.measures import ACCEPTANCE_LEVELS
from portal.domain.referral import LAND_TYPES
from portal.i18n import N_
from portal.services import cases, disclosure, reward_views, scope, tickets, uploads, workflow
from portal.services.channels import notices
from portal.services.places import maps as place_maps
from portal.timeutil import local
from portal.web.common import deps, error_text, now

bp = Blueprint("tickets", __name__)


def _photos():
    files = [f for f in request.files.getlist("photos") if f and f.filename]
    if len(files) > uploads.MAX_PHOTOS:
        raise DomainError(N_("最多只能上传 %(n)s 张照片。"), field="photos", n=uploads.MAX_PHOTOS)
    limit = deps().settings.photo_limit
    return [f.stream.read(limit + 1) for f in files]


#: action name in the URL -> (service call, what the flash message says)
ACTIONS = {
    "accept": (lambda d, a, cid, f, t: workflow.accept(d, a, cid, f.get("note"), t), N_("已受理。")),
    "decline": (lambda d, a, cid, f, t: workflow.decline(d, a, cid, f.get("reason"), f.get("text"), t),
                N_("已作出不予受理决定，举报人将收到理由。")),
    "transfer": (lambda d, a, cid, f, t: workflow.transfer(d, a, cid, f.get("to"), f.get("reason"), t),
                 N_("已移交。")),
    "ask-info": (lambda d, a, cid, f, t: workflow.ask_information(d, a, cid, f.get("question"), t),
                 N_("已请举报人补充信息。")),
    "onsite": (lambda d, a, cid, f, t: workflow.record_onsite(d, a, cid, f.get("arrived_at"), f.get("findings"),
                                                             _photos(), t), N_("现场核查已登记。")),
    "stop-order": (lambda d, a, cid, f, t: workflow.issue_stop_order(d, a, cid, f.get("note"), t),
                   N_("已登记责令停止违法行为，整改期限5日。")),
    "rectified": (lambda d, a, cid, f, t: workflow.record_rectified(d, a, cid, f.get("note"), t),
                  N_("整改完成已登记。")),
    "demolition-handover": (lambda d, a, cid, f, t: workflow.hand_over_demolition(
        d, a, cid, f.get("handed_over_at"), f.get("decision"), f.get("note"), t),
        N_("已登记移交城管执法局强制拆除，拆除方案应在3个工作日内制定。")),
    "demolition-plan": (lambda d, a, cid, f, t: workflow.record_demolition_plan(
        d, a, cid, f.get("drafted_at"), f.get("note"), t), N_("强制拆除方案已登记。")),
    "conclude": (lambda d, a, cid, f, t: workflow.conclude(d, a, cid, f.get("finding"), f.get("result_text"), f, t),
                 N_("已办结，处理结果将告知举报人。")),
    "written-notice": (lambda d, a, cid, f, t: workflow.record_written_notice(d, a, cid, f.get("note"), t),
                       N_("书面告知已登记。")),
    "feedback": (lambda d, a, cid, f, t: notices.record_feedback(d, a, cid, f.get("fed_back_on"), f.get("note"), t),
                 N_("已登记向交办（移交）单位反馈办理结果。")),
    "reopen": (lambda d, a, cid, f, t: workflow.reopen(d, a, cid, f.get("reason"), t), N_("已重新办理。")),
    "acceptance-check": (lambda d, a, cid, f, t: workflow.record_acceptance_check(
        d, a, cid, f.get("level"), f.get("meets_standard"), f.get("checked_on"), f.get("note"), t), N_("验收情况已登记。")),
    "write-off": (lambda d, a, cid, f, t: workflow.write_off(d, a, cid, f.get("note"), t), N_("已销号。")),
    "assign": (lambda d, a, cid, f, t: workflow.assign(d, a, cid, f.get("assignee"), t), N_("经办人已分派。")),
    "merge": (lambda d, a, cid, f, t: cases.merge(d, a, cid, f.get("other"), f.get("note"), t), N_("案件已合并。")),
    "split": (lambda d, a, cid, f, t: cases.split(d, a, cid, f.get("note"), t), N_("已拆分为单独的案件。")),
    "mark": (lambda d, a, cid, f, t: cases.mark(d, a, cid, f.get("kind"), f.get("note"), t,
                                                           f.get("registered_on")), N_("案件性质已标记。")),
    "disclosure": (lambda d, a, cid, f, t: disclosure.request(d, a, cid, f.get("reason"), t),
                   N_("查看申请已提交，等待身份信息保管人审批。")),
}


#: 004 C17(2), L15(2): said at the conclusion form and after concluding without an on-site check
ONSITE_OWED = N_("这件举报还没有登记现场核查。办结后，乡镇执法队2小时内到场核查的时限照常计算：请乡镇执法队尽快登记现场核查；"
                 "超过时限的，计为违反时限。")


def _page(complaint_id: str, errors: dict | None = None, form=None, status: int = 200):
    moment = now()
    view = tickets.open_ticket(deps(), g.actor, complaint_id, moment)
    return render_template("staff/ticket.html", v=view, c=view.complaint, now=moment, errors=errors or {},
                           now_input=local(moment).strftime("%Y-%m-%dT%H:%M"),
                           form=form or {}, decline_reasons=DECLINE_REASONS, findings=tickets.FINDING_CHOICES,
                           land_types=LAND_TYPES, acceptance_levels=ACCEPTANCE_LEVELS, today=local(moment).date(),
                           onsite_owed=ONSITE_OWED,
                           place=place_maps.ticket_place(deps().counties.get(view.complaint.county)
                                                         or deps().counties.default, view.complaint),
                           reward=reward_views.for_ticket(deps(), g.actor, view.complaint)), status


@bp.get("/tickets/<complaint_id>")
def ticket(complaint_id: str):
    return _page(complaint_id)


@bp.get("/tickets/<complaint_id>/photos/<int:n>")
def photo(complaint_id: str, n: int):
    found = tickets.photo(deps(), g.actor, complaint_id, n, now())
    if found.url:
        return redirect(found.url, code=303)
    return Response(found.data, mimetype=found.evidence.content_type,
                    headers={"Content-Disposition": "inline"})


@bp.post("/tickets/<complaint_id>/<action>")
def act(complaint_id: str, action: str):
    entry = ACTIONS.get(action)
    if entry is None:
        abort(404)
    call, done = entry
    try:
        result = call(deps(), g.actor, complaint_id, request.form, now())
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        return _page(complaint_id, errors={action: error_text(exc)}, form=request.form, status=exc.status)
    flash(_(done))
    if action == "conclude" and getattr(result, "onsite_owed", False):
        flash(_(ONSITE_OWED))
    if isinstance(result, Complaint) and result.id == complaint_id:  # the ticket as the action saved it
        still_visible = can_view(g.actor, result)
    else:
        still_visible = scope.visible(deps(), g.actor, complaint_id) is not None
    if not still_visible:  # transferred out of this unit's view
        return redirect(url_for("staff.workqueue.queue_page"), code=303)
    return redirect(url_for("staff.tickets.ticket", complaint_id=complaint_id), code=303)
