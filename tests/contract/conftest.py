"""Adapters under contract. Each port's suite runs unchanged against every adapter listed
here; an adapter is done when its suite passes. Adapters that need an engine (DynamoDB
Local, moto) get it from their own fixtures, installed by the README's test command."""

from __future__ import annotations

import uuid

import pytest

from tests.fakes.clock import ManualClock

STORE_ADAPTERS = ["sqlite", "dynamodb"]
BLOB_ADAPTERS = ["files"]
KEYRING_ADAPTERS = ["local"]
SMS_ADAPTERS = ["outbox"]


@pytest.fixture
def contract_clock():
    return ManualClock()


#: marks by adapter, for selecting with ``-m``
_ADAPTER_MARKS = {"dynamodb": [pytest.mark.dynamodb]}


@pytest.fixture(params=[pytest.param(a, marks=_ADAPTER_MARKS.get(a, [])) for a in STORE_ADAPTERS])
def store(request, tmp_path, contract_clock):
    if request.param == "sqlite":
        from portal.store.sqlite import SqliteStore

        adapter = SqliteStore(tmp_path / "contract.sqlite3", epoch=contract_clock.epoch)
    elif request.param == "dynamodb":
        from portal.store.dynamodb import DynamoStore

        local = request.getfixturevalue("dynamodb_local")
        table = f"contract-{uuid.uuid4().hex}"  # a fresh table per test: no state leaks between tests
        adapter = DynamoStore(local.client(), table, epoch=contract_clock.epoch)
        adapter.create_table()
        admin = local.client()
        request.addfinalizer(admin.close)
        request.addfinalizer(lambda: admin.delete_table(TableName=table))
    else:  # pragma: no cover - every listed adapter has a branch
        raise AssertionError(request.param)
    yield adapter
    adapter.close()


@pytest.fixture(params=BLOB_ADAPTERS)
def blobs(request, tmp_path):
    if request.param == "files":
        from portal.blobs.files import FileBlobStore

        return FileBlobStore(tmp_path / "blobs")
    raise AssertionError(request.param)


@pytest.fixture(params=KEYRING_ADAPTERS)
def keyring(request, tmp_path):
    if request.param == "local":
        from portal.crypto.local_keyring import LocalKeyring

        return LocalKeyring(tmp_path / "keys" / "master.key")
    raise AssertionError(request.param)


@pytest.fixture(params=SMS_ADAPTERS)
def sms_sender(request):
    if request.param == "outbox":
        from portal.notify.outbox_sender import LocalOutboxSender

        return LocalOutboxSender()
    raise AssertionError(request.param)
