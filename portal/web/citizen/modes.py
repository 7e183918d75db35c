"""The elder-friendly mode (适老化, after the MIIT's 2021 guideline for public-service websites
and its companion standard for apps): large text, high contrast, 60 px tap targets.

Citizens get no cookie, so the mode travels in the URL (``?elder=1``): every ``url_for`` of a
citizen page adds it while the request has it (links and form actions alike), and the switch
on each page leads to the same page in the other mode. A page that answers a POST cannot be
reached again by a link (the status page, the receipt, the form after an error): there the
switch posts again what the page needs (the receipt; the form's own fields) to the same
place in the other mode, so nothing the citizen typed is lost. A GET form (the grid
table's search) drops its action's query: it carries the mode in hidden fields
(``mode_args``). Works without JavaScript.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, has_request_context, request

from portal.web.i18n import select_locale

PARAM = "elder"


def active() -> bool:
    return has_request_context() and request.args.get(PARAM) == "1"


def _query(changes: dict) -> dict:
    """The request's mode and language as query arguments, with ``changes`` applied (None drops one)."""
    args = {}
    if active():
        args[PARAM] = "1"
    if request.args.get("lang"):
        args["lang"] = request.args["lang"]
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return args


def switch_query(**changes) -> str:
    """``?elder=1&lang=en``-style query string for this page in another mode or language."""
    args = _query(changes)
    return "?" + urlencode(args) if args else ""


def switch_url(**changes) -> str:
    """This page in another mode or language, for a page reached by a link (GET); a page that
    answered a POST switches by posting again (see the module docstring), and any other falls
    back to the home page."""
    path = request.path if request.method == "GET" else "/"
    return path + switch_query(**changes)


def init(bp: Blueprint) -> None:
    @bp.url_defaults
    def keep_mode(endpoint: str, values: dict) -> None:
        if active() and PARAM not in values:
            values[PARAM] = "1"

    @bp.app_context_processor
    def mode_context() -> dict:
        elder = active()
        return {"elder": elder, "switch_url": switch_url, "switch_query": switch_query, "mode_args": _query({}),
                "other_mode": {PARAM: None if elder else "1"},
                "other_language": {"lang": "zh_CN" if select_locale() == "en" else "en"}}
