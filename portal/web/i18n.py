"""Flask-Babel: Chinese first. Messages are written in Chinese (zh_CN, the default); an
English catalog translates them. The locale is zh_CN unless ``?lang=en`` chose English
(remembered in a ``lang`` cookie that holds only the language)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request
from flask_babel import Babel

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

    @app.after_request
    def remember_language(response):
        choice = request.args.get("lang")
        if choice in LOCALES and choice != request.cookies.get("lang"):
            response.set_cookie("lang", choice, max_age=365 * 86400, samesite="Lax", httponly=True,
                                secure=app.config["SESSION_COOKIE_SECURE"])
        return response
