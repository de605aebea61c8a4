"""Hallway-test findings on the cases pages, in a real browser on a 360 px phone:
the add-subject form shows only the chosen kind (M1), the action form keeps
what was typed and shows the error at the field (M2, m6), and closing a case
asks for a reason and a confirmation (M8)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .helpers import PASSWORD, log_in

pytestmark = pytest.mark.browser

ENFORCER = "handhaving@demo.schakel.test"
SHOP = "Nachtwinkel met opvallend weinig klanten"


def _expect():
    from playwright.sync_api import expect

    return expect


def _open_case(page, base_url, title=SHOP):
    page.goto(f"{base_url}/casussen/")
    page.get_by_role("row", name=re.compile(title)).get_by_role("link").first.click()


def _fits(page, width=360):
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide"


def test_subject_form_shows_only_the_chosen_kind(demo_server, page_at, screenshot):
    expect = _expect()
    page = page_at(360)
    log_in(page, demo_server.url, ENFORCER)
    _open_case(page, demo_server.url)
    page.get_by_role("link", name="Subject toevoegen").click()
    # An OBH case proposes an enterprise; only its fields are shown.
    expect(page.get_by_role("combobox", name="Soort", exact=True)).to_have_value("enterprise")
    expect(page.get_by_label("Rol in de casus")).to_have_value("enterprise")
    expect(page.get_by_label("Naam (onderneming of inrichting)")).to_be_visible()
    expect(page.get_by_label("KBO-ondernemingsnummer")).to_be_visible()
    for hidden in ("Voornaam", "Nummerplaat", "Adres"):
        expect(page.get_by_label(hidden, exact=True)).to_be_hidden()
    screenshot(page, "cases-subject-enterprise-360")
    _fits(page)

    page.get_by_role("combobox", name="Soort", exact=True).select_option("establishment")
    expect(page.get_by_label("Rol in de casus")).to_have_value("premises")
    expect(page.get_by_label("Adres", exact=True)).to_be_visible()
    expect(page.get_by_label("KBO-ondernemingsnummer")).to_be_hidden()
    # Roles that do not fit a premises cannot be chosen.
    assert page.locator('select[name="role"] option[value="young_person"]').is_disabled()

    page.get_by_role("combobox", name="Soort", exact=True).select_option("person")
    expect(page.get_by_label("Voornaam", exact=True)).to_be_visible()
    expect(page.get_by_label("Naam (onderneming of inrichting)")).to_be_hidden()
    expect(page.get_by_label("Rol in de casus")).to_have_value("involved")
    expect(page.get_by_label("Geboortedatum")).to_have_attribute("type", "date")
    # A role the user picked is kept when it also fits the next kind.
    page.get_by_label("Rol in de casus").select_option("operator")
    page.get_by_role("combobox", name="Soort", exact=True).select_option("enterprise")
    expect(page.get_by_label("Rol in de casus")).to_have_value("operator")

    page.get_by_role("combobox", name="Soort", exact=True).select_option("establishment")
    page.get_by_label("Naam (onderneming of inrichting)").fill("Nachtwinkel Testlaan")
    page.get_by_label("Adres", exact=True).fill("Bruul 10, 2800 Mechelen")
    page.get_by_role("button", name="Toevoegen").click()
    expect(page.get_by_text("Het subject is aan de casus toegevoegd.")).to_be_visible()
    subjects = page.get_by_role("region", name="Subjecten")
    expect(subjects.get_by_role("row", name=re.compile("Nachtwinkel Testlaan"))).to_contain_text("Pand / inrichting")
    assert page.csp_errors == []


def test_subject_form_without_javascript_shows_every_group(demo_server, browser):
    """Progressive enhancement: without JavaScript every group is there, with
    the hint that only the chosen kind's fields count."""
    expect = _expect()
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="nl-BE", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{demo_server.url}/account/aanmelden/")
        page.get_by_label("E-mailadres").fill(ENFORCER)
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        page.get_by_role("button", name="Aanmelden").click()
        _open_case(page, demo_server.url)
        page.get_by_role("link", name="Subject toevoegen").click()
        for label in ("Voornaam", "Naam (onderneming of inrichting)", "Adres", "Nummerplaat"):
            expect(page.get_by_label(label, exact=True)).to_be_visible()
        expect(page.get_by_text("Vul alleen de velden in bij de gekozen soort")).to_be_visible()
        page.get_by_label("Naam (onderneming of inrichting)").fill("Garage Zonder Script")
        page.get_by_role("button", name="Toevoegen").click()
        expect(page.get_by_text("Het subject is aan de casus toegevoegd.")).to_be_visible()
    finally:
        context.close()


