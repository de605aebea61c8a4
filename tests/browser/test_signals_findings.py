"""Hallway-test findings on the signals pages, as the user sees them:
the menu (B1), the decision radios (m8) and the kept choice after a refusal
(M2), the address suggestions (M4) and "Mijn meldingen" on a phone (m9)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .helpers import log_in

pytestmark = pytest.mark.browser

CLOSE = "Onvolledig of niet relevant: afsluiten"


def _expect():
    from playwright.sync_api import expect

    return expect


def test_step_radios_sit_with_their_labels_and_survive_a_refusal(demo_server, page_at, screenshot):
    from schakel.signals.models import Signal

    expect = _expect()
    signal = Signal.objects.filter(category__code="graffiti", is_demo=True).order_by("pk").first()
    page = page_at(1280, 900)
    log_in(page, demo_server.url, "triage@demo.schakel.test")
    # B1: the invitation links are in the menu; the queue links to the map and the export.
    expect(page.locator("#main-menu").get_by_role("link", name="Uitnodigingslinks")).to_be_visible()
    page.goto(demo_server.url + reverse("signals:queue"))
    expect(page.get_by_role("link", name="Kaart", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Exporteren (CSV)")).to_be_visible()
    page.goto(demo_server.url + reverse("signals:detail", args=[signal.pk]))
    # m8: each radio on the same line as its own label.
    for label in ("Relevant", CLOSE):
        radio = page.get_by_label(label, exact=True)
        text = page.locator(f"label[for='{radio.get_attribute('id')}']")
        rb, tb = radio.bounding_box(), text.bounding_box()
        assert abs((rb["y"] + rb["height"] / 2) - (tb["y"] + tb["height"] / 2)) < 8, (label, rb, tb)
        assert tb["x"] > rb["x"]
    # M2: closing without a reason is refused; the choice stays and the message is at the field.
    page.get_by_label(CLOSE, exact=True).check()
    page.get_by_role("button", name="Stap afronden").click()
    page.wait_for_load_state()
    expect(page.get_by_label(CLOSE, exact=True)).to_be_checked()
    note = page.get_by_label("Toelichting (verplicht bij afsluiten)")
    expect(note).to_have_attribute("aria-invalid", "true")
    expect(
        page.get_by_text("Geef de reden waarom het signaal zonder verdere opvolging wordt afgesloten.")
    ).to_be_visible()
    screenshot(page, "signals-step-refused-1280")
    note.fill("Dubbele melding van S-000001 (test).")
    page.get_by_role("button", name="Stap afronden").click()
    expect(page.get_by_text("De stap is afgewerkt.")).to_be_visible()
    signal.refresh_from_db()
    assert signal.status == Signal.Status.CLOSED_NO_FOLLOWUP
    assert page.csp_errors == [], page.csp_errors


def test_reporter_on_a_phone_finds_her_signals_and_address_suggestions(demo_server, page_at, screenshot):
    expect = _expect()
    phone = page_at(360, 740)
    log_in(phone, demo_server.url, "frontlijn@demo.schakel.test")
    # B1: "Mijn meldingen" is in the (folded) menu.
    phone.get_by_role("button", name="Menu").click()
    phone.locator("#main-menu").get_by_role("link", name="Mijn meldingen").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Mijn meldingen")
    # m9: status and feedback of each signal are on screen, without sideways scrolling.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    status = phone.locator("td[data-label='Status']").first
    feedback = phone.locator("td[data-label='Terugkoppeling']").first
    for cell in (status, feedback):
        expect(cell).to_be_visible()
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    screenshot(phone, "signals-mine-360")
    # M4: the intake address offers the register's addresses while typing.
    phone.goto(demo_server.url + reverse("signals:intake"))
    address = phone.get_by_label("Adres")
    address.press_sequentially("Kalverenstraat 5", delay=30)
    expect(phone.locator("#address-options option[value='Kalverenstraat 5, 2800']")).to_have_count(1)
    assert phone.csp_errors == [], phone.csp_errors


def test_partner_at_the_link_limit_keeps_the_report_on_a_phone(demo_server, page_at, screenshot):
    from schakel.core.testing import persona_user
    from schakel.signals import services
    from schakel.signals.models import Signal

    expect = _expect()
    _inv, token = services.invitation_create(
        actor=persona_user("triage"),
        label="Browsertest limiet",
        organisation_name="School (fictief)",
        max_per_hour=1,
        contact="preventie@demo.schakel.test (fictief)",
    )
    phone = page_at(360, 740)
    url = demo_server.url + reverse("signals:partner", args=[token])
    for text in ("Eerste melding (test).", "Tweede melding: jongere wordt opgewacht (test)."):
        phone.goto(url)
        phone.get_by_label("Categorie").select_option(label="Jongeren in risico › Meerdere gsm's")
        phone.get_by_label("Wat hebt u vastgesteld?").fill(text)
        phone.get_by_label("Uw functie").fill("leerkracht")
        phone.get_by_role("button", name="Signaal versturen").click()
        phone.wait_for_load_state()
    expect(phone.get_by_text("Uw melding is nog niet verstuurd.")).to_be_visible()
    expect(phone.get_by_label("Wat hebt u vastgesteld?")).to_have_value(
        "Tweede melding: jongere wordt opgewacht (test)."
    )
    expect(phone.get_by_label("Categorie")).to_have_value(
        str(Signal.objects.get(description="Eerste melding (test).").category_id)
    )
    expect(phone.get_by_role("alert")).to_contain_text("preventie@demo.schakel.test (fictief)")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "signals-partner-limit-360")
    assert Signal.objects.filter(invitation__label="Browsertest limiet").count() == 1
