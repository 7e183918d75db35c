"""The citizen's path in a real browser on a phone-sized screen (Debian's Chromium through
Playwright, touch, 390x844): file a complaint with a photo whose EXIF carries GPS (the page's
script uploads it and offers the capture facts), keep the receipt, open the status page the
way the receipt's QR code does (``/status#r=<receipt>``: the script fills the form from the
fragment and posts it), and read the status. Every request the page makes is recorded: none
leaves for another host, and the receipt never travels in a URL. Screenshots go to
test-artifacts/."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import ARTIFACTS, chromium
from tests.e2e.citizen_pages import choose_category, scroll_to_the_map
from tests.fakes import images

pytestmark = pytest.mark.browser


@pytest.fixture
def phone():
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=3, is_mobile=True,
                                      has_touch=True, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        yield page, requests
        context.close()


def fits_the_screen(page) -> bool:
    # against the viewport's own width: on a mobile viewport a too-wide page widens innerWidth with it
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_a_citizen_files_with_a_photo_and_follows_through_the_qr_link(served, phone, tmp_path):
    base, deps = served
    page, requests = phone
    photo = tmp_path / "IMG_20261120_1403.jpg"
    photo.write_bytes(images.phone_jpeg())

    page.goto(f"{base}/report")
    scroll_to_the_map(page)
    expect(page.locator("#map")).to_be_visible()  # the map script ran (served by the portal)
    assert fits_the_screen(page)
    choose_category(page, "c8-outdoor-signs")
    page.fill("#description", "主街路口有人没经批准立起了一块大广告牌，挡住了人行道。")
    page.fill("#lat", "26.492")
    page.fill("#lng", "113.770")
    page.set_input_files("#photos", str(photo))
    facts = page.locator("#photo-list input[name=confirm_exif]")
    expect(facts).not_to_be_checked()  # uploaded, sanitised, and the capture facts offered, unticked
    expect(page.locator("#photo-list")).to_contain_text("可能就是您的住处")  # where the phone was
    facts.check()  # the reporter chooses to keep them
    expect(page.locator("#photo-list")).to_contain_text("26.49")
    expect(page.locator("#photo-list")).to_contain_text("已上传")
    page.screenshot(path=str(ARTIFACTS / "citizen-1-report.png"), full_page=True)
    page.locator("#report-form button[type=submit]").tap()

    receipt_text = page.locator("#receipt-number").inner_text()
    receipt = receipt_text.replace(" ", "")
    assert len(receipt) == 16 and receipt.isdigit()
    expect(page.locator(".qr svg")).to_be_visible()
    assert fits_the_screen(page)
    page.screenshot(path=str(ARTIFACTS / "citizen-2-receipt.png"), full_page=True)

    page.goto(f"{base}/status#r={receipt}")  # what the QR code holds
    expect(page.locator("h1")).to_have_text("办理进展")
    expect(page.locator(".status-title")).to_have_text("已收到，等待受理")
    expect(page.locator("#lead-department")).to_have_text("县城市管理和综合执法局")
    assert "#" not in page.url  # the script forgot the fragment
    assert fits_the_screen(page)
    page.screenshot(path=str(ARTIFACTS / "citizen-3-status.png"), full_page=True)

    complaint = deps.repos.complaints.get_by_receipt(deps.hasher.digest("receipt", receipt))
    (evidence,) = complaint.evidence
    assert evidence.taken_lat == pytest.approx(26.492, abs=1e-3)  # the confirmed capture place was kept
    assert images.SERIAL.encode() not in deps.blobs.get(evidence.key)

    origin = urlsplit(base).netloc
    web = [url for url in requests if urlsplit(url).scheme in ("http", "https")]
    assert {urlsplit(url).netloc for url in web} == {origin}
    assert all(urlsplit(url).scheme in ("http", "https", "blob", "data") for url in requests)
    assert not any(receipt in url or receipt_text in url for url in requests)
    paths = [re.sub(r"\.[0-9a-f]{12}(\.\w+)$", r"\1", urlsplit(url).path) for url in web]  # less the digest
    assert "/api/v1/uploads" in paths and "/static/vendor/leaflet/leaflet.js" in paths and "/api/v1/map" in paths