def test_action_form_keeps_the_input_and_refuses_a_deadline_before_the_meeting(demo_server, page_at, screenshot):
    expect = _expect()
    page = page_at(360)
    log_in(page, demo_server.url, ENFORCER)
    page.goto(f"{demo_server.url}/casussen/overleggen/")
    page.get_by_role("link", name="OBH Mechelen (demo)").click()
    page.get_by_role("heading", level=3, name=re.compile(SHOP)).get_by_role("link").click()
    deadline = page.get_by_label("Deadline")
    expect(deadline).to_have_attribute("type", "date")
    meeting_day = deadline.get_attribute("min")
    page.get_by_role("textbox", name="Actie", exact=True).fill("Controle arbeidsinspectie")
    page.get_by_role("combobox", name="Spoor").select_option("social")
    page.get_by_role("combobox", name="Organisatie").select_option(label="Stad Mechelen")
    deadline.fill("2020-01-01")
    page.get_by_role("button", name="Actie toevoegen").click()

    error = page.locator("#action-form .field--error .errorlist")
    expect(error).to_contain_text("De deadline ligt vóór de datum van het overleg")
    expect(error).to_be_in_viewport()  # the page lands on the form, not at its top
    expect(page.get_by_role("textbox", name="Actie", exact=True)).to_have_value("Controle arbeidsinspectie")
    expect(page.get_by_role("combobox", name="Spoor")).to_have_value("social")
    expect(page.get_by_label("Deadline")).to_have_value("2020-01-01")
    screenshot(page, "cases-action-error-360")
    _fits(page)

    page.get_by_label("Deadline").fill(meeting_day)
    page.get_by_role("button", name="Actie toevoegen").click()
    expect(page.get_by_text("De actie is toegevoegd.")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Controle arbeidsinspectie")).to_be_visible()
    assert page.csp_errors == []


def test_closing_a_case_needs_a_reason_and_a_confirmation(demo_server, page_at, screenshot):
    expect = _expect()
    page = page_at(360)
    log_in(page, demo_server.url, ENFORCER)
    _open_case(page, demo_server.url)
    case_url = page.url
    status = page.get_by_role("region", name="Status")
    status.get_by_label("Nieuwe status").select_option(label="Afgesloten")
    status.get_by_role("button", name="Status wijzigen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Casus afsluiten")
    expect(page.get_by_text("Na het afsluiten begint de bewaartermijn te lopen.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"\d+ maanden"))).to_be_visible()
    screenshot(page, "cases-close-confirm-360")
    _fits(page)
    page.get_by_role("button", name="Casus afsluiten").click()
    expect(page.locator(".field--error")).to_contain_text("Geef een toelichting")
    page.get_by_label("Toelichting").fill("Uitbater heeft de zaak definitief gesloten.")
    page.get_by_role("button", name="Casus afsluiten").click()

    page.wait_for_url(case_url)
    expect(page.get_by_text("De casus is afgesloten. De bewaartermijn loopt vanaf nu.")).to_be_visible()
    expect(page.get_by_text("Uitbater heeft de zaak definitief gesloten.")).to_be_visible()
    expect(page.locator(".lead .badge")).to_have_text("Afgesloten")
    assert page.csp_errors == []


def test_disclosure_previews_the_exact_summary(demo_server, page_at, screenshot):
    """Preview, then register, then download (security review C3): the file is
    offered only on the confirmation page of a recorded disclosure."""
    expect = _expect()
    page = page_at(360)
    log_in(page, demo_server.url, ENFORCER)
    _open_case(page, demo_server.url)
    page.get_by_role("link", name="Samenvatting verstrekken").click()
    page.get_by_label("Ontvangende organisatie").select_option(index=1)
    page.get_by_label("Rechtsgrond").select_option(index=1)
    page.get_by_label("Doel").fill("Gecoördineerde controle")
    page.get_by_role("button", name="Samenvatting bekijken").click()
    expect(page.get_by_role("heading", name="Controleer wat u verstrekt")).to_be_visible()
    summary = page.locator("pre.case-summary")
    expect(summary).to_contain_text("Samenvatting van casus OBH-")
    expect(summary).to_contain_text("Subjecten:")
    expect(page.get_by_text("Daarna downloadt u de samenvatting op de volgende pagina")).to_be_visible()
    expect(page.get_by_role("link", name="Samenvatting downloaden (.txt)")).to_have_count(0)
    screenshot(page, "cases-disclose-preview-360")
    _fits(page)
    previewed = summary.inner_text().strip()
    sha = page.locator(".case-summary__sha").inner_text()
    page.get_by_role("button", name="Verstrekking registreren").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Verstrekking geregistreerd")
    expect(page.get_by_text(f"(vingerafdruk {sha[:12]})")).to_be_visible()
    expect(page.locator(".disclose-meta")).to_contain_text("Gecoördineerde controle")
    expect(page.locator(".disclose-meta .case-summary__sha")).to_have_text(sha)
    screenshot(page, "cases-disclose-done-360")
    _fits(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="Samenvatting downloaden (.txt)").click()
    downloaded = Path(info.value.path()).read_text(encoding="utf-8")
    assert downloaded.strip() == previewed
    assert info.value.suggested_filename.endswith(f"-{sha[:12]}.txt")
    assert page.csp_errors == []
