"""Routing a signal to the police (another organisation) asks for a legal
ground from the legal app; the disclosure is recorded with it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.browser

PASSWORD = "Schakel-demo-2026"


def test_routing_to_police_asks_for_the_legal_ground(demo_server, page_at, screenshot):
    from playwright.sync_api import expect

    from schakel.audit.models import AuditEvent
    from schakel.core.testing import persona_user
    from schakel.legal.models import LegalGround
    from schakel.signals import services
    from schakel.signals.models import Category, Signal
    from schakel.workflows.models import WorkItem

    signal = services.signal_create(
        actor=persona_user("handhaving"),
        category=Category.objects.get(code="pand-kenmerken"),
        description="Pand met afgeplakte ramen (browsertest, fictief).",
        observed_at=Signal.objects.order_by("pk").first().observed_at,
    )
    for choice in ("relevant", "verder"):
        item = WorkItem.objects.get(instance=signal.instance, status=WorkItem.Status.OPEN)
        services.signal_task_complete(actor=persona_user("triage"), signal=signal, item_pk=item.pk, choice=choice)

    page = page_at(1280, 900)
    page.goto(f"{demo_server.url}/account/aanmelden/")
    page.get_by_label("E-mailadres").fill("triage@demo.schakel.test")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(re.compile(r"/$"))
    page.goto(demo_server.url + reverse("signals:detail", args=[signal.pk]))
    expect(page.get_by_role("heading", name=re.compile("Volgende stap: Routeren"))).to_be_visible()
    ground_select = page.get_by_label("Rechtsgrond (verplicht bij doorgeven aan een andere organisatie)")
    expect(ground_select).to_be_visible()

    # Without a ground the step is refused with the reason.
    page.get_by_label("Politie (strafbare feiten)", exact=True).check()
    page.get_by_role("button", name="Stap afronden").click()
    expect(page.get_by_text("kies de rechtsgrond die dit toelaat", exact=False)).to_be_visible()
    signal.refresh_from_db()
    assert signal.team.code == "preventie-veiligheid"

    protocol = LegalGround.objects.get(code="protocol-obh-mechelen")
    page.get_by_label("Politie (strafbare feiten)", exact=True).check()
    page.get_by_label("Rechtsgrond (verplicht bij doorgeven aan een andere organisatie)").select_option(
        str(protocol.pk)
    )
    screenshot(page, "signals-routing-legal-ground")
    page.get_by_role("button", name="Stap afronden").click()
    expect(page.get_by_text("De stap is afgewerkt.")).to_be_visible()
    signal.refresh_from_db()
    assert signal.team.code == "liec"
    assert AuditEvent.objects.get(kind="disclosure", object_id=str(signal.pk)).legal_ground == str(protocol)
    assert page.csp_errors == [], page.csp_errors
