"""Browser tests: Playwright (sync API) driving Debian's chromium against pytest-django's live server.

Chromium missing: the tests skip, unless SCHAKEL_REQUIRE_BROWSER=1 (CI), then they fail.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django would otherwise
# refuse ORM calls from the test thread ("You cannot call this from an async context").
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("SCHAKEL_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def _no_browser(reason: str):
    if os.environ.get("SCHAKEL_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are required (SCHAKEL_REQUIRE_BROWSER=1) but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        _no_browser(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser("Playwright for Python is not installed")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def demo_server(live_server, transactional_db):
    """The live server with reference data, the demo and compiled translations."""
    from schakel.core.seeding import load_all
    from schakel.core.tests.catalogues import ensure_compiled

    ensure_compiled()
    load_all(demo=True, out=lambda msg: None)
    return live_server


@pytest.fixture
def page_at(browser):
    """page_at(width) -> a fresh page (own cookies) with that viewport width; CSP errors are collected."""
    contexts = []

    def _open(width: int, height: int = 800):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="nl-BE")
        contexts.append(context)
        page = context.new_page()
        page.csp_errors = []
        page.on(
            "console",
            lambda msg: page.csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None,
        )
        return page

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    """screenshot(page, "home-1280") -> full-page PNG in test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shot(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot
