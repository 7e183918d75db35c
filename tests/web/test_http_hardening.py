"""HTTP hardening (portal/web/security.py): every response carries a Content-Security-Policy
without 'unsafe-inline', HSTS, no framing and no referrer; no template holds an inline
script, an inline event handler or a style attribute; no citizen page names another origin,
and every script, stylesheet, font and map file a page uses is served by the portal."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from tests.conftest import PUBLIC_URL, form_token, receipt_from
from tests.fakes import images

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "portal" / "templates").rglob("*.html"))
GOOD = {"category": "c8-outdoor-signs", "description": "主街路口有人没经批准立起了一块大广告牌。",
        "lat": "26.492", "lng": "113.770"}


def check_headers(response, where: str) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in csp.split("; ") if d}
    assert directives.get("default-src") == ["'self'"], where
    assert directives.get("script-src") == ["'self'"], where
    assert directives.get("style-src") == ["'self'"], where
    assert directives.get("frame-ancestors") == ["'none'"], where
    assert directives.get("object-src") == ["'none'"] and directives.get("base-uri") == ["'none'"], where
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, where
    assert re.fullmatch(r"max-age=(\d+); includeSubDomains", headers.get("Strict-Transport-Security", "")), where
    assert int(headers["Strict-Transport-Security"].split("=")[1].split(";")[0]) >= 31536000
    assert headers.get("Referrer-Policy") == "no-referrer", where
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("X-Content-Type-Options") == "nosniff", where


@pytest.fixture
def citizen_pages(client):
    """Every page a citizen can reach, in the states that show the most."""
    pages = {}

    def keep(name, response):
        pages[name] = response
        return response

    keep("home", client.get("/", base_url=PUBLIC_URL))
    token = form_token(keep("report", client.get("/report", base_url=PUBLIC_URL)).text)
    keep("report with errors", client.post("/report", data={"token": token, "description": "短"}, base_url=PUBLIC_URL))
    confirm = keep("photo confirmation", client.post("/report", base_url=PUBLIC_URL, data={
        "token": token, **GOOD, "photos": [(io.BytesIO(images.phone_jpeg()), "IMG_0001.jpg")]}))
    upload_id = confirm.text.split('name="confirm_exif" value="')[1].split('"')[0]
    receipt = receipt_from(keep("receipt", client.post("/report", base_url=PUBLIC_URL, data={
        "token": token, **GOOD, "phone": "13800138000", "exif_reviewed": "1", "upload_ids": [upload_id],
        "confirm_exif": [upload_id]})).text)
    keep("status lookup", client.get("/status", base_url=PUBLIC_URL))
    keep("wrong receipt", client.post("/status", data={"receipt": "1" * 16}, base_url=PUBLIC_URL))
    keep("status", client.post("/status", data={"receipt": receipt}, base_url=PUBLIC_URL))
    keep("reply", client.post("/status/reply", data={"receipt": receipt, "text": "在路口东北角"}, base_url=PUBLIC_URL))
    keep("demo outbox", client.get("/demo/outbox", base_url=PUBLIC_URL))
    keep("not found", client.get("/no-such-page", base_url=PUBLIC_URL))
    keep("english home", client.get("/?lang=en", base_url=PUBLIC_URL))
    return pages


def test_every_response_carries_the_security_headers(client, citizen_pages):
    responses = dict(citizen_pages)
    for path in ("/api/v1/catalog", "/api/v1/openapi.json", "/api/v1/no-such", "/open311/v2/services.json",
                 "/open311/v2/discovery.json", "/staff/login", "/staff/queue", "/static/css/citizen.css",
                 "/static/js/filing.js", "/static/vendor/leaflet/leaflet.js", "/healthz", "/hooks/twilio/status"):
        responses[f"GET {path}"] = client.get(path, base_url=PUBLIC_URL)
    responses["DELETE /"] = client.delete("/", base_url=PUBLIC_URL)
    responses["POST /api/v1/status (bad JSON)"] = client.post("/api/v1/status", data="{", base_url=PUBLIC_URL,
                                                              content_type="application/json")
    statuses = {r.status_code for r in responses.values()}
    assert {200, 303, 400, 404, 405} <= statuses  # pages, redirects and errors alike
    for where, response in responses.items():
        check_headers(response, where)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "portal" / "templates")))
def test_no_template_has_inline_script_event_handler_or_style(template):
    source = template.read_text()
    for tag in re.findall(r"<script\b[^>]*>", source, flags=re.I):
        assert "src=" in tag, f"inline <script> in {template.name}: {tag}"
    assert not re.search(r"\son[a-z]+\s*=", source, flags=re.I), f"inline event handler in {template.name}"
    assert not re.search(r"\sstyle\s*=", source, flags=re.I), f"style attribute in {template.name}"
    assert not re.search(r"<style\b", source, flags=re.I), f"<style> block in {template.name}"
    assert "javascript:" not in source.lower(), f"javascript: URL in {template.name}"


def own_urls_only(html: str) -> list[str]:
    """Absolute URLs in a page that point anywhere but the portal (XML namespaces are names, not requests)."""
    html = re.sub(r'\sxmlns(:\w+)?="[^"]*"', "", html)
    found = re.findall(r"(?:https?:)?//[A-Za-z0-9.\-\[\]:]+[^\s\"'<>)]*", html)
    return [u for u in found if not (u.startswith(PUBLIC_URL + "/") or u == PUBLIC_URL)]


def test_citizen_pages_name_no_other_origin_and_serve_every_asset_themselves(client, citizen_pages):
    assets = set()
    for name, response in citizen_pages.items():
        html = response.get_data(as_text=True)
        assert response.mimetype == "text/html", name
        assert own_urls_only(html) == [], name
        for tag, attribute in (("script", "src"), ("link", "href"), ("img", "src"), ("source", "src")):
            for value in re.findall(rf'<{tag}\b[^>]*\s{attribute}="([^"]+)"', html):
                assert value.startswith("/") and not value.startswith("//"), (name, value)
                assets.add(value)
        for value in re.findall(r'data-(?:tiles|geojson|places|upload-url)="([^"]*)"', html):
            assert value == "" or (value.startswith("/") and not value.startswith("//")), (name, value)
        for value in re.findall(r'data-leaflet-(?:src|href)="([^"]+)"', html):  # fetched by place.js
            assert value.startswith("/") and not value.startswith("//"), (name, value)
            assets.add(value)
    plain = {re.sub(r"\.[0-9a-f]{12}(\.\w+)$", r"\1", a) for a in assets}  # names carry the file's digest
    assert {"/static/js/filing.js", "/static/js/place.js", "/static/vendor/leaflet/leaflet.js",
            "/static/css/citizen.css"} <= plain
    for asset in sorted(assets):
        fetched = client.get(asset, base_url=PUBLIC_URL)
        assert fetched.status_code == 200 and fetched.data, asset


def test_stylesheets_and_the_portals_scripts_load_nothing_from_elsewhere():
    for sheet in sorted((ROOT / "static").rglob("*.css")):
        text = re.sub(r"/\*.*?\*/", "", sheet.read_text(), flags=re.S)  # comments may cite bug trackers
        assert "@import" not in text, sheet.name
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", text):
            assert not re.match(r"(https?:)?//", url), (sheet.name, url)
    for script in sorted((ROOT / "static" / "js").glob("*.js")):
        assert not re.search(r"https?://", script.read_text()), script.name

