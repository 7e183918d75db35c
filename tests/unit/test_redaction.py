"""The masking every log record and provider error passes through (threat model 5.3 and the
residual-risk row on third-party logs): addresses in every written form go, times and other
colon-separated text stay."""

from __future__ import annotations

import pytest

from portal.redaction import redact


@pytest.mark.parametrize("text, expected", [
    ("client 2409:8a00::1 here", "client [ip] here"),  # compressed, the usual form on Chinese mobile networks
    ("240e:3b4:38e0:1::5", "[ip]"),  # nothing of the tail is left
    ("from ::1.", "from [ip]."),
    ("2001:0db8:0000:0000:0000:ff00:0042:8329 full", "[ip] full"),
    ("2409:8A00:0:0:0:0:0:1", "[ip]"),
    ("mapped ::ffff:192.0.2.1 x", "mapped [ip] x"),
    ("link fe80::1%eth0 y", "link [ip] y"),
    ("[2409:8a00::1]:443", "[[ip]]:443"),
    ("客户端2409:8a00::1访问", "客户端[ip]访问"),  # written against Chinese text
    ("客户端192.0.2.7访问", "客户端[ip]访问"),
    ("client 203.0.113.9 here", "client [ip] here"),
])
def test_every_written_form_of_an_address_is_masked(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "sent at 12:30:45 today",
    "at 12:30:45.123 sweep done",
    "open 10:00-12:00",
    "ratio 1:2:3",
    "std::vector",
    "a::b::c",
    "mac aa:bb:cc:dd:ee:ff",
    "key :: value",
])
def test_times_and_other_colon_text_are_left_alone(text):
    assert redact(text) == text


def test_numbers_are_still_masked_beside_addresses():
    assert redact("13800138000 from 2409:8a00::1") == "[digits] from [ip]"


@pytest.mark.parametrize("text, expected", [
    ("reply to Wang.Reporter+x@Example.CN failed", "reply to [email] failed"),
    ("550 5.1.1 <wang@mail.example.cn>: no such user", "550 5.1.1 <[email]>: no such user"),
    ("举报人wang.reporter@example.cn来信", "举报人[email]来信"),
])
def test_004_c20_an_email_address_is_masked(text, expected):
    """A reporter who wrote to a unit's published address (004 C20, L17) is named by it."""
    assert redact(text) == expected


# --- the JSON lines for operators (portal/web/logs.py) ------------------------------------


def _line(message, *args, exc=False, **fields):
    import json
    import logging

    from portal.web.logs import JsonLines, RedactingFilter

    record = logging.LogRecord("portal.test", logging.INFO, __file__, 1, message, args, None)
    if exc:
        try:
            raise ValueError("no reporter at 13800138000 from 2409:8a00::1")
        except ValueError:
            import sys

            record.exc_info = sys.exc_info()
    for name, value in fields.items():
        setattr(record, name, value)
    RedactingFilter().filter(record)
    return json.loads(JsonLines().format(record))


def test_every_field_of_a_json_line_is_masked():
    line = _line("filed by %s", "13800138000", exc=True, event="request", request_id="qwertyuiopasdfgh",
                 route="/staff/tickets/<complaint_id>", method="POST", status=200, duration_ms=12.5,
                 note="from 203.0.113.9, receipt 1234 5678 1234 5678", kind="code", errors=0, dry_run=False)
    assert line["message"] == "filed by [digits]"
    assert line["note"] == "from [ip], receipt [digits]"
    assert "13800138000" not in line["exception"] and "[ip]" in line["exception"]
    assert (line["event"], line["request_id"], line["route"], line["method"], line["status"], line["duration_ms"]) == (
        "request", "qwertyuiopasdfgh", "/staff/tickets/<complaint_id>", "POST", 200, 12.5)
    assert (line["kind"], line["errors"], line["dry_run"]) == ("code", 0, False)
    assert {"ts", "level", "logger"} <= set(line)


def test_a_field_that_is_not_plain_data_is_dropped_not_printed():
    class Leaky:
        def __str__(self):
            return "13800138000"

    line = _line("x", event="sms", phone=Leaky(), nested={"to": "13800138000"})
    assert line["phone"] is None and line["nested"] is None


def test_request_ids_never_look_like_numbers_to_mask():
    from portal.web.logs import new_request_id

    for _ in range(200):
        request_id = new_request_id()
        assert redact(request_id) == request_id and len(request_id) == 16


def test_request_ids_use_every_letter_at_every_position_and_do_not_repeat():
    from portal.web.logs import new_request_id

    ids = [new_request_id() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    assert all(request_id.isascii() and request_id.islower() and request_id.isalpha() for request_id in ids)
    for position in (0, 7, 15):  # the last letters come from the number's top bits: not stuck
        assert {request_id[position] for request_id in ids} == set("abcdefghijklmnopqrstuvwxyz")
