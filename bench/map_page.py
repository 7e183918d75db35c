"""Bytes the citizen's map page costs on a first and a second visit (HTML, CSS, JS, data),
beside a floor measured in the same run: the same visits to the status lookup page, the
portal's plainest page. Prints figures and their ratios; asserts nothing.

    bash scripts/setup.sh --test && .venv/bin/python bench/map_page.py

Debian's Chromium (through Playwright) loads the pages from the portal served by waitress on
a loopback port, the way a phone does: the first visit with an empty cache, the second in the
same browser (what the cache keeps: static files and the county's layers are revalidated,
answered 304; pages are never stored). Bytes are what crossed the wire (headers included),
as the portal serves them (uncompressed; a TLS proxy in front may compress them).
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.browser import chromium, served_portal  # noqa: E402  (the tests' server and browser helpers)
from tests.e2e.citizen_pages import scroll_to_the_map  # noqa: E402

KINDS = ("html", "css", "js", "data", "image")


def kind_of(url: str, resource_type: str) -> str:
    path = urlsplit(url).path
    if resource_type == "Document":
        return "html"
    if path.endswith(".css"):
        return "css"
    if path.endswith(".js"):
        return "js"
    if path.startswith("/api/"):
        return "data"
    return "image"


def visit(page, cdp, url: str, settle) -> Counter:
    sizes: dict[str, tuple[str, str]] = {}
    totals: Counter = Counter()

    def on_response(event):
        sizes[event["requestId"]] = (event["response"]["url"], event.get("type", ""))

    def on_finished(event):
        url_type = sizes.get(event["requestId"])
        if url_type:
            totals[kind_of(*url_type)] += int(event["encodedDataLength"])

    cdp.on("Network.responseReceived", on_response)
    cdp.on("Network.loadingFinished", on_finished)
    page.goto(url)
    settle(page)
    page.wait_for_load_state("networkidle")
    cdp.remove_listener("Network.responseReceived", on_response)
    cdp.remove_listener("Network.loadingFinished", on_finished)
    return totals


def two_visits(browser, url: str, settle) -> tuple[Counter, Counter]:
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True,
                                  locale="zh-CN")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    first = visit(page, cdp, url, settle)
    page.goto("about:blank")
    second = visit(page, cdp, url, settle)
    context.close()
    return first, second


def map_drawn(page) -> None:
    scroll_to_the_map(page)  # place.js fetches Leaflet when the place fieldset comes onto the screen
    page.locator("#map .leaflet-interactive").first.wait_for()


def nothing(page) -> None:
    pass


def row(label: str, counts: Counter, floor: int) -> str:
    total = sum(counts.values())
    parts = "  ".join(f"{k} {counts.get(k, 0):>7,}" for k in KINDS)
    return f"{label:<22} {parts}  total {total:>8,}  = {total / floor:5.2f} x floor"


def main() -> None:
    with tempfile.TemporaryDirectory() as data_dir, served_portal(Path(data_dir)) as (base, _deps), \
            chromium() as browser:
        floor_first, floor_second = two_visits(browser, f"{base}/status", nothing)
        map_first, map_second = two_visits(browser, f"{base}/report", map_drawn)
    floor = sum(floor_first.values())
    print("bytes over the wire (headers included); floor = first visit to the status lookup page "
          f"({floor:,} bytes)")
    print(row("status page, first", floor_first, floor))
    print(row("status page, second", floor_second, floor))
    print(row("map page, first", map_first, floor))
    print(row("map page, second", map_second, floor))
    print(f"second visit / first visit of the map page: {sum(map_second.values()) / sum(map_first.values()):.2f}")


if __name__ == "__main__":
    main()
