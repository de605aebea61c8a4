"""The home page's "what waits on me" panels, at 1280 px and on a phone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from .helpers import log_in, no_overflow

pytestmark = pytest.mark.browser


def test_osp_home_shows_queue_actions_and_meetings(demo_server, page_at, screenshot):
    from django.utils import timezone

    from schakel.cases.models import ActionItem, Case, Track
    from schakel.core.testing import persona_user

    osp = persona_user("osp")
    case = Case.objects.get(case_type="youth")
    ActionItem.objects.create(
        case=case,
        title="Gesprek met de jongere en een ouder plannen, met een lange titel die op een telefoon moet afbreken (fictief)",
        track=Track.SOCIAL,
        owner_organisation=osp.organisation,
        owner_user=osp,
        due_date=timezone.localdate() - timedelta(days=1),
        created_by=osp,
    )
    for width in (1280, 360):
        page = page_at(width)
        log_in(page, demo_server.url, "osp@demo.schakel.test")
        panels = page.locator("section.home-panel h2")
        assert panels.all_inner_texts()[:3] == [
            "Signalen die op uw team wachten",
            "Acties uit casusoverleg voor u of uw organisatie",
            "Uw volgende overleggen",
        ]
        actions = page.locator("#panel-cases_actions")
        assert "1 over tijd" in actions.inner_text()
        actions.get_by_role("link", name="Gesprek met de jongere", exact=False).click()
        page.wait_for_url(f"**/casussen/{case.pk}/")
        page.go_back()
        no_overflow(page)
        screenshot(page, f"home-osp-{width}")
