"""The DPO's start-page panel of recent grants of rights (audit/home.py)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from schakel.accounts import services as accounts
from schakel.audit import home
from schakel.audit import services as audit
from schakel.audit.models import AuditEvent
from schakel.core.testing import UserFactory, assert_constant_queries, home_panels, persona_user

pytestmark = pytest.mark.django_db


def _create_user(actor, n=0):
    return accounts.user_create(
        actor=actor,
        email=f"nieuw{n}@demo.schakel.test",
        first_name="Nieuw",
        last_name=f"Demo-{n}",
        organisation=actor.organisation,
        groups=[Group.objects.get(name="QRT-medewerker")],
    )


def test_no_panel_without_recent_grants(client, seeded):
    panels, _html = home_panels(client, persona_user("dpo"))
    assert "audit_grants" not in panels


def test_a_new_account_with_a_role_is_in_front_of_the_dpo(client, seeded):
    beheerder = persona_user("beheerder")
    user = _create_user(beheerder)
    panels, html = home_panels(client, persona_user("dpo"))
    panel = panels["audit_grants"]
    [row] = panel.rows
    event = AuditEvent.objects.get(action="accounts.user_created", object_id=str(user.pk))
    assert event.actor_label
    assert row.label == f"Gebruiker aangemaakt door {event.actor_label}"
    assert row.detail == "rollen: QRT-medewerker"  # keys in Dutch, as on the audit page
    assert panel.count_text == "1 wijziging"
    # The row opens the audit trail on that account's events.
    page = client.get(row.url)
    assert page.status_code == 200
    assert f"object_id={user.pk}" in row.url
    assert "Gebruiker aangemaakt" in page.content.decode()
    assert client.get(panel.more_url).status_code == 200
    assert "Toegekende rechten, laatste 14 dagen" in html


def test_role_changes_and_role_definitions_count_too(client, seeded):
    beheerder = persona_user("beheerder")
    user = _create_user(beheerder)
    accounts.user_update(actor=beheerder, user=user, groups=[Group.objects.get(name="Frontlijnmedewerker")])
    panels, _html = home_panels(client, persona_user("dpo"))
    details = [r.detail for r in panels["audit_grants"].rows]
    assert "erbij: Frontlijnmedewerker; weggenomen: QRT-medewerker" in details
    assert panels["audit_grants"].total == 2


def test_only_the_last_fourteen_days(seeded):
    _create_user(persona_user("beheerder"))
    dpo = persona_user("dpo")
    today = timezone.localdate()
    assert home.grants_panel(dpo, today=today + timedelta(days=14)) is not None
    assert home.grants_panel(dpo, today=today + timedelta(days=15)) is None


def test_other_organisations_grants_are_not_shown_without_the_permission(client, seeded):
    dpo = persona_user("dpo")
    other = UserFactory(perms=["accounts.add_user"])  # another organisation
    assert other.organisation_id != dpo.organisation_id
    audit.record_admin(actor=other, action="accounts.user_created", obj=other, summary="roles: QRT-medewerker")
    panels, _html = home_panels(client, dpo)
    assert "audit_grants" not in panels


def test_not_for_those_who_do_not_read_the_audit_trail(client, seeded):
    _create_user(persona_user("beheerder"))
    for persona in ("beheerder", "coordinator", "kerngroep"):
        panels, _html = home_panels(client, persona_user(persona))
        assert "audit_grants" not in panels


def test_the_panel_does_not_query_per_event(client, seeded):
    beheerder = persona_user("beheerder")
    client.force_login(persona_user("dpo"))
    made = []

    def make(n):
        for _ in range(n):
            made.append(_create_user(beheerder, len(made)))

    assert_constant_queries(make, lambda: client.get("/"))
