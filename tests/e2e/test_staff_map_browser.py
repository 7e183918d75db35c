"""Staff maps in Chromium at 1366x768 (issue 19): the ticket's point over the county's layers,
and the queue's map view with its tickets clustered. No request leaves the portal.
Screenshots go to test-artifacts/."""

from __future__ import annotations

from urllib.parse import urlsplit

import pyotp
import pytest
from playwright.sync_api import expect

from portal.services import staff_accounts
from tests.e2e.browser import ARTIFACTS, chromium, map_label_overlaps, served_portal
from tests.web.staff_support import XIAYANG_OUTSIDE, ZHONGCUN, file

pytestmark = pytest.mark.browser

PASSWORD = "supervisor-password-2026"


def test_ticket_and_queue_maps_draw_the_county_and_cluster_tickets(tmp_path):
    with served_portal(tmp_path / "data") as (base, deps), chromium() as browser:
        provisioned = staff_accounts.create(deps, county=deps.counties.default, username="li.supervisor",
                                            unit="leading_group_office", role="supervisor", display_name="李督办",
                                            password=PASSWORD, now=deps.clock.now())
        secret = pyotp.parse_uri(provisioned.otpauth_uri).secret
        near = [file(deps, place=(f"{26.460 + i * 0.0004:.4f}", XIAYANG_OUTSIDE[1])) for i in range(3)]
        file(deps, place=ZHONGCUN)
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(f"{base}/staff/login")
        page.fill("#username", "li.supervisor")
        page.fill("#password", PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_url(f"{base}/staff/login/totp")
        page.fill("#code", pyotp.TOTP(secret).now())
        page.click("#totp-form button[type=submit]")
        page.wait_for_url(f"{base}/staff/queue")

        page.goto(f"{base}/staff/tickets/{near[0].complaint_id}")
        expect(page.locator("#map")).to_be_visible()
        expect(page.locator("#map .township-label").first).to_be_visible()
        expect(page.locator("#village")).to_contain_text("附近")
        page.wait_for_load_state("networkidle")
        names = map_label_overlaps(page, "#map")  # 14 px and more: one that would cover another waits
        assert names["shown"] >= 5 and names["pairs"] == [], names
        page.locator("#map").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "staff-map-ticket.png"))

        page.goto(f"{base}/staff/queue")
        page.click("#map-view-link")
        expect(page.locator("#queue-map")).to_be_visible()
        cluster = page.locator("#queue-map .cluster")
        expect(cluster).to_have_count(1)  # the three tickets 40 m apart
        expect(cluster).to_have_text("3")
        expect(page.locator("#map-tickets li")).to_have_count(4)
        names = map_label_overlaps(page, "#queue-map")
        assert names["shown"] >= 5 and names["pairs"] == [], names
        page.screenshot(path=str(ARTIFACTS / "staff-map-queue.png"))
        cluster.click()  # zooms in
        expect(page.locator("#queue-map .cluster")).to_have_count(0, timeout=10_000)

        origin = urlsplit(base).netloc
        assert {urlsplit(u).netloc for u in requests if urlsplit(u).scheme in ("http", "https")} == {origin}
        context.close()
