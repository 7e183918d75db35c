"""The code paths AWS Lambda runs, driven in-process through Zappa's own entry point
(``zappa.handler.lambda_handler``, the function Lambda calls) with the settings module that
``zappa save-python-settings-file dev`` generates from zappa_settings.json, its placeholders
filled in as a deployer fills them:

- API Gateway REST (v1, Lambda proxy) events for the JSON API and the citizen form;
- the scheduled event of the 5-minute rule, which Zappa routes to the sweeper by the rule's name;
- an S3 ``ObjectCreated`` event, which Zappa routes to the sanitiser by the bucket's ARN;
- an exception inside the app.

DynamoDB Local holds the table; moto plays S3, KMS and SSM (SecureString secrets); the fake
Twilio API takes the SMS. Nothing is injected into the app: it builds its services from the
environment Zappa sets, as on Lambda.
"""

from __future__ import annotations

import base64
import importlib
import json
import logging
import os
import re
import secrets
import subprocess
import sys
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote_plus, urlencode

import boto3
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID

from portal.crypto.envelope import b64e
from portal.store.dynamodb import DynamoStore
from tests.aws import browser_post, objects
from tests.conftest import form_token, receipt_from
from tests.fakes import images
from tests.fakes.clock import ManualClock
from tests.fakes.twilio_api import FakeTwilioApi

pytestmark = pytest.mark.dynamodb

ROOT = Path(__file__).resolve().parents[2]
STAGE = "dev"
REGION = "cn-north-1"
PUBLIC_HOST = "jubao.example.test"
CLIENT_IP = "203.0.113.77"
USER_AGENT = "Mozilla/5.0 (Linux; Android 14) portal-test-agent"
TWILIO_ACCOUNT = "AC" + secrets.token_hex(16)
TWILIO_SERVICE = "MG" + secrets.token_hex(16)
TWILIO_TOKEN = secrets.token_hex(16)
#: what a deployer writes over the placeholders of zappa_settings.json
FILLED = {"<ACCOUNT_ID>": DEFAULT_ACCOUNT_ID, "<PUBLIC_HOST>": PUBLIC_HOST,
          "<TWILIO_ACCOUNT_SID>": TWILIO_ACCOUNT, "<TWILIO_MESSAGING_SERVICE_SID>": TWILIO_SERVICE}
FUNCTION = f"complaint-portal-{STAGE}"
FUNCTION_ARN = f"arn:aws-cn:lambda:{REGION}:{DEFAULT_ACCOUNT_ID}:function:{FUNCTION}"
ERROR_TEXT = "系统出错了，请稍后再试。"
DESCRIPTION = "村口新建三层楼房，没有看到规划许可公示。"


# --- the container ---------------------------------------------------------------------


