"""What the DynamoDB adapter does beyond the store contract (tests/contract runs that on both
adapters): the attributes it stores, the table it creates, its wiring from settings, its
cursor, and how it handles conflicting transactions. Runs against DynamoDB Local."""

from __future__ import annotations

import base64
import json
import uuid

import pytest
from botocore.exceptions import ClientError

from portal.config import Settings
from portal.ports import ABSENT, ANY, Check, ConditionFailed, Item, Put
from portal.services.deps import build_store
from portal.store.dynamodb import DynamoStore
from portal.store.schema import TABLE, dynamodb_table_definition

pytestmark = pytest.mark.dynamodb


@pytest.fixture
def table(dynamodb_local):
    name = f"adapter-{uuid.uuid4().hex}"
    yield name
    admin = dynamodb_local.client()
    try:
        admin.delete_table(TableName=name)
    finally:
        admin.close()


@pytest.fixture
def store(dynamodb_local, table, clock):
    adapter = DynamoStore(dynamodb_local.client(), table, epoch=clock.epoch)
    adapter.create_table()
    yield adapter
    adapter.close()


def raw_item(dynamodb_local, table, pk, sk):
    client = dynamodb_local.client()
    try:
        return client.get_item(TableName=table, Key={"pk": {"S": pk}, "sk": {"S": sk}}, ConsistentRead=True)["Item"]
    finally:
        client.close()


# --- storage ---------------------------------------------------------------------------


def test_items_carry_exactly_the_documented_attributes(store, dynamodb_local, table, clock):
    expires = int(clock.epoch()) + 60
    store.write([Put(Item("C#1", "#META", {"text": "违法建设", "list": [1, None], "a": True},
                          keys={"queue_pk": "Q#1", "queue_sk": "s"}, expires_at=expires))])
    raw = raw_item(dynamodb_local, table, "C#1", "#META")
    assert raw == {
        "pk": {"S": "C#1"}, "sk": {"S": "#META"}, "version": {"N": "1"},
        "body": {"S": '{"a":true,"list":[1,null],"text":"违法建设"}'},  # compact JSON, not \\u escapes
        "expires_at": {"N": str(expires)}, "queue_pk": {"S": "Q#1"}, "queue_sk": {"S": "s"},
    }


def test_a_counter_is_a_number_attribute_read_back_as_a_body(store, dynamodb_local, table):
    store.increment("RATE#x", "k", 3)
    store.increment("RATE#x", "k", 4)
    raw = raw_item(dynamodb_local, table, "RATE#x", "k")
    assert raw == {"pk": {"S": "RATE#x"}, "sk": {"S": "k"}, "version": {"N": "2"}, "n": {"N": "7"}}
    assert store.get("RATE#x", "k").body == {"n": 7}
    store.write([Put(Item("RATE#x", "k", {"note": "replaced"}), expect=ANY)])
    assert "n" not in raw_item(dynamodb_local, table, "RATE#x", "k")


def test_create_table_builds_the_schema_once_with_ttl(store, dynamodb_local, table):
    store.create_table()  # a second call finds the table and leaves it alone
    client = dynamodb_local.client()
    try:
        described = client.describe_table(TableName=table)["Table"]
        ttl = client.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    finally:
        client.close()
    wanted = dynamodb_table_definition(table)
    assert described["KeySchema"] == wanted["KeySchema"]
    assert described["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert {(a["AttributeName"], a["AttributeType"]) for a in described["AttributeDefinitions"]} == {
        (a["AttributeName"], a["AttributeType"]) for a in wanted["AttributeDefinitions"]}
    assert sorted((ix["IndexName"], json.dumps(ix["KeySchema"]), ix["Projection"]["ProjectionType"])
                  for ix in described["GlobalSecondaryIndexes"]) == sorted(
        (ix["IndexName"], json.dumps(ix["KeySchema"]), ix["Projection"]["ProjectionType"])
        for ix in wanted["GlobalSecondaryIndexes"])
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": TABLE.ttl_attribute}


def test_settings_select_and_configure_the_dynamodb_store(dynamodb_local, table, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "local")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local")
    settings = Settings.from_env({}, store="dynamodb", dynamodb_table=table,
                                 dynamodb_endpoint=dynamodb_local.endpoint_url, aws_region="cn-north-1")
    store = build_store(settings)
    try:
        assert isinstance(store, DynamoStore) and store.table_name == table
        config = store._client.meta.config
        assert (config.retries["mode"], config.connect_timeout, config.read_timeout) == ("standard", 2, 5)
        assert store._client.meta.region_name == "cn-north-1"
        store.create_table()
        store.write([Put(Item("P#1", "#", {"v": 1}))])
        assert store.get("P#1", "#").body == {"v": 1}
    finally:
        store.close()


