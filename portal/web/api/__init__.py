"""The JSON API for filing and status (flask-smorest + marshmallow), described by OpenAPI 3
at ``/api/v1/openapi.json``. The same services as the HTML forms stand behind it."""

from __future__ import annotations

import json

from flask import Flask, request
from flask.views import MethodView
from flask_smorest import Api, Blueprint
from flask_smorest.fields import Upload
import marshmallow
from marshmallow import fields, validate
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict

from portal.domain.errors import DomainError, NotFound
from portal.domain.receipts import display
from portal.i18n import N_
from portal.services import filing_tokens, intake, ratelimit, reporter, uploads, verification
from portal.timeutil import iso_local
from portal.web.common import client_key, county, deps, now, translate


class _Parser(FlaskParser):
    """webargs' Flask parser, with two changes:

    - a JSON body that the json module refuses with something other than a decoding error
      (an integer longer than Python's digit limit: ValueError; nesting deeper than the
      stack: RecursionError) is invalid JSON, a 400 like any other, not a server error;
    - the ``form_and_files`` location: the fields and the files of one multipart body, loaded
      by one schema (OpenAPI 3 has a single request body per operation)."""

    __location_map__ = dict(FlaskParser.__location_map__, form_and_files="load_form_and_files")

    def _raw_load_json(self, req):
        try:
            return super()._raw_load_json(req)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise  # webargs answers these itself
        except (ValueError, RecursionError):
            raise json.JSONDecodeError("a number or a nesting this API cannot read", "<body>", 0) from None

    def load_form_and_files(self, req, schema):
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)


class _Blueprint(Blueprint):
    ARGUMENTS_PARSER = _Parser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = dict(Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
                                                 form_and_files="multipart/form-data")


class _Api(Api):
    def _register_error_handlers(self):
        """Register nothing: flask-smorest's HTTPException handler would replace the portal's
        (``portal.web.errors``) for the whole app, answering every 404 with English JSON, even on
        citizen pages, and schema errors with 422 instead of the portal's Chinese 400."""


bp = _Blueprint("api", __name__, url_prefix="/api/v1", description="Filing and following complaints")


# --- schemas -----------------------------------------------------------------------------
class Schema(marshmallow.Schema):
    """A schema of this API. flask-smorest deep-copies a view's documentation, with the schema
    instances in it, at each of its decorators (65 times at start-up, half of building the
    API); a schema instance is never changed once made, so its copy is the instance itself."""

    def __deepcopy__(self, memo):
        return self


class ProblemSchema(Schema):
    code = fields.Integer(required=True)
    message = fields.String(required=True, metadata={"description": "in the request's language (Chinese by default)"})
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class CategorySchema(Schema):
    code = fields.String()
    group = fields.String()
    title = fields.String()
    example = fields.String()


class UnitSchema(Schema):
    code = fields.String()
    name = fields.String()
    kind = fields.String()
    mailbox = fields.String()
    email = fields.String()
    phone = fields.String()
    placeholder = fields.Boolean(metadata={"description": "contact details are demo placeholders"})


class CatalogSchema(Schema):
    county = fields.String()
    categories = fields.List(fields.Nested(CategorySchema))
    departments = fields.List(fields.Nested(UnitSchema))
    townships = fields.List(fields.Nested(UnitSchema))


class TokenSchema(Schema):
    token = fields.String(required=True)


class UploadFormSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(max=400))
    photo = Upload(required=True)


class UploadSchema(Schema):
    upload_id = fields.String()
    status = fields.String()
    taken_at = fields.String(allow_none=True, metadata={"description": "capture time offered for confirmation"})
    taken_lat = fields.Float(allow_none=True)
    taken_lng = fields.Float(allow_none=True)
    error = fields.String(allow_none=True)


class PresignSchema(Schema):
    upload_id = fields.String()
    url = fields.String()
    fields_ = fields.Dict(data_key="fields", keys=fields.String(), values=fields.String())


#: the header that carries the filing token when reading an upload's state: a GET has no
#: body, and a token in the query string would rest in server, proxy and browser logs
TOKEN_HEADER = "X-Filing-Token"


class UploadStateHeaderSchema(Schema):
    token = fields.String(required=True, data_key=TOKEN_HEADER, validate=validate.Length(max=400),
                          metadata={"description": "the filing token the upload was made with (never in the URL)"})


class ComplaintInSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(max=400))
    category = fields.String(required=True, validate=validate.Length(max=64))
    description = fields.String(required=True, validate=validate.Length(max=20000))
    address = fields.String(load_default=None, validate=validate.Length(max=2000))
    lat = fields.Float(load_default=None, allow_nan=False)
    lng = fields.Float(load_default=None, allow_nan=False)
    township = fields.String(load_default=None, validate=validate.Length(max=64))
    datum = fields.String(load_default=None, validate=validate.OneOf(("wgs84", "gcj02", "cgcs2000")),
                          metadata={"description": "datum of lat/lng: wgs84 (GPS, default), gcj02 (a pin on an "
                                                   "AMap/Tencent-style basemap), cgcs2000 (Tianditu); stored as WGS84"})
    village = fields.String(load_default=None, validate=validate.Length(max=16),
                            metadata={"description": "a village's division code: without lat/lng, the report is "
                                                     "placed at the village's approximate point"})
    phone = fields.String(load_default=None, validate=validate.Length(max=64))
    upload_ids = fields.List(fields.String(validate=validate.Length(max=40)), load_default=list,
                             validate=validate.Length(max=uploads.MAX_PHOTOS))
    confirmed_exif = fields.List(fields.String(validate=validate.Length(max=40)), load_default=list,
                                 validate=validate.Length(max=uploads.MAX_PHOTOS))


class FilingOutSchema(Schema):
    receipt = fields.String(metadata={"description": "16 digits: the reporter's only credential, shown once"})
    receipt_display = fields.String()
    lead_department = fields.String()
    phone_verification_required = fields.Boolean()
    duplicate = fields.Boolean()


class ReceiptSchema(Schema):
    receipt = fields.String(required=True, validate=validate.Length(max=64))


class ReplySchema(ReceiptSchema):
    text = fields.String(required=True, validate=validate.Length(max=20000))


class CodeSchema(ReceiptSchema):
    code = fields.String(required=True, validate=validate.Length(max=16))


class HistorySchema(Schema):
    at = fields.String()
    text = fields.String()
    by_reporter = fields.Boolean()


class StatusSchema(Schema):
    status = fields.String()
    status_title = fields.String()
    category = fields.String()
    lead_department = fields.String()
    received_at = fields.String()
    acceptance_due = fields.String(allow_none=True)
    result_due = fields.String(allow_none=True)
    deadlines_provisional = fields.Boolean()
    info_requested = fields.Boolean()
    finding = fields.String(allow_none=True)
    result = fields.String()
    phone_on_file = fields.Boolean()
    phone_verified = fields.Boolean()
    history = fields.List(fields.Nested(HistorySchema))


class OkSchema(Schema):
    ok = fields.Boolean()


ERRORS = (400, 404, 409, 413, 429)


def _errors(view):
    for code in ERRORS:
        view = bp.alt_response(code, schema=ProblemSchema, description="error in the request's language")(view)
    return view


def _status_json(complaint):
    view = reporter.view(deps(), complaint, now())
    return {
        "status": view.status.value, "status_title": translate(view.status_title), "category": view.category_title,
        "lead_department": view.lead_name, "received_at": iso_local(view.received_at),
        "acceptance_due": iso_local(view.acceptance_due) if view.acceptance_due else None,
        "result_due": iso_local(view.result_due) if view.result_due else None,
        "deadlines_provisional": view.provisional, "info_requested": view.info_pending,
        "finding": translate(view.finding_title) if view.finding_title else None, "result": view.result_text,
        "phone_on_file": view.phone_on_file, "phone_verified": view.phone_verified,
        "history": [{"at": iso_local(h.at), "text": translate(h.text, h.params), "by_reporter": h.by_reporter}
                    for h in view.history],
    }


def _complaint_for(receipt):
    complaint, _ = reporter.find_by_receipt(deps(), receipt, client_key(), now())
    return complaint


# --- routes ------------------------------------------------------------------------------
@bp.route("/catalog")
class CatalogView(MethodView):
    @bp.response(200, CatalogSchema)
    def get(self):
        """What can be reported, and who handles reports (the public directory)."""
        c = county()
        return {
            "county": c.name,
            "categories": [{"code": x.code, "group": x.group, "title": x.title, "example": x.example}
                           for x in c.categories],
            "departments": [vars(d) for d in c.departments],
            "townships": [{k: getattr(t, k) for k in ("code", "name", "kind", "mailbox", "email", "phone", "placeholder")}
                          for t in c.townships],
        }


@bp.route("/filing-tokens")
class FilingTokenView(MethodView):
    @bp.response(201, TokenSchema)
    def post(self):
        """A sealed token for one filing: post it with the complaint (and its photos)."""
        return {"token": filing_tokens.issue(deps(), now())}


@bp.route("/uploads")
class UploadView(MethodView):
    @bp.arguments(UploadFormSchema, location="form_and_files")
    @bp.response(201, UploadSchema)
    @_errors
    def post(self, form):
        """Upload one photo through the portal: it is sanitised at once (all metadata dropped);
        its capture time and place, if any, are returned for the reporter to confirm."""
        d, moment = deps(), now()
        token = filing_tokens.open_token(d, form["token"], moment)
        ratelimit.check(d, "upload", client_key(), moment)
        staged = uploads.stage(d, token.submission_hash(d), form["photo"].stream.read(d.settings.photo_limit + 1),
                               moment)
        return {"upload_id": staged.upload_id, "status": "ready",
                "taken_at": iso_local(staged.taken_at) if staged.taken_at else None,
                "taken_lat": staged.taken_lat, "taken_lng": staged.taken_lng, "error": None}