def generate_settings_module(directory: Path) -> Path:
    """zappa_settings.py as Zappa's CLI writes it for the stage (network refused)."""
    text = (ROOT / "zappa_settings.json").read_text()
    for placeholder, value in FILLED.items():
        text = text.replace(placeholder, value)
    filled = directory / "zappa_settings.json"
    filled.write_text(text)
    module = directory / "module" / "zappa_settings.py"
    module.parent.mkdir()
    result = subprocess.run([sys.executable, "-m", "tests.offline", "zappa", "save-python-settings-file", STAGE,
                             "--settings_file", str(filled), "--output_path", str(module)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return module


@dataclass
class Lambda:
    settings: object  # the generated zappa_settings module
    twilio: FakeTwilioApi

    def invoke(self, event: dict) -> object:
        from zappa.handler import lambda_handler

        context = SimpleNamespace(aws_request_id=str(uuid.uuid4()), function_name=FUNCTION,
                                  invoked_function_arn=FUNCTION_ARN, memory_limit_in_mb="512",
                                  get_remaining_time_in_millis=lambda: 30_000)
        return lambda_handler(event, context)

    @property
    def env(self) -> dict:
        return self.settings.ENVIRONMENT_VARIABLES


def create_aws_resources(env: dict, dynamodb_local) -> None:
    """What the stack creates (and the SSM secrets created by hand), named as the settings name them."""
    store = DynamoStore(dynamodb_local.client(), env["PORTAL_DYNAMODB_TABLE"])
    store.create_table()
    store.close()
    s3 = boto3.client("s3", region_name=REGION)
    for bucket in (env["PORTAL_S3_INCOMING_BUCKET"], env["PORTAL_S3_EVIDENCE_BUCKET"], env["PORTAL_S3_TILE_BUCKET"]):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    kms = boto3.client("kms", region_name=REGION)
    key = kms.create_key(Description="portal dev key")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName=env["PORTAL_KMS_KEY_ID"], TargetKeyId=key)
    ssm = boto3.client("ssm", region_name=REGION)
    for name, value in (("secret-key", b64e(os.urandom(32))), ("hash-key", b64e(os.urandom(32))),
                        ("twilio-auth-token", TWILIO_TOKEN)):
        ssm.put_parameter(Name=env["PORTAL_SSM_PREFIX"] + name, Value=value, Type="SecureString", KeyId=key)


@pytest.fixture(scope="module")
def aws_lambda(dynamodb_local, tmp_path_factory):
    """One warm Lambda container of the dev stage, for the whole module."""
    from zappa.handler import LambdaHandler

    module = generate_settings_module(tmp_path_factory.mktemp("zappa"))
    saved_environ, root_level = dict(os.environ), logging.getLogger().level
    try:
        with pytest.MonkeyPatch.context() as patch, mock_aws(), FakeTwilioApi(TWILIO_ACCOUNT, TWILIO_TOKEN) as twilio:
            patch.syspath_prepend(str(module.parent))
            for name in ("zappa_settings", "portal.wsgi"):
                patch.delitem(sys.modules, name, raising=False)
            patch.setattr(LambdaHandler, "_LambdaHandler__instance", None)
            # the endpoints of the local stand-ins; everything else comes from the settings module
            patch.setenv("PORTAL_DYNAMODB_ENDPOINT", dynamodb_local.endpoint_url)
            patch.setenv("PORTAL_TWILIO_API_BASE", twilio.url)
            settings = importlib.import_module("zappa_settings")
            patch.setattr(importlib.import_module("portal.runtime"), "_services", None)
            create_aws_resources(settings.ENVIRONMENT_VARIABLES, dynamodb_local)
            try:
                yield Lambda(settings, twilio)
            finally:
                close_services()
                admin = dynamodb_local.client()
                admin.delete_table(TableName=settings.ENVIRONMENT_VARIABLES["PORTAL_DYNAMODB_TABLE"])
                admin.close()
    finally:  # Zappa wrote the stage's environment into os.environ, and the log level into the root logger
        os.environ.clear()
        os.environ.update(saved_environ)
        logging.getLogger().setLevel(root_level)
        for name in ("zappa_settings", "portal.wsgi"):
            sys.modules.pop(name, None)


def close_services() -> None:
    """Close what the container built: one set of services, shared by the app and the functions."""
    shared = getattr(sys.modules.get("portal.runtime"), "_services", None)
    if shared is not None:
        shared.close()


# --- events as AWS sends them ----------------------------------------------------------


def api_event(method: str, path: str, *, body: bytes | str = b"", content_type: str | None = None,
              query: dict | None = None, host: str = PUBLIC_HOST, client_ip: str = CLIENT_IP,
              extra_headers: dict | None = None, sent_forwarded_for: str | None = None) -> dict:
    """An API Gateway REST (v1) Lambda-proxy event, as the stack's API sends it: binary media
    types */*, so every body arrives base64-encoded. A regional API appends the source address
    to the ``X-Forwarded-For`` the client sent (``sent_forwarded_for``)."""
    forwarded = f"{sent_forwarded_for}, {client_ip}" if sent_forwarded_for else client_ip
    headers = {"Host": host, "User-Agent": USER_AGENT, "Accept": "*/*", "Accept-Language": "zh-CN",
               "X-Forwarded-For": forwarded, "X-Forwarded-Proto": "https", "X-Forwarded-Port": "443",
               **(extra_headers or {})}
    if content_type:
        headers["Content-Type"] = content_type
    data = body.encode() if isinstance(body, str) else body
    return {
        "resource": "/{proxy+}" if path != "/" else "/", "path": path, "httpMethod": method,
        "headers": headers, "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": {"proxy": path.lstrip("/")} if path != "/" else None, "stageVariables": None,
        "requestContext": {"resourcePath": "/{proxy+}", "httpMethod": method, "path": f"/{STAGE}{path}",
                           "stage": STAGE, "requestId": str(uuid.uuid4()), "accountId": DEFAULT_ACCOUNT_ID,
                           "apiId": "a1b2c3d4e5", "protocol": "HTTP/1.1", "domainName": host,
                           "identity": {"sourceIp": client_ip, "userAgent": USER_AGENT}},
        "body": base64.b64encode(data).decode() if data else None, "isBase64Encoded": bool(data),
    }


def json_event(path: str, payload: dict, **kwargs) -> dict:
    return api_event("POST", path, body=json.dumps(payload, ensure_ascii=False), content_type="application/json",
                     **kwargs)


def form_event(path: str, fields: dict, **kwargs) -> dict:
    return api_event("POST", path, body=urlencode(fields), content_type="application/x-www-form-urlencoded",
                     **kwargs)


@dataclass
class Answer:
    status: int
    headers: dict
    text: str

    def json(self) -> dict:
        return json.loads(self.text)


def answer(response: dict) -> Answer:
    body = response.get("body") or ""
    if response.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    return Answer(response["statusCode"], response.get("multiValueHeaders") or {}, body)


def scheduled_event() -> dict:
    """What the 5-minute rule delivers: Zappa names the rule after the function and reads the
    function back from the rule's name (the part after the last '-')."""
    from zappa.core import Zappa

    settings = importlib.import_module("zappa_settings")  # the generated module: project and stage
    (schedule,) = [e for e in zappa_stage_events() if "expression" in e]
    rule = Zappa(load_credentials=False, aws_region=REGION).get_scheduled_event_name(
        schedule, schedule["function"], f"{settings.PROJECT_NAME}-{settings.API_STAGE}")
    return {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events",
            "account": DEFAULT_ACCOUNT_ID, "time": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": REGION, "resources": [f"arn:aws-cn:events:{REGION}:{DEFAULT_ACCOUNT_ID}:rule/{rule}"],
            "detail": {}, "kwargs": {}}


def s3_event(bucket: str, key: str, configuration_id: str) -> dict:
    """An S3 notification as Lambda receives it; the key URL-encoded as S3 sends it."""
    return {"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": REGION, "eventName": "ObjectCreated:Post",
        "eventTime": datetime.now(timezone.utc).isoformat(), "userIdentity": {"principalId": "AWS:ANONYMOUS"},
        "s3": {"s3SchemaVersion": "1.0", "configurationId": configuration_id,
               "bucket": {"name": bucket, "arn": f"arn:aws-cn:s3:::{bucket}",
                          "ownerIdentity": {"principalId": "A1B2C3"}},
               "object": {"key": quote_plus(key), "size": 1234, "sequencer": "0055AED6DCD90281E5"}},
    }]}


