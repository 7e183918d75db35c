"""The S3-triggered function: a browser posts a raw photo to ``incoming/<id>`` with a
presigned POST, S3 calls ``functions.uploads.handler``, the clean JPEG appears under
``evidence/<id>.jpg`` with no metadata, and the filing takes it. moto plays S3 and KMS;
the store is SQLite in a temporary folder."""

from __future__ import annotations

import io
import logging
import struct
from urllib.parse import quote, quote_plus

import pytest
from botocore.exceptions import ClientError
from PIL import Image, ImageCms

from functions import uploads as function
from portal.blobs.s3 import S3BlobStore
from portal.crypto.envelope import b64e
from portal.domain.errors import DomainError
from portal.services import filing_tokens, uploads
from portal import runtime
from portal.services.deps import build_deps
from portal.services.notifications import contact_context
from portal.store.sqlite import SqliteStore
from tests.aws import aws  # noqa: F401 (a fixture)
from tests.aws import (
    EVIDENCE_BUCKET, INCOMING_BUCKET, REGION, SSM_PREFIX, aws_settings, browser_post,
    create_kms_key, objects, s3_client,
)

OWNER = "filing-owner-hash"
SERIAL = "SN-7741-0042"
OWNER_NAME = "Zhang San"


def raw_photo() -> bytes:
    """A phone photo as a browser would post it: capture time, GPS, make, model, serial
    number, owner name, an ICC profile and XMP."""
    image = Image.new("RGB", (64, 48), (120, 80, 40))
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x013B] = "ACME", "Phone X", OWNER_NAME
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = "2026:11:20 09:30:00"  # DateTimeOriginal, Beijing time
    sub[0xA431] = SERIAL  # BodySerialNumber
    sub[0xA430] = OWNER_NAME  # CameraOwnerName
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (26.0, 29.0, 24.0), "E", (113.0, 46.0, 12.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, icc_profile=icc, xmp=f"<x:xmpmeta>{OWNER_NAME}</x:xmpmeta>".encode())
    return out.getvalue()


def s3_event(key: str, bucket: str = INCOMING_BUCKET, name: str = "ObjectCreated:Post") -> dict:
    """An S3 notification as Lambda receives it; ``key`` is already URL-encoded, as S3 sends it."""
    return {"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": REGION, "eventName": name,
        "s3": {"s3SchemaVersion": "1.0", "bucket": {"name": bucket, "arn": f"arn:aws-cn:s3:::{bucket}"},
               "object": {"key": key, "size": 1}},
    }]}


@pytest.fixture
def s3_deps(aws, tmp_path, clock, monkeypatch):
    """Serverless deps (S3 blobs with SSE-KMS, the KMS keyring), injected into the function."""
    settings = aws_settings(tmp_path / "data", kms_key_id=create_kms_key())
    deps = build_deps(settings, clock=clock, store=SqliteStore(settings.sqlite_file, epoch=clock.epoch),
                      blobs=S3BlobStore.from_settings(settings))
    monkeypatch.setattr(function, "_deps", deps)
    yield deps
    deps.close()


@pytest.fixture
def incoming_writes(s3_deps):
    """Every PutObject the function's client sends to the incoming bucket."""
    writes = []

    def seen(params, **_):
        if params["Bucket"] == INCOMING_BUCKET:
            writes.append(params["Key"])

    s3_deps.blobs._client.meta.events.register("before-parameter-build.s3.PutObject", seen)
    return writes


def upload(deps, clock, data: bytes, content_type: str = "image/jpeg") -> str:
    form = uploads.presign(deps, OWNER, clock.now())
    browser_post(form, data, content_type)
    assert f"incoming/{form['upload_id']}" in objects(INCOMING_BUCKET)
    return form["upload_id"]


