"""The report channels in a real browser (Debian's Chromium through Playwright), at the staff
screen size (1366x768), with JavaScript and without (axe-core, a script, runs with it): an officer registers a letter with a
postal address and gets the printable slip (004 C20, L17); the desk's written notice once the
report is concluded; the inbox's hostile email shown as text only. Each page passes axe-core
at WCAG 2.1 AA; screenshots are kept in test-artifacts/."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from playwright.sync_api import expect

from portal.domain.access import Actor, Role
from portal.services import workflow
from portal.services.channels import inbox
from tests.e2e.browser import ARTIFACTS, axe_violations, sign_in
from tests.fakes import mail

pytestmark = pytest.mark.browser


ADDRESS = "湖南省炎陵县霞阳镇示例路9号 王先生 收"


@contextmanager
def staff_page(browser, **options):
    """A page in a fresh context at the staff screen size (1366x768, zh-CN), 15 s per action;
    the context is closed after the test, passed or failed."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", **options)
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
    finally:
        context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_004_c20_a_letter_is_registered_its_slip_printed_and_its_written_notice_posted(served, browser, javascript):
    base, deps = served
    suffix = "js" if javascript else "nojs"
    with staff_page(browser, java_script_enabled=javascript) as page:
        sign_in(page, base, deps, "reception", "officer", "housing", "/staff/queue")
        page.click("a[href='/staff/register']")
        page.wait_for_url(f"{base}/staff/register")
        accessible = (lambda: axe_violations(page) == []) if javascript else (lambda: True)  # axe runs as a script
        assert accessible()
        page.screenshot(path=str(ARTIFACTS / f"channels-1-register-{suffix}.png"), full_page=True)
        page.check("input[name=channel][value=letter]")
        page.select_option("#category", "c1-no-planning-permit")
        page.fill("#description", "有人在农田里违法建房，已经砌到二层。")
        page.fill("input[name=lat]", "26.460")
        page.fill("input[name=lng]", "113.850")
        page.fill("input[name=received_on]", "2026-11-20")
        page.check("input[name=contact_kind][value=postal]")
        page.fill("#postal_address", ADDRESS)
        page.click("#register-form button[type=submit]")
        expect(page.locator("#receipt-number")).to_be_visible()
        assert len(page.locator("#receipt-number").inner_text().replace(" ", "")) == 16
        expect(page.locator("#slip")).to_contain_text("决定是否受理")
        assert accessible()
        page.screenshot(path=str(ARTIFACTS / f"channels-2-slip-{suffix}.png"), full_page=True)
        page.emulate_media(media="print")
        page.screenshot(path=str(ARTIFACTS / f"channels-3-slip-print-{suffix}.png"), full_page=True)
        assert not page.locator("header.bar").is_visible()
        page.emulate_media(media="screen")

        # the lead bureau concludes; the receiving unit prints the notice and records its posting
        complaint_id = deps.repos.registrations.for_unit("430225", "housing")[0][0]
        lead = Actor("lead", Role.OFFICER, "natural_resources", "430225")
        workflow.accept(deps, lead, complaint_id, "", deps.clock.now())
        workflow.conclude(deps, lead, complaint_id, "substantiated", "已责令当事人拆除违法建筑。", {}, deps.clock.now())
        page.goto(f"{base}/staff/registered")
        assert accessible()
        page.screenshot(path=str(ARTIFACTS / f"channels-4-desk-{suffix}.png"), full_page=True)
        page.click(f"a[href='/staff/registered/{complaint_id}/notice']")
        expect(page.locator("#notice-address")).to_contain_text("示例路9号")
        assert accessible()
        page.screenshot(path=str(ARTIFACTS / f"channels-5-notice-{suffix}.png"), full_page=True)
        page.click("#form-posted button[type=submit]")
        page.wait_for_url(f"{base}/staff/registered")
        expect(page.locator(f"#reg-{complaint_id}")).to_contain_text("已办结，结果已告知")


def test_004_c20_the_inbox_shows_a_hostile_email_as_text(served, browser):
    base, deps = served
    stored = inbox.store_raw(deps, "natural_resources", mail.report_eml(big_mb=11), via="import", arrived_at=None,
                             now=deps.clock.now())
    with staff_page(browser) as page:
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        sign_in(page, base, deps, "mailroom", "officer", "natural_resources", "/staff/queue")
        page.click("a[href='/staff/inbox']")
        page.wait_for_url(f"{base}/staff/inbox")
        assert axe_violations(page) == []
        page.screenshot(path=str(ARTIFACTS / "channels-6-inbox.png"), full_page=True)
        page.click(f"a[href='/staff/inbox/{stored.message_id}']")
        expect(page.locator("#mail-text")).to_contain_text("<b>不是标签</b>")
        expect(page.locator("#attachment-2")).to_contain_text("未接收")
        assert page.locator("#mail-text b").count() == 0 and dialogs == []
        assert axe_violations(page) == []
        page.screenshot(path=str(ARTIFACTS / "channels-7-message.png"), full_page=True)