# --- reads -----------------------------------------------------------------------------


def test_cursor_is_the_key_of_the_last_returned_item(store):
    for n in range(3):
        store.write([Put(Item(f"C#{n}", "#META", {"n": n}, keys={"queue_pk": "Q#1", "queue_sk": f"2026#{n}"}))])
    page = store.query("Q#1", index="queue", limit=2)
    last = page.items[-1]
    assert json.loads(base64.urlsafe_b64decode(page.cursor)) == {
        "pk": last.pk, "sk": last.sk, "queue_pk": "Q#1", "queue_sk": last.keys["queue_sk"]}
    assert [i.body["n"] for i in store.query("Q#1", index="queue", cursor=page.cursor).items] == [2]


# --- conflicts -------------------------------------------------------------------------


class FailingCalls:
    """A real client whose first ``times`` calls of ``operation`` fail with ``error`` (as
    DynamoDB answers when another transaction holds an item) without reaching the server."""

    def __init__(self, client, operation: str, error: dict, times: int):
        self._client, self._operation, self._error, self._times = client, operation, error, times
        self.calls = 0

    def __getattr__(self, name):
        real = getattr(self._client, name)
        if name != self._operation:
            return real

        def call(**kwargs):
            self.calls += 1
            if self.calls <= self._times:
                raise ClientError(self._error, name)
            return real(**kwargs)

        return call


def cancelled(*codes: str) -> dict:
    return {"Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"},
            "CancellationReasons": [{"Code": code} for code in codes]}


@pytest.fixture
def no_backoff(monkeypatch):
    monkeypatch.setattr(DynamoStore, "_BACKOFF_BASE", 0.001)


def faulty_store(dynamodb_local, table, clock, operation, error, times):
    client = FailingCalls(dynamodb_local.client(), operation, error, times)
    return DynamoStore(client, table, epoch=clock.epoch), client


TWO_PUTS = [Put(Item("P#1", "#", {"v": 1}), expect=ABSENT), Put(Item("P#2", "#", {"v": 2}), expect=ABSENT)]


def test_a_transaction_conflict_is_retried(store, dynamodb_local, table, clock, no_backoff):
    faulty, client = faulty_store(dynamodb_local, table, clock, "transact_write_items",
                                  cancelled("None", "TransactionConflict"), times=2)
    faulty.write(TWO_PUTS)
    assert client.calls == 3
    assert (store.get("P#1", "#").version, store.get("P#2", "#").version) == (1, 1)


def test_a_lasting_conflict_surfaces_as_condition_failed(store, dynamodb_local, table, clock, no_backoff):
    faulty, client = faulty_store(dynamodb_local, table, clock, "transact_write_items",
                                  cancelled("None", "TransactionConflict"), times=1000)
    with pytest.raises(ConditionFailed) as failed:
        faulty.write(TWO_PUTS)
    assert failed.value.index == 1
    assert client.calls == DynamoStore.WRITE_ATTEMPTS
    assert store.get("P#1", "#") is None


def test_a_failed_condition_wins_over_a_conflict(store, dynamodb_local, table, clock, no_backoff):
    faulty, client = faulty_store(dynamodb_local, table, clock, "transact_write_items",
                                  cancelled("TransactionConflict", "ConditionalCheckFailed"), times=1)
    with pytest.raises(ConditionFailed) as failed:
        faulty.write(TWO_PUTS)
    assert (failed.value.index, client.calls) == (1, 1)


def test_single_writes_and_counters_retry_a_conflict(store, dynamodb_local, table, clock, no_backoff):
    conflict = {"Error": {"Code": "TransactionConflictException", "Message": "in a transaction"}}
    faulty, client = faulty_store(dynamodb_local, table, clock, "put_item", conflict, times=2)
    faulty.write([Put(Item("P#1", "#", {"v": 1}), expect=ABSENT)])
    assert (client.calls, store.get("P#1", "#").version) == (3, 1)
    store.increment("RATE#x", "k")
    faulty, client = faulty_store(dynamodb_local, table, clock, "update_item", conflict, times=2)
    assert faulty.increment("RATE#x", "k") == 2
    assert client.calls == 3


def test_other_cancellations_are_not_retried(store, dynamodb_local, table, clock, no_backoff):
    faulty, client = faulty_store(dynamodb_local, table, clock, "transact_write_items",
                                  cancelled("None", "None", "ValidationError"), times=1)
    with pytest.raises(ClientError):
        faulty.write([Check("P#0", "#", expect=ANY), *TWO_PUTS])
    assert client.calls == 1
    assert store.get("P#1", "#") is None
