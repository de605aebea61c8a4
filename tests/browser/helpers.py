"""Shared steps of the browser tests."""

from __future__ import annotations

import re

PASSWORD = "Schakel-demo-2026"  # every demo persona's password


def log_in(page, base_url: str, email: str) -> None:
    """Sign in through the login form and wait for the start page."""
    page.goto(f"{base_url}/account/aanmelden/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(re.compile(r"/$"))


def no_overflow(page) -> None:
    """The page is no wider than its viewport (no sideways scrolling on a phone)."""
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"page is {scroll_width}px wide in a {width}px viewport"
