"""What the browser tests share: the portal served by waitress on a loopback port, and Debian's
Chromium (Playwright's own browser download fails here) with the flags a container needs."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import waitress
from waitress import wasyncore
from playwright.sync_api import Browser, sync_playwright

from portal import create_app
from portal.config import Settings
from portal.services.deps import Deps, build_deps

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
#: a citizen's phone: the browser context the citizen tests open (360 x 740, touch, Chinese)
PHONE_CONTEXT = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True,
                 "has_touch": True, "locale": "zh-CN"}
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


@contextmanager
def served_portal(data_dir: Path, clock=None, demo: bool = False, **overrides) -> Iterator[tuple[str, Deps]]:
    """The portal on http://127.0.0.1:<free port>, plain http (so the staff cookie is not
    Secure), its public URL that very address (the QR code points there): (base URL, deps).
    ``clock``: a test clock (``tests.fakes.clock.ManualClock``) instead of the system's;
    ``demo`` adds the demo banner and the SMS outbox page; ``overrides`` go to ``build_deps``
    (another county, for one)."""
    holder = {}
    server = waitress.create_server(lambda environ, start: holder["app"](environ, start), host="127.0.0.1", port=0,
                                    threads=4)
    base = f"http://127.0.0.1:{server.effective_port}"
    settings = Settings.from_env({}, data_dir=str(data_dir), secure_cookies="0", demo="1" if demo else "0",
                                 public_url=base)
    if clock is not None:
        from portal.store.sqlite import SqliteStore

        overrides.update(clock=clock, store=SqliteStore(settings.sqlite_file, epoch=clock.epoch))
    deps = build_deps(settings, **overrides)
    holder["app"] = create_app(settings, deps)
    holder["app"].load_parts()  # as `portal serve` does: threads serve, the URL map stays as it is
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield base, deps
    finally:
        # waitress's own order: the worker threads end (answering what they hold), then every
        # socket is closed from the server's own loop (its trigger runs the thunk there), so
        # that none closes under the loop's select; the loop ends when nothing is left to watch
        server.task_dispatcher.shutdown()
        server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
        thread.join(timeout=10)
        assert not thread.is_alive(), "the test server's loop did not end"
        deps.close()


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, through Playwright; screenshots go to ``ARTIFACTS``."""
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page, tags: list[str] = WCAG_21_AA, large_text_contrast: float | None = None) -> list[dict]:
    """Run axe-core (npm, installed by the test command; injected from disk, so the page under
    test fetches nothing) on the page as it stands, and return its violations at WCAG 2.1 AA:
    each as {id, impact, help, targets}. A test asserts the list is empty and prints it if not.
    ``large_text_contrast``: the ratio large text must reach too (WCAG AA asks 3:1 of text from
    24 px, or 18.7 px bold; the elder-friendly mode asks 4.5:1 of all its text)."""
    page.wait_for_load_state()  # a page a click just opened is parsed whole before it is checked
    # evaluated through the DevTools protocol, which the page's Content-Security-Policy does not
    # govern: the policy under test stays as it is served
    page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    options = {"runOnly": {"type": "tag", "values": tags}}
    if large_text_contrast is not None:
        options["checks"] = {"color-contrast": {"options": {"contrastRatio": {"large": {"expected": large_text_contrast}}}}}
    result = page.evaluate("options => axe.run(document, options)", options)
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "targets": [n["target"] for n in v["nodes"]]} for v in result["violations"]]


def sign_in(page, base: str, deps: Deps, username: str, role: str, unit: str, lands_on: str,
            display_name: str | None = None) -> None:
    """Create a staff account and sign in with its password and a TOTP code at the deps'
    clock; wait for the page the login lands on (``lands_on``, a path)."""
    import pyotp

    from portal.services import staff_accounts

    password = f"{username}-password-2026"
    provisioned = staff_accounts.create(deps, county=deps.counties.default, username=username, unit=unit, role=role,
                                        display_name=display_name or username, password=password,
                                        now=deps.clock.now())
    page.goto(f"{base}/staff/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{base}/staff/login/totp")
    page.fill("#code", pyotp.TOTP(pyotp.parse_uri(provisioned.otpauth_uri).secret).at(deps.clock.now()))
    page.click("#totp-form button[type=submit]")
    page.wait_for_url(f"{base}{lands_on}")


def map_settled(page, selector: str) -> None:
    """Wait for the Leaflet map in ``selector`` to end its zoom (to the county's outline, say)."""
    page.wait_for_timeout(300)  # let a zoom that is starting begin, then end
    page.locator(f"{selector}.leaflet-zoom-anim").wait_for(state="detached")


def map_label_overlaps(page, selector: str) -> dict:
    """The place names a Leaflet map in ``selector`` shows: how many, and each pair whose boxes overlap."""
    map_settled(page, selector)
    return page.evaluate("""selector => {
      const shown = [...document.querySelectorAll(selector + ' .map-label')]
        .filter(el => getComputedStyle(el).visibility !== 'hidden').map(el => [el.textContent, el.getBoundingClientRect()]);
      const pairs = [];
      shown.forEach(([a, r], i) => shown.slice(i + 1).forEach(([b, o]) => {
        if (r.left < o.right && o.left < r.right && r.top < o.bottom && o.top < r.bottom) pairs.push([a, b]); }));
      return {shown: shown.length, pairs};
    }""", selector)
