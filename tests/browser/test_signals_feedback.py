"""A partner without an account follows the status of the signal: partner
form -> lookup code shown once -> the lookup page says "Ontvangen" -> the OBH
handler closes the signal with a written feedback -> a triage officer
approves it (four eyes) -> the lookup page shows the feedback. All on a
360 px phone."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .helpers import log_in, no_overflow

pytestmark = pytest.mark.browser

FEEDBACK = "Bedankt voor uw melding. Het pand werd gecontroleerd."


def _expect():
    from playwright.sync_api import expect

    return expect


def _lookup(page, base_url, reference, code):
    page.goto(base_url + reverse("signals:status_lookup"))
    page.get_by_label("Referentie").fill(reference)
    page.get_by_label("Opvolgcode").fill(code)
    page.get_by_role("button", name="Status bekijken").click()
    page.wait_for_load_state()


def test_partner_follows_status_and_reads_approved_feedback(demo_server, page_at, screenshot):
    from schakel.core.testing import persona_user
    from schakel.signals import services
    from schakel.signals.models import Signal
    from schakel.workflows.models import WorkItem

    expect = _expect()
    _inv, token = services.invitation_create(
        actor=persona_user("triage"), label="Browsertest handelaars", organisation_name="Handelaarsvereniging"
    )

    # --- the partner reports on a phone and gets a code once --------------------
    phone = page_at(360, 740)
    phone.goto(demo_server.url + reverse("signals:partner", args=[token]))
    phone.get_by_label("Categorie").select_option(
        label="Economisch / ondermijning › Pand met afgeplakte ramen, constant licht, "
        "ventilatiegeluid of vreemde laaduren"
    )
    phone.get_by_label("Wat hebt u vastgesteld?").fill("Afgeplakte ramen en 's nachts laden en lossen.")
    phone.get_by_label("Uw functie").fill("uitbater buurwinkel")
    phone.get_by_role("button", name="Signaal versturen").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Bedankt voor uw melding")
    code = phone.locator("#lookup-code").inner_text()
    signal = Signal.objects.get(invitation__isnull=False, reporter_function="uitbater buurwinkel")
    assert len(code) == 14 and signal.lookup_hash and code not in signal.lookup_hash
    screenshot(phone, "signals-lookup-code-360")
    no_overflow(phone)

    # --- the lookup page says "Ontvangen", nothing else -----------------------
    _lookup(phone, demo_server.url, signal.reference, code)
    expect(phone.get_by_role("heading", name=f"Melding {signal.reference}")).to_be_visible()
    expect(phone.locator("dd strong")).to_have_text("Ontvangen")
    assert "Afgeplakte" not in phone.content() and signal.team.name not in phone.content()
    screenshot(phone, "signals-lookup-received-360")
    no_overflow(phone)
    # A wrong code: the neutral message.
    _lookup(phone, demo_server.url, signal.reference, "AAAA-BBBB-CCCC")
    expect(phone.get_by_role("alert")).to_contain_text("Deze combinatie van referentie en opvolgcode kennen we niet")

    # --- triage routes it to the OBH team (services), the OBH handler closes it ---
    for choice in ("relevant", "verder", "obh"):
        signal.refresh_from_db()
        item = WorkItem.objects.get(instance=signal.instance, status=WorkItem.Status.OPEN)
        services.signal_task_complete(actor=persona_user("triage"), signal=signal, item_pk=item.pk, choice=choice)
    handler = page_at(360, 740)
    log_in(handler, demo_server.url, "handhaving@demo.schakel.test")
    handler.goto(demo_server.url + reverse("signals:detail", args=[signal.pk]))
    handler.get_by_label("Terugkoppeling aan de melder (optioneel)").fill(FEEDBACK)
    handler.get_by_role("button", name="Stap afronden").click()
    expect(handler.get_by_text("De stap is afgewerkt.")).to_be_visible()
    expect(handler.locator("#feedback-review + dl")).to_contain_text("Wacht op nakijken")
    no_overflow(handler)
    # Not yet approved: the partner still reads no text.
    _lookup(phone, demo_server.url, signal.reference, code)
    expect(phone.locator("dd strong")).to_have_text("Afgesloten")
    assert FEEDBACK not in phone.content()

    # --- a triage officer approves it from the review list ---------------------
    triage = page_at(360, 740)
    log_in(triage, demo_server.url, "triage@demo.schakel.test")
    triage.goto(demo_server.url + reverse("signals:feedback_reviews"))
    expect(triage.get_by_text(FEEDBACK)).to_be_visible()
    screenshot(triage, "signals-feedback-reviews-360")
    no_overflow(triage)
    triage.get_by_role("link", name=signal.reference).click()
    expect(triage.get_by_label("Tekst voor de melder")).to_have_value(FEEDBACK)
    screenshot(triage, "signals-feedback-review-detail-360")
    no_overflow(triage)
    triage.get_by_role("button", name="Goedkeuren").click()
    expect(triage.get_by_text("De terugkoppeling is goedgekeurd")).to_be_visible()

    # --- the lookup page now shows the feedback --------------------------------
    _lookup(phone, demo_server.url, signal.reference, code)
    expect(phone.locator("dd strong")).to_have_text("Afgesloten")
    expect(phone.get_by_text(FEEDBACK)).to_be_visible()
    screenshot(phone, "signals-lookup-feedback-360")
    no_overflow(phone)
    assert phone.csp_errors == [] and triage.csp_errors == []
