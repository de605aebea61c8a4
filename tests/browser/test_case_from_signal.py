"""Finding m13 in a real browser on a 360 px phone: at the youth process's
step "Casusaanpak opstarten (SAMEN)" the OSP opens a case from the signal;
a refusal keeps what was typed, saving links the signal and lands on the
case, and the young person's identifier appears nowhere on the case."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from .helpers import log_in

pytestmark = pytest.mark.browser

OSP = "osp@demo.schakel.test"
YOUTH_ID = "Kwinten V., 2010"


def _expect():
    from playwright.sync_api import expect

    return expect


def _fits(page, width=360):
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide"


def _youth_signal_at_case_step():
    from django.utils import timezone

    from schakel.core.testing import persona_user
    from schakel.signals import services
    from schakel.signals.models import Category
    from schakel.workflows.models import WorkItem

    signal = services.signal_create(
        actor=persona_user("extern"),
        category=Category.objects.get(code="meerdere-gsms"),
        description="Leerling heeft sinds kort meerdere gsm's en veel cash.",
        observed_at=timezone.now() - timedelta(hours=2),
        youth_identifier=YOUTH_ID,
    )
    for choice in ("relevant", "verder", "osp", "casus"):
        signal.refresh_from_db()
        item = WorkItem.objects.get(
            instance_id__in=[signal.instance_id, signal.youth_instance_id], status=WorkItem.Status.OPEN
        )
        services.signal_task_complete(
            actor=persona_user("osp"), signal=signal, item_pk=item.pk, choice=choice, note="", legal_ground=None
        )
    signal.refresh_from_db()
    assert signal.current_task == "Casusaanpak opstarten (SAMEN)"
    return signal


def test_osp_opens_a_case_from_the_signal_on_a_phone(demo_server, page_at, screenshot):
    expect = _expect()
    signal = _youth_signal_at_case_step()
    page = page_at(360)
    log_in(page, demo_server.url, OSP)
    page.goto(f"{demo_server.url}/signalen/{signal.pk}/")
    button = page.get_by_role("link", name="Casus openen vanuit dit signaal")
    expect(button).to_be_visible()
    screenshot(page, "case-from-signal-step-360")
    _fits(page)
    button.click()

    page.wait_for_url(re.compile(r"/casussen/nieuw/uit-signaal/\d+/$"))
    title = page.get_by_label("Neutrale titel")
    expect(title).to_have_value(f"Casusaanpak jongere na signaal {signal.reference}")
    assert YOUTH_ID not in page.content() and "Kwinten" not in page.content()
    # Saving without a legal ground is refused; the typed title and note stay.
    title.fill("Casusaanpak jongere, school Noord")
    page.get_by_label("Toelichting bij de koppeling (optioneel)").fill("Besproken in het OSP")
    page.get_by_role("button", name="Casus openen en signaal koppelen").click()
    expect(page.get_by_text("Kies de rechtsgrond die dit toelaat.").first).to_be_visible()
    expect(page.get_by_label("Neutrale titel")).to_have_value("Casusaanpak jongere, school Noord")
    expect(page.get_by_label("Toelichting bij de koppeling (optioneel)")).to_have_value("Besproken in het OSP")
    screenshot(page, "case-from-signal-refused-360")
    _fits(page)

    page.get_by_label("Rechtsgrond").select_option(index=1)
    page.get_by_role("button", name="Casus openen en signaal koppelen").click()
    page.wait_for_url(re.compile(r"/casussen/\d+/$"))
    expect(page.get_by_text(f"signaal {signal.reference} is eraan gekoppeld", exact=False)).to_be_visible()
    expect(page.get_by_text(signal.reference).last).to_be_visible()
    assert "Kwinten" not in page.content()
    screenshot(page, "case-from-signal-case-360")
    _fits(page)

    # Back on the signal, the button leads to the linked case instead of a second one.
    page.goto(f"{demo_server.url}/signalen/{signal.pk}/")
    page.get_by_role("link", name="Casus openen vanuit dit signaal").click()
    page.wait_for_url(re.compile(r"/casussen/\d+/$"))
    expect(page.get_by_text("is al gekoppeld aan casus", exact=False)).to_be_visible()
