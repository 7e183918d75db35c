"""Fixtures the browser tests share; a module needing a portal prepared otherwise (a test
clock, sample data, the demo pages) defines its own ``served``."""

from __future__ import annotations

import pytest

from tests.e2e.browser import PHONE_CONTEXT, chromium, served_portal


@pytest.fixture
def served(tmp_path):
    """The portal on a free loopback port, with an empty data dir: (base URL, deps)."""
    with served_portal(tmp_path / "data") as portal:
        yield portal


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, one per test module (each test opens its own context)."""
    with chromium() as b:
        yield b


@pytest.fixture
def phone_page(browser):
    """A page in a fresh phone context (360x740, touch, zh-CN), 15 s per action; the context is
    closed after the test, passed or failed."""
    context = browser.new_context(**PHONE_CONTEXT)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
