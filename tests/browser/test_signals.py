"""A youth signal from the partner form (a teacher, on a phone, no account)
through triage by the OSP team to a decision in the youth early-detection
process; the BPMN diagrams show the path taken and the current task."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from .helpers import log_in

pytestmark = pytest.mark.browser


def _expect():
    from playwright.sync_api import expect

    return expect


def _step(page, choice_label, note=""):
    if choice_label:
        page.get_by_label(choice_label, exact=True).check()
    if note:
        page.get_by_label("Toelichting (verplicht bij afsluiten)").fill(note)
    page.get_by_role("button", name="Stap afronden").click()
    page.wait_for_load_state()


def test_youth_signal_partner_form_to_osp_decision(demo_server, page_at, screenshot):
    from schakel.core.testing import persona_user
    from schakel.signals import services
    from schakel.signals.models import Signal

    expect = _expect()
    _inv, token = services.invitation_create(
        actor=persona_user("osp"), label="Browsertest school", organisation_name="Atheneum (fictief)"
    )

    # --- the teacher reports on a phone, without an account ---------------------
    phone = page_at(360, 740)
    phone.goto(demo_server.url + reverse("signals:partner", args=[token]))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Signaal melden")
    phone.get_by_label("Categorie").select_option(label="Jongeren in risico › Meerdere gsm's")
    phone.get_by_label("Wat hebt u vastgesteld?").fill(
        "Leerling heeft sinds kort drie gsm's en dure sneakers <b>zonder</b> verklaring."
    )
    phone.get_by_label("Jongere: voornaam of initialen en geboortejaar").fill("K., 2011")
    phone.get_by_label("Uw functie").fill("leerkracht")
    screenshot(phone, "signals-partner-form-360")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.get_by_role("button", name="Signaal versturen").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Bedankt voor uw melding")
    signal = Signal.objects.get(invitation__isnull=False, youth_identifier="K., 2011")
    assert signal.team.code == "outreach"
    assert phone.csp_errors == []

    # --- the triage officer does not even see it in her queue ------------------
    triage = page_at(1280)
    log_in(triage, demo_server.url, "triage@demo.schakel.test")
    triage.goto(demo_server.url + reverse("signals:queue"))
    expect(triage.get_by_role("link", name=signal.reference)).to_have_count(0)
    response = triage.goto(demo_server.url + reverse("signals:detail", args=[signal.pk]))
    assert response.status == 404

    # --- the OSP triages it and routes it to the OSP ---------------------------
    page = page_at(1280, 900)
    log_in(page, demo_server.url, "osp@demo.schakel.test")
    page.goto(demo_server.url + reverse("signals:queue"))
    page.get_by_role("link", name=signal.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(signal.reference)
    # the description is shown as text, never as markup
    expect(page.get_by_text("<b>zonder</b>", exact=False)).to_be_visible()
    expect(page.locator("[data-bpmn-viewer][data-rendered='1']")).to_have_count(1)
    expect(page.locator(".djs-element.schakel-current[data-element-id='beoordelen']")).to_have_count(1)
    screenshot(page, "signals-detail-triage-start")
    _step(page, "Relevant")
    _step(page, "Verantwoord: verder")
    _step(page, "OSP (jongeren)")

    # --- the youth process: discussion in the OSP and a decision ---------------
    expect(page.get_by_role("heading", name=re.compile("Bespreking in het OSP"))).to_be_visible()
    expect(page.locator("[data-bpmn-viewer][data-rendered='1']")).to_have_count(2)
    _step(page, "Opvolgen")
    expect(page.get_by_role("heading", name=re.compile("Opvolgen door preventiewerker"))).to_be_visible()
    # The triage diagram shows the path taken through the routing to the OSP ...
    for element in ["beoordelen", "privacy", "routeren", "f_osp", "naar_osp", "terugkoppeling", "einde"]:
        expect(page.locator(f".djs-element.schakel-done[data-element-id='{element}']")).to_have_count(1)
    expect(page.locator(".djs-element.schakel-done[data-element-id='obh']")).to_have_count(0)
    # ... and the youth diagram the decision taken and the task now open.
    expect(page.locator(".djs-element.schakel-done[data-element-id='f_opvolgen']")).to_have_count(1)
    expect(page.locator(".djs-element.schakel-current[data-element-id='opvolgen']")).to_have_count(1)
    page.locator("section", has=page.get_by_role("heading", name="Proces")).scroll_into_view_if_needed()
    screenshot(page, "signals-detail-youth-decision")
    signal.refresh_from_db()
    assert signal.status == Signal.Status.FOLLOW_UP and signal.youth_instance.data["beslissing"] == "opvolgen"
    assert page.csp_errors == [], page.csp_errors

    # --- the reporter's feedback says nothing about what happens next ----------
    assert signal.feedback == "Bedankt voor uw melding. Ze werd ontvangen en behandeld."


def test_modeler_saves_a_new_version_under_csp(demo_server, page_at, screenshot):
    from schakel.workflows.models import ProcessDefinition

    expect = _expect()
    v1 = ProcessDefinition.objects.filter(key="jongeren_vroegdetectie").order_by("-version").first()
    page = page_at(1280, 900)
    log_in(page, demo_server.url, "beheerder@demo.schakel.test")
    page.goto(demo_server.url + reverse("workflows:definition_edit", args=[v1.pk]))
    expect(page.locator("[data-bpmn-modeler][data-rendered='1']")).to_have_count(1)
    # The modeler's palette is there: the administrator can draw.
    expect(page.locator(".djs-palette")).to_have_count(1)
    screenshot(page, "workflows-modeler")
    page.get_by_role("button", name="Bewaren als nieuwe versie").click()
    expect(page.get_by_text(f"Nieuwe versie {v1.version + 1} bewaard.")).to_be_visible()
    v2 = ProcessDefinition.objects.get(key=v1.key, version=v1.version + 1)
    assert v2.created_by.email == "beheerder@demo.schakel.test"
    expect(page.locator("[data-bpmn-viewer][data-rendered='1']")).to_have_count(1)
    assert page.csp_errors == [], page.csp_errors