def test_a_raw_photo_becomes_clean_evidence_the_filing_can_take(s3_deps, clock, incoming_writes):
    upload_id = upload(s3_deps, clock, raw_photo())
    assert uploads.upload_state(s3_deps, OWNER, upload_id)["status"] == "awaiting"

    summary = function.handler(s3_event(f"incoming/{upload_id}"), None)

    assert summary == {"records": 1, "outcomes": {"ready": 1}}
    assert objects(INCOMING_BUCKET) == []
    assert objects(EVIDENCE_BUCKET) == [f"evidence/{upload_id}.jpg"]
    assert incoming_writes == []
    head = s3_client().head_object(Bucket=EVIDENCE_BUCKET, Key=f"evidence/{upload_id}.jpg")
    assert (head["ContentType"], head["ServerSideEncryption"]) == ("image/jpeg", "aws:kms")
    clean = s3_deps.blobs.get(f"evidence/{upload_id}.jpg")
    assert SERIAL.encode() not in clean and OWNER_NAME.encode() not in clean and b"ACME" not in clean
    image = Image.open(io.BytesIO(clean))
    assert image.format == "JPEG" and image.size == (64, 48)
    assert not {"exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment"} & set(image.info)
    assert len(image.getexif()) == 0

    state = uploads.upload_state(s3_deps, OWNER, upload_id)
    assert state["status"] == "ready" and state["key"] == f"evidence/{upload_id}.jpg"
    assert (state["taken_lat"], state["taken_lng"]) == (26.49, 113.77)
    assert state["taken_at"].startswith("2026-11-20T01:30:00")  # 09:30 Beijing time, stored in UTC

    evidence, ops = uploads.take(s3_deps, OWNER, [upload_id], confirmed={upload_id})
    assert [e.key for e in evidence] == [f"evidence/{upload_id}.jpg"]
    assert (evidence[0].taken_lat, evidence[0].taken_lng) == (26.49, 113.77)
    assert evidence[0].taken_at.isoformat().startswith("2026-11-20T01:30:00")
    s3_deps.store.write(ops)
    assert uploads.upload_state(s3_deps, OWNER, upload_id)["status"] == "taken"


def test_a_retried_event_is_a_no_op(s3_deps, clock, incoming_writes):
    upload_id = upload(s3_deps, clock, raw_photo())
    event = s3_event(f"incoming/{upload_id}")
    function.handler(event, None)
    record = s3_deps.repos.records.get(f"UPL#{upload_id}", "#")
    etag = s3_client().head_object(Bucket=EVIDENCE_BUCKET, Key=f"evidence/{upload_id}.jpg")["ETag"]

    assert function.handler(event, None) == {"records": 1, "outcomes": {"done-before": 1}}

    assert s3_deps.repos.records.get(f"UPL#{upload_id}", "#").version == record.version
    assert s3_client().head_object(Bucket=EVIDENCE_BUCKET, Key=f"evidence/{upload_id}.jpg")["ETag"] == etag
    assert objects(INCOMING_BUCKET) == [] and incoming_writes == []


def test_a_text_file_named_jpg_is_rejected_with_a_chinese_message(s3_deps, clock):
    upload_id = upload(s3_deps, clock, "这不是图片，只是文字。".encode() * 20)

    assert function.handler(s3_event(f"incoming/{upload_id}"), None) == {"records": 1, "outcomes": {"rejected": 1}}

    state = uploads.upload_state(s3_deps, OWNER, upload_id)
    assert state["status"] == "rejected"
    assert state["error"] == "文件不是有效的图片，请上传手机拍摄的照片。"
    assert objects(INCOMING_BUCKET) == [] and objects(EVIDENCE_BUCKET) == []
    with pytest.raises(DomainError) as refused:
        uploads.take(s3_deps, OWNER, [upload_id], confirmed=set())
    assert refused.value.message == "文件不是有效的图片，请上传手机拍摄的照片。"


@pytest.mark.parametrize("failure", [struct.error("required argument is not an integer"), MemoryError(),
                                     AttributeError("'IFDRational' object has no attribute 'encode'")],
                         ids=["struct", "memory", "attribute"])
