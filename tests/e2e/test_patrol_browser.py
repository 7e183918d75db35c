"""The control chain in a real browser (Debian's Chromium through Playwright; 004 C17(1),
C18(1)): on a phone (360x740) a village grid member signs in with password and TOTP, records
a nothing-found patrol with a photo taken on the phone, and files the week's zero report; then
at a desk (1366x768) the township's patrol team sees its villages' status for the week. axe-core
finds no WCAG 2.1 AA violation on any of those pages, nor on the published grid table.
Screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import ARTIFACTS, axe_violations, chromium, served_portal, sign_in
from tests.fakes.clock import ManualClock
from tests.fakes.images import phone_jpeg

pytestmark = pytest.mark.browser

VILLAGE = "430225100202"  # 霞阳镇 石子坝村
PHONE = {"width": 360, "height": 740}
DESK = {"width": 1366, "height": 768}


@pytest.fixture
def served(tmp_path):
    with served_portal(tmp_path / "data", clock=ManualClock()) as portal:  # Monday 23 November 2026, 10:00
        yield portal


def no_axe_violation(page):
    violations = axe_violations(page)
    assert violations == [], violations


def test_004_c18_1_a_village_member_files_a_zero_report_from_a_phone_and_the_township_sees_it(served, tmp_path):
    base, deps = served
    photo = tmp_path / "patrol.jpg"
    photo.write_bytes(phone_jpeg())
    with chromium() as browser:
        phone = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
        page = phone.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, base, deps, "cun.wang", "village_grid", VILLAGE, "/staff/patrols")
        expect(page.locator("#village-status")).to_contain_text("未到期限")
        page.screenshot(path=str(ARTIFACTS / "patrol-1-week-360.png"), full_page=True)

        page.click("header nav >> text=登记巡查")
        page.wait_for_url(f"{base}/staff/patrols/new")
        assert page.locator("#grid option").count() == 4  # its village grid and its three groups
        page.select_option("#grid", f"{VILLAGE}-02")
        page.fill("#route", "沿二组村道、河边农田走了一圈")
        page.set_input_files("#photos", str(photo))
        assert page.locator("input[name=outcome][value=nothing]").is_checked()
        page.screenshot(path=str(ARTIFACTS / "patrol-2-form-360.png"), full_page=True)
        no_axe_violation(page)
        page.click("#patrol-form button[type=submit]")
        expect(page.locator(".alert.ok")).to_contain_text("巡查记录已登记")
        expect(page.locator("#outcome")).to_have_text("未发现问题")
        expect(page.locator("#patrol .photos img")).to_have_count(1)
        assert page.locator("#patrol .photos img").evaluate("img => img.naturalWidth") > 0  # the photo loads
        page.screenshot(path=str(ARTIFACTS / "patrol-3-recorded-360.png"), full_page=True)
        no_axe_violation(page)

        page.click("text=巡查与零汇报 · 2026-W48")
        page.wait_for_url(f"{base}/staff/patrols?week=2026-W48")
        expect(page.locator("#own-patrols li")).to_have_count(1)
        page.click("#report-form button[type=submit]")
        expect(page.locator(".alert.ok")).to_contain_text("本周零汇报已报送（未发现问题）")
        expect(page.locator("#village-status")).to_contain_text("按时报送")
        expect(page.locator("#village-report")).to_contain_text("零汇报")
        # on a phone nothing sticks out sideways
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.screenshot(path=str(ARTIFACTS / "patrol-4-reported-360.png"), full_page=True)
        no_axe_violation(page)
        phone.close()

        desk = browser.new_context(viewport=DESK, locale="zh-CN")
        page = desk.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, base, deps, "xiang.zhao", "township_patrol", "xiayang", "/staff/patrols")
        row = page.locator(f"#villages tr[data-village='{VILLAGE}']")
        expect(row).to_have_attribute("data-status", "on_time")
        expect(row).to_contain_text("石子坝村")
        expect(row).to_contain_text("零汇报")
        others = page.locator("#villages tr[data-status=not_yet]")
        assert others.count() == len(deps.counties.default.grids.villages_of("xiayang")) - 1
        expect(page.locator("#township-xiayang .township-status")).to_contain_text("未到期限")
        page.screenshot(path=str(ARTIFACTS / "patrol-5-township-1366.png"), full_page=True)
        no_axe_violation(page)
        desk.close()
    report = deps.repos.patrols.report("430225", "2026-W48", "village", VILLAGE)
    assert report.zero and report.on_time and len(report.patrols) == 1


def test_004_c17_1_the_grid_table_on_a_phone_has_no_axe_violation(served):
    base, _ = served
    with chromium() as browser:
        context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True)
        page = context.new_page()
        page.goto(f"{base}/grids?q=szb")
        expect(page.locator("table.grids")).to_contain_text("石子坝村第三村民小组")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.screenshot(path=str(ARTIFACTS / "grids-360.png"), full_page=True)
        no_axe_violation(page)
        context.close()
