"""DynamoDB throttling, injected: the portal on DynamoDB Local, its store built from settings
exactly as in production (botocore's standard retries), with botocore's ``before-send``
hook answering chosen calls the way DynamoDB does when it throttles, before they reach the
table. Short throttling is absorbed by botocore's retries (HTTP-level errors) or by the
adapter's (a transaction cancelled for ``ThrottlingError``); throttling that outlasts them
surfaces as an error page with nothing half-written; the reporter then posts the same form
again and it files once, with the receipt the form already held. A transaction that landed
but whose answer was lost is resent by botocore with the same idempotency token and files
once as well."""

from __future__ import annotations

import json
import uuid

import pytest
import urllib3
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ReadTimeoutError
from botocore.retries.standard import ExponentialBackoff

from portal import create_app
from portal.config import Settings
from portal.services import filing_tokens, ratelimit
from portal.services.deps import build_deps
from portal.store.dynamodb import DynamoStore
from tests.conftest import PUBLIC_URL, form_token, receipt_from

pytestmark = pytest.mark.dynamodb

GOOD = {"category": "c8-outdoor-signs", "description": "主街路口有人没经批准立起了一块大广告牌。",
        "lat": "26.492", "lng": "113.770"}
PROTOCOL = "com.amazonaws.dynamodb.v20120810#"


class _Body:
    def __init__(self, data: bytes):
        self._data = data

    def stream(self, **_):
        yield self._data


def _answer(request, status: int, body: dict) -> AWSResponse:
    return AWSResponse(request.url, status, {"Content-Type": "application/x-amz-json-1.0",
                                             "x-amzn-RequestId": uuid.uuid4().hex}, _Body(json.dumps(body).encode()))


def _actions(request) -> int:
    return len(json.loads(request.body)["TransactItems"])


#: how DynamoDB answers when it throttles
FAULTS = {
    "ProvisionedThroughputExceeded": lambda r: _answer(r, 400, {
        "__type": PROTOCOL + "ProvisionedThroughputExceededException",
        "message": "The level of configured provisioned throughput for the table was exceeded."}),
    "Throttling": lambda r: _answer(r, 400, {
        "__type": "com.amazon.coral.availability#ThrottlingException",
        "message": "Rate of requests exceeds the allowed throughput."}),
    "TransactionCanceled(ThrottlingError)": lambda r: _answer(r, 400, {
        "__type": PROTOCOL + "TransactionCanceledException",
        "message": "Transaction cancelled, please refer cancellation reasons for specific reasons",
        "CancellationReasons": [{"Code": "ThrottlingError", "Message": "Throughput exceeds the current capacity."}]
        + [{"Code": "None"}] * (_actions(r) - 1)}),
}


class Faults:
    """A ``before-send`` handler: the next planned fault of an operation, for requests whose
    body mentions ``match`` (e.g. only the transaction that files a complaint)."""

    def __init__(self):
        self.plan: dict[str, list[tuple[str, str]]] = {}
        self.injected: list[tuple[str, str]] = []

    def add(self, operation: str, fault: str, times: int = 1, match: str = "") -> None:
        self.plan.setdefault(operation, []).extend([(fault, match)] * times)

    def __call__(self, request, event_name: str, **_):
        operation = event_name.rsplit(".", 1)[-1]
        queue = self.plan.get(operation)
        if not queue or queue[0][1] not in (request.body or b"").decode():
            return None
        fault, _ = queue.pop(0)
        self.injected.append((operation, fault))
        if fault == "answer lost":  # the request reaches DynamoDB; its answer never comes back
            urllib3.PoolManager().request(request.method, request.url, body=request.body, headers=dict(request.headers))
            raise ReadTimeoutError(endpoint_url=request.url)
        return FAULTS[fault](request)


@pytest.fixture
def portal_on_dynamodb(dynamodb_local, tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "local")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local")
    # botocore waits up to a second per throttled attempt; a hundredth keeps the test quick,
    # the retry logic itself is botocore's own
    monkeypatch.setitem(ExponentialBackoff._DEFAULT_BACKOFF_CONFIG, "throttling_base_scale", 0.01)
    monkeypatch.setattr(DynamoStore, "_BACKOFF_BASE", 0.001)
    table = f"faults-{uuid.uuid4().hex}"
    settings = Settings.from_env({}, data_dir=str(tmp_path / "data"), store="dynamodb", dynamodb_table=table,
                                 dynamodb_endpoint=dynamodb_local.endpoint_url, public_url=PUBLIC_URL, demo="1")
    deps = build_deps(settings)
    deps.store.create_table()
    faults = Faults()
    deps.store._client.meta.events.register("before-send.dynamodb", faults)
    ratelimit.client_key(deps, "127.0.0.1", deps.clock.now())  # today's salt exists before the faults start
    app = create_app(settings, deps)
    yield app.test_client(), deps, faults
    deps.close()
    admin = dynamodb_local.client()
    try:
        admin.delete_table(TableName=table)
    finally:
        admin.close()


