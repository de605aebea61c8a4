"""The case list and a meeting item's actions table on a 360 px phone: the page
does not scroll sideways, every cell stays readable with its column name, and
the status of an action can still be changed. At 1280 px both stay tables."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from .helpers import log_in, no_overflow

pytestmark = pytest.mark.browser

ENFORCER = "handhaving@demo.schakel.test"
SHOP = "Nachtwinkel met opvallend weinig klanten"
LONG_ACTION = "Gecoördineerde controle arbeidsinspectie, brandweer en voedselagentschap op zaterdagavond"


def _expect():
    from playwright.sync_api import expect

    return expect


def _demo_actions():
    """Two actions on the demo meeting's shop item, one with an owner account."""
    from django.utils import timezone

    from schakel.accounts.models import User
    from schakel.cases import services
    from schakel.cases.models import AgendaItem

    actor = User.objects.get(email=ENFORCER)
    item = AgendaItem.objects.select_related("meeting", "case").get(
        meeting__title="OBH Mechelen (demo)", case__title=SHOP
    )
    due = timezone.localdate(item.meeting.starts_at) + dt.timedelta(days=14)
    services.action_item_create(
        actor=actor,
        case=item.case,
        item=item,
        title=LONG_ACTION,
        track="administrative",
        owner_organisation=actor.organisation,
        owner_user=actor,
        due_date=due,
    )
    services.action_item_create(
        actor=actor,
        case=item.case,
        item=item,
        title="Dossier bezorgen aan het parket",
        track="criminal",
        owner_organisation=actor.organisation,
        due_date=due,
    )
    return item


def _fits(page):
    """Neither the page nor a box on it (a table's scroll box) scrolls sideways."""
    no_overflow(page)
    wide = page.evaluate(
        """() => [...document.querySelectorAll("main *")]
            .filter(el => ["auto", "scroll"].includes(getComputedStyle(el).overflowX))
            .filter(el => el.scrollWidth > el.clientWidth)
            .map(el => `${el.className || el.tagName}: ${el.scrollWidth}px in ${el.clientWidth}px`)"""
    )
    assert wide == [], f"{page.url} scrolls sideways inside {wide}"


def _inside(page, locator, width):
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not rendered"
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"{locator} sticks out: {box}"


def _open_item(page, base_url, item):
    page.goto(f"{base_url}/casussen/overleggen/{item.meeting_id}/punten/{item.pk}/")


def test_case_list_and_actions_fit_a_phone(demo_server, page_at, screenshot):
    expect = _expect()
    item = _demo_actions()
    page = page_at(360)
    log_in(page, demo_server.url, ENFORCER)

    page.goto(f"{demo_server.url}/casussen/")
    row = page.get_by_role("row", name=re.compile(SHOP))
    expect(row).to_be_visible()
    screenshot(page, "cases-list-360")
    _fits(page)
    # Each cell is inside the screen, with its column name in front of it.
    for cell in ("Soort", "Status", "Eigenaar", "Subjecten", "Aangemeld"):
        expect(row.locator(f'td[data-label="{cell}"]')).to_be_visible()
        _inside(page, row.locator(f'td[data-label="{cell}"]'), 360)
    _inside(page, row.get_by_role("link", name=re.compile("OBH-")), 360)

    _open_item(page, demo_server.url, item)
    actions = page.get_by_role("region", name="Acties")
    action = actions.get_by_role("row", name=re.compile("Gecoördineerde controle"))
    expect(action).to_contain_text("Bestuurlijk")
    screenshot(page, "cases-meeting-item-360")
    _fits(page)
    for cell in ("Spoor", "Wie", "Deadline", "Status"):
        _inside(page, action.locator(f'td[data-label="{cell}"]'), 360)
    status = action.get_by_role("combobox", name="Status")
    _inside(page, status, 360)
    _inside(page, action.get_by_role("button", name="Bijwerken"), 360)
    # The controls still work on the phone.
    status.select_option("done")
    action.get_by_role("button", name="Bijwerken").click()
    expect(page.get_by_text("De status van de actie is bijgewerkt.")).to_be_visible()
    action = page.get_by_role("region", name="Acties").get_by_role("row", name=re.compile("Gecoördineerde controle"))
    expect(action.get_by_role("combobox", name="Status")).to_have_value("done")
    _fits(page)
    assert page.csp_errors == []


def test_wide_screen_keeps_the_tables(demo_server, page_at, screenshot):
    expect = _expect()
    item = _demo_actions()
    page = page_at(1280)
    log_in(page, demo_server.url, ENFORCER)

    page.goto(f"{demo_server.url}/casussen/")
    expect(page.get_by_role("columnheader", name="Eigenaar")).to_be_visible()
    row = page.get_by_role("row", name=re.compile(SHOP))
    assert row.evaluate("r => getComputedStyle(r).display") == "table-row"
    screenshot(page, "cases-list-1280")
    _fits(page)

    _open_item(page, demo_server.url, item)
    actions = page.get_by_role("region", name="Acties")
    expect(actions.get_by_role("columnheader", name="Deadline")).to_be_visible()
    action = actions.get_by_role("row", name=re.compile("Gecoördineerde controle"))
    assert action.evaluate("r => getComputedStyle(r).display") == "table-row"
    # One line per action: the cells sit side by side.
    boxes = [action.locator("td").nth(i).bounding_box() for i in range(4)]
    assert len({box["y"] for box in boxes}) == 1, boxes
    screenshot(page, "cases-meeting-item-1280")
    _fits(page)
