"""JSON lines for operators: one line per request (request id, the declared route, method,
status, duration), the sweeper's and the SMS sender's events; no address, user agent, query
string, receipt or phone in any of them."""

from __future__ import annotations

import json
import logging

import pytest

from portal.services import sweeper
from portal.web.logs import JsonLines, RedactingFilter
from tests.conftest import PUBLIC_URL, form_token, receipt_from


@pytest.fixture
def lines():
    """Every record, formatted as the deployment formats it."""
    captured: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            captured.append(self.format(record))

    handler = Collect()
    handler.addFilter(RedactingFilter())
    handler.setFormatter(JsonLines())
    root = logging.getLogger()
    root.addHandler(handler)
    old = root.level
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in captured]
    root.removeHandler(handler)
    root.setLevel(old)


def test_each_request_is_one_line_with_its_id_route_status_and_duration_and_nothing_personal(client, lines):
    token = form_token(client.get("/report", base_url=PUBLIC_URL, headers={"User-Agent": "SecretPhone/1.0"}).text)
    filed = client.post("/report?utm=13800138000", base_url=PUBLIC_URL, environ_base={"REMOTE_ADDR": "203.0.113.9"},
                        data={"token": token, "category": "l1-occupy-land", "description": "村口有人占用耕地建房，已经打好地基。",
                              "lat": "26.120", "lng": "113.780", "phone": "13800138000"})
    receipt = receipt_from(filed.text)
    status = client.post("/status", data={"receipt": receipt}, base_url=PUBLIC_URL)
    client.get("/staff/tickets/01ABCDEFGHJKMNPQRSTVWXYZ12", base_url=PUBLIC_URL)
    requests = [line for line in lines() if line.get("event") == "request"]
    assert [(r["method"], r["route"], r["status"]) for r in requests] == [
        ("GET", "/report", 200), ("POST", "/report", 200), ("POST", "/status", 200),
        ("GET", "/staff/tickets/<complaint_id>", 303)]
    assert all(len(r["request_id"]) == 16 and r["duration_ms"] >= 0 for r in requests)
    assert status.headers["X-Request-Id"] == requests[2]["request_id"]
    assert len({r["request_id"] for r in requests}) == 4
    everything = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines())
    for secret in ("203.0.113.9", "SecretPhone", "13800138000", receipt, "utm", "01ABCDEFGHJKMNPQRSTVWXYZ12"):
        assert secret not in everything


def test_the_sweeper_and_the_sms_sender_log_the_events_the_alarms_count(deps, clock, lines):
    from tests.services.helpers import file

    file(deps, phone="13800138000")  # the verification code goes out through the outbox
    clock.advance(days=10)
    sweeper.sweep(deps, clock.now())
    events = [line for line in lines() if "event" in line]
    (sweep,) = [e for e in events if e["event"] == "sweep"]
    assert sweep["dry_run"] is False and sweep["breaches"] >= 1 and sweep["errors"] == 0
    assert {"due", "reminders", "messages_sent", "messages_failed", "mail_stored", "rewrapped"} <= set(sweep)
    assert any(e["event"] == "sms" and e["outcome"] == "sent" and e["kind"] == "code" for e in events)
