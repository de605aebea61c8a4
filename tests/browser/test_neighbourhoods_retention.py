"""Retention of the reason of a withdrawn wijkschouw score, on a phone (360 px):
after the period the walk page shows "verwijderd na bewaartermijn" instead of
the reason, and the DPO's retention page lists the period and the proof."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from .helpers import log_in, no_overflow

pytestmark = pytest.mark.browser


def test_withdrawal_reason_erased_and_listed_for_the_dpo_at_360(demo_server, page_at, screenshot):
    from playwright.sync_api import expect

    from schakel.core.testing import persona_user
    from schakel.neighbourhoods import retention, services
    from schakel.neighbourhoods.models import WalkScore

    qrt = persona_user("qrt")
    score = (
        WalkScore.objects.filter(walk__is_demo=True, withdrawn_at__isnull=True, walk__organisation=qrt.organisation)
        .order_by("pk")
        .first()
    )
    services.walk_score_withdraw(actor=persona_user("qrtlead"), score=score, reason="Mevrouw Testpersoon vroeg het")
    score.refresh_from_db()
    assert retention.retention_run(now=score.withdrawn_at + dt.timedelta(days=400))["walk_withdrawn_reasons"] >= 1

    page = page_at(360, 740)
    log_in(page, demo_server.url, "qrt@demo.schakel.test")
    page.goto(demo_server.url + reverse("neighbourhoods:walk_detail", args=[score.walk_id]))
    row = page.locator(f"#score-{score.pk}")
    expect(row.locator(".withdrawn-note")).to_contain_text("verwijderd na bewaartermijn")
    assert "Testpersoon" not in page.content()
    row.scroll_into_view_if_needed()
    no_overflow(page)
    screenshot(page, "wijkschouw-reason-erased-360")

    dpo = page_at(360, 740)
    log_in(dpo, demo_server.url, "dpo@demo.schakel.test")
    dpo.goto(demo_server.url + reverse("neighbourhoods:retention_rules"))
    # At 360 px the tables are stacked cards; they keep their cell roles (ADR 0009),
    # and a cell's name starts with its visible column name ("Gewiste velden: ...").
    expect(dpo.get_by_role("cell", name="Wijkschouw: reden van intrekking van scores")).to_be_visible()
    expect(dpo.get_by_role("cell", name="Gewiste velden: withdrawn_reason", exact=True).first).to_be_visible()
    no_overflow(dpo)
    screenshot(dpo, "retention-rules-dpo-360")
    assert page.csp_errors == [] and dpo.csp_errors == []
