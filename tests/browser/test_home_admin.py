"""The functional administrator's start page: the access review (accounts
without a sign-in for 90 days, or never signed in 14 days after creation),
and its link to the user list filtered to exactly those accounts."""

from __future__ import annotations

import pytest

from .helpers import log_in, narrow_table_problems, no_overflow, wide_table_problems

pytestmark = pytest.mark.browser

ADMIN = "beheerder@demo.schakel.test"


def test_admin_home_shows_the_access_review(demo_server, page_at, screenshot):
    for width in (1280, 360):
        page = page_at(width)
        log_in(page, demo_server.url, ADMIN)
        panel = page.locator("#panel-accounts_access_review")
        assert panel.locator("h2").inner_text() == "Toegangsbeheer"
        text = panel.inner_text()
        assert "2 ongebruikte accounts" in text
        # The demo's two fictitious unused accounts, the longest unused first.
        assert panel.get_by_role("link").all_inner_texts()[:2] == ["Tom Demo-Vertrokken", "Lien Demo-Nooit-Aangemeld"]
        assert "Stad Mechelen · laatst aangemeld op " in text
        assert "nooit aangemeld (account aangemaakt op " in text
        no_overflow(page)
        assert not page.csp_errors
        screenshot(page, f"home-admin-{width}")

        panel.get_by_role("link", name="Alle ongebruikte accounts nakijken").click()
        page.wait_for_url("**/account/gebruikers/?toegang=ongebruikt")
        assert page.get_by_label("Toegang").input_value() == "ongebruikt"
        names = page.locator("main table tbody td.table-stack__title").all_inner_texts()
        assert names == ["Tom Demo-Vertrokken", "Lien Demo-Nooit-Aangemeld"]
        assert "2 actieve accounts die niemand gebruikt" in page.locator("#access-filter-help").inner_text()
        problems = narrow_table_problems(page) if width == 360 else wide_table_problems(page)
        assert problems == []
        screenshot(page, f"users-unused-{width}")

        # The filter control: back to all accounts, and on again.
        page.get_by_label("Toegang").select_option("")
        page.get_by_role("button", name="Zoeken").click()
        page.wait_for_url("**/account/gebruikers/?*")
        assert page.locator("main table tbody td.table-stack__title").count() > 2
        page.get_by_label("Toegang").select_option("ongebruikt")
        page.get_by_role("button", name="Zoeken").click()
        page.wait_for_url("**toegang=ongebruikt*")
        assert page.locator("main table tbody td.table-stack__title").count() == 2
