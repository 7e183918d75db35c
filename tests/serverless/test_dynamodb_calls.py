"""DynamoDB calls and write units per request kind, counted on DynamoDB Local, so that a change
that adds a call or a write unit to a citizen's or an officer's request fails here
(``bench/aws_calls.py`` prints the same for a whole complaint life, with costs).

Each request runs in a process that has forgotten what it keeps between requests (calendar,
the day's salt, the review schedules seen), as a fresh Lambda container would: the counts are
the worst case of a cold container, not of a warm one. Counts, never times."""

from __future__ import annotations

import re
import uuid
from collections import Counter

import pytest

from portal import create_app
from portal.services import sweeper
from portal.county_registry import load_registry
from portal.services.deps import build_deps
from portal.store.dynamodb import DynamoStore
from tests.conftest import form_token, receipt_from
from tests.fakes.province import write_province
from tests.web.staff_support import fast_argon2, signed_in  # noqa: F401 - fast_argon2 is a fixture
from tests.web.test_staff_actions import MEASURES

pytestmark = pytest.mark.dynamodb

#: the most each request kind may cost: (calls, write request units). Lower a budget when a
#: change makes a request cheaper; a change that needs more explains itself here.
BUDGETS = {
    # salt, the submission's pointer and the village's weekly report (the concealment check,
    # 004 C33, L29; one batched read), rate limit, upload-free filing: sequence, calendar
    # (official years + this year), the code's rate limit, the filing transaction, the code SMS
    # sent (row and provider id)
    "file": (9, 37),
    # salt, both receipt rate counters (one batched read), receipt, complaint, history and
    # disclosures (one query), the reward pointer and the case's reward (one batched read)
    "status": (6, 0),
    # session, account, ticket, the transaction (ticket, event, audit, SMS row claimed), the SMS
    # sent with the ticket's record of it (one transaction), the session's last-seen refresh
    "accept": (6, 27),
    # as accept, plus the calendar (2), the case, its reward and the reward pointer; the reward
    # made eligible and the officer alerted, in the same transaction
    "conclude": (11, 67),
    # the eight due-index shards, the record naming the counties with a review schedule (004
    # C35) and the one naming those with weekly-report schedules (004 C17(1), C18(1), C19)
    "sweep": (10, 0),
}


#: counties of the made-up province the idle sweep is measured with
PROVINCE = 12


class Calls:
    """Every call the store's client sends, with DynamoDB Local's own count of the units."""

    def __init__(self, client):
        self.calls: Counter = Counter()
        self.units: Counter = Counter()
        client.meta.events.register("before-parameter-build.dynamodb", self._ask_for_capacity)
        client.meta.events.register("after-call.dynamodb", self._count)

    @staticmethod
    def _ask_for_capacity(params, model, **_):
        if "ReturnConsumedCapacity" in model.input_shape.members:
            params.setdefault("ReturnConsumedCapacity", "TOTAL")

    def _count(self, parsed, model, **_):
        self.calls[model.name] += 1
        consumed = parsed.get("ConsumedCapacity") if isinstance(parsed, dict) else None
        for entry in consumed if isinstance(consumed, list) else [consumed] if consumed else []:
            if model.name not in ("GetItem", "BatchGetItem", "Query", "Scan"):
                self.units[model.name] += entry.get("CapacityUnits", 0)

    def measure(self, deps, action):
        deps.forget_caches()  # a fresh container
        self.calls.clear()
        self.units.clear()
        result = action()
        return result, sum(self.calls.values()), sum(self.units.values())


@pytest.fixture
def portal(dynamodb_local, settings, clock):
    table = f"calls-{uuid.uuid4().hex}"
    store = DynamoStore(dynamodb_local.client(), table, epoch=clock.epoch)
    store.create_table()
    deps = build_deps(settings, clock=clock, store=store)
    app = create_app(settings, deps)
    app.config["TESTING"] = False
    yield deps, app, Calls(store._client)
    deps.close()
    admin = dynamodb_local.client()
    admin.delete_table(TableName=table)
    admin.close()


def test_calls_and_write_units_per_request_kind_stay_within_their_budgets(portal, clock):
    deps, app, calls = portal
    citizen = app.test_client()
    base = {"base_url": "https://portal.test", "environ_base": {"REMOTE_ADDR": "203.0.113.9"}}
    measured = {}

    def form(token: str) -> dict:
        return {"token": token, "category": "c1-no-planning-permit", "description": "村口新建三层楼房，没有看到规划许可公示。",
                "lat": "26.460", "lng": "113.850", "phone": "13800138000"}

    # someone filed earlier today: the day's salt and the complaint sequence exist
    first = citizen.post("/report", data=form(form_token(citizen.get("/report", **base).text)), **base)
    assert first.status_code == 200
    clock.advance(minutes=30)
    token = form_token(citizen.get("/report", **base).text)
    filed, *measured["file"] = calls.measure(deps, lambda: citizen.post("/report", data=form(token), **base))
    assert filed.status_code == 200, filed.text
    receipt = receipt_from(filed.text)
    complaint = deps.repos.complaints.get_by_receipt(deps.hasher.digest("receipt", receipt))
    complaint_id = complaint.id
    code = re.search(r"验证码(\d{6})", deps.repos.outbox.for_record(f"CMP#{complaint_id}")[0].body).group(1)
    assert citizen.post("/status/verify", data={"receipt": receipt, "code": code}, **base).status_code == 200

    clock.advance(hours=2)
    status, *measured["status"] = calls.measure(deps, lambda: citizen.post("/status", data={"receipt": receipt}, **base))
    assert status.status_code == 200 and "已受理" not in status.text

    staff = signed_in(app, deps, clock, "officer")
    accepted, *measured["accept"] = calls.measure(deps, lambda: staff.act(complaint_id, "accept", {"note": "属实"}))
    assert accepted.status_code == 303, accepted.text
    concluded, *measured["conclude"] = calls.measure(deps, lambda: staff.act(complaint_id, "conclude", MEASURES))
    assert concluded.status_code == 303, concluded.text

    clock.advance(minutes=10)
    sweeper.sweep(deps, clock.now())  # the deployment's first sweep creates the review schedules
    clock.advance(minutes=5)
    report, *measured["sweep"] = calls.measure(deps, lambda: sweeper.sweep(deps, clock.now()))
    assert report.due == 0 and report.errors == 0

    over = {kind: (got, BUDGETS[kind]) for kind, got in measured.items()
            if got[0] > BUDGETS[kind][0] or got[1] > BUDGETS[kind][1]}
    assert not over, f"(calls, write units) over budget: {over}; all: {measured}"


def test_an_idle_sweep_costs_the_same_calls_for_a_province_as_for_one_county(portal, clock, tmp_path):
    """Issue 21: an idle sweep makes no more DynamoDB calls with many counties than with one
    (the due index's shards and one record naming the counties with a review schedule), in a
    fresh container, once the deployment's first sweep has created the schedules."""
    deps, _, calls = portal

    def idle_sweep():
        clock.advance(minutes=10)
        sweeper.sweep(deps, clock.now())  # the first sweep with these counties creates their schedules
        clock.advance(minutes=5)
        report, *cost = calls.measure(deps, lambda: sweeper.sweep(deps, clock.now()))
        assert report.due == 0 and report.errors == 0
        return cost

    one = idle_sweep()
    deps.counties = load_registry(write_province(tmp_path, PROVINCE))
    assert len(deps.counties) == PROVINCE
    province = idle_sweep()
    assert province == one and one[0] <= BUDGETS["sweep"][0], (one, province)
    assert deps.counties._loaded == {}  # the sweep read the codes, no county file whole
