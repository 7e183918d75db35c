"""The AWS requests of one complaint's life on the serverless deployment, counted, per service
and operation, with DynamoDB's read and write request units; beside them, what a warm-up
(building the services), an idle sweep (with 1 county, and with a province of 122: the tests'
made-up counties) and single page views cost. The totals are printed as ratios to the figures
before issue 21 and beside its targets, and kept in ``bench/results/aws_calls.json``: the
input of the README's "What it costs" section (``scripts/readme_benches.py`` writes it).

    .venv/bin/python bench/aws_calls.py [--counties 122] [--port P]   # needs the test install: bash scripts/setup.sh --test

``--port`` puts DynamoDB Local on that loopback port (default: a free one).

The life: a reporter opens the form (page, scripts, map), uploads one photo the way the
browser does (presigned POST straight to the incoming bucket, polled until the S3-triggered
sanitiser has cleaned it), files with a phone, confirms the code from the SMS and looks at
the status; the department accepts the complaint and concludes it (through the services,
as the staff app does); Twilio posts signed "sent" and "delivered" callbacks for every SMS,
and the delivered result closes the complaint. The steps are hours or days apart, so the
KMS data-key caches start empty at each step, as they would in a fresh Lambda container.

Everything the app's boto3 clients send is counted from botocore's event hooks (registered
on the session the adapters create their clients from): ``after-call`` for the calls, and a
``before-parameter-build`` hook that asks DynamoDB for ``ReturnConsumedCapacity`` so the
request units are DynamoDB Local's own accounting (transactions 2x, index writes, item
sizes). DynamoDB Local holds the table; moto plays S3, KMS and SSM; the fake Twilio API
takes the SMS. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import secrets
import sys
import tempfile
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote_plus

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the local stand-ins live with the tests

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402

from functions import deadlines as sweeper_function  # noqa: E402
from functions import uploads as upload_function  # noqa: E402
from portal import create_app  # noqa: E402
from portal.config import Settings  # noqa: E402
from portal.crypto.envelope import b64e  # noqa: E402
from portal.county_registry import load_registry  # noqa: E402
from portal.crypto.kms_keyring import KmsKeyring  # noqa: E402
from portal.domain.complaint import Finding, Measures  # noqa: E402
from portal.services.deps import build_deps  # noqa: E402
from portal.services.notifications import commit_complaint  # noqa: E402
from portal.store.dynamodb import DynamoStore  # noqa: E402
from bench.results import record  # noqa: E402
from tests.aws import browser_post  # noqa: E402
from tests.conftest import form_token, receipt_from  # noqa: E402
from tests.fakes import images  # noqa: E402
from tests.fakes.clock import ManualClock  # noqa: E402
from tests.fakes.dynamodb_local import DynamoDBLocal  # noqa: E402
from tests.fakes.province import write_province  # noqa: E402
from tests.fakes.twilio_api import FakeTwilioApi, flask_poster  # noqa: E402

REGION = "cn-north-1"
STAGE = "prod"
TABLE = f"complaint-portal-{STAGE}"
INCOMING, EVIDENCE = f"complaint-portal-{STAGE}-incoming", f"complaint-portal-{STAGE}-evidence"
KEY_ALIAS = f"alias/complaint-portal-{STAGE}"
SSM_PREFIX = f"/complaint-portal/{STAGE}/"
PUBLIC_URL = "https://jubao.example.test"
ACCOUNT, SERVICE, TOKEN = "AC" + secrets.token_hex(16), "MG" + secrets.token_hex(16), secrets.token_hex(16)
SWEEP_ONE = "one sweep, nothing due, 1 county"
SWEEP_PROVINCE = "one sweep, nothing due, a province"
WARM_UP = "warm-up: services built (per container)"
#: issue 21's figures for one life before the work, and its targets
BEFORE = {"calls": 121, "rru": 74, "wru": 893}
TARGET = {"calls": 60, "wru": 250, "sweep": 10}
READS = {"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"}
#: what Leaflet's stylesheet and script load besides what the page names (the pin's images)
MAP_IMAGES = ("/static/vendor/leaflet/images/marker-icon.png", "/static/vendor/leaflet/images/marker-shadow.png")


def page_assets(html: str) -> list[str]:
    """What the form page loads from the portal besides itself: the stylesheets, scripts and
    icon it names (fingerprinted names), and the map's pin images."""
    named = re.findall(r'<(?:script|link)\b[^>]*\s(?:src|href)="(/static/[^"]+)"', html)
    return list(dict.fromkeys(named)) + list(MAP_IMAGES)