# --- helpers ---------------------------------------------------------------------------


def new_token(aws_lambda: Lambda, **kwargs) -> str:
    response = answer(aws_lambda.invoke(json_event("/api/v1/filing-tokens", {}, **kwargs)))
    assert response.status == 201, response.text
    return response.json()["token"]


def complaint(token: str, **fields) -> dict:
    return {"token": token, "category": "c1-no-planning-permit", "description": DESCRIPTION,
            "address": "霞阳镇示例村", "lat": 26.49, "lng": 113.77, **fields}


def stored_complaints(dynamodb_local, table: str) -> list[dict]:
    client = dynamodb_local.client()
    try:
        items = client.scan(TableName=table, FilterExpression="begins_with(pk, :p) AND sk = :s",
                            ExpressionAttributeValues={":p": {"S": "CMP#"}, ":s": {"S": "#META"}})["Items"]
    finally:
        client.close()
    return [json.loads(item["body"]["S"]) for item in items]


def sent_codes(twilio: FakeTwilioApi, phone: str) -> list[str]:
    return [re.search(r"验证码(\d{6})", m.body).group(1) for m in twilio.messages if m.to == phone and "验证码" in m.body]


# --- API Gateway -------------------------------------------------------------------------


def test_the_json_api_files_a_complaint_into_dynamodb_and_reads_its_status(aws_lambda, dynamodb_local):
    table = aws_lambda.env["PORTAL_DYNAMODB_TABLE"]
    description = f"{DESCRIPTION}（{uuid.uuid4().hex[:8]}）"
    token = new_token(aws_lambda)

    filed = answer(aws_lambda.invoke(json_event("/api/v1/complaints", complaint(
        token, phone="13800138001", description=description))))

    assert filed.status == 201, filed.text
    receipt = filed.json()["receipt"]
    assert len(receipt) == 16 and filed.json()["phone_verification_required"] is True
    [stored] = [c for c in stored_complaints(dynamodb_local, table) if c.get("description") == description]
    assert json.dumps(stored).count("13800138001") == 0  # the phone only as a KMS envelope and a hash
    assert "env1.kms." in json.dumps(stored)
    assert sent_codes(aws_lambda.twilio, "+8613800138001")  # the code SMS went out through Twilio

    status = answer(aws_lambda.invoke(json_event("/api/v1/status", {"receipt": receipt})))
    assert status.status == 200, status.text
    assert status.json()["category"] and status.json()["lead_department"] == "县自然资源局"
    assert status.headers["Cache-Control"] == ["no-store"]


