"""Finding the place on a phone (issue 19), in Debian's Chromium at 360x740 with touch: type a
village's name, choose it, the map centres there; tap to place the pin, read where it is and
who will handle it (the same routing as filing); file, and the ticket goes to that township.
No request leaves the portal's origin. With JavaScript off the fieldset offers what works
without it (township and village lists, coordinates) and does not ask for a tap on a map
(issue 18). Screenshots go to test-artifacts/."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from portal.domain.geo import Point, distance_m
from tests.e2e.browser import ARTIFACTS, PHONE_CONTEXT as PHONE, map_label_overlaps
from tests.e2e.citizen_pages import choose_category, scroll_to_the_map

pytestmark = pytest.mark.browser


def test_a_villager_finds_home_by_name_places_the_pin_and_the_ticket_goes_to_that_township(served, phone_page):
    base, deps = served
    county = deps.counties.default
    village = next(v for v in county.villages if v.name == "石子坝村")
    page = phone_page
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    page.goto(f"{base}/report")
    choose_category(page, "l1-occupy-land")
    page.fill("#description", "石子坝村口有人在农田里打地基建房，已经砌了半人高的墙。")
    scroll_to_the_map(page)
    page.locator("#place-search").tap()
    page.keyboard.type("shiziba")
    choice = page.locator(".place-result", has_text="石子坝村")
    expect(choice).to_contain_text("霞阳镇")
    choice.tap()

    # the map centres on the village: its label sits at the middle of the map
    label = page.locator(".village-label", has_text="石子坝村")
    expect(label).to_be_visible()
    box = page.locator("#map").bounding_box()
    spot = label.bounding_box()
    middle = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert abs(spot["x"] - middle[0]) < 40 and abs(spot["y"] + spot["height"] / 2 - middle[1]) < 40
    page.screenshot(path=str(ARTIFACTS / "place-1-village-chosen.png"))

    page.touchscreen.tap(middle[0] + 20, middle[1] + 20)  # the pin, a little south-east of the village point
    feedback = page.locator("#place-feedback")
    expect(feedback).to_contain_text("霞阳镇")
    expect(feedback).to_contain_text("由县自然资源局办理")
    expect(feedback).to_contain_text("霞阳镇执法队 2 小时内到现场")
    pinned = Point(float(page.input_value("#lng")), float(page.input_value("#lat")))
    assert page.input_value("#datum") == "wgs84" and distance_m(pinned, village.point) < 300
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.locator("#place").screenshot(path=str(ARTIFACTS / "place-2-pin-preview.png"))

    page.locator("#report-form button[type=submit]").tap()
    receipt = page.locator("#receipt-number").inner_text().replace(" ", "")
    complaint = deps.repos.complaints.get_by_receipt(deps.hasher.digest("receipt", receipt))
    assert (complaint.township, complaint.co_handler, complaint.lead) == ("xiayang", "xiayang", "natural_resources")
    assert distance_m(complaint.point, pinned) < 0.5

    origin = urlsplit(base).netloc
    web = [url for url in requests if urlsplit(url).scheme in ("http", "https")]
    assert {urlsplit(url).netloc for url in web} == {origin}, sorted(set(web))
    assert all(urlsplit(url).scheme in ("http", "https", "data", "blob") for url in requests)
    assert not any(page_lat in url for url in requests for page_lat in (f"{pinned.lat:.5f}", f"{pinned.lng:.5f}"))
    paths = {urlsplit(url).path for url in web}
    assert {"/api/v1/places/search", "/api/v1/places", "/api/v1/map", "/api/v1/places/nearby"} <= paths


def test_typed_coordinates_drop_the_pin_and_a_point_outside_the_county_is_flagged_before_sending(served, phone_page):
    base, deps = served
    page = phone_page
    page.goto(f"{base}/report")
    choose_category(page, "l1-occupy-land")
    page.fill("#description", "山脚下有人推平了一片林地，正在建厂房。")
    scroll_to_the_map(page)
    page.fill("#lat", "26.59")
    page.fill("#lng", "113.68")
    page.locator("#lng").press("Tab")  # the change: the pin drops, the place is checked
    expect(page.locator("#place-feedback")).to_contain_text("不在炎陵县范围内")
    expect(page.locator("#map .leaflet-marker-icon:not(.map-label)")).to_have_count(1)  # the pin
    page.locator("#report-form button[type=submit]").tap()
    expect(page.locator("#place-feedback")).to_have_class("place-feedback warn")
    assert urlsplit(page.url).path == "/report" and page.locator("#receipt-number").count() == 0  # not sent
    assert deps.repos.complaints.recent_in_category("430225", "l1-occupy-land", deps.clock.now().replace(year=2000)) == []

    page.fill("#lat", "26.138")  # the real spot in the south that the old rectangle refused
    page.fill("#lng", "113.82")
    page.locator("#lng").press("Tab")
    expect(page.locator("#place-feedback")).to_contain_text("垄溪乡")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_place_hint_matches_what_the_page_offers(served, browser, javascript):
    """Issue 18: with JavaScript off there is no map, so the form must not say
    "在地图上点一下标出位置"; it offers the township and village lists, which it names."""
    base, _ = served
    context = browser.new_context(java_script_enabled=javascript, **PHONE)
    page = context.new_page()
    page.goto(f"{base}/report")
    fieldset = page.locator("#place")
    if javascript:
        scroll_to_the_map(page)
        expect(page.locator("#map")).to_be_visible()
    page.wait_for_load_state("networkidle")
    visible = fieldset.inner_text()
    if javascript:
        assert "在地图上点一下" in visible and "搜索" in visible
    else:
        assert "地图" not in visible, visible
        assert "选择所在乡镇和村" in visible
        expect(page.locator("#village")).to_be_visible()
    fieldset.screenshot(path=str(ARTIFACTS / f"place-fieldset-{'js' if javascript else 'nojs'}.png"))
    context.close()


def test_leaflet_is_fetched_only_when_the_place_fieldset_comes_onto_the_screen(served, phone_page):
    """Issue 18, item 6 (only the map code a page uses): the form's first screen (category,
    description) loads no map code, so Lighthouse's total blocking time has no Leaflet in it;
    the map is built when the citizen scrolls to "在哪里"."""
    base, _ = served
    page = phone_page
    requests: list[str] = []
    page.on("request", lambda request: requests.append(urlsplit(request.url).path))
    page.goto(f"{base}/report")
    page.wait_for_load_state("networkidle")
    assert page.locator("#place").bounding_box()["y"] > PHONE["viewport"]["height"]  # below the first screen
    assert not [p for p in requests if "leaflet" in p or p == "/api/v1/map"], requests
    assert page.evaluate("typeof window.L") == "undefined"
    expect(page.locator("#map")).to_be_hidden()
    scroll_to_the_map(page)
    expect(page.locator("#map")).to_be_visible()
    expect(page.locator("#place-search")).to_be_visible()
    expect(page.locator("#place [data-place-nojs]")).to_be_hidden()
    assert {p for p in requests if "leaflet" in p} and "/api/v1/map" in requests
    # map.css comes after Leaflet's sheet, so its rules win over Leaflet's
    sheets = page.evaluate("[...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.href)")
    assert [i for i, h in enumerate(sheets) if "/leaflet." in h] < [i for i, h in enumerate(sheets) if "/map." in h]


def test_when_leaflet_cannot_be_fetched_the_fieldset_stays_as_it_is_without_javascript(served, phone_page):
    base, _ = served
    page = phone_page
    page.route("**/vendor/leaflet/**", lambda route: route.abort())
    page.goto(f"{base}/report")
    page.locator("#place legend").scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#place [data-place-nojs]")).to_be_visible()
    expect(page.locator("#map")).to_be_hidden()
    expect(page.locator("#place-search")).to_be_hidden()
    expect(page.locator("#village")).to_be_visible()


@pytest.mark.parametrize("query", ["", "?elder=1"], ids=["standard", "elder"])
def test_no_place_name_on_the_map_covers_another(served, phone_page, query):
    """Place names are 14 px or more (18 px in the elder mode): where two would overlap, the
    later one is hidden until a closer zoom, at the county's view and at a village's alike."""
    base, _ = served
    page = phone_page
    page.goto(f"{base}/report{query}")
    scroll_to_the_map(page)
    page.wait_for_selector("#map .township-label")
    county = map_label_overlaps(page, "#map")
    assert county["shown"] >= 5 and county["pairs"] == [], county
    page.locator("#place-search").fill("shiziba")
    page.locator(".place-result", has_text="石子坝村").click()
    page.locator(".village-label", has_text="石子坝村").wait_for()
    village = map_label_overlaps(page, "#map")
    assert village["shown"] >= 3 and village["pairs"] == [], village
