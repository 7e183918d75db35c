"""The app's lazy parts (``portal.web.routing``): the JSON API, Open311, the provider hooks and
the staff workspace are registered at their first use, so a cold start serving a citizen's
first page imports none of them; registered late, each answers exactly as if registered
with the app."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask import url_for
from werkzeug.routing import BuildError

from portal import create_app
from tests.conftest import PUBLIC_URL

ROOT = Path(__file__).resolve().parents[2]

#: what a cold start must not import, being needed by a lazy part only (``sys.modules`` prefixes)
LAZY_MODULES = (
    "portal.web.api", "portal.web.open311", "portal.web.hooks", "portal.web.staff.workspace",
    "portal.web.staff.auth", "portal.web.staff.tickets", "portal.web.staff.campaigns", "portal.web.staff.patrols",
    "portal.services.staff_auth", "portal.services.open311", "flask_smorest", "apispec", "webargs",
    "flask_wtf", "wtforms", "argon2",
    "portal.store.repositories",  # built at the first use of deps.repos or deps.store (portal/services/deps.py)
)

COLD_START = """
import json, sys
import zappa.handler  # Zappa's handler, imported first on Lambda
import portal.wsgi
before = sorted(sys.modules)
page = portal.wsgi.app.test_client().get("/")
first_page = sorted(sys.modules)
store = portal.wsgi.app.extensions["portal"].store  # the first use: the repositories, every record format declared
print(json.dumps({"import": before, "first_page": first_page, "status": page.status_code,
                  "kind": store.kinds.kind_of("CMP#01ARZ3NDEKTSV4RRFFQ69G5FAV", "#META").name,
                  "repositories": "portal.store.repositories" in sys.modules}))
"""


def _is_lazy(module: str) -> bool:
    return any(module == name or module.startswith(name + ".") for name in LAZY_MODULES)


def _fresh_env(tmp_path, **extra) -> dict:
    """The environment of a fresh interpreter running the portal: none of the caller's
    ``PORTAL_`` and ``AWS_`` settings, a data dir under ``tmp_path``, and ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "AWS_"))}
    env.update(PORTAL_DATA_DIR=str(tmp_path / "data"), PORTAL_PUBLIC_URL=PUBLIC_URL, PYTHONPATH=str(ROOT), **extra)
    return env


