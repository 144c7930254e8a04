"""Headless Debian Chromium for the browser tests (Playwright downloads no browser)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from evals.bench_chat import CHROMIUM_FLAGS

LOCAL_SCHEMES = ("data", "blob", "about")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page that records every URL it requests (checked to stay on localhost)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.requested = []
    context.on("request", lambda request: page.requested.append(request.url))
    yield page
    context.close()
    outside = [url for url in page.requested if urlparse(url).scheme not in LOCAL_SCHEMES
               and urlparse(url).hostname not in ("127.0.0.1", "localhost")]
    assert page.requested and not outside, f"requests outside localhost: {outside}"
