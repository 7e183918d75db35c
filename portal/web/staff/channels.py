"""Reports that arrive by phone, letter, email, visit or hand-over (004 C20, L17; C9, L8):
the registration form and its slip, the phone's code read back, the unit's desk (written
notices, feedback to the sender) and the unit's email inbox. Each route parses, calls one
service (``portal.services.channels``) and renders; the services check who may do what."""

from __future__ import annotations

import segno
from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from portal.domain.access import can_register
from portal.domain.channels import CHANNELS, CONTACT_KIND_TITLES, SOURCES, STAFF_CHANNELS
from portal.domain.deadlines import ACCEPTANCE_WORKING_DAYS, RESULT_NOTICE_WORKING_DAYS
from portal.domain.errors import DomainError, Forbidden, NotFound, ValidationFailed
from portal.domain.inbox import STATUS_TITLES as INBOX_STATUS_TITLES
from portal.domain.receipts import display
from portal.i18n import N_
from portal.services import filing_tokens, uploads
from portal.services.channels import inbox, notices, registration
from portal.services.channels.registration import AlreadyRegistered, RegistrationInput
from portal.timeutil import local_date
from portal.web.common import deps, error_text, now

bp = Blueprint("channels", __name__)


def _county():
    return deps().counties.get(g.actor.county) or deps().counties.default


def _errors(exc: DomainError) -> dict:
    if isinstance(exc, ValidationFailed):
        return {name: [error_text(e) for e in found] for name, found in exc.errors.items()}
    return {exc.field or "form": [error_text(exc)]}


def _form_page(template: str, values: dict, errors: dict | None = None, status: int = 200, **extra):
    county = _county()
    return render_template(template, values=values, errors=errors or {}, county=county,
                           channels=[CHANNELS[c] for c in STAFF_CHANNELS], sources=SOURCES,
                           contact_kinds=CONTACT_KIND_TITLES, categories=county.categories,
                           townships=county.townships, today=local_date(now()).isoformat(),
                           max_photos=uploads.MAX_PHOTOS, assigned_sources=CHANNELS["assigned"].sources, **extra), status


def _qr(receipt: str) -> Markup:
    status_url = deps().settings.public_url.rstrip("/") + "/status"
    qr = segno.make(f"{status_url}#r={receipt}", error="m", mask=4)
    return Markup(qr.svg_inline(scale=4, dark="#111", light="#fff", omitsize=False))


def _slip(result: registration.Registration):
    """The slip: the receipt (shown on this response only), its QR code and the 3- and 7-day promises."""
    county = _county()
    receipt = result.receipt
    return render_template("staff/channels/slip.html", r=result, county=county, unit_name=county.unit_name(g.actor.unit),
                           receipt_display=display(receipt) if receipt else None, qr_svg=_qr(receipt) if receipt else None,
                           status_url=deps().settings.public_url.rstrip("/") + "/status", today=now(),
                           accept_days=ACCEPTANCE_WORKING_DAYS, result_days=RESULT_NOTICE_WORKING_DAYS)


def _photos():
    files = [f for f in request.files.getlist("photos") if f and f.filename]
    limit = deps().settings.photo_limit
    return [f.stream.read(limit + 1) for f in files[: uploads.MAX_PHOTOS + 1]]


@bp.app_context_processor
def channel_titles():
    return {"channel_titles": {code: c.title for code, c in CHANNELS.items()},
            "source_titles": {code: s.title for code, s in SOURCES.items()}}


# --- registration ---------------------------------------------------------------------------
@bp.get("/register")
def register_form():
    if not can_register(g.actor):
        raise Forbidden(registration.NOT_REGISTERING)
    values = {"token": filing_tokens.issue(deps(), now()), "received_on": local_date(now()).isoformat(),
              "contact_kind": "none"}
    return _form_page("staff/channels/register.html", values)


def _registered(register, form_again):
    """Register (``register(data)``) and show the slip; the form again with every error (the
    input kept, an expired token renewed) or, posted twice, a page without the receipt."""
    data = RegistrationInput.from_form(request.form)
    try:
        result = register(data)
    except AlreadyRegistered as exc:
        return render_template("staff/channels/already.html", message=error_text(exc)), exc.status
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        values = {name: request.form.get(name, "") for name in RegistrationInput.FIELDS}
        if exc.field == "token":  # an expired form gets a fresh token; the rest of the input stays
            values["token"] = filing_tokens.issue(deps(), now())
        return form_again(values, _errors(exc), exc.status)
    return _slip(result)


@bp.post("/register")
def register_submit():
    return _registered(lambda data: registration.register(deps(), g.actor, _county(), data, _photos(), now()),
                       lambda values, errors, status: _form_page("staff/channels/register.html", values, errors, status))


