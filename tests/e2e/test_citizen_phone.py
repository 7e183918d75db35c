"""The citizen's phone features in a real browser (Debian's Chromium, 360 x 740, touch):
the elder-friendly mode carried in the URL across links and forms without JavaScript or a
cookie; read-aloud with the browser's speech synthesis (hidden where there is none); the
receipt's copy button and its card saved as a PNG drawn in the page; the typed receipt kept
after a wrong entry; photos offered from the camera, made smaller before upload (capture
facts kept) with progress, and a failed upload retried."""

from __future__ import annotations

import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.browser import ARTIFACTS, PHONE_CONTEXT as PHONE
from tests.e2e.citizen_pages import file_through_the_page, measure, phone_photo, scroll_to_the_map

pytestmark = pytest.mark.browser


@pytest.fixture
def context(browser):
    ctx = browser.new_context(**PHONE)
    yield ctx
    ctx.close()


def test_the_elder_mode_follows_every_link_and_form_without_javascript_or_cookie(served, browser):
    base, _ = served
    ctx = browser.new_context(**PHONE, java_script_enabled=False)
    page = ctx.new_page()
    try:
        page.goto(base + "/")
        page.click("#mode-switch")  # "大字模式"
        expect(page.locator("body.elder")).to_have_count(1)
        assert parse_qs(urlsplit(page.url).query)["elder"] == ["1"]
        page.click("header nav >> text=我要举报")
        page.wait_for_url(re.compile(r"/report\?.*elder=1"))
        expect(page.locator("body.elder")).to_have_count(1)
        assert "elder=1" in page.get_attribute("#report-form", "action")
        page.fill("#description", "短")  # refused: the answer is still in the elder mode
        page.locator("#report-form button[type=submit]").click()
        expect(page.locator("#error-summary")).to_be_visible()
        assert page.locator("body.elder").count() == 1
        page.click("#mode-switch")  # back to standard, by posting the form again: the input stays
        expect(page.locator("body.standard")).to_have_count(1)
        assert page.input_value("#description") == "短"
        assert page.locator("#error-summary").count() == 0
        assert ctx.cookies() == []  # no cookie carried the mode
    finally:
        ctx.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_a_category_is_chosen_by_its_plain_words_after_opening_its_group(served, browser, javascript):
    """Four short group lines first; a tap opens one; its choices read the villager's words,
    the law's wording below them; a tap on the words ticks the choice (with or without script)."""
    base, deps = served
    land = next(c for c in deps.counties.default.categories if c.code == "l1-occupy-land")
    ctx = browser.new_context(**PHONE, java_script_enabled=javascript)
    page = ctx.new_page()
    try:
        page.goto(base + "/report?elder=1")
        groups = page.locator("details.category-group > summary")
        expect(groups).to_have_text(["盖房、建房", "占地、用地", "挖矿、采石", "干部参与、包庇"])
        radio = page.locator(f"#category-{land.code}")
        expect(radio).to_be_hidden()
        page.locator("details.category-group > summary", has_text="占地、用地").tap()
        plain = page.locator(f"label[for=category-{land.code}] .plain")
        legal = page.locator(f"label[for=category-{land.code}] .legal")
        expect(plain).to_have_text(land.title)
        expect(legal).to_have_text(land.legal)
        assert legal.bounding_box()["y"] > plain.bounding_box()["y"]  # the law's words on the second line
        plain.tap()
        expect(radio).to_be_checked()
        if javascript:
            example = page.locator("#category-example")
            expect(example).to_contain_text(land.example)
            below = page.locator(f".choice:has(#category-{land.code}) + *")  # right under the line tapped
            assert below.get_attribute("id") == "category-example"
            assert example.bounding_box()["y"] > legal.bounding_box()["y"]
    finally:
        ctx.close()


