"""The DPO's start page: recent grants of rights (audit/home.py), on a phone."""

from __future__ import annotations

import pytest

from .helpers import log_in, no_overflow

pytestmark = pytest.mark.browser


def test_dpo_sees_a_new_account_and_opens_its_audit_events(demo_server, page_at, screenshot):
    from django.contrib.auth.models import Group

    from schakel.accounts import services as accounts
    from schakel.core.testing import persona_user

    beheerder = persona_user("beheerder")
    accounts.user_create(
        actor=beheerder,
        email="nieuw-qrt@demo.schakel.test",
        first_name="Nieuw",
        last_name="Demo-QRT",
        organisation=beheerder.organisation,
        groups=[Group.objects.get(name="QRT-medewerker")],
    )
    page = page_at(360)
    log_in(page, demo_server.url, "dpo@demo.schakel.test")
    panel = page.locator("#panel-audit_grants")
    text = panel.inner_text()
    assert "Toegekende rechten, laatste 14 dagen" in text and "1 wijziging" in text
    assert "rollen: QRT-medewerker" in text
    no_overflow(page)
    screenshot(page, "home-dpo-360")
    panel.get_by_role("link", name="Gebruiker aangemaakt door", exact=False).click()
    page.wait_for_url("**/audit/**")
    assert "Gebruiker aangemaakt" in page.locator("main").inner_text()
    no_overflow(page)