class AwsCalls:
    """Counts, per step, every call of the clients created from ``events``' session."""

    def __init__(self, events, twilio: FakeTwilioApi):
        self.twilio = twilio
        self.calls: dict[str, Counter] = defaultdict(Counter)  # step -> (service, operation) -> calls
        self.units: dict[str, Counter] = defaultdict(Counter)  # step -> (service, operation) -> RRU or WRU
        self.requests: Counter = Counter()  # step -> HTTP requests to the portal (API Gateway, Lambda)
        self.invocations: Counter = Counter()  # step -> other Lambda invocations (S3 trigger, schedule)
        self.browser_s3: Counter = Counter()  # step -> POSTs a browser sends to the incoming bucket
        self.sms: Counter = Counter()  # step -> SMS segments handed to Twilio
        self.seconds: Counter = Counter()  # step -> wall time spent in the app
        self.step = "setup"
        events.register("before-parameter-build.dynamodb", self._ask_for_capacity)
        events.register("after-call", self._count)

    @staticmethod
    def _ask_for_capacity(params, model, **_):
        if "ReturnConsumedCapacity" in model.input_shape.members:
            params.setdefault("ReturnConsumedCapacity", "TOTAL")

    def _count(self, parsed, model, **_):
        key = (model.service_model.service_id, model.name)
        self.calls[self.step][key] += 1
        consumed = parsed.get("ConsumedCapacity") if isinstance(parsed, dict) else None
        for entry in consumed if isinstance(consumed, list) else [consumed] if consumed else []:
            self.units[self.step][key] += entry.get("CapacityUnits", 0)

    @contextmanager
    def counting(self, step: str):
        self.step = step
        sent, started = len(self.twilio.messages), time.perf_counter()
        try:
            yield
        finally:
            self.seconds[step] += time.perf_counter() - started
            self.sms[step] += sum(sms_segments(m.body) for m in self.twilio.messages[sent:])
            self.step = "setup"


def sms_segments(body: str) -> int:
    """SMS segments of a Chinese text (UCS-2: 70 characters alone, 67 per part)."""
    return 1 if len(body) <= 70 else -(-len(body) // 67)


class Portal:
    """The app and the functions on one set of services, with counted requests."""

    def __init__(self, deps, counter: AwsCalls, twilio: FakeTwilioApi, clock: ManualClock):
        self.deps, self.counter, self.twilio, self.clock = deps, counter, twilio, clock
        self.client = create_app(deps.settings, deps).test_client()
        self.base = {"base_url": PUBLIC_URL, "environ_base": {"REMOTE_ADDR": "203.0.113.5"}}
        upload_function._deps = deps

    def request(self, method: str, path: str, **kwargs):
        self.counter.requests[self.counter.step] += 1
        response = self.client.open(path, method=method, **self.base, **kwargs)
        if response.status_code >= 400:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.get_data(as_text=True)[:300]}")
        return response

    def fresh_caches(self) -> None:
        """Hours pass between steps, in a fresh container: the data keys the keyring cached have
        expired, and nothing the process kept (calendar, salt, schedules) is known yet."""
        self.deps.keyring = KmsKeyring.from_settings(self.deps.settings)
        self.deps.forget_caches()


