"""AWS test helpers over moto (S3, KMS and SSM only), shared by the contract, unit and
serverless tests. Call them inside ``moto.mock_aws()``.

moto stores a presigned POST without evaluating its policy, so ``browser_post`` checks the
form against the signed policy first, the way S3 does, and only then posts it.
"""

from __future__ import annotations

import base64
import json
from urllib.parse import urlsplit

import boto3
import pytest
import requests
from botocore.config import Config
from moto import mock_aws

from portal.config import Settings

REGION = "cn-north-1"
INCOMING_BUCKET = "portal-test-incoming"
EVIDENCE_BUCKET = "portal-test-evidence"
TILE_BUCKET = "portal-test-tiles"
SSM_PREFIX = "/portal/test/"


def s3_client():
    return boto3.client("s3", region_name=REGION, config=Config(signature_version="s3v4"))


def kms_client():
    return boto3.client("kms", region_name=REGION)


def create_buckets() -> None:
    client = s3_client()
    for bucket in (INCOMING_BUCKET, EVIDENCE_BUCKET):
        client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})


def create_tile_bucket() -> None:
    s3_client().create_bucket(Bucket=TILE_BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})


def s3_tile_cache(data_dir):
    """A fresh tile bucket and the adapter built the way deps builds it."""
    from portal.tiles.s3 import S3TileCache

    create_tile_bucket()
    return S3TileCache.from_settings(aws_settings(data_dir, tile_cache="s3", s3_tile_bucket=TILE_BUCKET))


def create_kms_key() -> str:
    return kms_client().create_key(Description="portal test key")["KeyMetadata"]["KeyId"]


def aws_settings(data_dir, *, kms_key_id: str | None = None, **overrides) -> Settings:
    """Settings of a serverless deployment (S3 blobs, KMS keyring when a key is given)."""
    values = dict(data_dir=str(data_dir), blobs="s3", aws_region=REGION, s3_incoming_bucket=INCOMING_BUCKET,
                  s3_evidence_bucket=EVIDENCE_BUCKET, public_url="https://portal.test")
    if kms_key_id:
        values.update(keyring="kms", kms_key_id=kms_key_id)
    return Settings.from_env({}, **{**values, **overrides})


def s3_blob_store(data_dir, *, kms: bool = True):
    """Fresh buckets (and a KMS key for SSE-KMS) and the adapter built the way deps builds it."""
    from portal.blobs.s3 import S3BlobStore

    create_buckets()
    return S3BlobStore.from_settings(aws_settings(data_dir, kms_key_id=create_kms_key() if kms else None))


def kms_keyring(**options):
    """A KmsKeyring under a fresh KMS key."""
    from portal.crypto.kms_keyring import KmsKeyring

    return KmsKeyring(kms_client(), create_kms_key(), **options)


def objects(bucket: str) -> list[str]:
    return [o["Key"] for o in s3_client().list_objects_v2(Bucket=bucket).get("Contents", [])]


# --- presigned POST -------------------------------------------------------------------------

def policy_of(form: dict) -> dict:
    return json.loads(base64.b64decode(form["fields"]["policy"]))


def policy_admits(form: dict, posted: dict[str, str], size: int) -> bool:
    """Whether S3 would accept this multipart form with a file of ``size`` bytes: every
    condition of the signed policy holds, and every posted field is named by a condition
    (S3 refuses fields the policy does not cover)."""
    policy = policy_of(form)
    fields = {name.lower(): value for name, value in posted.items()}
    bucket = urlsplit(form["url"]).hostname.split(".")[0]
    covered = {"policy", "x-amz-signature", "file"}
    for condition in policy["conditions"]:
        if isinstance(condition, dict):
            ((name, value),) = condition.items()
            name = name.lower()
            actual = bucket if name == "bucket" else fields.get(name)
        else:
            operator, name, value = condition[0].lower(), str(condition[1]).lower(), condition[2]
            if operator == "content-length-range":
                if not int(name) <= size <= int(value):
                    return False
                continue
            name = name.lstrip("$")
            actual = fields.get(name)
            if operator == "starts-with":
                if actual is None or not actual.startswith(value):
                    return False
                covered.add(name)
                continue
        if actual != value:
            return False
        covered.add(name)
    return set(fields) <= covered


def browser_form(form: dict, content_type: str) -> dict[str, str]:
    """The fields ``static/js/report.js`` posts before the file: the presigned fields, then
    the chosen file's type."""
    return {**form["fields"], "Content-Type": content_type}


def browser_post(form: dict, data: bytes, content_type: str) -> None:
    """Post a photo as the browser does, after checking S3 would admit the form."""
    posted = browser_form(form, content_type)
    assert policy_admits(form, posted, len(data)), "S3 would refuse this upload"
    response = requests.post(form["url"], data=posted, files={"file": ("photo", data, content_type)}, timeout=10)
    assert response.status_code in (200, 201, 204), response.status_code


@pytest.fixture
def aws():
    """moto's S3, KMS and SSM for one test, with the stack's two buckets made (import it into a
    test module to use it)."""
    with mock_aws():
        create_buckets()
        yield