@bp.post("/register/phone")
def register_phone():
    """The code the reporter read back over the phone: verified, the receipt goes by SMS."""
    token = request.form.get("token")
    try:
        registration.confirm_phone(deps(), g.actor, token, request.form.get("code"), now())
    except NotFound:
        raise
    except DomainError as exc:
        return render_template("staff/channels/phone.html", token=token, error=error_text(exc)), exc.status
    return render_template("staff/channels/phone_done.html")


@bp.post("/register/slip")
def register_show_receipt():
    """The phone cannot get the SMS: the slip shows the receipt, once."""
    try:
        result = registration.show_receipt(deps(), g.actor, request.form.get("token"), now())
    except NotFound:
        raise
    except DomainError as exc:
        return render_template("staff/channels/already.html", message=error_text(exc)), exc.status
    return _slip(result)


# --- the unit's desk ------------------------------------------------------------------------
@bp.get("/registered")
def desk():
    lines, cursor = notices.desk(deps(), g.actor, request.args.get("cursor"))
    return render_template("staff/channels/desk.html", lines=lines, cursor=cursor, today=local_date(now()).isoformat(),
                           errors={})


@bp.get("/registered/<complaint_id>/notice")
def written_notice(complaint_id: str):
    return render_template("staff/channels/written_notice.html",
                           n=notices.written_notice(deps(), g.actor, complaint_id, now()))


DESK_ACTIONS = {
    "posted": (lambda a, cid, f, t: notices.record_posted(deps(), a, cid, f.get("posted_on"), f.get("note"), t),
               N_("已登记书面告知书寄出，告知举报人处理结果的期限已完成。")),
    "feedback": (lambda a, cid, f, t: notices.record_feedback(deps(), a, cid, f.get("fed_back_on"), f.get("note"), t),
                 N_("已登记向交办（移交）单位反馈办理结果。")),
}


@bp.post("/registered/<complaint_id>/<action>")
def desk_action(complaint_id: str, action: str):
    entry = DESK_ACTIONS.get(action)
    if entry is None:
        raise NotFound(notices.NOT_FOUND)
    call, done = entry
    try:
        call(g.actor, complaint_id, request.form, now())
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        lines, cursor = notices.desk(deps(), g.actor)
        return render_template("staff/channels/desk.html", lines=lines, cursor=cursor,
                               today=local_date(now()).isoformat(),
                               errors={f"{complaint_id}-{action}": error_text(exc)}), exc.status
    flash(_(done))
    if not can_register(g.actor):  # the discipline commission, for its own tickets
        return redirect(url_for("staff.tickets.ticket", complaint_id=complaint_id), code=303)
    return redirect(url_for("staff.channels.desk"), code=303)


# --- the unit's email inbox ---------------------------------------------------------------
@bp.get("/inbox")
def inbox_list():
    bucket = "done" if request.args.get("bucket") == "done" else "open"
    lines, cursor = inbox.listing(deps(), g.actor, bucket, request.args.get("cursor"))
    return render_template("staff/channels/inbox.html", lines=lines, cursor=cursor, bucket=bucket,
                           status_titles=INBOX_STATUS_TITLES)


def _message_page(message_id: str, values: dict | None = None, errors: dict | None = None, status: int = 200):
    view = inbox.open_message(deps(), g.actor, message_id, now())
    arrived = local_date(view.message.arrived_at).isoformat()
    values = values or {"token": filing_tokens.issue(deps(), now()), "description": view.text[:2000],
                        "received_on": arrived, "channel": "email"}
    return _form_page("staff/channels/message.html", values, errors, status, view=view,
                      status_titles=INBOX_STATUS_TITLES)


@bp.get("/inbox/<message_id>")
def inbox_message(message_id: str):
    return _message_page(message_id)


@bp.get("/inbox/<message_id>/photos/<int:n>")
def inbox_photo(message_id: str, n: int):
    return Response(inbox.photo(deps(), g.actor, message_id, n), mimetype="image/jpeg",
                    headers={"Content-Disposition": "inline"})


@bp.post("/inbox/<message_id>/register")
def inbox_register(message_id: str):
    return _registered(lambda data: inbox.register(deps(), g.actor, _county(), message_id, data, now()),
                       lambda values, errors, status: _message_page(message_id, values, {"register": True, **errors},
                                                                    status))


@bp.post("/inbox/<message_id>/dismiss")
def inbox_dismiss(message_id: str):
    try:
        inbox.dismiss(deps(), g.actor, message_id, request.form.get("reason"), now())
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        return _message_page(message_id, errors={"dismiss": [error_text(exc)]}, status=exc.status)
    flash(_("已不予登记。"))
    return redirect(url_for("staff.channels.inbox_list"), code=303)