def test_a_sanitiser_failure_marks_the_upload_failed_not_awaiting(s3_deps, clock, monkeypatch, caplog, failure):
    """Whatever the sanitiser raises, the upload ends rejected with a Chinese message: the form
    stops waiting, the filing refuses it clearly, no retry repeats the failure."""
    upload_id = upload(s3_deps, clock, raw_photo())

    def broken(raw, limit):
        raise failure

    monkeypatch.setattr(uploads, "sanitize", broken)
    with caplog.at_level(logging.INFO):
        assert function.handler(s3_event(f"incoming/{upload_id}"), None) == {"records": 1, "outcomes": {"failed": 1}}

    state = uploads.upload_state(s3_deps, OWNER, upload_id)
    assert state["status"] == "rejected" and state["error"] == uploads.SANITIZE_FAILED
    assert uploads.SANITIZE_FAILED == "这张照片无法处理，请换一张照片或重新拍摄后再上传。"
    assert objects(INCOMING_BUCKET) == [] and objects(EVIDENCE_BUCKET) == []
    with pytest.raises(DomainError) as refused:
        uploads.take(s3_deps, OWNER, [upload_id], confirmed=set())
    assert refused.value.message == uploads.SANITIZE_FAILED
    assert function.handler(s3_event(f"incoming/{upload_id}"), None)["outcomes"] == {"done-before": 1}
    assert f"upload {upload_id}: the sanitiser failed ({type(failure).__name__})" in caplog.messages
    assert str(failure) not in "\n".join(caplog.messages) or not str(failure)


@pytest.mark.parametrize("encode", [quote_plus, lambda key: quote(key, safe="")], ids=["plus", "percent"])
def test_url_encoded_keys_are_decoded(s3_deps, clock, encode):
    upload_id = upload(s3_deps, clock, raw_photo())
    encoded = encode(f"incoming/{upload_id}")
    assert encoded == f"incoming%2F{upload_id}"  # undecoded, this would name no upload

    assert function.handler(s3_event(encoded), None)["outcomes"] == {"ready": 1}
    assert objects(EVIDENCE_BUCKET) == [f"evidence/{upload_id}.jpg"]


def test_a_stray_object_under_incoming_is_left_alone(s3_deps):
    s3_client().put_object(Bucket=INCOMING_BUCKET, Key="incoming/my photo.jpg", Body=b"x")
    assert function.handler(s3_event("incoming/my+photo.jpg"), None)["outcomes"] == {"ignored": 1}
    assert objects(INCOMING_BUCKET) == ["incoming/my photo.jpg"]  # not an upload of ours: left alone
    assert objects(EVIDENCE_BUCKET) == []


def test_objects_outside_incoming_are_ignored(s3_deps, clock):
    upload_id = upload(s3_deps, clock, raw_photo())
    s3_client().put_object(Bucket=EVIDENCE_BUCKET, Key=f"evidence/{upload_id}.jpg", Body=b"kept")
    ignored = [
        s3_event(f"evidence/{upload_id}.jpg", bucket=EVIDENCE_BUCKET),  # the evidence bucket
        s3_event(f"incoming/{upload_id}", bucket=EVIDENCE_BUCKET),  # a key shaped like ours, wrong bucket
        s3_event(f"other/{upload_id}"),  # another prefix
        s3_event(f"incoming/{upload_id}", name="ObjectRemoved:Delete"),  # not a creation
    ]
    for event in ignored:
        assert function.handler(event, None) == {"records": 1, "outcomes": {"ignored": 1}}
    assert function.handler({"Service": "Amazon S3", "Event": "s3:TestEvent"}, None) == {"records": 0, "outcomes": {}}
    assert uploads.upload_state(s3_deps, OWNER, upload_id)["status"] == "awaiting"
    assert objects(INCOMING_BUCKET) == [f"incoming/{upload_id}"]
    assert s3_deps.blobs.get(f"evidence/{upload_id}.jpg") == b"kept"


