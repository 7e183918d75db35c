"""Flask-Babel: Chinese first. Messages are written in Chinese (zh_CN, the default); an
English catalog translates them. The locale is zh_CN unless ``?lang=en`` chose English
(remembered in a ``lang`` cookie that holds only the language)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request
from flask_babel import Babel, get_translations
from jinja2 import pass_context
from markupsafe import Markup

from portal.timeutil import format_local

LOCALES = ("zh_CN", "en")
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


def select_locale() -> str:
    choice = request.args.get("lang") or request.cookies.get("lang")
    return choice if choice in LOCALES else "zh_CN"


def init(app: Flask) -> None:
    app.config["BABEL_DEFAULT_LOCALE"] = "zh_CN"
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Asia/Shanghai"
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    Babel(app, locale_selector=select_locale)

    from portal.web.common import translate

    app.jinja_env.globals["tr"] = translate
    app.jinja_env.filters["local"] = format_local
    app.jinja_env.filters["localdate"] = lambda v: format_local(v, with_time=False)
    app.jinja_env.globals["current_locale"] = select_locale
    app.context_processor(bound_translations)

    @app.after_request
    def remember_language(response):
        choice = request.args.get("lang")
        if choice in LOCALES and choice != request.cookies.get("lang"):
            response.set_cookie("lang", choice, max_age=365 * 86400, samesite="Lax", httponly=True,
                                secure=app.config["SESSION_COOKIE_SECURE"])
        return response


def bound_translations() -> dict:
    """The templates' ``gettext`` (``_``) and ``pgettext``, bound to this request's catalog once
    per page: Flask-Babel's own look the catalog up again at each of a page's dozens of
    messages (a tenth of a filing's time went there). No template uses ``ngettext``;
    Flask-Babel's serves one that would. Same behaviour as Jinja's
    "newstyle" gettext: the result is escaped like any value and always ``%``-formatted with
    the keyword arguments. A macro imported without context falls back to Flask-Babel's."""
    catalog = get_translations()

    @pass_context
    def gettext(context, message, **variables):
        return _formatted(context, catalog.ugettext(message), variables)

    @pass_context
    def pgettext(context, msgctxt, message, **variables):
        return _formatted(context, catalog.upgettext(msgctxt, message), variables)

    return {"gettext": gettext, "pgettext": pgettext}


def _formatted(context, text: str, variables: dict):
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables
