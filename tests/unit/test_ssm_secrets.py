"""Serverless secrets come from SSM Parameter Store (SecureString), once per container."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from portal.crypto.envelope import b64e
from portal.crypto.secrets import load_secrets
from tests.aws import REGION, SSM_PREFIX, aws_settings

SECRET_KEY = b"s" * 32
HASH_KEY = b"h" * 32
TWILIO_TOKEN = "twilio-token-do-not-print"


@pytest.fixture
def ssm():
    with mock_aws():
        yield boto3.client("ssm", region_name=REGION)


def put(ssm, name: str, value: str) -> None:
    ssm.put_parameter(Name=SSM_PREFIX + name, Value=value, Type="SecureString")


def settings(tmp_path, prefix: str = SSM_PREFIX):
    return aws_settings(tmp_path, secrets="ssm", ssm_prefix=prefix)


def test_secure_strings_are_read_decrypted(tmp_path, ssm):
    put(ssm, "secret-key", b64e(SECRET_KEY))
    put(ssm, "hash-key", b64e(HASH_KEY))
    put(ssm, "twilio-auth-token", TWILIO_TOKEN)
    secrets = load_secrets(settings(tmp_path), ssm)
    assert (secrets.secret_key, secrets.hash_key, secrets.twilio_auth_token) == (SECRET_KEY, HASH_KEY, TWILIO_TOKEN)
    assert TWILIO_TOKEN not in repr(secrets)


def test_the_prefix_may_omit_its_trailing_slash_and_the_client_is_built_for_the_region(tmp_path, ssm):
    put(ssm, "secret-key", b64e(SECRET_KEY))
    put(ssm, "hash-key", b64e(HASH_KEY))
    secrets = load_secrets(settings(tmp_path, prefix=SSM_PREFIX.rstrip("/")))
    assert (secrets.secret_key, secrets.hash_key) == (SECRET_KEY, HASH_KEY)
    assert secrets.twilio_auth_token is None  # optional: only deployments that send SMS need it


def test_missing_parameters_are_named_but_no_value_is_shown(tmp_path, ssm):
    put(ssm, "secret-key", b64e(SECRET_KEY))
    put(ssm, "twilio-auth-token", TWILIO_TOKEN)
    with pytest.raises(RuntimeError) as raised:
        load_secrets(settings(tmp_path), ssm)
    message = str(raised.value)
    assert "hash-key" in message and SSM_PREFIX in message
    assert "secret-key" not in message
    assert b64e(SECRET_KEY) not in message and TWILIO_TOKEN not in message


def test_nothing_under_the_prefix_names_both_required_parameters(tmp_path, ssm):
    put(ssm, "hash-key", b64e(HASH_KEY))  # under another prefix: not found
    with pytest.raises(RuntimeError) as raised:
        load_secrets(settings(tmp_path, prefix="/portal/prod/"), ssm)
    assert "secret-key" in str(raised.value) and "hash-key" in str(raised.value)
    assert b64e(HASH_KEY) not in str(raised.value)


def test_rotating_the_hash_key_keeps_the_old_one_as_retired_in_ssm(tmp_path, ssm):
    from portal.crypto.hashing import hash_key_id
    from portal.crypto.secrets import rotate_hash_key

    put(ssm, "secret-key", b64e(SECRET_KEY))
    put(ssm, "hash-key", b64e(HASH_KEY))
    retired, new = rotate_hash_key(settings(tmp_path), ssm)
    assert retired == hash_key_id(HASH_KEY) and new != retired
    again = load_secrets(settings(tmp_path), ssm)
    assert hash_key_id(again.hash_key) == new and again.retired_hash_keys == (HASH_KEY,)
    rotate_hash_key(settings(tmp_path), ssm)
    assert len(load_secrets(settings(tmp_path), ssm).retired_hash_keys) == 2  # oldest first, none lost
    parameter = ssm.get_parameter(Name=SSM_PREFIX + "hash-key-retired")["Parameter"]
    assert parameter["Type"] == "SecureString"