def test_the_html_form_files_a_complaint_and_the_receipt_opens_its_status(aws_lambda):
    page = answer(aws_lambda.invoke(api_event("GET", "/report", client_ip="198.51.100.20")))
    assert page.status == 200 and page.headers["Content-Type"] == ["text/html; charset=utf-8"]
    assert f"https://{aws_lambda.env['PORTAL_S3_INCOMING_BUCKET']}.s3.{REGION}.amazonaws.com.cn" in \
        page.headers["Content-Security-Policy"][0]  # the browser may post photos to the incoming bucket only

    filed = answer(aws_lambda.invoke(form_event("/report", {
        "token": form_token(page.text), "category": "c8-outdoor-signs", "description": "主街路口有人没经批准立起了一块大广告牌。",
        "lat": "26.492", "lng": "113.770"}, client_ip="198.51.100.20")))

    assert filed.status == 200, filed.text
    receipt = receipt_from(filed.text)
    assert "Set-Cookie" not in filed.headers and "set-cookie" not in filed.headers  # citizens get no cookie
    status = answer(aws_lambda.invoke(form_event("/status", {"receipt": receipt}, client_ip="198.51.100.20")))
    assert status.status == 200
    assert "已收到，等待受理" in status.text and "县城市管理和综合执法局" in status.text


def test_behind_the_apis_own_url_links_carry_the_stage(aws_lambda):
    """Without a county host in front, requests reach the API's own URL, whose first path
    segment is the stage; Zappa hands it to the app as the script name."""
    host = f"a1b2c3d4e5.execute-api.{REGION}.amazonaws.com.cn"
    page = answer(aws_lambda.invoke(api_event("GET", "/report", host=host)))
    assert page.status == 200
    assert f'href="/{STAGE}/static/css/citizen.css' in page.text and 'action="/dev/report"' in page.text


def test_map_tiles_come_through_the_handler_as_images(aws_lambda):
    """A tile reaches the browser as PNG bytes, base64-encoded for API Gateway's binary media
    types (the county's own layers here: the demo county names no upstream)."""
    from portal.domain.basemap import world_pixel

    x, y = world_pixel(113.77, 26.49, 12)
    tile = aws_lambda.invoke(api_event("GET", f"/tiles/county/12/{int(x // 256)}/{int(y // 256)}.png"))
    assert tile["statusCode"] == 200 and tile["isBase64Encoded"]
    assert base64.b64decode(tile["body"]).startswith(b"\x89PNG\r\n\x1a\n")
    assert tile["multiValueHeaders"]["Content-Type"] == ["image/png"]


def test_no_client_address_user_agent_or_query_reaches_the_log(aws_lambda, caplog):
    with caplog.at_level(logging.DEBUG):
        aws_lambda.invoke(api_event("GET", "/", query={"lang": "en"}, client_ip="192.0.2.199"))
        aws_lambda.invoke(json_event("/api/v1/status", {"receipt": "1234567812345678"}, client_ip="192.0.2.199"))
    text = "\n".join(r.getMessage() for r in caplog.records)
    for private in ("192.0.2.199", "portal-test-agent", "lang=en", "1234567812345678"):
        assert private not in text


