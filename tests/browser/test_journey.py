"""The main journey in a real browser: log in, home, switch language, log out; screenshots at 1280 and 360 px."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

COORDINATOR = "coordinator@demo.schakel.test"
PASSWORD = "Schakel-demo-2026"


def _expect():
    from playwright.sync_api import expect

    return expect


def assert_no_horizontal_overflow(page):
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"page is {scroll_width}px wide in a {width}px viewport"


def log_in(page, base_url: str):
    page.goto(f"{base_url}/account/aanmelden/")
    page.get_by_label("E-mailadres").fill(COORDINATOR)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()


def test_login_home_language_switch_logout(demo_server, page_at, screenshot):
    expect = _expect()
    page = page_at(1280)
    page.goto(f"{demo_server.url}/")
    # Anonymous visitors land on the Dutch login page.
    expect(page).to_have_url(re.compile(r"/account/aanmelden/"))
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Aanmelden bij Schakel")
    screenshot(page, "login-1280")

    page.get_by_label("E-mailadres").fill(COORDINATOR)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Welkom, Lotte")
    expect(page.get_by_role("navigation", name="Hoofdmenu")).to_be_visible()
    expect(page.get_by_text("Stad Mechelen").first).to_be_visible()
    screenshot(page, "home-1280")

    # The language select submits itself (schakel.js); the submit button is hidden when JS runs.
    expect(page.locator(".lang-form button")).to_be_hidden()
    with page.expect_navigation():
        page.get_by_label("Taal").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Lotte")
    expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/account/aanmelden/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Schakel")
    expect(page.get_by_text("You have been signed out.")).to_be_visible()

    # Signed out for real: the home page sends us back to the login page.
    page.goto(f"{demo_server.url}/")
    expect(page).to_have_url(re.compile(r"/account/aanmelden/"))
    assert page.csp_errors == []


def test_phone_width_layout(demo_server, page_at, screenshot):
    expect = _expect()
    page = page_at(360, 740)
    page.goto(f"{demo_server.url}/account/aanmelden/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Aanmelden bij Schakel")
    assert_no_horizontal_overflow(page)
    screenshot(page, "login-360")

    log_in(page, demo_server.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welkom, Lotte")
    assert_no_horizontal_overflow(page)
    # The header wraps: every header control stays inside the viewport.
    controls = [
        page.locator(".brand"),
        page.get_by_label("Taal"),
        page.get_by_role("link", name="Mijn account"),
        page.get_by_role("button", name="Afmelden"),
        page.get_by_role("button", name="Menu"),
    ]
    for locator in controls:
        box = locator.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    screenshot(page, "home-360")
    assert page.csp_errors == []


def test_skip_link_moves_focus_to_main(demo_server, page_at):
    expect = _expect()
    page = page_at(1280)
    log_in(page, demo_server.url)  # the login page autofocuses the e-mail field; test on the home page
    expect(page.get_by_role("heading", level=1)).to_have_text("Welkom, Lotte")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Naar de inhoud")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("main#main")).to_be_focused()


# Module names as the apps register them: the header must hold all of them.
MANY_MODULES = [
    "Actieplan en opvolging",
    "Adressen en gebieden",
    "Wijken en Quick Response team",
    "Processen (BPMN)",
    "Signalen",
    "Juridisch kader",
    "Personen, ondernemingen en panden",
    "Casusoverleg",
    "Handhaving en flexacties",
    "Barrièremodellen",
    "Sociaal nood- en interventieplan",
    "Vorming en sensibilisering",
    "Rapporten",
    "Gebruikers",
    "Organisaties",
    "Rollen",
    "Audittrail",
]


@pytest.mark.parametrize("width", [1280, 360])
def test_header_with_every_module_wraps_without_overflow(demo_server, page_at, screenshot, monkeypatch, width):
    from schakel.core import navigation

    items = {f"m{i}": navigation.NavItem(f"m{i}", label, "core:home", None, i) for i, label in enumerate(MANY_MODULES)}
    monkeypatch.setattr(navigation, "_items", items)  # the live server thread reads the same module
    expect = _expect()
    page = page_at(width)
    log_in(page, demo_server.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welkom, Lotte")
    assert_no_horizontal_overflow(page)
    toggle = page.get_by_role("button", name="Menu")
    if width < 768:
        # Phones: the menu is folded behind the Menu button until it is opened.
        expect(toggle).to_have_attribute("aria-expanded", "false")
        expect(page.get_by_role("navigation", name="Hoofdmenu")).to_be_hidden()
        screenshot(page, f"header-many-modules-{width}-closed")
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
    else:
        expect(toggle).to_be_hidden()
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    expect(nav).to_be_visible()
    for label in MANY_MODULES:
        link = nav.get_by_role("link", name=label, exact=True)
        box = link.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (label, box)
    screenshot(page, f"header-many-modules-{width}")
