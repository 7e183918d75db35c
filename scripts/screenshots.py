"""Screenshots of the citizen pages on a phone (360 x 740), in the standard and the
elder-friendly mode, for docs/screens/: home, the form (its categories, then its place
fieldset with the map), the receipt, the status page with its step bar. Needs the test
install (bash scripts/setup.sh --test: Playwright, Debian's Chromium).

    .venv/bin/python scripts/screenshots.py [--out docs/screens] [--full-page]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from portal.domain.access import Actor, Role  # noqa: E402
from portal.services import workflow  # noqa: E402
from portal.timeutil import local  # noqa: E402
from tests.e2e.browser import chromium, map_settled, served_portal  # noqa: E402
from tests.e2e.citizen_pages import MODES, choose_category, file_through_the_page, scroll_to_the_map  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screens"))
    parser.add_argument("--full-page", action="store_true", help="the whole page, not only the first screen")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as data, served_portal(Path(data)) as (base, deps), chromium() as browser:
        for mode, query in MODES.items():
            context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=1,
                                          is_mobile=True, has_touch=True, locale="zh-CN")
            page = context.new_page()
            page.set_default_timeout(15_000)
            shot = lambda name: page.screenshot(path=str(out / f"{mode}-{name}.png"), full_page=args.full_page)  # noqa: E731
            page.goto(f"{base}/{query}")
            shot("1-home")
            page.goto(f"{base}/report{query}")
            choose_category(page, "c1-no-planning-permit")
            page.evaluate("document.querySelector('#category-fieldset').scrollIntoView()")
            shot("2-form")
            scroll_to_the_map(page)  # Leaflet is fetched there
            page.wait_for_selector("#map .township-label")
            map_settled(page, "#map")  # the map zooms to the county's outline: let it settle
            page.evaluate("document.querySelector('#place').scrollIntoView()")
            shot("2b-form-place")
            receipt = file_through_the_page(page, base, mode)
            shot("3-receipt")
            complaint = deps.repos.complaints.get_by_receipt(deps.hasher.digest("receipt", receipt))
            time.sleep(1.1)  # the arrival is typed to the second, after the filing
            now = deps.clock.now()
            officer = Actor("doc.officer", Role.OFFICER, complaint.lead, complaint.county)
            township = Actor("doc.township", Role.TOWNSHIP, complaint.co_handler, complaint.county)
            workflow.accept(deps, officer, complaint.id, "", now)
            workflow.record_onsite(deps, township, complaint.id,
                                   local(now).strftime("%Y-%m-%dT%H:%M:%S"), "现场核查：正在砌二层。",
                                   [], now)
            page.goto("about:blank")
            page.goto(f"{base}/status{query}#r={receipt}")
            page.wait_for_selector("#stepbar")
            shot("4-status")
            context.close()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main()
