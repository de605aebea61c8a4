"""The functional administrator on a phone (360 px): onboard a colleague with
an operational role (finding B2), and read and change a role in the role
editor grouped per module (finding M5)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .helpers import log_in
from .helpers import no_overflow as _no_overflow

pytestmark = pytest.mark.browser

ADMIN = "beheerder@demo.schakel.test"


def _expect():
    from playwright.sync_api import expect

    return expect


def test_administrator_onboards_and_edits_a_role_at_360(demo_server, page_at, screenshot):
    from django.contrib.auth.models import Group

    from schakel.accounts.models import User

    expect = _expect()
    page = page_at(360, 740)
    log_in(page, demo_server.url, ADMIN)

    # --- a new colleague with an operational role ------------------------------------
    page.goto(demo_server.url + reverse("accounts:user_create"))
    roles = page.locator('input[name="groups"]')
    assert roles.count() == Group.objects.count() - 2  # not the two administrative roles
    expect(page.get_by_label("Functioneel beheerder", exact=True)).to_have_count(0)
    page.get_by_label("E-mailadres").fill("an.peeters@example.test")
    page.get_by_label("Voornaam").fill("An")
    page.get_by_label("Familienaam").fill("Peeters")
    page.get_by_label("Frontlijnmedewerker").check()
    page.get_by_label("QRT-medewerker", exact=True).check()
    _no_overflow(page)
    screenshot(page, "accounts-user-new-360")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Gebruiker An Peeters is aangemaakt.")).to_be_visible()
    user = User.objects.get(email="an.peeters@example.test")
    assert {g.name for g in user.groups.all()} == {"Frontlijnmedewerker", "QRT-medewerker"}

    # --- the role editor: modules collapsed, a count each, Dutch labels -----------------
    qrt = Group.objects.get(name="QRT-medewerker")
    page.goto(demo_server.url + reverse("accounts:role_edit", args=[qrt.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("QRT-medewerker")
    groups = page.locator("details.perm-group")
    assert groups.count() >= 8
    assert page.locator("details.perm-group[open]").count() == 0
    expect(page.get_by_text("Can add", exact=False)).to_have_count(0)
    _no_overflow(page)
    screenshot(page, "accounts-role-editor-closed-360")
    wijken = page.locator("details.perm-group", has_text="Wijken en Quick Response team")
    wijken.locator("summary").click()
    box = wijken.get_by_label("Wijkschouwingen toevoegen")
    expect(box).to_be_checked()
    box.uncheck()
    _no_overflow(page)
    screenshot(page, "accounts-role-editor-open-360")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("De rol is opgeslagen.")).to_be_visible()
    assert not qrt.permissions.filter(codename="add_walk").exists()
    _no_overflow(page)
    screenshot(page, "accounts-role-list-360")

    # --- the same editor on a desktop: the module's permissions in columns ------------
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(demo_server.url + reverse("accounts:role_edit", args=[qrt.pk]))
    page.locator("details.perm-group", has_text="Wijken en Quick Response team").locator("summary").click()
    expect(page.get_by_label("Wijkschouwingen toevoegen")).not_to_be_checked()
    _no_overflow(page)
    screenshot(page, "accounts-role-editor-1280")