def complaint_life(portal: Portal, counter: AwsCalls) -> dict:
    clock, twilio = portal.clock, portal.twilio
    with counter.counting("1 form page: page, its assets, map"):
        form = portal.request("GET", "/report")
        for asset in page_assets(form.get_data(as_text=True)):
            portal.request("GET", asset)
        portal.request("GET", "/api/v1/map")
        portal.request("GET", "/api/v1/places", query_string={"lat": "26.49", "lng": "113.77"})
    token = form_token(form.get_data(as_text=True))

    portal.fresh_caches()
    with counter.counting("2 photo: presign, browser POST, sanitiser, 2 polls"):
        presigned = portal.request("POST", "/api/v1/uploads/presign", json={"token": token}).get_json()
        browser_post(presigned, images.phone_jpeg(), "image/jpeg")
        counter.browser_s3[counter.step] += 1
        upload_id = presigned["upload_id"]
        portal.request("GET", f"/api/v1/uploads/{upload_id}", headers={"X-Filing-Token": token})
        counter.invocations[counter.step] += 1
        upload_function.handler({"Records": [{
            "eventSource": "aws:s3", "eventName": "ObjectCreated:Post", "awsRegion": REGION,
            "s3": {"configurationId": f"complaint-portal-{STAGE}", "bucket": {"name": INCOMING},
                   "object": {"key": quote_plus(f"incoming/{upload_id}")}}}]}, None)
        portal.request("GET", f"/api/v1/uploads/{upload_id}", headers={"X-Filing-Token": token})

    with counter.counting("3 filing (form post) and code SMS"):
        filed = portal.request("POST", "/report", data={
            "token": token, "category": "c1-no-planning-permit", "description": "村口新建三层楼房，没有看到规划许可公示。",
            "lat": "26.49", "lng": "113.77", "phone": "13800138000", "exif_reviewed": "1",
            "upload_ids": [upload_id], "confirm_exif": [upload_id]})
    receipt = receipt_from(filed.get_data(as_text=True))
    code = re.search(r"验证码(\d{6})", twilio.messages[-1].body).group(1)
    complaint_id = _complaint_id(portal, token)  # not counted: the bench's own lookup

    clock.advance(minutes=3)
    portal.fresh_caches()
    with counter.counting("4 phone verified and its SMS"):
        portal.request("POST", "/status/verify", data={"receipt": receipt, "code": code})

    clock.advance(hours=4)
    portal.fresh_caches()
    with counter.counting("5 status page viewed"):
        portal.request("POST", "/status", data={"receipt": receipt})

    clock.advance(hours=20)
    portal.fresh_caches()
    with counter.counting("6 accepted (staff) and its SMS"):
        complaint = portal.deps.repos.complaints.get(complaint_id)
        complaint.accept(clock.now(), "zhang.wei", complaint.lead)
        commit_complaint(portal.deps, complaint, clock.now())

    clock.advance(days=5)
    portal.fresh_caches()
    with counter.counting("7 concluded (staff) and the result SMS"):
        complaint = portal.deps.repos.complaints.get(complaint_id)
        complaint.conclude(clock.now(), "zhang.wei", complaint.lead, Finding.SUBSTANTIATED,
                           Measures(summary="未批先建三层楼房", method="责令限期拆除"),
                           "违法建筑已责令当事人自行拆除，现场已恢复原状。", portal.deps.calendar())
        commit_complaint(portal.deps, complaint, clock.now())

    clock.advance(minutes=1)
    portal.fresh_caches()
    poster = flask_poster(portal.client)
    with counter.counting("8 Twilio callbacks: sent + delivered per SMS"):
        for message in list(twilio.messages):
            for status in ("sent", "delivered"):
                counter.requests[counter.step] += 1
                twilio.send_status(message.sid, status, poster)
    closed = portal.deps.repos.complaints.get(complaint_id)
    item = portal.deps.store._client.get_item(TableName=TABLE, Key={"pk": {"S": f"CMP#{complaint_id}"},
                                                                      "sk": {"S": "#META"}})["Item"]
    size = sum(len(k) + len(str(next(iter(v.values()))).encode()) for k, v in item.items())
    indexes = sum(k.endswith("_pk") for k in item)
    print(f"complaint {closed.status.value}; {len(twilio.messages)} SMS to the reporter; its item is "
          f"{size / 1024:.1f} KB, in {indexes} indexes ({projections(portal)})")
    return {"item_kb": round(size / 1024, 1), "item_indexes": indexes, "projections": projections(portal)}


def projections(portal: Portal) -> str:
    """The indexes' projections, e.g. "6 INCLUDE (keys and expiry)"."""
    table = portal.deps.store._client.describe_table(TableName=TABLE)["Table"]
    kinds = Counter(ix["Projection"]["ProjectionType"] for ix in table["GlobalSecondaryIndexes"])
    return ", ".join(f"{n} projecting {kind}" for kind, n in sorted(kinds.items()))