def test_rate_limits_count_the_source_address_api_gateway_saw_not_x_forwarded_for(aws_lambda):
    """Behind the stack's regional API, ``X-Forwarded-For`` is what the client wrote followed by
    the source address; Zappa's ``REMOTE_ADDR`` takes the second-to-last entry, i.e. the
    client's own words. The limits count ``requestContext.identity.sourceIp`` instead: a
    guesser writing a new address into the header each time is still one client, and an
    address it wrote there does not spend anyone else's budget."""
    from portal.services import ratelimit

    guesser, neighbour = "198.51.100.60", "198.51.100.61"

    def wrong_receipt(source: str, spoofed: str) -> int:
        return answer(aws_lambda.invoke(json_event("/api/v1/status", {"receipt": "1234567812345678"},
                                                   client_ip=source, sent_forwarded_for=spoofed))).status

    allowed = ratelimit.allowed(aws_lambda_deps(), "receipt_miss")
    assert [wrong_receipt(guesser, f"6.6.6.{n}") for n in range(allowed)] == [400] * allowed
    assert wrong_receipt(guesser, "6.6.6.250") == 429  # a fresh spoofed address changes nothing
    assert wrong_receipt(neighbour, "6.6.6.6") == 400  # the guesser's spoofed value is not the neighbour's key


def aws_lambda_deps():
    import portal.runtime

    return portal.runtime.services()


# --- errors ------------------------------------------------------------------------------


def test_an_exception_in_the_app_answers_the_portals_error_page_without_a_traceback(aws_lambda, monkeypatch):
    from portal.services import filing_tokens

    def broken(*_args, **_kwargs):
        raise RuntimeError("store password hunter2 rejected")

    monkeypatch.setattr(filing_tokens, "issue", broken)

    page = answer(aws_lambda.invoke(api_event("GET", "/report")))
    assert page.status == 500 and page.headers["Content-Type"] == ["text/html; charset=utf-8"]
    assert ERROR_TEXT in page.text and "<html" in page.text
    api = answer(aws_lambda.invoke(json_event("/api/v1/filing-tokens", {})))
    assert api.status == 500 and api.json()["message"].startswith(ERROR_TEXT)
    for leaked in (page.text, api.text):
        assert "Traceback" not in leaked and "hunter2" not in leaked and "RuntimeError" not in leaked


def test_an_error_escaping_the_app_gets_zappas_plain_500_without_a_traceback(aws_lambda, monkeypatch):
    """debug is false in zappa_settings.json: were it true, Zappa would put the traceback in the body."""
    from portal.services import filing_tokens
    from portal.web import errors

    def broken(*_args, **_kwargs):
        raise RuntimeError("store password hunter2 rejected")

    monkeypatch.setattr(filing_tokens, "issue", broken)
    monkeypatch.setattr(errors, "render_error", broken)  # the error page itself fails

    response = aws_lambda.invoke(api_event("GET", "/report"))

    assert aws_lambda.settings.DEBUG is False
    assert response["statusCode"] == 500
    assert "Traceback" not in response["body"] and "hunter2" not in response["body"] and "File " not in response["body"]


# --- the schedule ------------------------------------------------------------------------


def test_the_five_minute_schedule_runs_the_sweeper_which_sends_what_failed(aws_lambda):
    """The code SMS fails at filing (Twilio unavailable); the sweeper, run by the 5-minute rule
    through Zappa's routing, sends it once its retry is due."""
    import portal.runtime

    phone = "+8613800138002"
    aws_lambda.twilio.fail_next(1, status=503)
    token = new_token(aws_lambda, client_ip="198.51.100.30")
    filed = answer(aws_lambda.invoke(json_event("/api/v1/complaints", complaint(token, phone=phone[3:]),
                                                client_ip="198.51.100.30")))
    assert filed.status == 201, filed.text
    assert sent_codes(aws_lambda.twilio, phone) == []

    first = aws_lambda.invoke(scheduled_event())
    assert isinstance(first, dict) and first["errors"] == 0 and sent_codes(aws_lambda.twilio, phone) == []

    container = portal.runtime.services()  # built from the environment by the first run, kept warm
    real_clock = container.clock
    container.clock = ManualClock(datetime.now(timezone.utc) + timedelta(minutes=2))  # the retry is due
    try:
        second = aws_lambda.invoke(scheduled_event())
    finally:
        container.clock = real_clock

    assert second["errors"] == 0 and second["messages"].get("sent", 0) >= 1
    [code] = sent_codes(aws_lambda.twilio, phone)
    verified = answer(aws_lambda.invoke(json_event("/api/v1/status/verify", {"receipt": filed.json()["receipt"],
                                                                             "code": code},
                                                   client_ip="198.51.100.30")))
    assert verified.status == 200, verified.text


