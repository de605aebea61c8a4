"""The coordinator links an account to a working-group seat and removes a
seat, on a desktop and on a phone (360 px): the table stays usable, the
removal asks for confirmation."""

from __future__ import annotations

import pytest

from .helpers import log_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 360])
def test_coordinator_links_and_removes_group_members(demo_server, page_at, screenshot, width):
    from playwright.sync_api import expect

    from schakel.accounts.models import User
    from schakel.plan.models import GroupMember, PlanGroup

    group = PlanGroup.objects.get(strategic_objective__code="SD3")
    seat = GroupMember.objects.filter(group=group, user__isnull=True).select_related("organisation").first()
    holder = (
        User.objects.filter(organisation=seat.organisation, is_active=True)
        .exclude(plan_memberships__group=group)
        .order_by("pk")
        .first()
    )

    page = page_at(width)
    log_in(page, demo_server.url, "coordinator@demo.schakel.test")
    page.goto(f"{demo_server.url}/plan/groep/{group.pk}/")
    select = page.locator(f"#member-user-{seat.pk}")
    select.select_option(str(holder.pk))
    select.locator("xpath=ancestor::form").get_by_role("button", name="Koppelen").click()
    expect(page.get_by_text("Het account is aan de functie gekoppeld.")).to_be_visible()
    seat.refresh_from_db()
    assert seat.user_id == holder.pk
    screenshot(page, f"plan-group-members-linked-{width}")
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')].filter(e => !e.closest('.table-wrap') && e.getBoundingClientRect().right > innerWidth + 1)
        .slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))"""
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width, wide

    other = GroupMember.objects.filter(group=group).exclude(pk=seat.pk).order_by("-pk").first()
    row = page.locator("tr", has=page.locator(f"#member-user-{other.pk}"))
    row.get_by_text("Verwijderen", exact=True).click()
    screenshot(page, f"plan-group-members-{width}")
    row.get_by_role("button", name="Definitief verwijderen").click()
    expect(page.get_by_text("Het lid is uit de groep verwijderd.")).to_be_visible()
    assert not GroupMember.objects.filter(pk=other.pk).exists()
    assert not page.csp_errors, page.csp_errors
