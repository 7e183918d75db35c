"""Errors in the user's language: HTML pages for people, JSON for the APIs. No stack trace,
no request data and no server detail ever reaches a response."""

from __future__ import annotations

import errno
import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from portal.domain.errors import DomainError, ValidationFailed
from portal.ports import StoreFull
from portal.web.common import county, deps, error_text

log = logging.getLogger(__name__)


def _wants_json() -> bool:
    return request.path.startswith(("/api/", "/open311/", "/hooks/"))


def _message(code: int) -> str:
    if code == 413:
        return _413()
    return {
        400: _("请求有误，请检查后重试。"),
        403: _("没有权限访问这个页面。"),
        404: _("页面不存在。"),
        405: _("不支持这种请求方式。"),
        429: _("操作太频繁，请稍后再试。"),
        503: _("系统暂时无法保存，请稍后再试。这次提交没有保存。"),
    }.get(code, _("系统出错了，请稍后再试。您的举报如已显示回执号，就已经保存。"))


def _413() -> str:
    settings = deps().settings
    if settings.blobs == "s3":  # the whole post passes through a function that takes about 4 MB
        from portal import LAMBDA_BODY_LIMIT

        return _("提交的内容太大了：每次提交不能超过 %(mb)s MB。照片请在开启 JavaScript 后在表单中逐张上传。",
                 mb=LAMBDA_BODY_LIMIT // (1024 * 1024))
    return _("上传的内容太大了：每张照片不能超过 10 MB，最多 6 张。")


#: marshmallow's default messages, in the user's language
_FIELD_MESSAGES = {
    "Missing data for required field.": lambda: _("必须填写。"),
    "Field may not be null.": lambda: _("不能为空。"),
    "Unknown field.": lambda: _("不认识这个字段。"),
    "Not a valid string.": lambda: _("应为文本。"),
    "Not a valid number.": lambda: _("应为数字。"),
    "Not a valid integer.": lambda: _("应为整数。"),
    "Not a valid boolean.": lambda: _("应为 true 或 false。"),
    "Not a valid list.": lambda: _("应为列表。"),
    "Invalid input type.": lambda: _("格式不正确。"),
    "Invalid value.": lambda: _("取值不正确。"),
}


def field_errors(messages, prefix: str = "") -> dict[str, list[str]]:
    """Flatten flask-smorest's ``{location: {field: [message]}}`` into ``{field: [message]}``
    with every message in the user's language (unknown ones become a generic one)."""
    out: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = str(key) if key not in ("json", "form", "query", "files", "headers", "cookies") or prefix else ""
            for field, texts in field_errors(value, f"{prefix}.{name}" if prefix and name else (prefix or name)).items():
                out.setdefault(field, []).extend(texts)
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        out[prefix or "request"] = [_FIELD_MESSAGES.get(m, lambda: _("格式不正确或超出允许范围。"))() for m in messages]
    elif isinstance(messages, list):
        for i, value in enumerate(messages):
            for field, texts in field_errors(value, f"{prefix}.{i}").items():
                out.setdefault(field, []).extend(texts)
    return out


def render_error(code: int, message: str | None = None, errors: dict | None = None):
    message = message or _message(code)
    if _wants_json():
        body = {"code": code, "message": message}
        if errors:
            body["errors"] = errors
        return jsonify(body), code
    if request.path.startswith("/staff"):
        return render_template("staff/error.html", code=code, message=message), code
    # the citizen layout names the county of the request and shows the demo banner
    return render_template("citizen/error.html", code=code, message=message, county=county(),
                           demo=deps().settings.is_demo), code


def storage_full(exc: BaseException) -> bool:
    """The database or the evidence folder has no room left: nothing of the request was kept."""
    return isinstance(exc, StoreFull) or (isinstance(exc, OSError) and exc.errno == errno.ENOSPC)


def init(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        errors = None
        if isinstance(exc, ValidationFailed):
            errors = {field: [error_text(e) for e in errs] for field, errs in exc.errors.items()}
        return render_error(exc.status, error_text(exc), errors)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code == 422 and _wants_json():  # flask-smorest validation: keep its field messages
            data = getattr(exc, "data", {}) or {}
            return render_error(400, _("请求有误，请检查后重试。"), field_errors(data.get("messages") or {}))
        code = exc.code or 500
        return render_error(code if code in (400, 403, 404, 405, 413, 429) else (400 if code < 500 else 500))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        if storage_full(exc):
            # the operator's alarm word, with the engine's own message (no request data)
            log.error("STORE_FULL on %s %s: %s", request.method, request.url_rule.rule if request.url_rule else "?",
                      exc)
            return render_error(503)
        log.exception("unexpected error on %s %s", request.method, request.url_rule.rule if request.url_rule else "?")
        return render_error(500)
