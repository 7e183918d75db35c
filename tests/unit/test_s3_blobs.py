"""What the blob contract cannot say about the S3 adapter: which bucket a key lives in,
SSE-KMS on every write, the presigned POST policy and the presigned GET lifetime."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from botocore.exceptions import ClientError

from portal.blobs.s3 import S3BlobStore
from portal.ports import BlobNotFound
from portal.web.security import content_security_policy
from tests.aws import aws  # noqa: F401 (a fixture)
from tests.aws import (
    EVIDENCE_BUCKET, INCOMING_BUCKET, aws_settings, browser_form, create_kms_key, objects,
    policy_admits, policy_of, s3_client,
)

UPLOAD_KEY = "incoming/01JD0000000000000000000000"
LIMIT = 10 * 1024 * 1024


@pytest.fixture
def kms_key(aws):
    return create_kms_key()


@pytest.fixture
def store(tmp_path, kms_key):
    return S3BlobStore.from_settings(aws_settings(tmp_path, kms_key_id=kms_key))


@pytest.fixture
def plain_store(tmp_path, aws):
    return S3BlobStore.from_settings(aws_settings(tmp_path))


def test_raw_uploads_and_evidence_live_in_separate_buckets(store):
    store.put(UPLOAD_KEY, b"raw", "image/jpeg")
    store.put("evidence/01JD0000000000000000000000.jpg", b"clean", "image/jpeg")
    assert objects(INCOMING_BUCKET) == [UPLOAD_KEY]
    assert objects(EVIDENCE_BUCKET) == ["evidence/01JD0000000000000000000000.jpg"]
    assert store.get(UPLOAD_KEY) == b"raw"


def test_put_asks_for_sse_kms_under_the_configured_key(store, kms_key):
    sent = []
    store._client.meta.events.register("before-call.s3.PutObject", lambda params, **_: sent.append(params))
    store.put("evidence/a.jpg", b"clean", "image/jpeg")
    assert sent[0]["headers"]["x-amz-server-side-encryption"] == "aws:kms"
    assert sent[0]["headers"]["x-amz-server-side-encryption-aws-kms-key-id"] == kms_key
    head = s3_client().head_object(Bucket=EVIDENCE_BUCKET, Key="evidence/a.jpg")
    assert head["ServerSideEncryption"] == "aws:kms"
    assert kms_key in head["SSEKMSKeyId"]
    assert head["ContentType"] == "image/jpeg"


def test_without_a_kms_key_no_encryption_header_is_sent(plain_store):
    sent = []
    plain_store._client.meta.events.register("before-call.s3.PutObject", lambda params, **_: sent.append(params))
    plain_store.put("evidence/a.jpg", b"clean", "image/jpeg")
    assert not any(h.startswith("x-amz-server-side-encryption") for h in sent[0]["headers"])
    assert "x-amz-server-side-encryption" not in plain_store.presign_upload(UPLOAD_KEY, LIMIT)["fields"]


def test_a_missing_bucket_is_an_error_not_a_missing_blob(tmp_path, aws):
    store = S3BlobStore.from_settings(aws_settings(tmp_path, s3_evidence_bucket="portal-test-nowhere"))
    with pytest.raises(ClientError) as raised:
        store.get("evidence/a.jpg")
    assert raised.value.response["Error"]["Code"] == "NoSuchBucket"
    with pytest.raises(BlobNotFound):
        S3BlobStore.from_settings(aws_settings(tmp_path)).get("evidence/a.jpg")


@pytest.mark.parametrize(("operation", "call", "code"), [("GetObject", "get", "AccessDenied"),
                                                         ("HeadObject", "exists", "403")])
def test_a_refusal_is_an_error_not_a_missing_blob(store, operation, call, code):
    """S3 answers 403 for a missing key only to a caller that may not list the bucket; the
    stack grants the role that right on its prefixes (infra/template.yaml, ListIncoming and
    ListEvidence), so a 403 is a real refusal (a permission or the KMS key withheld) and must
    surface, not pass for a photo that is simply not there."""
    store.put("evidence/a.jpg", b"clean", "image/jpeg")

    def refuse(**_):
        raise ClientError({"Error": {"Code": code, "Message": "Access Denied"},
                           "ResponseMetadata": {"HTTPStatusCode": 403}}, operation)

    store._client.meta.events.register(f"before-call.s3.{operation}", refuse)
    with pytest.raises(ClientError) as raised:
        getattr(store, call)("evidence/a.jpg")
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


# --- presigned POST --------------------------------------------------------------------------

def test_upload_policy_pins_the_key_the_size_and_the_encryption(store, kms_key):
    before = datetime.now(timezone.utc).replace(microsecond=0)
    form = store.presign_upload(UPLOAD_KEY, max_bytes=LIMIT, expires_in=600)
    policy = policy_of(form)
    conditions = policy["conditions"]
    assert {"key": UPLOAD_KEY} in conditions
    assert {"bucket": INCOMING_BUCKET} in conditions
    assert ["content-length-range", 1, LIMIT] in conditions
    assert ["starts-with", "$Content-Type", "image/"] in conditions
    assert {"x-amz-server-side-encryption": "aws:kms"} in conditions
    assert {"x-amz-server-side-encryption-aws-kms-key-id": kms_key} in conditions
    assert not any(isinstance(c, list) and c[0] == "starts-with" and c[1] == "$key" for c in conditions)
    assert form["fields"]["key"] == UPLOAD_KEY
    assert form["fields"]["x-amz-server-side-encryption"] == "aws:kms"
    expires = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert before + timedelta(seconds=590) <= expires <= before + timedelta(seconds=602)


def test_upload_forms_live_at_most_ten_minutes(store):
    before = datetime.now(timezone.utc).replace(microsecond=0)
    policy = policy_of(store.presign_upload(UPLOAD_KEY, max_bytes=LIMIT, expires_in=86400))
    expires = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert expires <= before + timedelta(seconds=602)


def test_the_browser_form_is_admitted_only_for_images_within_the_limit(store):
    form = store.presign_upload(UPLOAD_KEY, max_bytes=LIMIT)
    assert policy_admits(form, browser_form(form, "image/jpeg"), 3_000_000)
    assert policy_admits(form, browser_form(form, "image/webp"), LIMIT)
    assert not policy_admits(form, browser_form(form, "image/jpeg"), LIMIT + 1)
    assert not policy_admits(form, browser_form(form, "image/jpeg"), 0)
    assert not policy_admits(form, browser_form(form, "text/html"), 100)
    assert not policy_admits(form, form["fields"], 100)  # no Content-Type field at all
    assert not policy_admits(form, {**browser_form(form, "image/jpeg"), "key": "incoming/OTHER"}, 100)
    assert not policy_admits(form, {**browser_form(form, "image/jpeg"), "x-amz-server-side-encryption": "AES256"}, 100)
    assert not policy_admits(form, {**browser_form(form, "image/jpeg"), "acl": "public-read"}, 100)


@pytest.mark.parametrize("key", ["evidence/01JD0000000000000000000000.jpg", "other/x", "incoming/../evidence/x.jpg"])
def test_browsers_may_only_upload_under_incoming(store, key):
    with pytest.raises(ValueError):
        store.presign_upload(key, max_bytes=LIMIT)


def test_the_upload_url_is_the_origin_the_content_security_policy_allows(tmp_path, kms_key):
    settings = aws_settings(tmp_path, kms_key_id=kms_key)
    url = S3BlobStore.from_settings(settings).presign_upload(UPLOAD_KEY, max_bytes=LIMIT)["url"]
    origin = "https://" + urlsplit(url).hostname
    assert origin == f"https://{INCOMING_BUCKET}.s3.cn-north-1.amazonaws.com.cn"
    assert f"form-action 'self' {origin}" in content_security_policy(settings)


def test_an_endpoint_override_gets_path_style_urls(tmp_path, aws):
    settings = aws_settings(tmp_path, s3_endpoint="http://127.0.0.1:4566")
    url = S3BlobStore.from_settings(settings).presign_upload(UPLOAD_KEY, max_bytes=LIMIT)["url"]
    assert url == f"http://127.0.0.1:4566/{INCOMING_BUCKET}"


# --- presigned GET ---------------------------------------------------------------------------

def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_links_are_short_lived_inline_jpegs(store):
    store.put("evidence/b.jpg", b"\xff\xd8clean", "image/jpeg")
    url = store.url_for("evidence/b.jpg", expires_in=60)
    query = _query(url)
    assert query["X-Amz-Expires"] == "60"
    assert query["response-content-type"] == "image/jpeg"
    assert query["response-content-disposition"] == "inline"
    assert query["response-cache-control"] == "private, max-age=60"
    assert urlsplit(url).hostname == f"{EVIDENCE_BUCKET}.s3.cn-north-1.amazonaws.com.cn"
    assert requests.get(url, timeout=10).content == b"\xff\xd8clean"


def test_links_never_outlive_five_minutes(store):
    assert _query(store.url_for("evidence/b.jpg", expires_in=7 * 86400))["X-Amz-Expires"] == "300"
    with pytest.raises(ValueError):
        store.url_for("evidence/b.jpg", expires_in=0)


def test_raw_uploads_are_never_linked(store):
    store.put(UPLOAD_KEY, b"raw with gps", "image/jpeg")
    with pytest.raises(ValueError):
        store.url_for(UPLOAD_KEY)
