"""Open311 GeoReport v2 under ``/open311/v2/``, each endpoint in JSON (``.json``) and XML
(``.xml``). The mapping, the privacy rules and the validation live in
``portal.services.open311``; here requests are parsed and answers rendered, errors included,
in Open311's format: ``[{"code": ..., "description": ...}]`` or ``<errors><error>``.

An API key comes in the ``X-Api-Key`` header or the ``api_key`` field; on a GET a staff key
is refused in the query string (see ``portal.services.open311.caller``).

The portal's rate limit for API calls (``init_api``) covers these paths too; filing is also
limited per API key (``portal.services.open311.submit``)."""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET

from flask import Blueprint, Flask, Response, current_app, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from portal.domain.errors import DomainError, ValidationFailed
from portal.services import open311
from portal.services.open311 import Msg, Words
from portal.web.common import county, deps, error_text, now, translate

log = logging.getLogger(__name__)

bp = Blueprint("open311", __name__, url_prefix="/open311")

FORMAT = "<any(json, xml):fmt>"
XML_CONTENT_TYPE = "application/xml; charset=utf-8"
#: child element names of lists in the XML rendering
XML_ITEMS = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format",
             "extensions": "extension"}
#: characters XML 1.0 cannot carry
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


# --- rendering -------------------------------------------------------------------------------
def _text(value) -> str | None:
    if isinstance(value, Msg):
        return translate(value.text, value.params)
    if isinstance(value, Words):
        return ",".join(_text(part) for part in value.parts)
    return value


def _localized(value):
    if isinstance(value, dict):
        return {k: _localized(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_localized(v) for v in value]
    return _text(value)


def _element(parent: ET.Element, tag: str, value) -> None:
    node = ET.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, child in value.items():
            _element(node, key, child)
    elif isinstance(value, list):
        for child in value:
            _element(node, XML_ITEMS[tag], child)
    elif isinstance(value, bool):
        node.text = "true" if value else "false"
    elif value is not None:
        node.text = _NOT_XML.sub("", str(value))


def _xml(root: str, item: str | None, payload) -> bytes:
    top = ET.Element(root)
    if item is None:
        for key, value in payload.items():
            _element(top, key, value)
    else:
        for value in payload:
            _element(top, item, value)
    return ET.tostring(top, encoding="utf-8", xml_declaration=True)


def render(fmt: str, payload, root: str, item: str | None = None, status: int = 200) -> Response:
    """``payload`` is a list of records (XML: ``<root><item>...``) or one record (``<root>...``)."""
    payload = _localized(payload)
    if fmt == "xml":
        return Response(_xml(root, item, payload), status=status, content_type=XML_CONTENT_TYPE)
    response = current_app.json.response(payload)
    response.status_code = status
    return response


def _jurisdiction():
    return open311.jurisdiction(deps(), county(), request.values.get("jurisdiction_id"))


#: the header an API key may come in (the only place a staff key is taken on a GET)
KEY_HEADER = "X-Api-Key"


def _header_key() -> str | None:
    value = request.headers.get(KEY_HEADER)
    return value if value is not None and value.strip() else None


def _reader(c) -> open311.Caller:
    """Who reads: the key of the ``X-Api-Key`` header if given (it wins), else ``api_key`` of
    the query string, where a staff key is refused."""
    header = _header_key()
    if header is not None:
        return open311.caller(deps(), c, header, required=False)
    return open311.caller(deps(), c, request.args.get("api_key"), required=False, in_url=True)


# --- routes ----------------------------------------------------------------------------------
@bp.get(f"/v2/discovery.{FORMAT}")
def discovery(fmt):
    payload = open311.discovery(county(), deps().settings.public_url, deps().settings.is_demo)
    return render(fmt, payload, "discovery")


@bp.get(f"/v2/services.{FORMAT}")
def services(fmt):
    return render(fmt, open311.services(_jurisdiction()), "services", "service")


@bp.get(f"/v2/services/<string:service_code>.{FORMAT}")
def service_definition(service_code, fmt):
    return render(fmt, open311.service_definition(_jurisdiction(), service_code), "service_definition")


@bp.post(f"/v2/requests.{FORMAT}")
def create_request(fmt):
    c = _jurisdiction()
    form = request.form
    submission = open311.Submission(
        service_code=form.get("service_code"), description=form.get("description"), lat=form.get("lat"),
        long=form.get("long"), address_string=form.get("address_string"), township=form.get("attribute[township]"),
        phone=form.get("phone"), media_url=form.get("media_url"),
    )
    created = open311.submit(deps(), c, _header_key() or form.get("api_key"), submission, now())
    return render(fmt, created, "service_requests", "request", status=201)


@bp.get(f"/v2/requests.{FORMAT}")
def list_requests(fmt):
    c = _jurisdiction()
    who = _reader(c)
    args = request.args
    query = open311.Query(service_request_id=args.get("service_request_id"), service_code=args.get("service_code"),
                          start_date=args.get("start_date"), end_date=args.get("end_date"), status=args.get("status"))
    return render(fmt, open311.find_requests(deps(), c, who, query, now()), "service_requests", "request")


@bp.get(f"/v2/requests/<string:request_id>.{FORMAT}")
def get_request(request_id, fmt):
    c = _jurisdiction()
    who = _reader(c)
    return render(fmt, open311.get_request(deps(), c, who, request_id), "service_requests", "request")


@bp.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown(rest):
    """Every other path under /open311/ answers in Open311's error format too."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    for method in ("GET", "POST"):
        try:
            endpoint, _args = adapter.match(method=method)
        except HTTPException:
            continue
        if endpoint != "open311.unknown":
            raise MethodNotAllowed()
    raise NotFound()


# --- errors ------------------------------------------------------------------------------------
def _errors(status: int, descriptions: list[str]) -> Response:
    fmt = "xml" if request.path.endswith(".xml") else "json"
    return render(fmt, [{"code": status, "description": d} for d in descriptions], "errors", "error", status=status)


def _http_message(code: int) -> str:
    return {
        400: _("请求有误，请检查后重试。"),
        403: _("没有权限。"),
        404: _("没有这个接口或资源，请查看 discovery 列出的接口。"),
        405: _("这个接口不支持这种请求方式。"),
        413: _("提交的内容太大了。"),
        429: _("操作太频繁，请稍后再试。"),
    }.get(code, _("系统出错了，请稍后再试。"))


@bp.errorhandler(DomainError)
def domain_error(exc: DomainError):
    if isinstance(exc, ValidationFailed):
        return _errors(exc.status, [error_text(e) for errs in exc.errors.values() for e in errs])
    return _errors(exc.status, [error_text(exc)])


@bp.errorhandler(HTTPException)
def http_error(exc: HTTPException):
    code = exc.code or 500
    if code not in (400, 403, 404, 405, 413, 429):
        code = 400 if code < 500 else 500
    return _errors(code, [_http_message(code)])


@bp.errorhandler(Exception)
def unexpected(exc: Exception):
    log.exception("unexpected error on %s %s", request.method, request.url_rule.rule if request.url_rule else "?")
    return _errors(500, [_http_message(500)])


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
