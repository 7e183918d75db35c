"""Anti-abuse without tracking (DESIGN.md "Identity protection"): rate limits count a keyed
hash of the client address under a salt that changes every day and is deleted when the next
day's salt is made, so no IP address or user agent is stored or logged, and yesterday's
counters cannot be tied to an address even with the hash key. Citizens get no cookie but
the language choice; the portal's own scripts read nothing that identifies a device.
Filing is guarded by the sealed filing token, a honeypot field and per-client limits."""

from __future__ import annotations

import io
import logging
import re
import sqlite3
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest

from portal.crypto.envelope import b64d, b64e
from portal.domain.errors import DomainError, RateLimited
from portal.services import filing_tokens, intake, ratelimit, reporter
from portal.timeutil import local_date
from portal.web import logs
from tests.conftest import form_token, receipt_from
from tests.fakes import images

IPV4, IPV6, FORWARDED = "203.0.113.77", "2001:db8:4a::77", "198.51.100.23"
AGENT = "Mozilla/5.0 (Linux; Android 14; UniqueDevice-XJ9 Build/UP1A) Chrome/131.0 Mobile Safari/537.36"
GOOD = {"category": "c8-outdoor-signs", "description": "主街路口有人没经批准立起了一块大广告牌。",
        "lat": "26.492", "lng": "113.770"}
STATIC_JS = Path(__file__).resolve().parents[2] / "static" / "js"


@pytest.fixture
def captured(app, settings):
    """Every log line any logger writes at DEBUG, through the portal's own log filter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    logs.configure(settings)  # puts the redacting filter on every root handler, this one too
    levels = {name: logging.getLogger(name).level for name in ("", "werkzeug", "twilio.http_client")}
    for name in levels:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def stored_bytes(settings) -> bytes:
    data = b""
    for path in sorted(settings.data_path.rglob("*")):
        if path.is_file() and "keys" not in path.parts:
            data += path.read_bytes()
    return data


def whole_visit(client, address: str) -> None:
    """A reporter's visit through every citizen entry point, and an API client's."""
    env = {"REMOTE_ADDR": address}
    headers = {"User-Agent": AGENT, "X-Forwarded-For": FORWARDED, "Accept-Language": "zh-CN"}
    get = lambda path: client.get(path, environ_base=env, headers=headers)  # noqa: E731
    post = lambda path, **kw: client.post(path, environ_base=env, headers=headers, **kw)  # noqa: E731
    get("/")
    token = form_token(get("/report").text)
    filed = post("/report", data={"token": token, **GOOD, "phone": "13912345678", "exif_reviewed": "1",
                                   "photos": [(io.BytesIO(images.phone_jpeg()), "IMG_1.jpg")]})
    receipt = receipt_from(filed.text)
    post("/status", data={"receipt": receipt})
    post("/status", data={"receipt": "0000 0000 0000 0000"})
    post("/status/reply", data={"receipt": receipt, "text": "广告牌在路口东北角。"})
    get("/no-such-page")
    api_token = post("/api/v1/filing-tokens").json["token"]
    post("/api/v1/complaints", json={"token": api_token, **GOOD})
    post("/api/v1/status", json={"receipt": receipt})
    get("/api/v1/places?lat=26.49&lng=113.77")
    get("/open311/v2/services.json")


def test_no_ip_address_or_user_agent_is_stored_or_logged(client, settings, captured):
    for address in (IPV4, IPV6):
        whole_visit(client, address)
    log_text = captured.getvalue()
    assert "complaint" in log_text and "filed" in log_text  # the log did capture the visits
    stored = stored_bytes(settings)
    assert stored  # the database and the photos were written
    for needle in (IPV4, IPV6, FORWARDED, AGENT, "UniqueDevice-XJ9"):
        assert needle not in log_text
        assert needle.encode() not in stored


def test_a_logged_exception_that_quotes_a_number_or_an_address_is_masked():
    """The portal's filter alone, on a handler of its own (no other handler formats first)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(logs.RedactingFilter())
    logger = logging.getLogger("portal.test.isolated")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        raise RuntimeError(f"provider refused +8613800138000 from {IPV4}")
    except RuntimeError:
        logger.exception("sending failed for %s", "138 0013 8000")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    text = stream.getvalue()
    assert "Traceback" in text and "RuntimeError: provider refused [digits] from [ip]" in text
    for needle in ("13800138000", "138 0013 8000", IPV4):
        assert needle not in text


