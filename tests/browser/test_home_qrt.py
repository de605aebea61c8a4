"""The QRT worker's start page on a phone: the recent incidents with the QRT's
work around them, and the open follow-up actions of the wijkschouwingen."""

from __future__ import annotations

import pytest

from .helpers import log_in, no_overflow

pytestmark = pytest.mark.browser


def test_qrt_home_shows_incidents_and_followups(demo_server, page_at, screenshot):
    from schakel.neighbourhoods.models import Incident

    newest = Incident.objects.filter(is_demo=True).order_by("-occurred_at").first()
    assert newest.location_label == "Zwartzustersberg"
    for width in (360, 1280):
        page = page_at(width)
        log_in(page, demo_server.url, "qrt@demo.schakel.test")
        titles = page.locator("section.home-panel h2").all_inner_texts()
        # in this order (other apps' panels may come before or after)
        ours = ["Incidenten van de laatste 30 dagen", "Open opvolgacties van wijkschouwingen"]
        assert [t for t in titles if t in ours] == ours
        incidents = page.locator("#panel-neighbourhoods_incidents")
        text = incidents.inner_text()
        assert "nog geen QRT-activiteit" in text and "QRT-activiteiten" in text
        assert "1 zonder QRT-activiteit" in text  # the one incident that waits for the QRT
        followups = page.locator("#panel-neighbourhoods_followups")
        assert "Dienst Openbaar Domein · Verlichting herstellen (demo)." in followups.inner_text()
        no_overflow(page)
        screenshot(page, f"home-qrt-{width}")
        if width == 360:
            incidents.get_by_role("link", name="Explosie / IED – Zwartzustersberg").click()
            page.wait_for_url(f"**/incidenten/{newest.pk}/")
            assert "Zwartzustersberg" in page.locator("h1").inner_text()
            no_overflow(page)
            page.go_back()
            followups.get_by_role("link").first.click()
            page.wait_for_url("**/wijkschouw/*/")
            page.go_back()
