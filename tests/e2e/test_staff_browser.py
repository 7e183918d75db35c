"""The staff workspace in a real browser (Debian's Chromium through Playwright): an officer
signs in with password and TOTP, accepts a new ticket (004 C20) and concludes it with its
ledger measures. The app is served by waitress on a loopback port; screenshots are kept in
test-artifacts/."""

from __future__ import annotations

import pyotp
import pytest
from playwright.sync_api import expect

from portal.services import staff_accounts
from tests.e2e.browser import ARTIFACTS, chromium
from tests.web.staff_support import file

pytestmark = pytest.mark.browser


PASSWORD = "officer-password-2026"


@pytest.fixture
def browser_page():
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 412, "height": 915}, locale="zh-CN")  # a phone
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()


def test_officer_signs_in_accepts_and_concludes(served, browser_page):
    base, deps = served
    provisioned = staff_accounts.create(deps, county=deps.counties.default, username="wang.officer",
                                        unit="natural_resources", role="officer", display_name="王经办",
                                        password=PASSWORD, now=deps.clock.now())
    secret = pyotp.parse_uri(provisioned.otpauth_uri).secret
    ticket = file(deps, description="村口农田里有人违法建房，已经砌到二层。")
    page = browser_page

    page.goto(f"{base}/staff/login")
    page.fill("#username", "wang.officer")
    page.fill("#password", PASSWORD)
    page.screenshot(path=str(ARTIFACTS / "staff-1-login.png"), full_page=True)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{base}/staff/login/totp")
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("#totp-form button[type=submit]")
    page.wait_for_url(f"{base}/staff/queue")
    expect(page.locator("#queue")).to_contain_text("等待受理")
    page.screenshot(path=str(ARTIFACTS / "staff-2-queue.png"), full_page=True)

    page.click(f"a[href='/staff/tickets/{ticket.complaint_id}']")
    expect(page.locator("#ticket-status")).to_have_text("已收到，等待受理")
    expect(page.locator("#description")).to_contain_text("违法建房")
    page.click("#form-accept >> xpath=ancestor::details/summary")
    page.fill("#note-accept", "属实，明天到现场")
    page.click("#form-accept button[type=submit]")
    expect(page.locator("#ticket-status")).to_have_text("已受理，正在核查处理")
    expect(page.locator("#history")).to_contain_text("属实，明天到现场")

    page.click("#form-conclude >> xpath=ancestor::details/summary")
    page.check("#form-conclude input[name=finding][value=substantiated]")
    page.fill("#result_text", "经核查属实，已责令当事人拆除违法建筑。")
    page.fill("#summary", "占用耕地建房约0.3亩")
    page.fill("#form-conclude input[name=area_mu]", "0.3")
    page.fill("#form-conclude input[name=fine_wan_yuan]", "1.5")
    page.select_option("#form-conclude select[name=penalty_executed]", "yes")  # 是 / 否 / not recorded
    page.screenshot(path=str(ARTIFACTS / "staff-3-conclude-form.png"), full_page=True)
    page.click("#form-conclude button[type=submit]")
    expect(page.locator("#ticket-status")).to_have_text("已办结")
    expect(page.locator("#result")).to_contain_text("经核查属实")
    page.screenshot(path=str(ARTIFACTS / "staff-4-concluded.png"), full_page=True)

    stored = deps.repos.complaints.get(ticket.complaint_id)
    assert stored.status.value == "concluded" and stored.measures.fine_wan_yuan == 1.5
    assert (stored.measures.penalty_executed, stored.measures.court_enforcement) == (True, None)
    assert [e.actor for e in deps.repos.complaints.history(ticket.complaint_id)
            if e.kind in ("accepted", "concluded")] == ["wang.officer", "wang.officer"]
