"""The registry pages in a real browser at phone width: search a subject of
one's case, open it, register an establishment with the address
autocomplete of the places app; screenshots at 360 px."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

ENFORCER = "handhaving@demo.schakel.test"
PASSWORD = "Schakel-demo-2026"


def test_registry_search_detail_and_establishment_with_register_address(demo_server, page_at, screenshot):
    from playwright.sync_api import expect

    from schakel.subjects.models import Establishment

    page = page_at(360)
    page.goto(f"{demo_server.url}/account/aanmelden/")
    page.get_by_label("E-mailadres").fill(ENFORCER)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()

    page.goto(f"{demo_server.url}/registratie/subjecten/")
    page.get_by_label(re.compile("^Naam, rijksregisternummer")).fill("Demo Uitbater-Fictief")
    page.get_by_role("button", name="Zoeken").click()
    link = page.get_by_role("link", name=re.compile("Demo Uitbater-Fictief"))
    expect(link).to_be_visible()
    screenshot(page, "subjects-search-360")
    link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Demo Uitbater-Fictief")
    expect(page.get_by_role("link", name="Demo Nachtwinkel Fictief BV – KBO 0403.170.701")).to_be_visible()
    # Nothing wider than the phone screen except inside the scrolling tables.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "subjects-detail-360")

    page.goto(f"{demo_server.url}/registratie/subjecten/nieuw/inrichting/")
    page.locator("#id_name").fill("Demo Frituur Fictief")
    address = page.get_by_label("Adres in het adressenregister")
    address.press_sequentially("Kastanjestraat 1", delay=30)
    option = page.locator("#address-options option").first
    expect(option).to_have_attribute("value", re.compile("^Kastanjestraat 1"))
    address.fill(option.get_attribute("value"))
    page.wait_for_load_state("networkidle")  # let the last autocomplete request finish
    screenshot(page, "subjects-establishment-form-360")
    page.get_by_role("button", name="Registreren").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Demo Frituur Fictief")
    expect(page.get_by_text("adressenregister", exact=True)).to_be_visible()
    est = Establishment.objects.get(name="Demo Frituur Fictief")
    assert est.address is not None and est.address.label.startswith("Kastanjestraat 1")
    assert not page.csp_errors
