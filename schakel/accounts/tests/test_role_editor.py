"""The role editor (finding M5): permissions by module, Dutch labels, technical ones hidden."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import translation

from schakel.accounts import role_editor
from schakel.accounts.models import RoleSetting, User
from schakel.audit.models import AuditEvent
from schakel.core.testing import persona_user

pytestmark = pytest.mark.django_db


def perm(code):
    app_label, codename = code.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def checkbox_values(body):
    return {int(v) for v in re.findall(r'name="permissions" value="(\d+)"', body)}


def checked_values(body):
    return {int(v) for v in re.findall(r'name="permissions" value="(\d+)" checked', body)}


def edit_url(name, **query):
    url = reverse("accounts:role_edit", args=[Group.objects.get(name=name).pk])
    return url + ("?alle=1" if query.get("all") else "")


def test_labels_are_dutch_built_from_verb_and_model(seeded):
    assert role_editor.permission_label(perm("accounts.add_organisation")) == "Organisaties toevoegen"
    assert role_editor.permission_label(perm("accounts.change_user")) == "Gebruikers wijzigen"
    assert role_editor.permission_label(perm("auth.change_group")) == "Rollen wijzigen"
    assert role_editor.permission_label(perm("cases.delete_case")).endswith(" verwijderen")
    assert role_editor.permission_label(perm("plan.view_actionplan")).endswith(" bekijken")
    # A custom permission keeps its own Dutch name.
    assert role_editor.permission_label(perm("signals.triage_signal")) == "Kan signalen van het eigen team trieren"
    for p in role_editor.editable_permissions():
        assert not role_editor.permission_label(p).startswith("Can "), p.codename


def test_labels_follow_the_language(seeded):
    with translation.override("en"):
        label = role_editor.permission_label(perm("accounts.add_organisation"))
    assert label != "Organisaties toevoegen" and "toevoegen" not in label


def test_the_editor_hides_technical_permissions_and_english(persona_client):
    body = persona_client("beheerder").get(edit_url("QRT-medewerker", all=True)).content.decode()
    offered = checkbox_values(body)
    technical = Permission.objects.filter(
        content_type__app_label__in=["contenttypes", "sessions", "admin", "otp_totp", "otp_static", "core"]
    ) | Permission.objects.filter(content_type__app_label="auth", content_type__model="permission")
    technical = technical.exclude(content_type__app_label="core", codename="view_scheduledrun")
    assert technical.exists()
    assert not offered & set(technical.values_list("pk", flat=True))
    assert perm("auth.change_group").pk in offered
    # The one core permission a screen checks (the scheduled tasks page, ADR 0010).
    assert perm("core.view_scheduledrun").pk in offered
    assert "Werking van het platform" in body
    for english in ("Can add", "Can change", "Can view", "Can delete"):
        assert english not in body


def test_permissions_are_grouped_per_module_with_a_count(persona_client):
    qrt = Group.objects.get(name="QRT-medewerker")
    body = persona_client("beheerder").get(edit_url("QRT-medewerker")).content.decode()
    groups = re.findall(r'<details class="perm-group"', body)
    assert len(groups) >= 8
    assert "Wijken en Quick Response team" in body and "Organisaties en gebruikers" in body
    held_neighbourhoods = qrt.permissions.filter(content_type__app_label="neighbourhoods").count()
    section = body.split("Wijken en Quick Response team", 1)[1][:400]
    assert re.search(rf"{held_neighbourhoods} van \d+", section)
    # The held permissions are ticked.
    assert checked_values(body) == set(qrt.permissions.values_list("pk", flat=True))


def test_the_default_view_shows_only_meaningful_permissions(persona_client):
    client = persona_client("beheerder")
    short = checkbox_values(client.get(edit_url("QRT-medewerker")).content.decode())
    full = checkbox_values(client.get(edit_url("QRT-medewerker", all=True)).content.decode())
    assert short < full
    assert perm("signals.triage_signal").pk in short  # custom
    assert perm("neighbourhoods.add_walk").pk in short  # seeded to a role
    assert perm("subjects.delete_subjectnamekey").pk not in short  # an internal table
    assert len(short) < 160


def test_administrator_removes_a_permission_and_it_is_audited(persona_client):
    qrt = Group.objects.get(name="QRT-medewerker")
    keep = set(qrt.permissions.values_list("pk", flat=True)) - {perm("neighbourhoods.add_walk").pk}
    response = persona_client("beheerder").post(edit_url("QRT-medewerker"), {"permissions": sorted(keep)})
    assert response.status_code == 302
    assert not qrt.permissions.filter(codename="add_walk").exists()
    event = AuditEvent.objects.get(action="accounts.role_permissions_changed")
    assert "removed: neighbourhoods.add_walk" in event.summary


def test_a_permission_the_administrator_lacks_is_refused_with_a_dutch_message(persona_client):
    qrt = Group.objects.get(name="QRT-medewerker")
    held = sorted(qrt.permissions.values_list("pk", flat=True))
    client = persona_client("beheerder")
    body = client.get(edit_url("QRT-medewerker")).content.decode()
    assert re.search(rf'value="{perm("cases.view_case").pk}"[^>]*disabled', body)
    response = client.post(edit_url("QRT-medewerker"), {"permissions": [*held, perm("cases.view_case").pk]})
    body = response.content.decode()
    assert response.status_code == 200
    assert "U kunt deze rechten niet toekennen of weghalen: " in body
    assert role_editor.permission_label(perm("cases.view_case")) in body
    assert perm("cases.view_case").pk in checked_values(body)  # what was ticked stays ticked
    assert not qrt.permissions.filter(codename="view_case").exists()


def test_technical_permissions_of_a_role_survive_a_save(persona_client):
    qrt = Group.objects.get(name="QRT-medewerker")
    technical = perm("sessions.view_session")  # Django internals: not offered by the editor
    qrt.permissions.add(technical)
    held = set(qrt.permissions.values_list("pk", flat=True))
    client = persona_client("beheerder")
    body = client.get(edit_url("QRT-medewerker")).content.decode()
    assert f'value="{technical.pk}"' not in body  # not shown ...
    posted = checked_values(body)
    posted.remove(perm("neighbourhoods.add_walk").pk)
    response = client.post(edit_url("QRT-medewerker"), {"permissions": posted})
    assert response.status_code == 302
    # ... and kept on save, next to the change that was made.
    assert set(qrt.permissions.values_list("pk", flat=True)) == held - {perm("neighbourhoods.add_walk").pk}


def test_the_administrator_role_is_read_only_for_an_ordinary_administrator(persona_client):
    """A beheerrol is read-only for whoever may not grant it (its locked,
    administrative permissions included): see test_role_assignment."""
    admin_role = Group.objects.get(name="Functioneel beheerder")
    held = set(admin_role.permissions.values_list("pk", flat=True))
    client = persona_client("beheerder")
    body = client.get(edit_url("Functioneel beheerder")).content.decode()
    assert re.search(rf'value="{perm("accounts.add_user").pk}" checked disabled', body)
    assert re.search(rf'value="{perm("places.add_area").pk}" checked disabled', body)
    response = client.post(edit_url("Functioneel beheerder"), {"permissions": []})
    assert response.status_code == 200
    assert set(admin_role.permissions.values_list("pk", flat=True)) == held


def test_only_a_privileged_administrator_sees_and_sets_the_release_flag(persona_client):
    client = persona_client("beheerder")
    url = edit_url("Parketcriminoloog / parketjurist")
    body = client.get(url).content.decode()
    assert 'name="assignable"' not in body and "Functioneel beheerders mogen deze rol toekennen." in body
    admin = persona_user("beheerder")
    admin.user_permissions.add(perm("accounts.assign_privileged_role"))
    client.force_login(User.objects.get(pk=admin.pk))
    parket = Group.objects.get(name="Parketcriminoloog / parketjurist")
    held = list(parket.permissions.values_list("pk", flat=True))
    assert 'name="assignable" checked' in client.get(url).content.decode()
    response = client.post(url, {"permissions": held})  # the box unticked
    assert response.status_code == 302
    assert RoleSetting.objects.get(group=parket).assignable is False
    assert AuditEvent.objects.filter(action="accounts.role_assignability_changed").exists()
    # Not offered for an administrative role: it needs the privileged right anyway.
    assert 'name="assignable"' not in client.get(edit_url("Functioneel beheerder")).content.decode()


def test_the_role_list_reads_in_dutch(persona_client):
    body = persona_client("beheerder").get(reverse("accounts:role_list")).content.decode()
    assert "Can " not in body
    assert "Organisaties toevoegen" in body and "beheerrol" in body
    assert body.count('<details class="perm-group"') == Group.objects.count()


def test_role_list_query_count_does_not_grow_with_roles(persona_client):
    from schakel.core.testing import assert_constant_queries

    client = persona_client("beheerder")

    def make(n):
        for i in range(n):
            Group.objects.create(name=f"Extra rol {Group.objects.count()}-{i}").permissions.add(
                perm("plan.view_actionplan")
            )

    assert_constant_queries(make, lambda: client.get(reverse("accounts:role_list")))
