"""AWS clients are made at their first call, not when the app is built (``portal.aws_clients``):
a Lambda cold start that serves a page calling no AWS service makes none of them."""

from __future__ import annotations

import threading

from portal.aws_clients import LazyClient
from portal.services.deps import build_deps
from tests.aws import aws_settings

CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def test_a_lazy_client_is_made_at_its_first_use_once_and_answers_as_the_client():
    client = LazyClient("dynamodb", region_name="cn-north-1", **CREDENTIALS)
    assert not client.made
    assert client.meta.region_name == "cn-north-1"
    assert client.meta.service_model.service_name == "dynamodb"
    assert client.made
    made = client._made
    assert client.meta is made.meta and client.describe_table == made.describe_table  # the same client, kept
    client.close()


def test_threads_asking_at_once_share_one_client():
    client = LazyClient("s3", region_name="cn-north-1", **CREDENTIALS)
    seen, start = [], threading.Barrier(4)

    def first_use():
        start.wait()
        seen.append(client.meta)

    threads = [threading.Thread(target=first_use) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 4 and all(meta is seen[0] for meta in seen)


def test_closing_a_client_never_used_makes_none():
    client = LazyClient("kms", region_name="cn-north-1", **CREDENTIALS)
    client.close()
    assert not client.made


def test_the_serverless_services_are_built_without_making_a_client(tmp_path, monkeypatch):
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name.upper(), value)
    settings = aws_settings(tmp_path, kms_key_id="alias/portal", store="dynamodb", dynamodb_table="portal",
                            tile_cache="s3", s3_tile_bucket="tiles")
    deps = build_deps(settings)
    clients = {"store": deps.store.inner._client, "blobs": deps.blobs._client, "keyring": deps.keyring._client,
               "tiles": deps.tiles.cache._client}
    assert all(isinstance(c, LazyClient) and not c.made for c in clients.values()), clients
    deps.close()
    assert not any(c.made for c in clients.values())
