"""The basemap in a real phone browser (Debian's Chromium, 360x740): tiles come from the
portal's own origin and nothing else, and the map shows the source's attribution and map
approval number (审图号). (The demo county, with no upstream, draws its own layers: place's
browser tests.)"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from portal.services.deps import CountyRegistry
from tests.e2e.browser import ARTIFACTS, chromium, served_portal
from tests.e2e.citizen_pages import scroll_to_the_map
from tests.fakes.tile_upstream import FakeTileUpstream
from tests.web.test_tiles import APPROVAL, KEY, county_with

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def open_map(base: str, shot: str) -> tuple[list[str], dict]:
    """Open the filing form, wait for map tiles, and return every URL requested and what the map shows."""
    with chromium() as browser:
        page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
        requested: list[str] = []
        page.on("request", lambda r: requested.append(r.url))
        page.goto(base + "/report")
        scroll_to_the_map(page)
        # (a locator, not wait_for_function: the page's policy refuses the string it would evaluate)
        page.locator("#map img.leaflet-tile-loaded").nth(3).wait_for(state="attached", timeout=30_000)
        page.locator("#map").scroll_into_view_if_needed()
        shown = page.evaluate("""() => {
            const a = document.querySelector('#map .leaflet-control-attribution');
            const r = a && a.getBoundingClientRect();
            return {attribution: a ? a.textContent : '', visible: !!r && r.width > 0 && r.height > 0,
                    tiles: Array.from(document.querySelectorAll('#map img.leaflet-tile-loaded'))
                             .map(t => [t.naturalWidth, new URL(t.src).pathname])};
        }""")
        page.locator("#map").screenshot(path=str(ARTIFACTS / shot))
        page.close()
    return requested, shown


def test_the_phone_map_loads_tiles_from_the_portal_alone_and_shows_the_approval_number(tmp_path):
    with FakeTileUpstream(key=KEY) as upstream:
        keys = tmp_path / "data" / "keys"
        keys.mkdir(parents=True)
        (keys / "tianditu-key").write_text(KEY, encoding="utf-8")
        with served_portal(tmp_path / "data", counties=CountyRegistry([county_with(upstream)])) as (base, _):
            requested, shown = open_map(base, "basemap-phone.png")
        assert upstream.tiles_served > 0  # the portal fetched them, the browser did not
    assert all(urlsplit(url).netloc == urlsplit(base).netloc for url in requested if url.startswith("http")), \
        [u for u in requested if urlsplit(u).netloc != urlsplit(base).netloc]
    assert all(width == 256 and path.startswith("/tiles/tianditu/") for width, path in shown["tiles"])
    assert shown["visible"] and "天地图" in shown["attribution"] and APPROVAL in shown["attribution"]