def test_the_salt_rotates_daily_and_yesterdays_counters_cannot_be_linked(deps, clock):
    day1 = local_date(clock.now()).isoformat()
    key1 = ratelimit.client_key(deps, IPV4, clock.now())
    assert ratelimit.client_key(deps, IPV4, clock.now() + timedelta(hours=1)) == key1  # stable within the day
    salt1 = deps.store.get("SALT", day1).body["salt"]
    ratelimit.hit(deps, "file", key1, clock.now())

    clock.advance(days=1)
    key2 = ratelimit.client_key(deps, IPV4, clock.now())
    assert key2 != key1
    assert deps.store.get("SALT", day1) is None  # deleted when today's salt was made, not left to expire
    # nothing left in the store recomputes yesterday's key, even for someone holding the hash key
    salts = [i.body["salt"] for i in deps.store.query("SALT", limit=100).items]
    assert salts and salt1 not in salts
    assert all(deps.hasher.digest("client:" + s, IPV4) != key1 for s in salts)
    with closing(sqlite3.connect(deps.settings.sqlite_file)) as conn:
        keys_on_disk = [row[0] for row in conn.execute("SELECT sk FROM items WHERE pk LIKE 'RATE#%'")]
    assert key1 in keys_on_disk  # yesterday's counter may linger until it expires...
    assert IPV4 not in " ".join(keys_on_disk)  # ...keyed by a hash nobody can recompute
    deps.close()  # checkpoint: what a copy of the file at rest holds
    assert salt1.encode() not in stored_bytes(deps.settings)


def test_citizens_get_no_cookie_except_the_language_choice(client):
    cookies = []

    def collect(response):
        cookies.extend(response.headers.getlist("Set-Cookie"))
        return response

    collect(client.get("/"))
    token = form_token(collect(client.get("/report")).text)
    receipt = receipt_from(collect(client.post("/report", data={"token": token, **GOOD})).text)
    collect(client.post("/status", data={"receipt": receipt}))
    collect(client.get("/status"))
    collect(client.post("/api/v1/status", json={"receipt": receipt}))
    collect(client.get("/api/v1/catalog"))
    assert cookies == []
    collect(client.get("/?lang=en"))
    assert len(cookies) == 1 and re.match(r"lang=en;", cookies[0]) and "HttpOnly" in cookies[0]


#: scripts that draw on a canvas and hand the result to the citizen as a file, never reading
#: pixels back: the photo made smaller before upload, the receipt card saved as an image
CANVAS_DRAWN_NOT_READ = {"filing.js", "receipt.js"}


@pytest.mark.parametrize("script", sorted(p.name for p in STATIC_JS.glob("*.js")))
def test_the_portals_scripts_read_nothing_that_identifies_a_device(script):
    source = (STATIC_JS / script).read_text()
    for probe in ("userAgent", "navigator.plugins", "navigator.platform", "hardwareConcurrency", "deviceMemory",
                  "localStorage", "sessionStorage", "indexedDB", "document.cookie", "toDataURL", "getImageData",
                  "readPixels", "AudioContext", "getBattery", "screen.width", "enumerateDevices"):
        assert probe not in source, (script, probe)
    if script not in CANVAS_DRAWN_NOT_READ:
        assert "getContext(" not in source, script
    else:
        assert source.count("getContext(") == 1 and 'getContext("2d")' in source and "toBlob(" in source


def count_complaints(deps) -> int:
    with closing(sqlite3.connect(deps.settings.sqlite_file)) as conn:
        return conn.execute("SELECT count(*) FROM items WHERE pk LIKE 'CMP#%' AND sk = '#META'").fetchone()[0]


def test_a_tampered_forged_or_stale_filing_token_files_nothing(client, deps, clock):
    good = form_token(client.get("/report").text)
    raw = bytearray(b64d(good))
    raw[20] ^= 1
    tampered = b64e(bytes(raw))
    forged = b64e(b"\x00" * 12 + b"not sealed by this portal")
    for token in (tampered, forged, "", "x" * 401):
        response = client.post("/report", data={"token": token, **GOOD})
        assert response.status_code == 400 and "表单已过期或无效" in response.text
    clock.advance(hours=24, minutes=1)
    stale = client.post("/report", data={"token": good, **GOOD})
    assert stale.status_code == 400 and "表单已过期或无效" in stale.text
    assert count_complaints(deps) == 0


def test_the_honeypot_refuses_a_bot_through_the_api_as_well(client, deps):
    token = client.post("/api/v1/filing-tokens").json["token"]
    response = client.post("/api/v1/complaints?website=http://spam.example", json={"token": token, **GOOD})
    assert response.status_code == 400 and count_complaints(deps) == 0


def test_filings_are_limited_per_client_and_per_day(deps, clock):
    county = deps.counties.default
    allowed = ratelimit.allowed(deps, "file")

    def file_as(address):
        key = ratelimit.client_key(deps, address, clock.now())
        data = intake.FilingInput(token=filing_tokens.issue(deps, clock.now()), **GOOD)
        return intake.file_complaint(deps, county, data, key, clock.now())

    for _ in range(allowed):
        file_as(IPV4)
    with pytest.raises(RateLimited):
        file_as(IPV4)
    file_as(FORWARDED)  # another address is not held back
    clock.advance(days=1)
    file_as(IPV4)  # a new day, a new salt, a new count
    assert count_complaints(deps) == allowed + 2


