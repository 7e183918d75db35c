"""The citizen app: home, filing form, receipt, status page. Works with JavaScript off;
scripts only add the map pin, "use my location", photo previews and upload progress.

No cookie is set for citizens (except a language choice), nothing about a reporter is
logged, and every page that carries a receipt is sent with ``Cache-Control: no-store``.
"""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, render_template, request, url_for
from markupsafe import Markup

from portal.domain.county import GROUP_TITLES
from portal.domain.deadlines import ACCEPTANCE_WORKING_DAYS, RESULT_NOTICE_WORKING_DAYS
from portal.domain.errors import DomainError, ValidationFailed
from portal.domain.receipts import display
from portal.evidence.sanitize import ACCEPT_ATTRIBUTE
from portal.services import demo, filing_tokens, intake, reporter, reward_claims, uploads, verification
from portal.services.intake import AlreadyFiled, FilingInput, NeedsConfirmation
from portal.web.citizen import modes
from portal.web.common import client_key, county, deps, error_text, now

bp = Blueprint("citizen", __name__, template_folder="../../templates")
modes.init(bp)

MAX_PHOTOS = uploads.MAX_PHOTOS


def _catalog(c):
    return [(GROUP_TITLES[group], cats) for group, cats in c.category_groups()]


def _common(**extra):
    c = county()
    return dict(county=c, groups=_catalog(c), demo=deps().settings.is_demo,
                accept_days=ACCEPTANCE_WORKING_DAYS, result_days=RESULT_NOTICE_WORKING_DAYS,
                max_photos=MAX_PHOTOS, accept_types=ACCEPT_ATTRIBUTE,
                photo_mb=deps().settings.photo_limit // (1024 * 1024),
                direct_upload=deps().settings.blobs == "s3", **extra)


@bp.get("/")
def home():
    return render_template("citizen/home.html", **_common())


@bp.get("/grids")
def grid_table():
    """004 C17(1), L15(1): the grid table with the responsible persons and their phones."""
    from portal.services.patrols import grid_table as grids

    query, groups = grids.lookup(county(), request.args.get("q"))
    return render_template("citizen/grids.html", query=query, grid_groups=groups, **_common())


def _error_targets(c) -> dict[str, str]:
    """Where each error of the filing form links to (the error summary): its field's id."""
    first = c.categories[0].code if c.categories else ""
    return {"category": f"category-{first}", "description": "description", "location": "lat", "township": "township",
            "address": "address", "photos": "photos", "phone": "phone"}


def _form_page(token: str, values: dict, errors: dict, status: int = 200, repost: bool = False):
    c = county()
    chosen = values.get("category")
    targets = _error_targets(c)
    if chosen and c.category(chosen):
        targets["category"] = f"category-{chosen}"
    # the summary lists the errors in the form's order, top to bottom (targets are in that order)
    order = list(targets)
    errors = dict(sorted(errors.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order)))
    # a page that answers a POST switches mode or language by posting the form again
    switch = {"form": "report-form", "action": url_for("citizen.report_submit", elder=None)} if repost else None
    return render_template("citizen/report.html", token=token, form=values, errors=errors, error_targets=targets,
                           switch_repost=switch, **_common()), status


@bp.get("/report")
def report_form():
    token = filing_tokens.issue(deps(), now())
    return _form_page(token, {"category": request.args.get("category", "")}, {})


def _filing_input(form) -> FilingInput:
    return FilingInput(
        token=form.get("token"), category=form.get("category"), description=form.get("description"),
        address=form.get("address"), lat=form.get("lat"), lng=form.get("lng"), township=form.get("township"),
        phone=form.get("phone"), datum=form.get("datum"), village=form.get("village"),
        upload_ids=[u for u in form.getlist("upload_ids") if u][:MAX_PHOTOS + 1],
        confirmed_exif=set(form.getlist("confirm_exif")), honeypot=form.get("website"),
    )


