import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from schakel.accounts import services
from schakel.accounts.models import Organisation, User
from schakel.audit.models import AuditEvent
from schakel.core.testing import OrganisationFactory, UserFactory, assert_constant_queries, persona_user

pytestmark = pytest.mark.django_db


def test_admin_creates_user_in_own_organisation_with_roles(seeded):
    admin = persona_user("beheerder")
    city = admin.organisation
    role = Group.objects.get(name="Frontlijnmedewerker")
    user = services.user_create(
        actor=admin, email="Nieuw@Example.test", first_name="N", last_name="W", organisation=city, groups=[role]
    )
    assert user.email == "nieuw@example.test" and list(user.groups.all()) == [role]
    event = AuditEvent.objects.get(action="accounts.user_created")
    assert event.object_id == str(user.pk) and "Frontlijnmedewerker" in event.summary


def test_admin_cannot_create_user_in_other_organisation(seeded):
    admin = persona_user("beheerder")
    police = Organisation.objects.get(code="pz-rivierenland")
    with pytest.raises(PermissionDenied):
        services.user_create(actor=admin, email="x@example.test", first_name="X", last_name="Y", organisation=police)
    assert not User.objects.filter(email="x@example.test").exists()


def test_admin_with_manage_all_may_manage_other_organisations(seeded):
    admin = persona_user("beheerder")
    admin.user_permissions.add(Permission.objects.get(codename="manage_all_organisations"))
    admin = User.objects.get(pk=admin.pk)  # drop the permission cache
    police = Organisation.objects.get(code="pz-rivierenland")
    user = services.user_create(actor=admin, email="x@example.test", first_name="X", last_name="Y", organisation=police)
    assert user.organisation == police


def test_non_admin_cannot_create_users(seeded):
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=persona_user("qrt"),
            email="x@example.test",
            first_name="X",
            last_name="Y",
            organisation=persona_user("qrt").organisation,
        )


def test_admin_cannot_grant_the_dpo_role(seeded):
    # The DPO role reads the audit log: an administrative role (ADR 0008).
    admin = persona_user("beheerder")
    dpo_role = Group.objects.get(name="Functionaris voor gegevensbescherming")
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=admin,
            email="x@example.test",
            first_name="X",
            last_name="Y",
            organisation=admin.organisation,
            groups=[dpo_role],
        )
    assert not User.objects.filter(email="x@example.test").exists()


def test_role_change_is_an_audit_event(seeded):
    admin = persona_user("beheerder")
    target = persona_user("qrt")
    services.user_update(actor=admin, user=target, groups=[Group.objects.get(name="Frontlijnmedewerker")])
    event = AuditEvent.objects.get(action="accounts.roles_changed")
    assert "added: Frontlijnmedewerker" in event.summary and "removed: QRT-medewerker" in event.summary


def test_admin_cannot_move_user_to_other_organisation(seeded):
    admin = persona_user("beheerder")
    target = persona_user("qrt")
    with pytest.raises(PermissionDenied):
        services.user_update(actor=admin, user=target, organisation=Organisation.objects.get(code="pz-rivierenland"))
    target.refresh_from_db()
    assert target.organisation.code == "stad-mechelen"


def test_user_list_shows_only_own_organisation(persona_client):
    body = persona_client("beheerder").get(reverse("accounts:user_list")).content.decode()
    assert "qrt@demo.schakel.test" in body
    assert "liec@demo.schakel.test" not in body


def test_edit_of_other_organisations_user_is_404(persona_client):
    client = persona_client("beheerder")
    response = client.post(reverse("accounts:user_edit", args=[persona_user("liec").pk]), {"first_name": "x"})
    assert response.status_code == 404


def test_user_form_rejects_duplicate_email_and_overlong_fields(persona_client):
    client = persona_client("beheerder")
    city = Organisation.objects.get(code="stad-mechelen")
    before = User.objects.count()
    response = client.post(
        reverse("accounts:user_create"),
        {
            "email": "qrt@demo.schakel.test",
            "first_name": "x" * 500,
            "last_name": "Y",
            "organisation": city.pk,
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Er bestaat al een gebruiker met dit e-mailadres." in body
    assert "maximaal 100 tekens" in body or "100" in body
    assert User.objects.count() == before


def test_user_list_query_count_is_constant(persona_client):
    client = persona_client("beheerder")
    city = Organisation.objects.get(code="stad-mechelen")
    role = Group.objects.get(name="QRT-medewerker")

    def make(n):
        for _ in range(n):
            UserFactory(organisation=city, roles=[role.name])

    assert_constant_queries(make, lambda: client.get(reverse("accounts:user_list")))


# --- organisations ---------------------------------------------------------------


def test_invalid_kbo_is_refused_with_dutch_message(persona_client):
    client = persona_client("beheerder")
    response = client.post(
        reverse("accounts:organisation_create"),
        {"code": "test", "name": "Testorganisatie", "kind": "other", "kbo_number": "0123.456.789"},
    )
    assert response.status_code == 200
    assert "geen geldig KBO-ondernemingsnummer" in response.content.decode()
    assert not Organisation.objects.filter(code="test").exists()


def test_valid_kbo_is_stored_in_canonical_form(persona_client):
    client = persona_client("beheerder")
    response = client.post(
        reverse("accounts:organisation_create"),
        {"code": "test", "name": "Testorganisatie", "kind": "other", "kbo_number": "BE 0207437468", "active": "on"},
    )
    assert response.status_code == 302
    org = Organisation.objects.get(code="test")
    assert org.kbo_number == "0207.437.468"
    assert AuditEvent.objects.filter(action="accounts.organisation_created", object_id=str(org.pk)).exists()


def test_kbo_validation_in_the_model():
    org = OrganisationFactory.build(code="x", name="X", kbo_number="1234567890")
    with pytest.raises(ValidationError):
        org.full_clean()


# --- roles -------------------------------------------------------------------------


def test_role_permissions_change_is_audited(seeded):
    admin = persona_user("beheerder")
    role = Group.objects.get(name="Werkgroeplid")
    perm = Permission.objects.get(content_type__app_label="places", codename="view_area")
    services.role_set_permissions(actor=admin, role=role, permissions=[*role.permissions.all(), perm])
    assert perm in role.permissions.all()
    event = AuditEvent.objects.get(action="accounts.role_permissions_changed")
    assert "added: places.view_area" in event.summary


def test_role_cannot_get_permission_the_admin_lacks(seeded):
    admin = persona_user("beheerder")
    role = Group.objects.get(name="Werkgroeplid")
    perm = Permission.objects.get(codename="view_auditevent")
    with pytest.raises(PermissionDenied):
        services.role_set_permissions(actor=admin, role=role, permissions=[perm])
    assert perm not in role.permissions.all()


def test_seed_is_idempotent(seeded):
    from schakel.core.seeding import load_all

    counts = (Organisation.objects.count(), User.objects.count(), Group.objects.count())
    load_all(demo=True, out=lambda m: None)
    assert (Organisation.objects.count(), User.objects.count(), Group.objects.count()) == counts


def test_reseed_does_not_restore_a_permission_the_admin_removed(seeded):
    from schakel.core.seeding import load_roles

    role = Group.objects.get(name="Functioneel beheerder")
    perm = Permission.objects.get(content_type__app_label="accounts", codename="add_user")
    role.permissions.remove(perm)
    load_roles(out=lambda m: None)
    assert perm not in role.permissions.all()
    assert role.permissions.filter(codename="change_user").exists()