def guess(deps, clock, address: str, receipt: str) -> str:
    """One lookup from ``address``: opened, wrong or refused."""
    try:
        reporter.find_by_receipt(deps, receipt, ratelimit.client_key(deps, address, clock.now()), clock.now())
    except RateLimited:
        return "refused"
    except DomainError:
        return "wrong"
    return "opened"


def test_receipt_guessing_from_many_addresses_meets_the_overall_limit(deps, clock, monkeypatch):
    """Guessing spread over many addresses (a botnet) meets the limit on all wrong receipts
    together; from then on every client has the strict budget (3 wrong receipts an hour
    instead of 10), until the hour turns."""
    monkeypatch.setitem(ratelimit.LIMITS, "receipt_miss_all", ratelimit.Limit(25, "hour"))
    file_complaint_for_lookup(deps, clock)
    strict, usual = ratelimit.allowed(deps, "receipt_miss_strict"), ratelimit.allowed(deps, "receipt_miss")
    assert strict < usual
    assert [guess(deps, clock, f"198.51.100.{n}", "1234 5678 9012 3456") for n in range(25)] == ["wrong"] * 25
    for address in ("192.0.2.1", "192.0.2.2"):  # fresh addresses: the strict budget, then refused
        assert [guess(deps, clock, address, "1234 5678 9012 3456") for _ in range(strict + 1)] == \
            ["wrong"] * strict + ["refused"]
    assert guess(deps, clock, "198.51.100.0", "1234 5678 9012 3456") == "wrong"  # one miss before, now its third
    clock.advance(hours=1)
    assert [guess(deps, clock, "192.0.2.1", "1234 5678 9012 3456") for _ in range(usual + 1)] == \
        ["wrong"] * usual + ["refused"]


def test_a_right_receipt_still_opens_once_the_overall_miss_limit_is_reached(deps, clock, monkeypatch):
    """Spending the overall budget of wrong receipts must not lock every reporter out of their
    own status page: a client without misses (or with fewer than the strict budget) opens a
    right receipt; only clients that guessed are held back."""
    monkeypatch.setitem(ratelimit.LIMITS, "receipt_miss_all", ratelimit.Limit(25, "hour"))
    _, receipt = file_complaint_for_lookup(deps, clock)
    for n in range(25):
        guess(deps, clock, f"198.51.100.{n}", "1234 5678 9012 3456")
    assert ratelimit.exceeded(deps, "receipt_miss_all", "all", clock.now())  # the switch has tripped

    assert guess(deps, clock, "192.0.2.1", receipt) == "opened"
    assert guess(deps, clock, "2001:db8:77::1", receipt) == "opened"
    assert guess(deps, clock, "198.51.100.3", receipt) == "opened"  # one typo earlier: still in
    for _ in range(ratelimit.allowed(deps, "receipt_miss_strict")):
        guess(deps, clock, "192.0.2.9", "1234 5678 9012 3456")
    assert guess(deps, clock, "192.0.2.9", receipt) == "refused"  # a client that guessed waits for the hour


def test_ipv6_clients_are_counted_per_64_network(client, deps):
    """A phone or a home gets a whole /64: every address in it is one client for the limits,
    so an attacker cannot rotate through 2^64 addresses; another /64 is another client."""
    first, same_64, other_64 = "2409:8a00:1:2::1", "2409:8a00:1:2:ffff:abcd:9:7", "2409:8a00:1:3::1"
    assert ratelimit.client_unit(first) == ratelimit.client_unit(same_64) == "2409:8a00:1:2::/64"
    assert ratelimit.client_unit("::ffff:192.0.2.7") == ratelimit.client_unit("192.0.2.7") == "192.0.2.7"
    assert ratelimit.client_key(deps, first, deps.clock.now()) == ratelimit.client_key(deps, same_64, deps.clock.now())
    assert ratelimit.client_key(deps, first, deps.clock.now()) != ratelimit.client_key(deps, other_64, deps.clock.now())
    _, receipt = file_complaint_for_lookup(deps, deps.clock)

    def post(address, text):
        return client.post("/status", data={"receipt": text}, environ_base={"REMOTE_ADDR": address}).status_code

    for n in range(ratelimit.allowed(deps, "receipt_miss")):  # each guess from another address of the /64
        assert post(f"2409:8a00:1:2:{n + 1:x}::{n + 7:x}", "1234 5678 9012 3456") == 400
    assert post(same_64, receipt) == 429
    assert post(other_64, receipt) == 200


def file_complaint_for_lookup(deps, clock):
    data = intake.FilingInput(token=filing_tokens.issue(deps, clock.now()), **GOOD)
    result = intake.file_complaint(deps, deps.counties.default, data, "filer", clock.now())
    return result.complaint_id, result.receipt
