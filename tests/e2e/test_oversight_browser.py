"""The oversight page in a real browser (Debian's Chromium through Playwright), as the
leading-group office reads it (004 C21, L18): one chart per clock, by township and by lead
unit, the trend by month and the half-year ranking, drawn on the server (the page works with
JavaScript off), each chart with its table; and axe-core finds no WCAG 2.1 AA violation.
Screenshots at 1366x768 (and printed in black and white as a PDF page) go to test-artifacts/."""

from __future__ import annotations

import pyotp
import pytest

from portal.services import staff_accounts
from tests import oversight_sample
from tests.e2e.browser import ARTIFACTS, axe_violations, chromium, served_portal
from tests.fakes.clock import ManualClock

pytestmark = pytest.mark.browser

PASSWORD = "supervisor-password-2026"
CLOCKS = ("acceptance", "onsite", "result_notice")


@pytest.fixture
def served(tmp_path):
    with served_portal(tmp_path / "data", clock=ManualClock()) as (base, deps):
        oversight_sample.build(deps)
        yield base, deps


def sign_in(page, base, deps):
    provisioned = staff_accounts.create(deps, county=deps.counties.default, username="liu.office",
                                        unit="leading_group_office", role="supervisor", display_name="刘督办",
                                        password=PASSWORD, now=deps.clock.now())
    secret = pyotp.parse_uri(provisioned.otpauth_uri).secret
    page.goto(f"{base}/staff/login")
    page.fill("#username", "liu.office")
    page.fill("#password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{base}/staff/login/totp")
    page.fill("#code", pyotp.TOTP(secret).at(deps.clock.now()))
    page.click("#totp-form button[type=submit]")
    page.wait_for_url(f"{base}/staff/queue")


@pytest.mark.parametrize("javascript", [True, False])
def test_004_c21_l18_the_oversight_page_has_one_chart_per_clock_and_no_axe_violation(served, javascript):
    base, deps = served
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN",
                                      java_script_enabled=javascript)
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, base, deps)
        page.goto(f"{base}/staff/oversight?kind=half&period=2026-H2")
        for clock in CLOCKS:
            for by in ("township", "lead"):
                chart = page.locator(f"figure.chart[data-clock={clock}][data-by={by}]")
                assert chart.count() == 1, (clock, by)
                assert chart.locator("svg rect").count() >= 1  # bars drawn on the server
                assert chart.locator("table").count() == 1  # and the table a screen reader reads
        # 垄溪乡 breached every acceptance clock: its bar is hatched, its numbers beside it
        township = page.locator("figure[data-clock=acceptance][data-by=township]")
        assert township.locator("rect[fill='url(#pattern-breached)']").count() >= 1
        assert "垄溪乡" in township.locator("table").inner_text()
        assert page.locator("figure[data-trend=county] svg rect").count() >= 6
        assert page.locator("figure[data-ranking=township] svg text").first.text_content().startswith("1. ")
        # the rows of zeros wait behind "show all"
        assert page.locator("#by-township-all summary").is_visible()
        assert not page.locator("#by-township-all table").is_visible()
        suffix = "js" if javascript else "nojs"
        page.screenshot(path=str(ARTIFACTS / f"oversight-1366-{suffix}.png"), full_page=True)
        if javascript:  # what the office prints: black and white, no colour needed
            page.emulate_media(media="print")
            page.pdf(path=str(ARTIFACTS / "oversight-print.pdf"), format="A4", print_background=False)
        violations = axe_violations(page) if javascript else []
        assert violations == [], violations
        context.close()