def stored_kinds(deps) -> list[str]:
    """The record type (key prefix) of every item in the table."""
    client, kinds, start = deps.store._client, [], None
    while True:
        page = client.scan(TableName=deps.store.table_name, **({"ExclusiveStartKey": start} if start else {}))
        kinds += [item["pk"]["S"].split("#", 1)[0] + "#" + item["sk"]["S"].split("#", 1)[0] for item in page["Items"]]
        start = page.get("LastEvaluatedKey")
        if not start:
            return sorted(kinds)


def complaints(deps) -> list[str]:
    return [k for k in stored_kinds(deps) if k == "CMP#"]  # CMP#<id> / #META


def test_short_throttling_is_retried_and_the_complaint_files_once(portal_on_dynamodb):
    client, deps, faults = portal_on_dynamodb
    token = form_token(client.get("/report", base_url=PUBLIC_URL).text)
    # the filing's one read: the submission's pointer and the village's report, batched
    faults.add("BatchGetItem", "ProvisionedThroughputExceeded", times=2)
    faults.add("UpdateItem", "Throttling")
    faults.add("TransactWriteItems", "ProvisionedThroughputExceeded", match="CMP#")
    faults.add("TransactWriteItems", "TransactionCanceled(ThrottlingError)", times=2, match="CMP#")
    response = client.post("/report", data={"token": token, **GOOD}, base_url=PUBLIC_URL)
    assert response.status_code == 200, response.text
    receipt = receipt_from(response.text)
    assert receipt == filing_tokens.open_token(deps, token, deps.clock.now()).receipt
    assert len(faults.injected) == 6 and not any(faults.plan.values())  # every fault was met and overcome
    assert len(complaints(deps)) == 1
    assert client.post("/status", data={"receipt": receipt}, base_url=PUBLIC_URL).status_code == 200


@pytest.mark.parametrize("fault", ["ProvisionedThroughputExceeded", "TransactionCanceled(ThrottlingError)"])
def test_throttling_that_outlasts_the_retries_writes_nothing_and_the_same_form_then_files_once(
        portal_on_dynamodb, fault):
    client, deps, faults = portal_on_dynamodb
    # botocore retries HTTP-level throttling (5 attempts in all, from_settings); the adapter
    # retries a transaction cancelled for throttling (WRITE_ATTEMPTS)
    times = (deps.store._client.meta.config.retries["total_max_attempts"] if fault == "ProvisionedThroughputExceeded"
             else DynamoStore.WRITE_ATTEMPTS)
    token = form_token(client.get("/report", base_url=PUBLIC_URL).text)
    before = stored_kinds(deps)
    faults.add("TransactWriteItems", fault, times=times, match="CMP#")
    failed = client.post("/report", data={"token": token, **GOOD, "phone": "13800138000"}, base_url=PUBLIC_URL)
    assert failed.status_code == 500 and "您的举报如已显示回执号，就已经保存" in failed.text
    assert len(faults.injected) == times
    new = list(stored_kinds(deps))
    for kind in before:
        new.remove(kind)
    assert {kind.split("#")[0] for kind in new} <= {"RATE", "SEQ"}  # counters moved; no record was written

    again = client.post("/report", data={"token": token, **GOOD, "phone": "13800138000"}, base_url=PUBLIC_URL)
    assert again.status_code == 200
    assert receipt_from(again.text) == filing_tokens.open_token(deps, token, deps.clock.now()).receipt
    assert len(complaints(deps)) == 1
    third = client.post("/report", data={"token": token, **GOOD, "phone": "13800138000"}, base_url=PUBLIC_URL)
    assert receipt_from(third.text) == receipt_from(again.text) and len(complaints(deps)) == 1


def test_a_transaction_whose_answer_was_lost_is_resent_and_files_once(portal_on_dynamodb):
    client, deps, faults = portal_on_dynamodb
    token = form_token(client.get("/report", base_url=PUBLIC_URL).text)
    faults.add("TransactWriteItems", "answer lost", match="CMP#")
    response = client.post("/report", data={"token": token, **GOOD}, base_url=PUBLIC_URL)
    assert faults.injected == [("TransactWriteItems", "answer lost")]
    assert response.status_code == 200, response.text
    assert receipt_from(response.text) == filing_tokens.open_token(deps, token, deps.clock.now()).receipt
    assert len(complaints(deps)) == 1
