"""Lighthouse (mobile preset) on the citizen pages: home, the form, the status lookup, the
status page as the receipt's QR code opens it (``/status#r=<receipt>``, whose script posts
the receipt) and the grid table, each in the standard and the elder-friendly mode. Prints the four category
scores (target: 100 each) and the bytes transferred, beside the same figures for a floor
measured in the same run (the portal's plainest page: the staff login, one small form). Asserts nothing.

    npm ci --prefix bench                      # once: Lighthouse
    .venv/bin/python bench/lighthouse.py [--runs 1] [--page form ...]

Needs the test install (bash scripts/setup.sh --test: Debian's Chromium, Playwright's helpers)
and serves the portal (waitress, SQLite in a temporary folder) on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.browser import chromium, served_portal  # noqa: E402
from tests.e2e.citizen_pages import file_through_the_page  # noqa: E402

LIGHTHOUSE = ROOT / "bench" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run"


#: Lighthouse runs again after a runtime error of its own (on a loaded machine its trace
#: sometimes misses the navigation: NO_NAVSTART); a page that fails this often is an error
TRIES = 3


#: the citizen pages: (name, path); the status page as the receipt's QR code opens it
PAGES = (("home", "/"), ("form", "/report"), ("status lookup", "/status"), ("status (QR link)", "/status#r=RECEIPT"),
         ("grid table", "/grids"))


def lighthouse(url: str) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        for _ in range(TRIES):
            done = subprocess.run(
                [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out.name}",
                 f"--chrome-flags={CHROME_FLAGS}", f"--only-categories={','.join(CATEGORIES)}"],
                env=dict(os.environ, CHROME_PATH="/usr/bin/chromium"), capture_output=True, text=True, timeout=300)
            if done.returncode == 0:
                break
            print(f"(lighthouse failed on {url}, again: {done.stderr.strip().splitlines()[-1][:200]})", file=sys.stderr)
        else:
            raise SystemExit(f"lighthouse failed {TRIES} times on {url}: {done.stderr[-1500:]}")
        report = json.loads(Path(out.name).read_text())
    scores = {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}
    audits = report["audits"]
    failing = sorted(k for k, a in audits.items() if a.get("score") is not None and a["score"] < 1
                     and a.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings"))
    return {"scores": scores, "bytes": int(audits["total-byte-weight"]["numericValue"]),
            "lcp_ms": audits["largest-contentful-paint"]["numericValue"], "url": report.get("finalDisplayedUrl", url),
            "failing": failing}


def median_run(url: str, runs: int) -> dict:
    results = [lighthouse(url) for _ in range(runs)]
    best = results[len(results) // 2]
    best["lcp_ms"] = statistics.median(r["lcp_ms"] for r in results)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page (the median is printed)")
    parser.add_argument("--page", action="append", choices=[name for name, _ in PAGES],
                        help="only this page (again for more; the floor is always measured)")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is not installed: run `npm ci --prefix bench`")
    load_before = os.getloadavg()[0]  # performance depends on the machine's load: printed beside it
    with tempfile.TemporaryDirectory() as data, served_portal(Path(data)) as (base, deps):
        with chromium() as browser:  # a receipt for the QR link, filed as a citizen does
            page = browser.new_context().new_page()
            receipt = file_through_the_page(page, base, "standard", phone="")
        floor = median_run(base + "/staff/login", args.runs)
        rows = []
        for mode, query in (("standard", ""), ("elder", "?elder=1")):
            for name, path in PAGES:
                if args.page and name not in args.page:
                    continue
                path = path.replace("RECEIPT", receipt)
                url = base + (path.replace("#", query + "#") if "#" in path else path + query)
                rows.append((f"{name}, {mode}", median_run(url, args.runs)))
    print(f"{'page':28} {'perf':>5} {'a11y':>5} {'best':>5} {'seo':>5} {'bytes':>9} {'x floor':>8} {'LCP ms':>7} {'x floor':>8}")
    print(f"{'floor: staff login':28} {'':>5} {'':>5} {'':>5} {'':>5} {floor['bytes']:9d} {1:8.1f} {floor['lcp_ms']:7.0f} {1:8.1f}")
    for name, r in rows:
        s = r["scores"]
        print(f"{name:28} {s['performance']:5d} {s['accessibility']:5d} {s['best-practices']:5d} {s['seo']:5d} "
              f"{r['bytes']:9d} {r['bytes'] / floor['bytes']:8.1f} {r['lcp_ms']:7.0f} {r['lcp_ms'] / floor['lcp_ms']:8.1f}")
        if r["failing"]:
            print(f"{'':28} below 1: {', '.join(r['failing'])}")
    print("(Lighthouse 12, mobile preset: simulated slow 4G and a 4x slower CPU; Debian's Chromium, headless)")
    print(f"load average (1 min) on {os.cpu_count()} cores: {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")


if __name__ == "__main__":
    main()
