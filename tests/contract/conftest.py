"""Adapters under contract. Each port's suite runs unchanged against every adapter listed
here; an adapter is done when its suite passes. Adapters that need an engine (DynamoDB
Local, moto) get it from their own fixtures, installed by the README's test command."""

from __future__ import annotations

import secrets
import uuid

import pytest

from tests.fakes.clock import ManualClock
from tests.fakes.twilio_api import FakeTwilioApi

STORE_ADAPTERS = ["sqlite", "dynamodb"]
BLOB_ADAPTERS = ["files", "s3"]
KEYRING_ADAPTERS = ["local", "kms"]
SMS_ADAPTERS = ["outbox", "twilio"]
TILE_CACHE_ADAPTERS = ["files", "s3"]


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

        yield FileBlobStore(tmp_path / "blobs")
    elif request.param == "s3":
        from moto import mock_aws

        from tests.aws import s3_blob_store

        with mock_aws():
            yield s3_blob_store(tmp_path / "data")
    else:  # pragma: no cover - every listed adapter has a branch
        raise AssertionError(request.param)


@pytest.fixture(params=TILE_CACHE_ADAPTERS)
def tile_cache(request, tmp_path):
    if request.param == "files":
        from portal.tiles.files import FileTileCache

        yield FileTileCache(tmp_path / "tiles")
    elif request.param == "s3":
        from moto import mock_aws

        from tests.aws import s3_tile_cache

        with mock_aws():
            yield s3_tile_cache(tmp_path / "data")
    else:  # pragma: no cover - every listed adapter has a branch
        raise AssertionError(request.param)


@pytest.fixture(params=KEYRING_ADAPTERS)
def keyring(request, tmp_path):
    if request.param == "local":
        from portal.crypto.local_keyring import LocalKeyring

        yield LocalKeyring(tmp_path / "keys" / "master.key")
    elif request.param == "kms":
        from moto import mock_aws

        from tests.aws import kms_keyring

        with mock_aws():
            yield kms_keyring()
    else:  # pragma: no cover - every listed adapter has a branch
        raise AssertionError(request.param)


@pytest.fixture
def twilio_api():
    """The local fake Twilio Messages API, on loopback."""
    with FakeTwilioApi("AC" + secrets.token_hex(16), secrets.token_hex(16)) as fake:
        yield fake


@pytest.fixture(params=SMS_ADAPTERS)
def sms_sender(request):
    if request.param == "outbox":
        from portal.notify.outbox_sender import LocalOutboxSender

        return LocalOutboxSender()
    if request.param == "twilio":
        from portal.notify.twilio_sender import TwilioSender

        fake = request.getfixturevalue("twilio_api")
        return TwilioSender(fake.account_sid, fake.auth_token, messaging_service_sid="MG" + secrets.token_hex(16),
                            api_base=fake.url)
    raise AssertionError(request.param)