def test_the_typed_receipt_stays_after_a_wrong_entry_and_the_mode_switch_keeps_the_status_page(served, context):
    base, _ = served
    page = context.new_page()
    receipt = file_through_the_page(page, base, "standard", phone="")
    page.goto(base + "/status")
    wrong = receipt[:15] + str((int(receipt[15]) + 1) % 10)
    page.fill("#receipt", wrong)
    page.locator("#lookup-form button[type=submit]").click()
    expect(page.locator("#lookup-error")).to_be_visible()
    assert page.input_value("#receipt") == wrong  # fix one digit, not type sixteen again
    page.fill("#receipt", receipt)
    page.locator("#lookup-form button[type=submit]").click()
    expect(page.locator("#stepbar")).to_be_visible()
    expect(page.locator("#stepbar .step.done")).to_have_count(1)
    expect(page.locator("#stepbar .step.done time")).to_have_text(re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$"))
    expect(page.locator("#stepbar [aria-current=step]")).to_contain_text("判定")
    page.click("#mode-switch")  # the status page switches mode by posting the receipt again
    expect(page.locator("body.elder #stepbar")).to_be_visible()


def test_read_aloud_speaks_the_main_text_and_is_hidden_without_speech_synthesis(served, browser):
    base, _ = served
    ctx = browser.new_context(**PHONE)
    ctx.add_init_script("""
      window.__spoken = [];
      window.speechSynthesis.speak = u => { window.__spoken.push([u.text, u.lang]); };
      window.speechSynthesis.cancel = () => {};
    """)
    page = ctx.new_page()
    try:
        page.goto(base + "/?elder=1")
        button = page.locator("#read-aloud")
        expect(button).to_be_visible()
        button.click()
        spoken = page.evaluate("window.__spoken")
        text = "".join(t for t, _ in spoken)
        assert "发现违法建设、违法用地" in text and "我们的承诺" in text and all(lang == "zh-CN" for _, lang in spoken)
        assert "跳到正文" not in text  # the main text only
        expect(button).to_have_text("停止朗读")
    finally:
        ctx.close()
    ctx = browser.new_context(**PHONE)
    ctx.add_init_script("delete window.speechSynthesis; delete window.SpeechSynthesisUtterance;")
    page = ctx.new_page()
    try:
        page.goto(base + "/")
        expect(page.locator("#read-aloud")).to_be_hidden()
    finally:
        ctx.close()


def test_the_receipt_is_copied_and_saved_as_a_png_drawn_in_the_page(served, context):
    base, _ = served
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    receipt = file_through_the_page(page, base, "elder", phone="")
    shown = page.locator("#receipt-number").inner_text()
    page.click("#copy-receipt")
    expect(page.locator("#receipt-feedback")).to_contain_text("已复制")
    assert page.evaluate("navigator.clipboard.readText()") == shown
    with page.expect_download() as download:
        page.click("#save-image")
    png = Image.open(io.BytesIO(download.value.path().read_bytes()))
    assert png.format == "PNG" and png.width == 720 and png.height >= 800
    gray = png.convert("L")
    dark = sum(gray.histogram()[:80])
    assert dark > 20_000  # the number, the text and the QR code were drawn
    png.save(ARTIFACTS / "citizen-receipt-card.png")
    assert download.value.suggested_filename.endswith(".png") and receipt not in download.value.suggested_filename
    after = [u for u in requests if u.startswith("http")]
    assert all(u.startswith(base) for u in after) and not any(receipt in u for u in after)


def test_photos_come_from_the_camera_are_made_smaller_on_the_phone_and_a_failed_upload_is_retried(served, context,
                                                                                                tmp_path):
    base, deps = served
    page = context.new_page()
    uploads = []
    state = {"fail": 1}

    def upload(route):
        if state["fail"]:
            state["fail"] -= 1
            route.abort("connectionreset")  # the first try is lost on the way
            return
        uploads.append(route.request.post_data_buffer)
        route.continue_()

    page.route("**/api/v1/uploads", upload)
    page.goto(base + "/report")
    camera = page.locator("#photos-camera")
    assert camera.get_attribute("capture") == "environment" and camera.get_attribute("accept") == "image/*"
    big = phone_photo(tmp_path, size=(4000, 3000))
    original = (tmp_path / "IMG_20261120_1403.jpg").stat().st_size
    # what the citizen is shown while the phone works: each state line and the progress bar's value
    page.evaluate("""() => { window.__seen = [];
      new MutationObserver(() => { for (const row of document.querySelectorAll('#photo-list .photo')) {
        const bar = row.querySelector('progress'), state = row.querySelector('.state');
        window.__seen.push([state.textContent, bar.hidden ? 'hidden' : bar.hasAttribute('value') ? bar.value : 'busy']); } })
      .observe(document.getElementById('photo-list'), {subtree: true, childList: true, characterData: true, attributes: true}); }""")
    page.set_input_files("#photos-camera", big)
    retry = page.locator("#photo-list button.retry")
    expect(retry).to_be_visible()
    expect(page.locator("#photo-list")).to_contain_text("上传失败")
    retry.click()
    expect(page.locator("#photo-list")).to_contain_text("已上传")
    seen = page.evaluate("window.__seen")
    assert ["正在压缩照片……", "busy"] in seen  # an indeterminate bar while the photo is made smaller
    uploading = [bar for text, bar in seen if text == "正在上传……"]
    assert uploading and any(isinstance(v, (int, float)) and v > 0 for v in uploading), uploading  # then the bytes sent
    (body,) = uploads
    assert len(body) < original / 2  # made smaller before it left the phone
    start = body.index(b"\xff\xd8")
    sent = Image.open(io.BytesIO(body[start:]))
    assert max(sent.size) == 2048 and sent.size[0] > sent.size[1]
    facts = page.locator("#photo-list input[name=confirm_exif]")
    expect(facts).not_to_be_checked()  # the capture facts travelled with the smaller copy
    expect(page.locator("#photo-list")).to_contain_text("26.49")
    page.screenshot(path=str(ARTIFACTS / "citizen-photo-retried.png"), full_page=True)
    ids = page.eval_on_selector_all("input[name=upload_ids]", "els => els.map(e => e.value)")
    assert len(ids) == 1  # the retried photo goes with the form once


def test_without_javascript_a_camera_photo_goes_with_the_form_and_its_facts_are_the_reporters_choice(served, browser,
                                                                                                  tmp_path):
    """No script: no downscale or retry, but the camera is still offered (the input's own
    ``capture``), the photo travels with the form, and the capture facts are confirmed on a page."""
    base, deps = served
    ctx = browser.new_context(**PHONE, java_script_enabled=False)
    page = ctx.new_page()
    try:
        page.goto(base + "/report?elder=1")
        camera = page.locator("#photos-camera")
        expect(camera).to_be_visible()
        assert camera.get_attribute("capture") == "environment" and camera.get_attribute("name") == "photos"
        page.locator("details.category-group > summary", has_text="盖房、建房").tap()
        page.locator("label[for=category-c1-no-planning-permit]").tap()
        page.fill("#description", "村口农田里有人没手续盖房，已经砌到二层。")
        page.fill("#lat", "26.460")
        page.fill("#lng", "113.850")
        page.set_input_files("#photos-camera", phone_photo(tmp_path, size=(1600, 1200)))
        page.locator("#report-form button[type=submit]").click()
        facts = page.locator("#confirm-form input[name=confirm_exif]")
        expect(facts).to_have_count(1)
        expect(facts).not_to_be_checked()
        assert page.locator("body.elder").count() == 1
        facts.check()
        page.locator("#confirm-form button[type=submit]").first.click()
        receipt = page.locator("#receipt-number").inner_text().replace(" ", "")
    finally:
        ctx.close()
    complaint = deps.repos.complaints.get_by_receipt(deps.hasher.digest("receipt", receipt))
    (evidence,) = complaint.evidence
    assert evidence.taken_lat == pytest.approx(26.492, abs=1e-3)  # the fact the reporter ticked was kept


def test_the_place_search_and_the_map_controls_keep_the_elder_modes_sizes(served, context):
    """The search's answers and the map's zoom buttons are tapped by the same fingers: 60 px and
    18 px text in the elder mode (MIIT 2021), like every other control."""
    base, _ = served
    page = context.new_page()
    page.goto(base + "/report?elder=1")
    scroll_to_the_map(page)
    page.locator("#place-search").tap()
    page.keyboard.type("shiziba")
    expect(page.locator(".place-result", has_text="石子坝村")).to_be_visible()
    m = measure(page, elder=True)
    assert m["taps"] == [] and m["small"] == [], (m["taps"][:5], m["small"][:5])
    for button in page.locator(".place-result, .leaflet-control-zoom a").all():
        box = button.bounding_box()
        assert box["width"] >= 59.5 and box["height"] >= 59.5, button.inner_text()
