"""Robustness of the JSON API (issue "Whistleblower protection", part 6): schemathesis
generates requests from the app's own OpenAPI document and sends them in process (WSGI).
Whatever a client sends, the API answers with a client error or success, never a server
error: a 500 would be a crash path an attacker could probe, and a reporter's filing that
fails that way might be lost.

Bounded (at most 40 fuzzed examples per operation, plus schemathesis' coverage cases) and
derandomized: the file runs in well under a minute on two cores."""

from __future__ import annotations

import tempfile

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from jsonschema import Draft4Validator
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.definitions import OPENAPI_30

from portal.services import filing_tokens, intake
from tests.conftest import PUBLIC_URL

OPENAPI = "/api/v1/openapi.json"


def _load_schema():
    """The schema is read once, at collection, from an app of its own; every generated case is
    then sent to the test's fresh ``app`` fixture, so one operation's cases (and their rate
    limit counters) never leak into the next. (``schemathesis.pytest.from_fixture`` would read
    it per test, but its plugin still writes ``Node._nodeid``, which pytest 9.2 removed.)"""
    from portal import create_app
    from portal.config import Settings

    settings = Settings.from_env({}, data_dir=_SCHEMA_DIR.name, public_url=PUBLIC_URL, demo="1")
    return schemathesis.openapi.from_wsgi(OPENAPI, create_app(settings))


_SCHEMA_DIR = tempfile.TemporaryDirectory(prefix="portal-openapi-")
schema = _load_schema()


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_openapi_document_is_valid_openapi_3(client):
    """openapi-spec-validator is not installed: the document is checked against the OpenAPI
    Initiative's JSON Schema for 3.0 (the copy schemathesis ships), then structurally."""
    document = client.get(OPENAPI).get_json()
    errors = sorted(Draft4Validator(OPENAPI_30).iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]
    assert document["openapi"].startswith("3.0.")
    for ref in set(_refs(document)):  # every reference is local and resolves
        assert ref.startswith("#/"), ref
        node = document
        for part in ref[2:].split("/"):
            node = node[part]
    operations = [(method, path, op) for path, item in document["paths"].items() for method, op in item.items()
                  if method in ("get", "put", "post", "delete", "patch", "head", "options")]
    operation_ids = [op["operationId"] for _, _, op in operations if "operationId" in op]
    assert len(operation_ids) == len(set(operation_ids))
    for method, path, operation in operations:
        assert operation["responses"], f"{method.upper()} {path} documents no response"
        for parameter in operation.get("parameters", []):  # OpenAPI 2 leftovers (formData, body)
            assert parameter["in"] in ("query", "path", "header", "cookie"), (method, path, parameter)
    upload = document["paths"]["/api/v1/uploads"]["post"]["requestBody"]["content"]["multipart/form-data"]
    upload_fields = upload["schema"]
    if "$ref" in upload_fields:
        upload_fields = document["components"]["schemas"][upload_fields["$ref"].rsplit("/", 1)[1]]
    assert set(upload_fields["properties"]) == {"token", "photo"}
    assert {"/api/v1/complaints", "/api/v1/status", "/api/v1/filing-tokens"} <= set(document["paths"])


FUZZ = settings(max_examples=40, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                       HealthCheck.function_scoped_fixture])


@schema.parametrize()
@FUZZ
def test_api_never_answers_with_a_server_error(case, app):
    case.call_and_validate(app=app, checks=[not_a_server_error])


@pytest.fixture
def receipt(deps, county):
    """A real complaint with a phone on file, so status, reply, verify and resend go all the way."""
    data = intake.FilingInput(token=filing_tokens.issue(deps, deps.clock.now()), category="c1-no-planning-permit",
                              description="村口新盖了一栋三层楼，没有规划许可公示。", lat="26.49", lng="113.77",
                              phone="13800138000")
    return intake.file_complaint(deps, county, data, "fuzz-client", deps.clock.now()).receipt


@schema.include(path_regex="^/api/v1/(complaints|uploads|status)").parametrize()
@FUZZ
def test_api_past_its_credentials_never_answers_with_a_server_error(case, app, deps, receipt):
    """Generated tokens and receipts are refused at the door; here a live filing token and a real
    receipt replace them, so the generated fields reach intake, the sanitiser, the status page,
    replies and phone verification."""
    for part in ("body", "query"):
        values = getattr(case, part)
        if isinstance(values, dict) and ({"token", "receipt"} & set(values)):
            values = dict(values)
            if "token" in values:
                values["token"] = filing_tokens.issue(deps, deps.clock.now())
            if "receipt" in values:
                values["receipt"] = receipt
            setattr(case, part, values)
    if isinstance(case.headers, dict) and "X-Filing-Token" in case.headers:  # the upload state's token
        case.headers = dict(case.headers, **{"X-Filing-Token": filing_tokens.issue(deps, deps.clock.now())})
    case.call_and_validate(app=app, checks=[not_a_server_error])


MALFORMED_JSON = {
    "nested deeper than the stack": "[" * 100_000,
    "integer beyond the digit limit": '{"token": ' + "9" * 5000 + "}",
    "not UTF-8": b'{"token": "\xff\xfe"}',
    "truncated": '{"token": "abc',
}


@pytest.mark.parametrize("body", MALFORMED_JSON.values(), ids=MALFORMED_JSON.keys())
def test_bodies_the_json_module_cannot_read_are_client_errors(client, body):
    """Found beside the fuzzing (its generators only send valid JSON): the first two used to
    raise ValueError and RecursionError out of the parser, i.e. a 500, on every JSON operation."""
    document = client.get(OPENAPI).get_json()
    json_operations = [(method, path) for path, item in document["paths"].items() for method, op in item.items()
                       if method != "parameters" and "application/json" in op.get("requestBody", {}).get("content", {})]
    assert len(json_operations) >= 6
    for method, path in json_operations:
        response = client.open(path, method=method.upper(), data=body, content_type="application/json")
        assert response.status_code == 400, (method, path)
        assert response.get_json()["message"] == "请求有误，请检查后重试。"