@bp.route("/uploads/presign")
class PresignView(MethodView):
    @bp.arguments(TokenSchema)
    @bp.response(201, PresignSchema)
    @_errors
    def post(self, args):
        """A presigned POST to upload a photo straight to object storage (serverless deployments)."""
        d, moment = deps(), now()
        token = filing_tokens.open_token(d, args["token"], moment)
        ratelimit.check(d, "upload", client_key(), moment)
        form = uploads.presign(d, token.submission_hash(d), moment)
        if form is None:
            raise DomainError(N_("本平台通过网页直接上传照片，请使用 /api/v1/uploads。"), field="token")
        return {"upload_id": form["upload_id"], "url": form["url"], "fields_": form["fields"]}


@bp.route("/uploads/<string:upload_id>")
class UploadStateView(MethodView):
    @bp.arguments(UploadStateHeaderSchema, location="headers")
    @bp.response(200, UploadSchema)
    @_errors
    def get(self, args, upload_id):
        """The state of an upload (after a direct upload, sanitising takes a moment). The filing
        token travels in the ``X-Filing-Token`` header, never in the URL."""
        d = deps()
        token = filing_tokens.open_token(d, args["token"], now())
        state = uploads.upload_state(d, token.submission_hashes(d), upload_id)
        if state is None:
            raise NotFound(N_("照片已失效，请重新上传。"))
        return {"upload_id": upload_id, "status": state.get("status"), "taken_at": state.get("taken_at"),
                "taken_lat": state.get("taken_lat"), "taken_lng": state.get("taken_lng"),
                "error": translate(state["error"]) if state.get("error") else None}


@bp.route("/complaints")
class ComplaintView(MethodView):
    @bp.arguments(ComplaintInSchema)
    @bp.response(201, FilingOutSchema)
    @_errors
    def post(self, args):
        """File a complaint. Posting the same token twice files once: within 15 minutes of the
        filing the answer repeats the receipt (a lost answer, a double tap); later it is a 409
        saying the report was filed, without the receipt."""
        data = intake.FilingInput(
            token=args["token"], category=args["category"], description=args["description"],
            address=args["address"], lat=args["lat"], lng=args["lng"], township=args["township"],
            datum=args["datum"], village=args["village"], phone=args["phone"], upload_ids=args["upload_ids"],
            confirmed_exif=set(args["confirmed_exif"]),
            honeypot=request.args.get("website"),
        )
        result = intake.file_complaint(deps(), county(), data, client_key(), now())
        return {"receipt": result.receipt, "receipt_display": display(result.receipt),
                "lead_department": result.lead_name, "phone_verification_required": result.phone_pending,
                "duplicate": result.duplicate}


@bp.route("/status")
class StatusView(MethodView):
    @bp.arguments(ReceiptSchema)
    @bp.response(200, StatusSchema)
    @_errors
    def post(self, args):
        """A complaint's status, by receipt (posted, never in a URL)."""
        return _status_json(_complaint_for(args["receipt"]))


@bp.route("/status/reply")
class ReplyView(MethodView):
    @bp.arguments(ReplySchema)
    @bp.response(200, StatusSchema)
    @_errors
    def post(self, args):
        """Answer the department's request for information, anonymously."""
        complaint = _complaint_for(args["receipt"])
        reporter.reply(deps(), complaint, args["text"], client_key(), now())
        return _status_json(deps().repos.complaints.get(complaint.id))


@bp.route("/status/verify")
class VerifyView(MethodView):
    @bp.arguments(CodeSchema)
    @bp.response(200, StatusSchema)
    @_errors
    def post(self, args):
        """Confirm the phone with the 6-digit code sent to it."""
        complaint = _complaint_for(args["receipt"])
        verification.confirm(deps(), complaint, args["code"], now(), client=client_key())
        return _status_json(deps().repos.complaints.get(complaint.id))


@bp.route("/status/resend")
class ResendView(MethodView):
    @bp.arguments(ReceiptSchema)
    @bp.response(200, OkSchema)
    @_errors
    def post(self, args):
        """Send a new verification code (limited per phone and per day)."""
        complaint = _complaint_for(args["receipt"])
        c = deps().counties.get(complaint.county) or county()
        verification.resend(deps(), complaint, c, client_key(), now())
        return {"ok": True}


from portal.web.api import places  # noqa: E402,F401  (registers the place endpoints on bp)


def init_api(app: Flask) -> None:
    """Register the API and its OpenAPI document (a lazy part of the app, ``portal.web.routing``;
    its rate limit is ``portal.web.machine_rate_limit``, registered with the app)."""
    api = _Api(app, spec_kwargs={"info": {"description": "Public complaint portal for illegal construction and "
                                                         "illegal land use. Texts are Chinese by default."}})
    api.register_blueprint(bp)