def _form_again(form, exc: DomainError | None, status: int = 400):
    """The form with what the citizen typed, and the errors of ``exc`` (none when the citizen
    only switched mode or language: ``redisplay``)."""
    if exc is None:
        errors = {}
    elif isinstance(exc, ValidationFailed):
        errors = {f: [error_text(e) for e in errs] for f, errs in exc.errors.items()}
    else:
        errors = {exc.field or "form": [error_text(exc)]}
    token = form.get("token") or ""
    if "token" in errors or not token:  # an expired form gets a fresh token; the rest of the input stays
        token = filing_tokens.issue(deps(), now())
        if "token" in errors:
            errors["form"] = errors.pop("token")
    values = {k: form.get(k, "") for k in ("category", "description", "address", "lat", "lng", "datum", "township",
                                            "village", "phone")}
    values["upload_ids"] = form.getlist("upload_ids")
    return _form_page(token, values, errors, status, repost=True)


@bp.post("/report")
def report_submit():
    form = request.form
    if form.get("redisplay"):  # the mode or language switch of a posted page: nothing is filed
        return _form_again(form, None, 200)
    data = _filing_input(form)
    files = [f for f in request.files.getlist("photos") if f and f.filename]
    limit = deps().settings.photo_limit
    try:
        photos = [f.stream.read(limit + 1) for f in files[: MAX_PHOTOS + 1]]
        outcome = intake.submit_form(deps(), county(), data, photos, client_key(), now(),
                                     reviewed=form.get("exif_reviewed") == "1")
    except AlreadyFiled as exc:  # filed a while ago: the receipt is not shown again
        return render_template("citizen/already_filed.html", message=error_text(exc), **_common()), exc.status
    except DomainError as exc:
        return _form_again(form, exc, exc.status)
    if isinstance(outcome, NeedsConfirmation):
        states = {s.upload_id: s for s in outcome.staged}
        return render_template("citizen/confirm.html", data=data, staged=outcome.staged, states=states,
                               upload_ids=outcome.upload_ids,
                               switch_repost={"form": "confirm-form",
                                              "action": url_for("citizen.report_submit", elder=None)},
                               **_common())
    return _receipt(outcome.receipt, outcome.lead_name, outcome.phone_pending)


def _receipt(receipt: str, lead_name: str, phone_pending: bool):
    status_url = deps().settings.public_url.rstrip("/") + "/status"
    if modes.active():  # the QR code opens the status page in the mode the receipt was read in
        status_url += "?" + modes.PARAM + "=1"
    import segno  # the QR code: imported by the first page that draws one

    # a fixed mask: scoring all eight (segno's default) costs three times the encoding itself,
    # and any mask decodes; the receipt page is on the filing's hot path, so segno is also told
    # what it would otherwise find out: byte mode, never a Micro QR code
    qr = segno.make(f"{status_url}#r={receipt}", error="m", mask=4, mode="byte", micro=False)
    svg = Markup(qr.svg_inline(scale=4, dark="#111", light="#fff", omitsize=False))
    return render_template("citizen/receipt.html", receipt=receipt, receipt_display=display(receipt),
                           qr_svg=svg, lead_name=lead_name, phone_pending=phone_pending, status_url=status_url,
                           switch_repost={"action": url_for("citizen.receipt_again", elder=None), "receipt": receipt},
                           **_common())


@bp.post("/receipt")
def receipt_again():
    """The receipt card again, for whoever posts the receipt (the mode switch of the receipt
    page): it shows nothing the poster does not already hold. Rate limited like the status page."""
    try:
        complaint, receipt = reporter.find_by_receipt(deps(), request.form.get("receipt"), client_key(), now())
    except DomainError as exc:
        return _lookup_page(exc, request.form.get("receipt")), exc.status
    c = deps().counties.get(complaint.county) or county()
    contact = complaint.contact
    pending = contact is not None and contact.is_phone and contact.envelope is not None and contact.verified_at is None
    return _receipt(receipt, c.unit_name(complaint.lead), pending)


@bp.get("/status")
def status_lookup():
    return render_template("citizen/status_lookup.html", error=None, typed="", **_common())


def _lookup_page(exc: DomainError, typed: str | None):
    """The lookup page after a wrong or refused receipt, with what was typed still in the box
    (so the 16 digits need not all be typed again); it goes back into the page only."""
    kept = (typed or "")[:24]
    return render_template("citizen/status_lookup.html", error=error_text(exc), typed=kept, **_common())