def test_a_cold_start_and_a_citizens_first_page_import_no_lazy_part(tmp_path):
    """Zappa's handler and ``portal.wsgi`` imported in a fresh interpreter, then ``GET /``:
    none of the lazy parts' modules is imported (the regression this guards: a module-level
    import of one of them from the app, the citizen app or a service they share)."""
    env = _fresh_env(tmp_path, AWS_LAMBDA_FUNCTION_NAME="portal-test")  # as Lambda sets it
    result = subprocess.run([sys.executable, "-c", COLD_START], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["status"] == 200
    assert "portal.wsgi" in seen["import"] and "portal.web.citizen" in seen["import"]
    assert [m for m in seen["import"] if _is_lazy(m)] == []
    assert [m for m in seen["first_page"] if _is_lazy(m)] == []
    # the store is never handed out before the record formats are declared (portal.store.formats)
    assert seen["repositories"] and seen["kind"] == "complaint"


def test_portal_wsgi_outside_lambda_registers_every_part_before_the_first_request(tmp_path):
    """A threaded server importing ``portal.wsgi`` (not on Lambda) gets the whole URL map at
    import: no part is registered while other threads match requests."""
    env = _fresh_env(tmp_path)
    code = ("import json, portal.wsgi as w; "
            "print(json.dumps([p.loaded for p in w.app.lazy_parts]))")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert len(loaded) == 4 and all(loaded)


def test_the_lazy_module_list_names_modules_a_loaded_part_imports(app, deps):
    """The list above is not stale: every name in it is imported once the parts are loaded."""
    app.load_parts()
    assert deps.repos is deps.repos and deps.store is deps.repos.store
    assert [name for name in LAZY_MODULES if name not in sys.modules] == []


def test_every_rule_of_a_lazy_part_lies_under_its_prefix(app):
    """A request outside a part's prefix never loads it, so it must match exactly as if the
    part were registered: no rule of a part outside its prefix, no rule of the app inside one."""
    rules = {(r.rule, r.endpoint) for r in app.url_map.iter_rules()}
    assert not [rule for rule, _ in rules for part in app.lazy_parts if part.covers(rule)]
    for part in app.lazy_parts:
        app.load_parts(part.prefix + "/")
        added = {(r.rule, r.endpoint) for r in app.url_map.iter_rules()} - rules
        assert added, part.prefix
        assert [rule for rule, _ in added if not part.covers(rule)] == []
        rules |= added
    assert all(part.loaded for part in app.lazy_parts)


def _open(client, method, path, form):
    if path.startswith("//"):  # the test client would read it as a host: the raw path instead
        return client.open("/", method=method, data=form, environ_overrides={"PATH_INFO": path})
    return client.open(path, method=method, data=form)


def _answer(response) -> tuple[int, str | None, bytes]:
    """What a test compares of an answer: status, redirect and body."""
    return response.status_code, response.headers.get("Location"), response.get_data()


def _first_answers(settings, deps, requests) -> list[tuple[int, str | None, bytes]]:
    """Each request as the first of a freshly built app (its part registered by that request)."""
    answers = []
    for method, path, form in requests:
        app = create_app(settings, deps)
        app.config["TESTING"] = False
        answers.append(_answer(_open(app.test_client(), method, path, form)))
    return answers


REQUESTS = [
    ("GET", "/api/v1/openapi.json", None),
    ("GET", "/api/v1/catalog", None),
    ("GET", "/api/v1/no-such-route", None),
    ("GET", "/open311/v2/services.json", None),
    ("GET", "/open311/v2/no-such.xml", None),
    ("POST", "/hooks/twilio/status", {"MessageSid": "SM1", "MessageStatus": "delivered"}),
    ("GET", "/hooks/twilio/status", None),  # 405 from its rule (404 were it not registered)
    ("GET", "/staff", None),
    ("GET", "/staff/", None),
    ("GET", "/staff/login", None),
    ("POST", "/staff/login", {"username": "x", "password": "y"}),
    ("GET", "/", None),
    ("GET", "/no-such-page", None),
    ("GET", "//staff//login", None),  # werkzeug merges the slashes (a redirect to /staff/login)
]


def test_the_first_request_of_a_part_answers_as_when_every_part_is_registered(settings, deps):
    """The first request under a part's prefix, on a fresh app, gets the answer an app with
    every part registered gives: status, redirect and body."""
    lazy = _first_answers(settings, deps, REQUESTS)
    eager = create_app(settings, deps)
    eager.config["TESTING"] = False
    eager.load_parts()
    client = eager.test_client()
    expected = []
    for method, path, form in REQUESTS:
        expected.append(_answer(_open(client, method, path, form)))
    assert [(code, location) for code, location, _ in lazy] == [(code, location) for code, location, _ in expected]
    assert lazy[0][0] == 200 and json.loads(lazy[0][2])["paths"]  # the OpenAPI document, whole
    for (method, path, _), (_, _, body), (_, _, eager_body) in zip(REQUESTS, lazy, expected):
        if path.startswith(("/api/", "/open311/")) or path.startswith("/hooks/"):
            assert body == eager_body, path  # the static JSON and XML answers, byte for byte
    assert lazy[6][0] == 405 and lazy[7][1].endswith("/staff/") and lazy[9][0] == 200  # not vacuous
    assert lazy[-1][0] == 308 and lazy[-1][1].endswith("/staff/login")


def test_url_for_a_lazy_parts_endpoint_registers_it(app):
    """A citizen page (or a message) may link into a part not registered yet: ``url_for``
    registers the parts and builds the URL; an endpoint that exists nowhere still fails."""
    assert not any(part.loaded for part in app.lazy_parts)
    with app.test_request_context("/"):
        assert url_for("staff.auth.login") == "/staff/login"
        assert url_for("api.CatalogView", _external=True) == "http://localhost/api/v1/catalog"
        with pytest.raises(BuildError):
            url_for("citizen.no_such_page")
    assert all(part.loaded for part in app.lazy_parts)


def test_url_for_registers_only_the_part_whose_blueprint_the_endpoint_names(app):
    """The filing form names the API's endpoints: a cold ``GET /report`` registers the API,
    not the staff workspace (argon2, Flask-WTF), the hooks or Open311."""
    with app.test_request_context("/report"):
        assert url_for("api.CatalogView") == "/api/v1/catalog"
    assert [part.prefix for part in app.lazy_parts if part.loaded] == ["/api"]
    with app.test_request_context("/"):
        assert url_for("staff.tickets.ticket", complaint_id="X").startswith("/staff/tickets/")
    assert sorted(part.prefix for part in app.lazy_parts if part.loaded) == ["/api", "/staff"]


def test_a_part_registers_once_even_when_asked_again(app):
    """The staff part registered by its first request; asking for every part registers the
    others only (a blueprint registered twice would fail), and asking again adds nothing."""
    with app.test_request_context("/staff/login"):
        pass
    assert [part.prefix for part in app.lazy_parts if part.loaded] == ["/staff"]
    app.load_parts()
    rules = sorted((r.rule, r.endpoint) for r in app.url_map.iter_rules())
    app.load_parts()
    app.load_parts("/staff/login")
    assert sorted((r.rule, r.endpoint) for r in app.url_map.iter_rules()) == rules
    assert len(rules) == len(set(rules))


@pytest.mark.parametrize("path", ["/open311/v2/requests.json", "/api/v1/uploads/no-such-upload"])
def test_a_machine_interfaces_first_request_is_counted_by_its_rate_limit(settings, deps, monkeypatch, path):
    """The API's rate limit covers Open311 too and is registered with the app, not with the
    API: whichever part a container's first request registers, it is counted."""
    from portal.services import ratelimit

    counted = []
    monkeypatch.setattr(ratelimit, "check", lambda d, kind, key, moment: counted.append(kind))
    app = create_app(settings, deps)
    app.test_client().get(path)
    assert counted == ["api"]
