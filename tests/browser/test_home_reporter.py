"""A reporter's start page on a phone: "Uw meldingen" with the status of
their own reports, nothing about the handling."""

from __future__ import annotations

import pytest

from .helpers import log_in, no_overflow

pytestmark = pytest.mark.browser


def test_frontlijn_sees_own_reports_on_a_phone(demo_server, page_at, screenshot):
    from schakel.core.testing import persona_user
    from schakel.signals.models import FeedbackReview, Signal

    frontlijn = persona_user("frontlijn")
    mine = list(Signal.objects.filter(reporter=frontlijn).select_related("team").order_by("-created_at"))
    assert len(mine) == 3  # the demo seed: graffiti, street light, the busy building (closed)
    pending = next(s for s in mine if s.feedback_review == FeedbackReview.PENDING)
    page = page_at(360)
    log_in(page, demo_server.url, "frontlijn@demo.schakel.test")
    assert page.locator("section.home-panel h2").all_inner_texts() == ["Uw meldingen"]
    panel = page.locator("#panel-signals_mine")
    assert panel.is_visible()
    text = panel.inner_text()
    assert "2 open" in text  # the closed one is listed but not counted
    refs = [t.split(" · ")[0] for t in panel.locator("li > a").all_inner_texts()]
    assert refs == [s.reference for s in mine]
    # Status only: the proposed text waits for review, no team, step or deadline.
    assert pending.feedback_proposed not in text
    for s in mine:
        for hidden in filter(None, (s.team and s.team.name, s.current_task)):
            assert hidden not in text, hidden
    assert "termijn" not in text
    no_overflow(page)
    screenshot(page, "home-frontlijn-360")
    # A row opens the reporter's status page; the link leads to Mijn meldingen.
    panel.get_by_role("link", name=mine[0].reference, exact=False).click()
    page.wait_for_url(f"**/{mine[0].pk}/")
    assert mine[0].reference in page.locator("h1").inner_text()
    no_overflow(page)
    page.go_back()
    panel.get_by_role("link", name="Naar mijn meldingen").click()
    page.wait_for_url("**/signalen/mijn/")
    assert page.locator("h1").inner_text() == "Mijn meldingen"


def test_extern_sees_their_youth_signal_as_on_mijn_meldingen(demo_server, page_at, screenshot):
    from schakel.core.testing import persona_user
    from schakel.signals.models import Signal

    [signal] = Signal.objects.filter(reporter=persona_user("extern")).select_related("team")
    assert signal.is_youth
    page = page_at(360)
    log_in(page, demo_server.url, "extern@demo.schakel.test")
    panel = page.locator("#panel-signals_mine")
    text = panel.inner_text()
    # A youth signal tells its reporter only received or closed (ADR 0302, amendment 2).
    assert signal.reference in text and str(signal.reporter_status) in text
    assert str(signal.reporter_status) in ("Ontvangen", "Afgesloten")
    assert signal.youth_identifier not in text
    if signal.team:
        assert signal.team.name not in text
    no_overflow(page)
    screenshot(page, "home-extern-360")