def _status_page(complaint, receipt, message=None, errors=None, status=200, **extra):
    view = reporter.view(deps(), complaint, now())
    switch = {"action": url_for("citizen.status_show", elder=None), "receipt": receipt}
    return render_template("citizen/status.html", view=view, receipt=receipt, message=message,
                           errors=errors or {}, switch_repost=switch,
                           **extra, **_common()), status


def with_receipt(view):
    """Look the complaint up by the posted receipt (rate limited); a wrong one gets the lookup page."""

    @wraps(view)
    def wrapper():
        try:
            complaint, receipt = reporter.find_by_receipt(deps(), request.form.get("receipt"), client_key(), now())
        except DomainError as exc:
            return _lookup_page(exc, request.form.get("receipt")), exc.status
        return view(complaint, receipt)

    return wrapper


@bp.post("/status")
@with_receipt
def status_show(complaint, receipt):
    return _status_page(complaint, receipt)


@bp.post("/status/reply")
@with_receipt
def status_reply(complaint, receipt):
    try:
        reporter.reply(deps(), complaint, request.form.get("text"), client_key(), now())
    except DomainError as exc:
        return _status_page(complaint, receipt, errors={"reply": error_text(exc)}, status=exc.status)
    return _status_page(deps().repos.complaints.get(complaint.id), receipt, message="reply_sent")


@bp.post("/status/verify")
@with_receipt
def status_verify(complaint, receipt):
    try:
        verification.confirm(deps(), complaint, request.form.get("code"), now(), client=client_key())
    except DomainError as exc:
        return _status_page(complaint, receipt, errors={"verify": error_text(exc)}, status=exc.status)
    return _status_page(complaint, receipt, message="phone_verified")  # as the verification committed it


@bp.post("/status/resend")
@with_receipt
def status_resend(complaint, receipt):
    c = deps().counties.get(complaint.county) or county()
    try:
        verification.resend(deps(), complaint, c, client_key(), now())
    except DomainError as exc:
        return _status_page(complaint, receipt, errors={"verify": error_text(exc)}, status=exc.status)
    return _status_page(complaint, receipt, message="code_sent")


@bp.post("/status/reward/code")
@with_receipt
def status_reward_code(complaint, receipt):
    try:
        reward_claims.send_code(deps(), complaint, client_key(), now())
    except DomainError as exc:
        return _status_page(complaint, receipt, errors={"reward": error_text(exc)}, status=exc.status)
    return _status_page(complaint, receipt, message="reward_code_sent")


@bp.post("/status/reward/claim")
@with_receipt
def status_reward_claim(complaint, receipt):
    form = request.form
    data = reward_claims.ClaimInput(method=form.get("method"), code=form.get("code"), payee_name=form.get("payee_name"),
                                    bank=form.get("bank"), account=form.get("account"))
    try:
        result = reward_claims.claim(deps(), complaint, data, client_key(), now())
    except DomainError as exc:
        if isinstance(exc, ValidationFailed):
            errors = {f"reward_{f}": " ".join(error_text(e) for e in errs) for f, errs in exc.errors.items()}
        else:
            errors = {f"reward_{exc.field}" if exc.field else "reward": error_text(exc)}
        # what the reporter typed comes back, except the code (spent or wrong either way)
        kept = {k: form.get(k, "") for k in ("method", "payee_name", "bank", "account")}
        return _status_page(complaint, receipt, errors=errors, status=exc.status, reward_form=kept)
    return _status_page(complaint, receipt, message="reward_claimed", collection_code=result.collection_code)


@bp.get("/demo/outbox")
def demo_outbox():
    """Demo mode only: the SMS rows as the provider would get them (phones stay encrypted)."""
    if not deps().settings.is_demo:
        abort(404)
    return render_template("citizen/demo_outbox.html", rows=demo.outbox_rows(deps(), county().code), **_common())


@bp.get("/demo/mail-outbox")
def demo_mail_outbox():
    """Demo mode only: the replies to email reports as the mail server would get them (addresses masked)."""
    if not deps().settings.is_demo:
        abort(404)
    from portal.services.channels import mail

    return render_template("citizen/demo_mail_outbox.html", rows=mail.outbox_rows(deps(), county().code), **_common())


@bp.route("/healthz", methods=["GET", "POST"])
def healthz():
    """Liveness; also the floor the intake benchmark compares filing against (an empty POST)."""
    return {"ok": True}
