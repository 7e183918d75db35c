"""The citizen pages a browser test visits, in either mode (standard, or the elder-friendly
mode with ``?elder=1``), reached as a citizen reaches them; and what the elder-friendly mode
promises, measured in the page (MIIT 2021: text, line spacing, tap targets)."""

from __future__ import annotations

from typing import Callable, Iterator

from portal.services import workflow
from portal.domain.access import Actor, Role
from tests.fakes import images

MODES = {"standard": "", "elder": "?elder=1"}


def _q(mode: str, extra: str = "") -> str:
    query = MODES[mode]
    if extra:
        return (query + "&" if query else "?") + extra
    return query


def choose_category(page, code: str) -> None:
    """Open the category's group (a tap on its summary) and tick it, as a citizen does."""
    radio = page.locator(f"#category-{code}")
    group = page.locator("details.category-group", has=radio)
    if group.get_attribute("open") is None:
        group.locator("summary").click()
    radio.check()


def scroll_to_the_map(page) -> None:
    """Bring the "在哪里" fieldset onto the screen, as a citizen scrolls to it: only then does
    place.js fetch Leaflet and build the map."""
    page.locator("#place legend").scroll_into_view_if_needed()
    page.wait_for_selector("#map.leaflet-container")


def file_through_the_page(page, base: str, mode: str, phone: str = "13912345678") -> str:
    page.goto(f"{base}/report{_q(mode)}")
    choose_category(page, "c1-no-planning-permit")
    page.fill("#description", "村口农田里有人没手续盖房，已经砌到二层。")
    page.fill("#lat", "26.460")
    page.fill("#lng", "113.850")
    if phone:
        page.fill("#phone", phone)
    page.locator("#report-form button[type=submit]").click()
    page.wait_for_selector("#receipt-number")
    return page.locator("#receipt-number").inner_text().replace(" ", "")


def citizen_pages(page, base: str, deps, mode: str) -> Iterator[tuple[str, Callable[[], None]]]:
    """(name, a function that brings ``page`` to it) for every citizen page."""
    yield "home", lambda: page.goto(f"{base}/{_q(mode)}")

    def report():
        page.goto(f"{base}/report{_q(mode)}")
        scroll_to_the_map(page)  # the map's controls and place names checked too
        page.wait_for_selector("#map .township-label")
    yield "report", report

    yield "report-errors", lambda: _submitted(page, f"{base}/report{_q(mode)}", {"#phone": "+1 202 555 0143"},
                                              "#report-form", "#error-summary")
    state = {}

    def receipt():
        state["receipt"] = file_through_the_page(page, base, mode)
    yield "receipt", receipt
    yield "status-lookup", lambda: page.goto(f"{base}/status{_q(mode)}")

    yield "status-wrong-receipt", lambda: _submitted(page, f"{base}/status{_q(mode)}", {"#receipt": "1234 5678 9012 3456"},
                                                     "#lookup-form", "#lookup-error")

    def status():
        complaint = deps.repos.complaints.get_by_receipt(deps.hasher.digest("receipt", state["receipt"]))
        officer = Actor("a11y.officer", Role.OFFICER, complaint.lead, complaint.county)
        now = deps.clock.now()
        workflow.accept(deps, officer, complaint.id, "", now)
        workflow.ask_information(deps, officer, complaint.id, "请说明房屋在村口的哪一侧。", now)
        page.goto("about:blank")  # from /status itself, only the fragment would change
        page.goto(f"{base}/status{_q(mode)}#r={state['receipt']}")  # the QR code's link
        page.wait_for_selector("#stepbar")
    yield "status", status
    yield "grids", lambda: page.goto(f"{base}/grids{_q(mode)}")

    yield "grids-found", lambda: _submitted(page, f"{base}/grids{_q(mode)}", {"#q": "szb"}, ".grid-search", "table.grids")
    yield "grids-none", lambda: page.goto(f"{base}/grids{_q(mode, 'q=zzzzzz')}")
    yield "not-found", lambda: page.goto(f"{base}/no-such-page{_q(mode)}")
    if deps.settings.is_demo:
        yield "demo-outbox", lambda: page.goto(f"{base}/demo/outbox{_q(mode)}")


def _submitted(page, url: str, fields: dict[str, str], form: str, shown: str) -> None:
    """Open ``url``, fill ``fields`` (selector: text), submit ``form`` with its button and wait
    until the answer shows ``shown``."""
    page.goto(url)
    for selector, text in fields.items():
        page.fill(selector, text)
    page.locator(f"{form} button[type=submit]").click()
    page.wait_for_selector(shown)


def confirm_page_without_script(page, base: str, mode: str, photo_path: str) -> None:
    """The photo-facts confirmation page, which only a page without JavaScript reaches."""
    page.goto(f"{base}/report{_q(mode)}")
    choose_category(page, "c1-no-planning-permit")
    page.fill("#description", "村口农田里有人没手续盖房，已经砌到二层。")
    page.fill("#lat", "26.460")
    page.fill("#lng", "113.850")
    page.set_input_files("#photos", photo_path)
    page.locator("#report-form button[type=submit]").click()
    page.wait_for_selector("#confirm-form")


def phone_photo(tmp_path, size=(640, 480)) -> str:
    path = tmp_path / "IMG_20261120_1403.jpg"
    path.write_bytes(images.phone_jpeg(size=size))
    return str(path)


MEASURE = """
elder => {
  const skip = el => el.closest('[hidden], .hp, .skip, .visually-hidden, noscript');
  const visible = el => { const r = el.getBoundingClientRect(); const cs = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none'; };
  const small = [], tight = [], taps = [], px = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!node.textContent.trim() || !el || skip(el) || !visible(el)) continue;
    const cs = getComputedStyle(el), size = parseFloat(cs.fontSize);
    const line = cs.lineHeight === 'normal' ? 0 : parseFloat(cs.lineHeight);
    // nowhere under 14 px, the map's place names included; the elder mode's text (not the map's labels) 18 px and spaced
    const onMap = !!el.closest('.leaflet-container');
    if (size < (elder && !onMap ? 18 : 14) - 0.01) small.push([el.tagName + '.' + el.className, node.textContent.trim().slice(0, 20), size]);
    if (elder && !onMap && line && line / size < 1.3 - 0.001 && node.textContent.trim().length > 1) tight.push([el.tagName + '.' + el.className, line / size]);
  }
  if (elder) {
    for (const el of document.querySelectorAll('a, button, input, select, textarea, summary')) {
      // the map's zoom buttons are measured by their own test; its attribution links are the licensor's
      if (skip(el) || el.type === 'hidden' || el.closest('.leaflet-container')) continue;
      let target = el;
      if (el.type === 'radio' || el.type === 'checkbox') target = el.closest('label') || (el.id && document.querySelector(`label[for="${el.id}"]`)) || el;
      if (!visible(target)) continue;
      const r = target.getBoundingClientRect();
      if (r.width < 59.5 || r.height < 59.5) taps.push([el.tagName + '#' + el.id + '.' + el.className, (el.textContent || el.value || '').trim().slice(0, 16), Math.round(r.width), Math.round(r.height)]);
    }
  }
  return {small, tight, taps, fontSize: parseFloat(getComputedStyle(document.body).fontSize),
          lineHeight: parseFloat(getComputedStyle(document.body).lineHeight) / parseFloat(getComputedStyle(document.body).fontSize)};
}
"""


def measure(page, elder: bool) -> dict:
    return page.evaluate(MEASURE, elder)
