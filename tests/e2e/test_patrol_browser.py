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
from tests.e2e.citizen_pages import choose_category
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


def test_004_c33_on_a_phone_the_township_reads_its_villages_and_the_office_confirms_a_flag(served):
    """At 360x740: the township's week page (each village one labelled line, the late ones named
    once in the notices), then the office's week page and the concealment page, where it confirms
    the village's week on the phone; axe finds nothing on any of them."""
    from portal.services import sweeper
    from portal.services.patrols import weekly
    from tests.patrols import TOWNSHIP_PATROL, VILLAGER, finding, patrol, point_of, shanghai
    from tests.services.helpers import file

    base, deps = served
    clock = deps.clock
    sweeper.sweep(deps, clock.now())  # Monday 2026-W48: the weekly schedules start
    patrol(deps)
    weekly.file_report(deps, VILLAGER, "village", "2026-W48", "", clock.now())  # a zero report
    clock.advance(hours=2)
    file(deps, place=point_of(deps))  # a citizen reports in its grid: a possible 漏报
    patrol(deps, TOWNSHIP_PATROL, grid=VILLAGE, found=finding(stopped_on_spot="1"))
    clock.set(shanghai(2026, 11, 26, 16, 30))
    sweeper.sweep(deps, clock.now())  # the other villages are missing at Thursday 16:00
    late = len(deps.counties.default.grids.villages_of("xiayang")) - 1
    with chromium() as browser:
        context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, base, deps, "xiang.li", "township_patrol", "xiayang", "/staff/patrols")
        row = page.locator(f"#villages tr[data-village='{VILLAGE}']")
        expect(row).to_have_attribute("data-status", "on_time")
        # on a phone the table's head is hidden: the cells say what they are
        assert row.locator("td[data-label]").first.evaluate(
            "td => getComputedStyle(td, '::before').content").strip('"') == "巡查次数"
        expect(page.locator("#villages tr[data-status=missing]")).to_have_count(late)
        expect(page.locator("#notices li.missed")).to_have_count(1)
        expect(page.locator("#notices li.missed .unit")).to_have_count(late)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.screenshot(path=str(ARTIFACTS / "patrol-6-township-360.png"), full_page=True)
        no_axe_violation(page)
        context.close()

        context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, base, deps, "ban.sun", "supervisor", "leading_group_office", "/staff/queue")
        page.goto(f"{base}/staff/patrols")
        expect(page.locator("#townships tr[data-township=xiayang]")).to_contain_text("霞阳镇")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.screenshot(path=str(ARTIFACTS / "patrol-7-office-360.png"), full_page=True)
        no_axe_violation(page)
        page.click("header nav >> text=疑似瞒报漏报")
        flag = page.locator(f"#concerns tr[data-week='2026-W48'][data-village='{VILLAGE}']")
        expect(flag).to_have_attribute("data-status", "pending")
        expect(flag).to_contain_text("群众举报 1")  # how many, by whom: never which report
        no_axe_violation(page)
        flag.locator("input[value=confirm]").check()
        flag.locator("textarea[name=reason]").fill("核实为漏报")
        flag.locator("button[type=submit]").click()
        confirmed = page.locator(f"#concerns tr[data-week='2026-W48'][data-village='{VILLAGE}']")
        expect(confirmed).to_have_attribute("data-status", "confirmed")
        expect(confirmed).to_contain_text("第1次：予以警告")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.screenshot(path=str(ARTIFACTS / "patrol-8-concealment-360.png"), full_page=True)
        no_axe_violation(page)
        context.close()


def test_004_c17_1_the_filing_form_s_place_preview_names_the_grid_on_a_phone(served):
    base, deps = served
    point = deps.counties.default.village(VILLAGE).point  # a report there lies in the village's grid
    with chromium() as browser:
        context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{base}/report")
        choose_category(page, "l1-occupy-land")
        page.fill("#lat", f"{point.lat:.6f}")
        page.fill("#lng", f"{point.lng:.6f}")
        page.locator("#lng").press("Tab")  # the pin drops, the place is checked
        feedback = page.locator("#place-feedback")
        expect(feedback).to_contain_text("霞阳镇")
        expect(feedback).to_contain_text("所在网格：石子坝村（网格责任人：驻村干部、村委会主任）")
        page.locator("#place").screenshot(path=str(ARTIFACTS / "grids-preview-360.png"))
        no_axe_violation(page)
        context.close()
