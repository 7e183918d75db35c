"""A special campaign in a real browser (Debian's Chromium through Playwright), as the county
office runs one like Dai County's (003): it creates the campaign with its four phases and their
dates, adds two existing tickets with one action and a problem found in the survey (排查摸底),
records an acceptance check and writes an item off (003 §2(3)), and on the 15th downloads the
progress notice the sweeper prepared (003 §3(3)). axe-core finds no WCAG 2.1 AA violation on
any page of the way; screenshots at 1366x768 go to test-artifacts/."""

from __future__ import annotations

import io

import docx
import pyotp
import pytest
from playwright.sync_api import expect

from portal.services import staff_accounts, sweeper
from tests import campaign_sample as sample
from tests.campaign_sample import at
from tests.e2e.browser import ARTIFACTS, axe_violations, chromium, served_portal
from tests.fakes.clock import ManualClock

pytestmark = pytest.mark.browser

PASSWORD = "supervisor-password-2027"


@pytest.fixture
def served(tmp_path):
    with served_portal(tmp_path / "data", clock=ManualClock()) as (base, deps):
        at(deps, "2027-05-20T09:00:00+08:00")
        concluded = sample.report(deps, "longxi")  # existing tickets, before the campaign
        pending = sample.report(deps, "xiayang")
        at(deps, "2027-05-25T09:00:00+08:00")
        sample.conclude(deps, concluded.id, "longxi")
        at(deps, "2027-06-14T23:50:00+08:00")  # 排查摸底, ten minutes before the first reporting day
        yield base, deps, concluded, pending


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


def checked(page, name: str) -> None:
    """The page as it stands: no axe violation, and a screenshot."""
    page.screenshot(path=str(ARTIFACTS / f"campaign-{name}-1366.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], (name, violations)


def test_003_the_office_runs_a_campaign_to_a_write_off_and_downloads_the_notice(served):
    base, deps, concluded, pending = served
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, base, deps)

        # the campaign, like 003's: four phases with their dates, land and mining, the units of 003 §2(2)
        page.click("header nav >> text=专项行动")
        page.wait_for_url(f"{base}/staff/campaigns")
        checked(page, "list")
        page.click("#new-campaign")
        page.fill("#name", "严厉打击非法违法用地用矿专项行动")
        page.fill("#basis", "全县严厉打击非法违法用地用矿专项行动工作方案")
        for n, (first, last) in enumerate((("2027-06-04", "2027-06-11"), ("2027-06-12", "2027-06-30"),
                                           ("2027-07-01", "2027-10-31"), ("2027-11-01", "2027-11-15")), start=1):
            assert page.input_value(f"#phase_name_{n}") == ("组织准备", "排查摸底", "查处整改", "检查验收")[n - 1]
            page.fill(f"#phase_start_{n}", first)
            page.fill(f"#phase_end_{n}", last)
        for code in sample.LAND + sample.MINING:
            page.check(f"#categories input[value='{code}']")
        for code in sample.UNITS:
            page.check(f"#units input[value='{code}']")
        checked(page, "new")
        page.click("#campaign-form button[type=submit]")
        page.wait_for_selector("#campaign-state")
        assert "排查摸底" in page.inner_text("#campaign-state")
        campaign_url = page.url

        # two existing tickets, with one action
        page.click("#add-link")
        page.wait_for_url(f"{campaign_url}/add")
        expect(page.locator("#existing tr[data-ticket]")).to_have_count(2)  # retried: the page may still be parsing
        checked(page, "add")
        page.click("#add-form button[type=submit]")
        page.wait_for_url(campaign_url)
        expect(page.locator("#items tr[data-ticket]")).to_have_count(2)

        # a problem found in the survey, entered for 沔渡镇
        page.click("#survey-link")
        page.select_option("#category", "m1-illegal-mining")
        page.fill("#description", "沔渡镇某山头无证开采稀土，面积约2亩")
        page.select_option("#township", "miandu")
        checked(page, "survey")
        page.click("#survey-form button[type=submit]")
        page.wait_for_selector("#item-history")
        assert "排查摸底发现" in page.inner_text("main")

        # the concluded ticket: the write-off is refused before the acceptance check, then done
        page.goto(campaign_url)
        page.click(f"#items tr[data-ticket='{concluded.id}'] a")
        page.click("#acceptance summary >> text=销号")
        page.click("#form-write-off button[type=submit]")
        expect(page.locator("[role=alert]")).to_contain_text("尚未登记验收")
        page.click("#acceptance summary >> text=登记验收")
        page.select_option("#level", "county")
        page.check("#form-acceptance-check input[value=yes]")
        page.fill("#checked_on", "2027-06-14")
        checked(page, "item")
        page.click("#form-acceptance-check button[type=submit]")
        page.wait_for_selector("#acceptance-checks")
        page.click("#acceptance summary >> text=销号")
        page.fill("#note-write-off", "验收达标，予以销号")
        page.click("#form-write-off button[type=submit]")
        page.wait_for_selector("#written-off")
        assert page.inner_text("#item-state") == "已销号"

        # the 15th: the sweeper prepares the notice; the office reviews, issues and downloads it
        sweeper.sweep(deps, at(deps, "2027-06-15T00:00:00+08:00"))
        page.goto(campaign_url)
        assert page.locator("#figures-total tr[data-unit]").inner_text().split() == ["合计", "3", "0", "3", "1", "1",
                                                                                     "0"]
        checked(page, "campaign")
        page.click("#notices a")
        page.locator("#issue-form").wait_for()
        checked(page, "notice")
        page.click("#issue-form button[type=submit]")
        page.wait_for_selector("#notice-state strong")
        with page.expect_download() as download:
            page.click("#notice-docx")
        document = docx.Document(io.BytesIO(open(download.value.path(), "rb").read()))
        text = "\n".join(p.text for p in document.paragraphs)
        assert text.startswith("炎陵县严厉打击非法违法用地用矿专项行动工作进展通报")
        assert "（第1期　统计截至2027年6月15日）" in text
        total = next(t for t in document.tables if t.rows[0].cells[0].text == "全县")
        assert [c.text for c in total.rows[1].cells] == ["合计", "3", "0", "3", "1", "1", "0"]
        history = [e.kind for e in deps.repos.campaigns.history(campaign_url.rsplit("/", 1)[1])]
        assert history == ["created", "items_added", "notice_prepared", "notice_issued"]

        # the oversight page shows the campaign beside the standing figures
        page.goto(f"{base}/staff/oversight")
        assert page.locator("#campaigns-oversight figure[data-progress=campaign] polyline").count() == 3
        checked(page, "oversight")
        context.close()