def test_a_failed_record_fails_the_invocation_and_the_retry_finishes_it(s3_deps, clock):
    first, second = upload(s3_deps, clock, raw_photo()), upload(s3_deps, clock, raw_photo())
    event = {"Records": s3_event(f"incoming/{first}")["Records"] + s3_event(f"incoming/{second}")["Records"]}

    def unavailable(params, **_):
        if params["Key"] == f"incoming/{second}":
            raise ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "slow down"}}, "GetObject")

    events = s3_deps.blobs._client.meta.events
    events.register("before-parameter-build.s3.GetObject", unavailable)
    with pytest.raises(RuntimeError):
        function.handler(event, None)
    assert uploads.upload_state(s3_deps, OWNER, first)["status"] == "ready"
    assert uploads.upload_state(s3_deps, OWNER, second)["status"] == "awaiting"

    events.unregister("before-parameter-build.s3.GetObject", unavailable)
    assert function.handler(event, None) == {"records": 2, "outcomes": {"done-before": 1, "ready": 1}}
    assert sorted(objects(EVIDENCE_BUCKET)) == sorted([f"evidence/{first}.jpg", f"evidence/{second}.jpg"])


def test_only_the_outcome_and_the_upload_id_are_logged(s3_deps, clock, caplog):
    upload_id = upload(s3_deps, clock, raw_photo())
    with caplog.at_level(logging.DEBUG, logger="functions"):
        function.handler(s3_event(f"incoming/{upload_id}"), None)
        function.handler(s3_event("incoming/my+photo.jpg"), None)
    messages = [r.getMessage() for r in caplog.records if r.name.startswith(("functions", "portal"))]
    assert f"upload {upload_id}: ready" in messages
    assert "upload (not an upload key): ignored" in messages
    text = "\n".join(messages)
    for private in (SERIAL, OWNER_NAME, "my photo", INCOMING_BUCKET, "26.49", "113.77"):
        assert private not in text