def _complaint_id(portal: Portal, token: str) -> str:
    from portal.services import filing_tokens

    submission = filing_tokens.open_token(portal.deps, token, portal.clock.now()).submission_hash(portal.deps)
    return portal.deps.repos.complaints.id_for_submission(submission)


def idle_sweep(portal: Portal, counter: AwsCalls, step: str) -> None:
    """The deployment's first sweep with these counties (it creates their review schedules: not
    counted), then a sweep five minutes later in a fresh container, with nothing due (counted)."""
    portal.clock.advance(minutes=10)
    sweeper_function.handler({"detail-type": "Scheduled Event"}, None, deps=portal.deps)
    portal.clock.advance(minutes=5)
    portal.fresh_caches()
    with counter.counting(step):
        counter.invocations[counter.step] += 1
        report = sweeper_function.handler({"detail-type": "Scheduled Event"}, None, deps=portal.deps)
    if report["due"]:
        print(f"(the idle sweep found {report['due']} due items)")


def other_costs(portal: Portal, counter: AwsCalls, province: int) -> None:
    idle_sweep(portal, counter, SWEEP_ONE)
    with tempfile.TemporaryDirectory() as folder:
        write_province(Path(folder), province)
        one = portal.deps.counties
        portal.deps.counties = load_registry([folder])  # the same deployment, now serving a province
        try:
            idle_sweep(portal, counter, SWEEP_PROVINCE)
        finally:
            portal.deps.counties = one
    for step, method, path, kwargs in (
            ("view: home page", "GET", "/", {}),
            ("view: form page alone", "GET", "/report", {}),
            ("view: catalog API", "GET", "/api/v1/catalog", {}),
            ("view: unknown receipt", "POST", "/status", {"data": {"receipt": "1234 5678 1234 5678"}})):
        with counter.counting(step):
            try:
                portal.request(method, path, **kwargs)
            except RuntimeError:
                pass  # the unknown receipt is answered 404: still a counted request


def print_storage(local: DynamoDBLocal) -> float:
    """What DynamoDB bills storage for after one life (the table was empty): the items and
    their copies in the indexes; short-lived items (rate counters, salts) included."""
    client = local.client()
    try:
        table = client.describe_table(TableName=TABLE)["Table"]
    finally:
        client.close()
    indexes = sum(ix.get("IndexSizeBytes", 0) for ix in table["GlobalSecondaryIndexes"])
    print(f"DynamoDB storage after the life: {table['TableSizeBytes'] / 1024:.1f} KB in {table['ItemCount']} items, "
          f"{indexes / 1024:.1f} KB more in the indexes")
    return round((table["TableSizeBytes"] + indexes) / 1024, 1)


#: when the life starts: a fixed instant, so that every run counts the same calls (started near
#: midnight in China, a step hours later would create the next day's salt, two calls and 4 WRU
#: more); a Tuesday, 09:30 in China, a working week ahead
START = datetime(2026, 11, 3, 1, 30, tzinfo=timezone.utc)

def row(counter: AwsCalls, step: str) -> tuple:
    """(HTTP requests, other invocations, DynamoDB calls, RRU, WRU, S3, KMS, SSM, SMS segments, ms)."""
    calls, units = counter.calls[step], counter.units[step]
    ddb = {op: n for (svc, op), n in calls.items() if svc == "DynamoDB"}
    rru = sum(u for (svc, op), u in units.items() if svc == "DynamoDB" and op in READS)
    wru = sum(u for (svc, op), u in units.items() if svc == "DynamoDB" and op not in READS)
    s3 = sum(n for (svc, _), n in calls.items() if svc == "S3") + counter.browser_s3[step]
    kms = sum(n for (svc, _), n in calls.items() if svc == "KMS")
    ssm = sum(n for (svc, _), n in calls.items() if svc == "SSM")
    return (counter.requests[step], counter.invocations[step], sum(ddb.values()), rru, wru, s3, kms, ssm,
            counter.sms[step], counter.seconds[step] * 1000)