# --- the S3 trigger ----------------------------------------------------------------------


def test_an_upload_to_the_incoming_bucket_runs_the_sanitiser_and_the_filing_takes_the_photo(aws_lambda):
    from zappa.utilities import add_event_source

    env = aws_lambda.env
    incoming, evidence = env["PORTAL_S3_INCOMING_BUCKET"], env["PORTAL_S3_EVIDENCE_BUCKET"]
    # the trigger exactly as `zappa deploy` configures it from the stage's event source
    (upload_event,) = [e for e in zappa_stage_events() if "event_source" in e]
    logging.disable(logging.ERROR)  # moto has no function to grant S3 the invoke permission on
    try:
        add_event_source(upload_event["event_source"], FUNCTION_ARN, upload_event["function"],
                         boto3.Session(region_name=REGION))
    finally:
        logging.disable(logging.NOTSET)
    (trigger,) = boto3.client("s3", region_name=REGION).get_bucket_notification_configuration(
        Bucket=incoming)["LambdaFunctionConfigurations"]
    assert trigger["Events"] == ["s3:ObjectCreated:*"]
    assert trigger["Filter"] == {"Key": {"FilterRules": [{"Name": "prefix", "Value": "incoming/"}]}}

    token = new_token(aws_lambda, client_ip="198.51.100.40")
    form = answer(aws_lambda.invoke(json_event("/api/v1/uploads/presign", {"token": token},
                                               client_ip="198.51.100.40"))).json()
    browser_post(form, images.phone_jpeg(), "image/jpeg")
    upload_id = form["upload_id"]

    outcome = aws_lambda.invoke(s3_event(incoming, f"incoming/{upload_id}", trigger["Id"]))

    assert outcome == {"records": 1, "outcomes": {"ready": 1}}
    assert objects(incoming) == [] and objects(evidence) == [f"evidence/{upload_id}.jpg"]
    clean = boto3.client("s3", region_name=REGION).get_object(Bucket=evidence, Key=f"evidence/{upload_id}.jpg")
    assert images.SERIAL.encode() not in clean["Body"].read() and clean["ServerSideEncryption"] == "aws:kms"
    state = answer(aws_lambda.invoke(api_event("GET", f"/api/v1/uploads/{upload_id}", extra_headers={"X-Filing-Token": token},
                                               client_ip="198.51.100.40")))
    assert state.json()["status"] == "ready"
    filed = answer(aws_lambda.invoke(json_event("/api/v1/complaints", complaint(
        token, upload_ids=[upload_id], confirmed_exif=[upload_id]), client_ip="198.51.100.40")))
    assert filed.status == 201, filed.text


def zappa_stage_events() -> list[dict]:
    settings = json.loads((ROOT / "zappa_settings.json").read_text())
    text = json.dumps(settings[STAGE]["events"])
    for placeholder, value in FILLED.items():
        text = text.replace(placeholder, value)
    return json.loads(text)


def test_the_app_and_the_functions_share_one_set_of_services(aws_lambda):
    """A cold container reads SSM once: the web app, the sweeper and the S3 trigger share services."""
    import functions.uploads
    import portal.runtime
    import portal.wsgi

    aws_lambda.invoke(json_event("/api/v1/filing-tokens", {}))  # the container has served a request
    shared = portal.runtime.services()
    assert portal.wsgi.app.extensions["portal"] is shared
    assert functions.uploads.get_deps() is shared
