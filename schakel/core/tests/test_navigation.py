"""The menu shows only what the user may open: every menu entry answers 200 for whoever sees it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from schakel.accounts.seeding import demo_users
from schakel.core import navigation
from schakel.core.testing import persona_user

PERSONAS = [u["persona"] for u in demo_users()["users"]]


@pytest.mark.django_db
def test_every_menu_entry_opens_for_every_persona_that_sees_it(client, seeded):
    failures = []
    for persona in PERSONAS:
        user = persona_user(persona)
        client.force_login(user)
        for item in navigation.items_for(user):
            status = client.get(item["url"]).status_code
            if status != 200:
                failures.append(f"{persona} sees '{item['key']}' ({item['url']}) but gets {status}")
        client.logout()
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_menu_hides_entries_without_permission(client, seeded):
    # The functional administrator sees user administration; the external partner does not.
    extern = {i["key"] for i in navigation.items_for(persona_user("extern"))}
    beheerder = {i["key"] for i in navigation.items_for(persona_user("beheerder"))}
    assert "users" in beheerder and "users" not in extern
    client.force_login(persona_user("extern"))
    html = client.get(reverse("core:home")).content.decode()
    assert reverse("accounts:user_list") not in html


def test_anonymous_visitors_get_no_menu():
    from django.contrib.auth.models import AnonymousUser

    assert navigation.items_for(AnonymousUser()) == []