def print_tables(counter: AwsCalls, life_steps: list[str], other_steps: list[str]) -> None:
    header = f"{'step':52} {'HTTP':>4} {'other':>5} {'DDB':>4} {'RRU':>6} {'WRU':>6} {'S3':>3} {'KMS':>3} {'SSM':>3} {'SMS':>3} {'app ms':>7}"
    print("\nper step (HTTP: requests through API Gateway, each a Lambda invocation; other: S3 trigger or "
          "schedule invocations;\nDDB: DynamoDB calls; S3 includes the browser's POST; SMS: segments; app ms: "
          "time in the app on this machine)")
    print(header)
    total = [0] * 10
    for step in life_steps:
        values = row(counter, step)
        total = [a + b for a, b in zip(total, values)]
        print(f"{step:52} {values[0]:4} {values[1]:5} {values[2]:4} {values[3]:6.1f} {values[4]:6.1f} {values[5]:3} "
              f"{values[6]:3} {values[7]:3} {values[8]:3} {values[9]:7.0f}")
    print(f"{'one complaint life, total':52} {total[0]:4} {total[1]:5} {total[2]:4} {total[3]:6.1f} {total[4]:6.1f} "
          f"{total[5]:3} {total[6]:3} {total[7]:3} {total[8]:3} {total[9]:7.0f}")
    for step in other_steps:
        values = row(counter, step)
        print(f"{step:52} {values[0]:4} {values[1]:5} {values[2]:4} {values[3]:6.1f} {values[4]:6.1f} {values[5]:3} "
              f"{values[6]:3} {values[7]:3} {values[8]:3} {values[9]:7.0f}")

    print("\none complaint life, per service and operation")
    print(f"{'service':10} {'operation':28} {'calls':>5} {'RRU':>7} {'WRU':>7}")
    calls, units = Counter(), Counter()
    for step in life_steps:
        calls.update(counter.calls[step])
        units.update(counter.units[step])
    for (service, operation), n in sorted(calls.items()):
        unit = units[(service, operation)]
        rru, wru = (unit, 0.0) if operation in READS else (0.0, unit)
        shown = (f"{rru:7.1f} {wru:7.1f}") if service == "DynamoDB" else f"{'':7} {'':7}"
        print(f"{service:10} {operation:28} {n:5} {shown}")
    browser = sum(counter.browser_s3[s] for s in life_steps)
    print(f"{'S3':10} {'POST (browser upload)':28} {browser:5}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counties", type=int, default=122, help="the province of the second idle sweep")
    parser.add_argument("--port", type=int, default=None, help="DynamoDB Local's port on 127.0.0.1 (default: a free one)")
    args = parser.parse_args()
    with DynamoDBLocal(port=args.port) as local, mock_aws(), FakeTwilioApi(ACCOUNT, TOKEN) as twilio:
        print(f"DynamoDB Local on {local.endpoint_url}")
        os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION=REGION)
        admin = DynamoStore(local.client(), TABLE)
        admin.create_table()
        s3 = boto3.client("s3", region_name=REGION)
        for bucket in (INCOMING, EVIDENCE):
            s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
        kms = boto3.client("kms", region_name=REGION)
        key = kms.create_key(Description="bench")["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=KEY_ALIAS, TargetKeyId=key)
        ssm = boto3.client("ssm", region_name=REGION)
        for name, value in (("secret-key", b64e(os.urandom(32))), ("hash-key", b64e(os.urandom(32))),
                            ("twilio-auth-token", TOKEN)):
            ssm.put_parameter(Name=SSM_PREFIX + name, Value=value, Type="SecureString", KeyId=key)

        boto3.setup_default_session(region_name=REGION)  # the session the adapters' clients come from
        counter = AwsCalls(boto3.DEFAULT_SESSION.events, twilio)
        clock = ManualClock(START)
        settings = Settings.from_env(
            {}, store="dynamodb", dynamodb_table=TABLE, dynamodb_endpoint=local.endpoint_url, aws_region=REGION,
            blobs="s3", s3_incoming_bucket=INCOMING, s3_evidence_bucket=EVIDENCE, keyring="kms", kms_key_id=KEY_ALIAS,
            secrets="ssm", ssm_prefix=SSM_PREFIX, sms="twilio", twilio_account_sid=ACCOUNT,
            twilio_messaging_service_sid=SERVICE, twilio_api_base=twilio.url, public_url=PUBLIC_URL,
            log_level="WARNING")
        logging.getLogger("responses").setLevel(logging.WARNING)  # moto lets DynamoDB Local and Twilio through
        with counter.counting(WARM_UP):
            store = DynamoStore(boto3.client("dynamodb", region_name=REGION, endpoint_url=local.endpoint_url),
                                TABLE, epoch=clock.epoch)
            deps = build_deps(settings, clock=clock, store=store)
        portal = Portal(deps, counter, twilio, clock)
        try:
            item = complaint_life(portal, counter)
            storage_kb = print_storage(local)
            other_costs(portal, counter, args.counties)
        finally:
            deps.close()
            admin.close()
        life = sorted({s for s in counter.calls.keys() | counter.requests.keys() if s[0].isdigit()})
        print_tables(counter, life, [WARM_UP, SWEEP_ONE, SWEEP_PROVINCE,
                                     "view: home page", "view: form page alone", "view: catalog API",
                                     "view: unknown receipt"])
        summary(counter, life, item, storage_kb, args.counties)


def summary(counter: AwsCalls, life: list[str], item: dict, storage_kb: float, counties: int) -> None:
    """The life's totals beside the figures before issue 21 and its targets, as ratios; kept for
    the README (its performance table and its "What it costs" section)."""
    total = [sum(values) for values in zip(*(row(counter, step) for step in life))]
    requests, other, calls, rru, wru, s3, kms, _, sms, _ = total
    life_calls = Counter()
    for step in life:
        life_calls.update(counter.calls[step])
    one, many = row(counter, SWEEP_ONE), row(counter, SWEEP_PROVINCE)
    status = row(counter, "5 status page viewed")
    print(f"\none complaint life: {calls} DynamoDB calls ({calls / BEFORE['calls']:.2f} x the {BEFORE['calls']} before, "
          f"{calls / TARGET['calls']:.2f} x the target {TARGET['calls']}), {wru:.0f} WRU "
          f"({wru / BEFORE['wru']:.2f} x the {BEFORE['wru']} before, {wru / TARGET['wru']:.2f} x the target "
          f"{TARGET['wru']}), {rru:.0f} RRU ({rru / BEFORE['rru']:.2f} x the {BEFORE['rru']} before)")
    print(f"idle sweep: {many[2]} DynamoDB calls with {counties} counties, {one[2]} with 1: ratio {many[2] / one[2]:.2f} "
          f"(target: at most {TARGET['sweep']} calls with {counties} as with 1)")
    record("aws_calls", [
        ("DynamoDB calls, one complaint life", f"{calls} (before: {BEFORE['calls']})", calls / BEFORE["calls"],
         f"≤ {TARGET['calls']}"),
        ("DynamoDB write units, one complaint life", f"{wru:.0f} WRU (before: {BEFORE['wru']})", wru / BEFORE["wru"],
         f"≤ {TARGET['wru']}"),
        (f"DynamoDB calls, an idle sweep, {counties} counties vs 1", f"{many[2]} vs {one[2]}", many[2] / one[2],
         f"≤ {TARGET['sweep']} calls"),
    ], quantities={
        "requests": requests, "other_invocations": other, "dynamodb_calls": calls, "rru": round(rru, 1),
        "wru": round(wru, 1), "transactions": life_calls[("DynamoDB", "TransactWriteItems")],
        "item_kb": item["item_kb"], "item_indexes": item["item_indexes"], "projections": item["projections"],
        "storage_kb": storage_kb, "s3_requests": s3, "s3_gets": life_calls[("S3", "GetObject")],
        "s3_puts_and_posts": life_calls[("S3", "PutObject")] + sum(counter.browser_s3[s] for s in life),
        "kms": kms, "sms_segments": sms, "sweep_calls": one[2], "sweep_calls_province": many[2],
        "province_counties": counties, "status_rru": round(status[3], 1), "status_wru": round(status[4], 1),
        "container_ssm": row(counter, WARM_UP)[7],
    })


if __name__ == "__main__":
    main()
