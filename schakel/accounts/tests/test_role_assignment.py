"""Who may hand out which role (finding B2, ADR 0008)."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from schakel.accounts import services
from schakel.accounts.models import RoleSetting, User
from schakel.accounts.permissions import role_grant_refusal
from schakel.audit.models import AuditEvent
from schakel.core.testing import UserFactory, persona_user

pytestmark = pytest.mark.django_db


def role(name):
    return Group.objects.get(name=name)


def with_perm(user, codename):
    user.user_permissions.add(Permission.objects.get(content_type__app_label="accounts", codename=codename))
    return User.objects.get(pk=user.pk)  # drop the permission cache


def offered_roles(body: str) -> list[str]:
    """The role checkboxes of the user form, by label."""
    return re.findall(r'<input type="checkbox" name="groups" value="\d+"[^>]*>\s*([^<]+?)\s*</label>', body)


def new_user_data(**extra):
    city = persona_user("beheerder").organisation
    data = {
        "email": "nieuw@example.test",
        "first_name": "Nele",
        "last_name": "Nieuwkomer",
        "organisation": city.pk,
        "function_title": "Straathoekwerker",
        "is_active": "on",
    }
    data.update(extra)
    return data


# --- the functional administrator onboards staff ----------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Frontlijnmedewerker",
        "Externe partner",
        "Kerngroeplid",
        "Werkgroeplid",
        "Intake- en triagemedewerker",
        "QRT-medewerker",
        "Coördinator preventie en veiligheid",
    ],
)
def test_administrator_creates_a_user_with_an_operational_role(persona_client, name):
    client = persona_client("beheerder")
    response = client.post(reverse("accounts:user_create"), new_user_data(groups=[role(name).pk]))
    assert response.status_code == 302
    user = User.objects.get(email="nieuw@example.test")
    assert [g.name for g in user.groups.all()] == [name]
    event = AuditEvent.objects.get(action="accounts.user_created", object_id=str(user.pk))
    assert name in event.summary


def test_administrator_adds_a_role_to_an_existing_user(persona_client):
    client = persona_client("beheerder")
    target = UserFactory(organisation=persona_user("beheerder").organisation, roles=["Frontlijnmedewerker"])
    data = new_user_data(
        email=target.email,
        first_name=target.first_name,
        last_name=target.last_name,
        groups=[role("Frontlijnmedewerker").pk, role("QRT-medewerker").pk],
    )
    response = client.post(reverse("accounts:user_edit", args=[target.pk]), data)
    assert response.status_code == 302
    assert {g.name for g in target.groups.all()} == {"Frontlijnmedewerker", "QRT-medewerker"}
    event = AuditEvent.objects.get(action="accounts.roles_changed", object_id=str(target.pk))
    assert "added: QRT-medewerker" in event.summary


def test_the_form_offers_only_roles_the_administrator_may_grant(persona_client):
    body = persona_client("beheerder").get(reverse("accounts:user_create")).content.decode()
    offered = offered_roles(body)
    assert "QRT-medewerker" in offered and "Frontlijnmedewerker" in offered
    assert "Functioneel beheerder" not in offered
    assert "Functionaris voor gegevensbescherming" not in offered
    assert len(offered) == Group.objects.count() - 2


@pytest.mark.parametrize("name", ["Functioneel beheerder", "Functionaris voor gegevensbescherming"])
def test_a_forged_administrative_role_is_a_form_error_that_keeps_the_input(persona_client, name):
    client = persona_client("beheerder")
    response = client.post(reverse("accounts:user_create"), new_user_data(groups=[role(name).pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert f"U kunt de rol {name} niet toekennen: dit is een beheerrol" in body
    assert 'value="nieuw@example.test"' in body and 'value="Nieuwkomer"' in body and 'value="Straathoekwerker"' in body
    assert not User.objects.filter(email="nieuw@example.test").exists()


def test_the_service_refuses_an_administrative_role_and_audits_the_attempt(seeded):
    admin = persona_user("beheerder")
    with pytest.raises(services.RoleNotGrantable) as info:
        services.user_create(
            actor=admin,
            email="x@example.test",
            first_name="X",
            last_name="Y",
            organisation=admin.organisation,
            groups=[role("Functioneel beheerder")],
        )
    assert info.value.role == role("Functioneel beheerder")
    assert isinstance(info.value, PermissionDenied)
    assert not User.objects.filter(email="x@example.test").exists()
    refused = AuditEvent.objects.get(action="accounts.role_grant_refused")
    assert refused.actor_id == admin.pk and "Functioneel beheerder" in refused.summary


def test_a_race_refusal_in_the_service_is_a_form_error_too(persona_client, monkeypatch):
    # The form allowed the role, the rule changed before saving: still no 403.
    client = persona_client("beheerder")
    from schakel.accounts import permissions

    real = permissions.role_grant_refusal
    calls = {"n": 0}

    def flaky(actor, grp, *, target=None):
        calls["n"] += 1
        return "deze rol is net ingetrokken." if calls["n"] > Group.objects.count() else real(actor, grp, target=target)

    monkeypatch.setattr(permissions, "role_grant_refusal", flaky)
    response = client.post(reverse("accounts:user_create"), new_user_data(groups=[role("QRT-medewerker").pk]))
    assert response.status_code == 200
    assert "U kunt de rol QRT-medewerker niet toekennen: deze rol is net ingetrokken." in response.content.decode()
    assert not User.objects.filter(email="nieuw@example.test").exists()


def test_a_withheld_role_is_neither_offered_nor_granted(persona_client):
    RoleSetting.objects.create(group=role("Parketcriminoloog / parketjurist"), assignable=False)
    client = persona_client("beheerder")
    assert "Parketcriminoloog / parketjurist" not in offered_roles(
        client.get(reverse("accounts:user_create")).content.decode()
    )
    response = client.post(
        reverse("accounts:user_create"), new_user_data(groups=[role("Parketcriminoloog / parketjurist").pk])
    )
    assert "niet vrijgegeven voor toekenning door functioneel beheerders" in response.content.decode()
    assert not User.objects.filter(email="nieuw@example.test").exists()


def test_nobody_changes_their_own_roles(persona_client):
    admin = persona_user("beheerder")
    reason = role_grant_refusal(admin, role("QRT-medewerker"), target=admin)
    assert reason and "eigen rollen" in reason
    with pytest.raises(services.RoleNotGrantable):
        services.user_update(actor=admin, user=admin, groups=[role("Functioneel beheerder"), role("QRT-medewerker")])
    assert [g.name for g in admin.groups.all()] == ["Functioneel beheerder"]
    # Their own page shows the role as fixed and saves other data unchanged.
    client = persona_client("beheerder")
    body = client.get(reverse("accounts:user_edit", args=[admin.pk])).content.decode()
    assert offered_roles(body) == [] and "Rollen die u niet kunt wijzigen" in body


def test_a_role_the_administrator_cannot_grant_is_kept_when_editing(persona_client):
    client = persona_client("beheerder")
    dpo = persona_user("dpo")
    body = client.get(reverse("accounts:user_edit", args=[dpo.pk])).content.decode()
    assert "Rollen die u niet kunt wijzigen" in body and "Functionaris voor gegevensbescherming" in body
    data = new_user_data(
        email=dpo.email, first_name=dpo.first_name, last_name=dpo.last_name, groups=[role("Kerngroeplid").pk]
    )
    response = client.post(reverse("accounts:user_edit", args=[dpo.pk]), data)
    assert response.status_code == 302
    assert {g.name for g in dpo.groups.all()} == {"Functionaris voor gegevensbescherming", "Kerngroeplid"}


def test_the_administrator_cannot_take_away_an_administrative_role(seeded):
    admin = persona_user("beheerder")
    with pytest.raises(services.RoleNotGrantable):
        services.user_update(actor=admin, user=persona_user("dpo"), groups=[])
    assert persona_user("dpo").groups.filter(name="Functionaris voor gegevensbescherming").exists()


def test_a_privileged_role_administrator_may_appoint_administrators(seeded):
    admin = with_perm(persona_user("beheerder"), "assign_privileged_role")
    user = services.user_create(
        actor=admin,
        email="x@example.test",
        first_name="X",
        last_name="Y",
        organisation=admin.organisation,
        groups=[role("Functioneel beheerder"), role("Functionaris voor gegevensbescherming")],
    )
    assert user.groups.count() == 2


def test_without_assign_role_only_roles_within_ones_own_rights(seeded):
    # An administrator role without accounts.assign_role: the strict rule.
    admin = persona_user("beheerder")
    admin.groups.get(name="Functioneel beheerder").permissions.remove(
        Permission.objects.get(content_type__app_label="accounts", codename="assign_role")
    )
    admin = User.objects.get(pk=admin.pk)
    assert role_grant_refusal(admin, role("QRT-medewerker")) == "deze rol geeft rechten die u zelf niet hebt."
    empty = Group.objects.create(name="Lege rol")
    assert role_grant_refusal(admin, empty) is None


def test_a_persona_without_user_administration_gets_403_on_the_form(persona_client):
    assert persona_client("qrt").get(reverse("accounts:user_create")).status_code == 403


# --- roles cannot be turned into administrator roles ------------------------------


def test_administrator_cannot_add_user_administration_to_an_ordinary_role(seeded):
    admin = persona_user("beheerder")
    qrt = role("QRT-medewerker")
    add_user = Permission.objects.get(content_type__app_label="accounts", codename="add_user")
    with pytest.raises(PermissionDenied):
        services.role_set_permissions(actor=admin, role=qrt, permissions=[*qrt.permissions.all(), add_user])
    assert add_user not in qrt.permissions.all()
    privileged = with_perm(admin, "assign_privileged_role")
    services.role_set_permissions(actor=privileged, role=qrt, permissions=[*qrt.permissions.all(), add_user])
    assert add_user in qrt.permissions.all()
    # ... and then the ordinary administrator can no longer hand it out.
    assert "beheerrol" in role_grant_refusal(admin, qrt)


def test_only_a_privileged_role_administrator_releases_or_withholds_a_role(seeded):
    admin = persona_user("beheerder")
    parket = role("Parketcriminoloog / parketjurist")
    with pytest.raises(PermissionDenied):
        services.role_set_assignable(actor=admin, role=parket, assignable=False)
    privileged = with_perm(admin, "assign_privileged_role")
    services.role_set_assignable(actor=privileged, role=parket, assignable=False)
    assert RoleSetting.objects.get(group=parket).assignable is False
    event = AuditEvent.objects.get(action="accounts.role_assignability_changed")
    assert event.object_id == str(parket.pk) and "assignable: no" in event.summary
    assert "niet vrijgegeven" in role_grant_refusal(admin, parket)


def test_a_role_the_administrator_cannot_grant_is_read_only_for_them(persona_client):
    """Security review observation: the functional administrator could take
    read rights away from the DPO's role (a beheerrol) in the role editor."""
    dpo_role = Group.objects.get(name="Functionaris voor gegevensbescherming")
    before = set(dpo_role.permissions.values_list("pk", flat=True))
    # One permission the role editor offers (not the set's arbitrary first:
    # a permission the editor does not show would make the form invalid).
    kept = list(dpo_role.permissions.filter(content_type__app_label="audit").values_list("pk", flat=True)[:1])
    admin = persona_user("beheerder")
    with pytest.raises(services.RoleNotEditable):
        services.role_set_permissions(actor=admin, role=dpo_role, permissions=Permission.objects.filter(pk__in=kept))
    assert set(dpo_role.permissions.values_list("pk", flat=True)) == before
    assert AuditEvent.objects.filter(action="accounts.role_change_refused", object_id=str(dpo_role.pk)).count() == 1

    client = persona_client("beheerder")
    url = reverse("accounts:role_edit", args=[dpo_role.pk])
    page = client.get(url).content.decode()
    assert "U kunt deze rol bekijken maar niet wijzigen" in page
    assert ">Opslaan</button>" not in page
    response = client.post(url, {"permissions": kept})
    assert response.status_code == 200
    assert "U kunt deze rol niet wijzigen" in response.content.decode()
    assert set(dpo_role.permissions.values_list("pk", flat=True)) == before
    listing = client.get(reverse("accounts:role_list")).content.decode()
    assert "Rol Functionaris voor gegevensbescherming bekijken" in listing
    assert "Rol Werkgroeplid wijzigen" in listing
    # An ordinary role stays editable.
    ordinary = Group.objects.get(name="Werkgroeplid")
    assert (
        "U kunt deze rol bekijken maar niet wijzigen"
        not in client.get(reverse("accounts:role_edit", args=[ordinary.pk])).content.decode()
    )