def test_the_container_builds_its_services_once_from_the_environment(tmp_path, aws, monkeypatch):
    """The deployed path: settings from the environment, secrets from SSM, S3 and KMS adapters."""
    import boto3

    ssm = boto3.client("ssm", region_name=REGION)
    for name, value in (("secret-key", b64e(b"s" * 32)), ("hash-key", b64e(b"h" * 32))):
        ssm.put_parameter(Name=SSM_PREFIX + name, Value=value, Type="SecureString")
    environment = {
        "PORTAL_DATA_DIR": str(tmp_path / "data"), "AWS_REGION": REGION, "PORTAL_BLOBS": "s3",
        "PORTAL_S3_INCOMING_BUCKET": INCOMING_BUCKET, "PORTAL_S3_EVIDENCE_BUCKET": EVIDENCE_BUCKET,
        "PORTAL_KEYRING": "kms", "PORTAL_KMS_KEY_ID": create_kms_key(), "PORTAL_SECRETS": "ssm",
        "PORTAL_SSM_PREFIX": SSM_PREFIX,
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(function, "_deps", None)
    monkeypatch.setattr(runtime, "_services", None)
    built = []
    monkeypatch.setattr(runtime, "build_deps", lambda settings: built.append(settings) or build_deps(settings))

    deps = function.get_deps()
    try:
        assert isinstance(deps.blobs, S3BlobStore) and deps.secrets.hash_key == b"h" * 32
        form = uploads.presign(deps, OWNER, deps.clock.now())
        browser_post(form, raw_photo(), "image/jpeg")
        assert function.handler(s3_event(f"incoming/{form['upload_id']}"), None)["outcomes"] == {"ready": 1}
        assert function.handler(s3_event(f"incoming/{form['upload_id']}"), None)["outcomes"] == {"done-before": 1}
        assert function.get_deps() is deps and len(built) == 1
    finally:
        deps.close()


def test_the_browser_path_through_the_api_ends_in_a_filed_complaint(s3_deps, clock):
    """presign (API) -> browser POST to S3 -> trigger -> upload state (API) -> filing takes it."""
    from portal import create_app

    client = create_app(s3_deps.settings, s3_deps).test_client()
    token = client.post("/api/v1/filing-tokens").get_json()["token"]
    form = client.post("/api/v1/uploads/presign", json={"token": token}).get_json()
    assert form["url"] == f"https://{INCOMING_BUCKET}.s3.{REGION}.amazonaws.com.cn/"
    browser_post(form, raw_photo(), "image/jpeg")
    upload_id = form["upload_id"]
    assert client.get(f"/api/v1/uploads/{upload_id}", headers={"X-Filing-Token": token}).get_json()["status"] == "awaiting"

    function.handler(s3_event(f"incoming/{upload_id}"), None)

    state = client.get(f"/api/v1/uploads/{upload_id}", headers={"X-Filing-Token": token}).get_json()
    assert state["status"] == "ready" and (state["taken_lat"], state["taken_lng"]) == (26.49, 113.77)
    filed = client.post("/api/v1/complaints", json={
        "token": token, "category": "c1-no-planning-permit", "description": "村口新建三层楼房，没有看到规划许可公示。",
        "address": "霞阳镇示例村", "lat": 26.49, "lng": 113.77, "phone": "13800138000",
        "upload_ids": [upload_id], "confirmed_exif": [upload_id]})
    assert filed.status_code == 201, filed.get_json()
    submission = filing_tokens.open_token(s3_deps, token, clock.now()).submission_hash(s3_deps)
    complaint = s3_deps.repos.complaints.get(s3_deps.repos.complaints.id_for_submission(submission))
    assert [(e.key, e.taken_lat, e.taken_lng) for e in complaint.evidence] == [(f"evidence/{upload_id}.jpg", 26.49, 113.77)]
    assert complaint.contact.envelope.startswith("env1.kms.")
    assert s3_deps.keyring.decrypt(complaint.contact.envelope, contact_context(complaint.id)) == b"+8613800138000"
    assert uploads.upload_state(s3_deps, submission, upload_id)["status"] == "taken"


def test_without_javascript_the_serverless_form_carries_no_photo_and_says_why(s3_deps):
    """A form post reaches the app through a Lambda invocation that takes about 4 MB of body:
    one phone photo in it would lose the whole report before the portal sees it. So the photo
    input is there for the script alone (it uploads straight to S3), a <noscript> notice says
    photos need JavaScript, and a body the function can still carry but the app refuses gets
    the portal's own 413 in Chinese."""
    from portal import LAMBDA_BODY_LIMIT, create_app
    from tests.conftest import form_token

    app = create_app(s3_deps.settings, s3_deps)
    app.config["TESTING"] = False
    client = app.test_client()
    page = client.get("/report").text
    inputs = page.split('<div class="photo-inputs js-only"')[1].split('id="photo-list"')[0]
    assert 'name="photos"' not in page and 'data-direct="1"' in inputs  # the form itself never posts photos
    assert " hidden\n" in inputs.split(">")[0] and 'id="photos"' in inputs  # shown by filing.js only
    notice = page.split("<noscript>")[1].split("</noscript>")[0]
    assert 'id="photos-need-script"' in notice and "上传照片需要开启浏览器的 JavaScript" in notice

    assert app.config["MAX_CONTENT_LENGTH"] == LAMBDA_BODY_LIMIT == 4 * 1024 * 1024
    token = form_token(page)
    too_big = client.post("/report", data={"token": token, "category": "c1-no-planning-permit",
                                           "description": "村口新建三层楼房。", "township": "xiayang",
                                           "photos": (io.BytesIO(b"\xff\xd8" + b"\0" * LAMBDA_BODY_LIMIT), "a.jpg")},
                          content_type="multipart/form-data")
    assert too_big.status_code == 413 and "每次提交不能超过 4 MB" in too_big.text
