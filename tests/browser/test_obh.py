"""An OBH meeting with two cases in a real browser: the organiser writes the
minutes, a decision and an action per case and downloads the PDF minutes of
each case; screenshots at 1280 and 360 px; the network view runs under the CSP."""

from __future__ import annotations

import re

import pytest

from .helpers import log_in

pytestmark = pytest.mark.browser

ENFORCER = "handhaving@demo.schakel.test"
ANALYST = "liec@demo.schakel.test"
CASES = ("Nachtwinkel met opvallend weinig klanten", "Carwash met overnachtende werknemers")


def _expect():
    from playwright.sync_api import expect

    return expect


def test_obh_meeting_with_two_cases_produces_pdf_minutes(demo_server, page_at, screenshot, tmp_path):
    expect = _expect()
    page = page_at(1280)
    log_in(page, demo_server.url, ENFORCER)
    page.goto(f"{demo_server.url}/casussen/overleggen/")
    page.get_by_role("link", name="OBH Mechelen (demo)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("OBH Mechelen (demo)")
    for title in CASES:
        expect(page.get_by_role("heading", level=3, name=re.compile(title))).to_be_visible()
    screenshot(page, "cases-obh-meeting-1280")

    for n, title in enumerate(CASES, start=1):
        page.get_by_role("heading", level=3, name=re.compile(title)).get_by_role("link").click()
        page.get_by_role("textbox", name="Verslag").fill(f"Punt {n}: besproken door stad, politie en parket.")
        page.get_by_role("button", name="Verslag bewaren").click()
        expect(page.get_by_text("Het verslag is bewaard.")).to_be_visible()
        page.get_by_role("textbox", name="Beslissing").fill(f"Beslissing {n}: plan van aanpak opstellen")
        page.get_by_role("button", name="Beslissing noteren").click()
        expect(page.get_by_text(f"Beslissing {n}: plan van aanpak opstellen")).to_be_visible()
        page.get_by_role("textbox", name="Actie", exact=True).fill(f"Actie {n}: controle brandveiligheid")
        page.get_by_role("combobox", name="Spoor").select_option("administrative")
        page.get_by_role("combobox", name="Organisatie").select_option(label="Stad Mechelen")
        deadline = page.get_by_label("Deadline")  # a date picker; its minimum is the meeting day
        deadline.fill(deadline.get_attribute("min"))
        page.get_by_role("button", name="Actie toevoegen").click()
        expect(page.get_by_role("rowheader", name=f"Actie {n}: controle brandveiligheid")).to_be_visible()
        if n == 1:
            screenshot(page, "cases-obh-item-1280")
        with page.expect_download() as info:
            page.get_by_role("link", name="PDF").click()
        pdf = tmp_path / f"verslag-{n}.pdf"
        info.value.save_as(pdf)
        assert pdf.read_bytes().startswith(b"%PDF")
        from pypdf import PdfReader

        text = " ".join(p.extract_text() for p in PdfReader(pdf).pages)
        assert f"Punt {n}: besproken" in text and f"Beslissing {n}" in text and title in text
        assert "VERTROUWELIJK" in text
        other = CASES[2 - n]
        assert other not in text  # one case per PDF
        page.get_by_role("link", name="OBH Mechelen (demo)").click()

    expect(page.get_by_text("Punt 1: besproken")).to_be_visible()
    expect(page.get_by_text("Punt 2: besproken")).to_be_visible()
    assert page.csp_errors == []


def test_case_pages_on_a_phone_and_network_under_csp(demo_server, page_at, screenshot):
    expect = _expect()
    page = page_at(360)
    log_in(page, demo_server.url, ENFORCER)
    page.goto(f"{demo_server.url}/casussen/")
    page.get_by_role("link", name=re.compile(r"OBH-\d+")).first.click()
    expect(page.get_by_role("heading", level=2, name="Kring")).to_be_visible()
    screenshot(page, "cases-detail-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.goto(f"{demo_server.url}/casussen/overleggen/")
    page.get_by_role("link", name="OBH Mechelen (demo)").click()
    screenshot(page, "cases-obh-meeting-360")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 360, f"meeting page is {scroll_width}px wide"
    page.goto(f"{demo_server.url}/casussen/")
    page.get_by_role("link", name=re.compile(r"OBH-\d+")).last.click()
    page.get_by_role("link", name="Netwerk").click()
    expect(page.locator("#case-network canvas").first).to_be_attached()
    page_wide = page_at(1280)
    log_in(page_wide, demo_server.url, ENFORCER)
    page_wide.goto(page.url)
    expect(page_wide.locator("#case-network canvas").first).to_be_attached()
    page_wide.wait_for_timeout(500)
    screenshot(page_wide, "cases-network-1280")
    assert page.csp_errors == [] and page_wide.csp_errors == []


def test_linked_signal_shown_per_viewer_and_plan_status_step(demo_server, page_at, screenshot):
    """The demo OBH case has a signal linked by the LIEC analyst, who sees it
    in the signals app; the owner (city) sees only the reference and the note.
    The owner then moves the intervention from planned to running."""
    expect = _expect()
    analyst = page_at(1280)
    log_in(analyst, demo_server.url, ANALYST)
    analyst.goto(f"{demo_server.url}/casussen/")
    analyst.get_by_role("row", name=re.compile(CASES[0])).get_by_role("link").first.click()
    section = analyst.get_by_role("region", name="Gekoppelde signalen")
    expect(section.get_by_role("link", name=re.compile(r"S-\d{6}"))).to_be_visible()
    expect(section.get_by_text("Vaststelling ter plaatse bevestigt het patroon (demo).")).to_be_visible()
    section.scroll_into_view_if_needed()
    screenshot(analyst, "cases-linked-signals-liec-1280")

    owner = page_at(1280)
    log_in(owner, demo_server.url, ENFORCER)
    owner.goto(analyst.url)
    section = owner.get_by_role("region", name="Gekoppelde signalen")
    expect(section.get_by_text("geen inzage in dit signaal")).to_be_visible()
    expect(section.get_by_role("link", name=re.compile(r"S-\d{6}"))).to_have_count(0)
    screenshot(owner, "cases-linked-signals-owner-1280")

    owner.get_by_role("link", name="Plan van aanpak").click()
    owner.get_by_role("combobox", name="Nieuwe status").first.select_option("running")
    owner.get_by_role("textbox", name="Toelichting").first.fill("Brief aan de uitbater verstuurd")
    owner.get_by_role("button", name="Wijzigen").first.click()
    expect(owner.get_by_text("De status is gewijzigd.")).to_be_visible()
    expect(owner.get_by_text("Brief aan de uitbater verstuurd")).to_be_visible()
    screenshot(owner, "cases-plan-status-1280")
    assert analyst.csp_errors == [] and owner.csp_errors == []
