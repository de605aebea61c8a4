"""Security review findings in user administration (ADR 0008)."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from schakel.accounts.models import User
from schakel.audit.models import AuditEvent
from schakel.core.testing import persona_user

pytestmark = pytest.mark.django_db


def edit_data(user, **changes):
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "organisation": user.organisation_id,
        "groups": [g.pk for g in user.groups.all()],
        "phone": user.phone,
        "function_title": user.function_title,
    }
    if user.is_active:
        data["is_active"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# Finding 1: the functional administrator may not grant the DPO's role
# (a beheerrol), but could take over the DPO's account instead: change its
# e-mail address to one they read and ask for a password reset link. Or
# switch the DPO (or another administrator) off.


@pytest.mark.parametrize(
    "changes",
    [{"email": "beheerder-tweede-adres@example.test"}, {"is_active": None}],
    ids=["email", "deactivate"],
)
def test_the_administrator_cannot_take_over_or_switch_off_the_dpo(persona_client, changes):
    dpo = persona_user("dpo")
    client = persona_client("beheerder")
    response = client.post(reverse("accounts:user_edit", args=[dpo.pk]), edit_data(dpo, **changes))
    assert response.status_code == 200  # a form error, the input kept
    assert "beheerrol" in response.content.decode()
    fresh = User.objects.get(pk=dpo.pk)
    assert fresh.email == dpo.email and fresh.is_active
    assert AuditEvent.objects.filter(action="accounts.user_change_refused", object_id=str(dpo.pk)).exists()


def test_the_administrator_still_edits_the_dpos_ordinary_data(persona_client):
    dpo = persona_user("dpo")
    client = persona_client("beheerder")
    response = client.post(
        reverse("accounts:user_edit", args=[dpo.pk]), edit_data(dpo, function_title="DPO stad en OCMW")
    )
    assert response.status_code == 302
    assert User.objects.get(pk=dpo.pk).function_title == "DPO stad en OCMW"


def test_a_privileged_role_administrator_may_change_the_dpos_address(persona_client):
    admin = persona_user("beheerder")
    admin.user_permissions.add(
        Permission.objects.get(content_type__app_label="accounts", codename="assign_privileged_role")
    )
    dpo = persona_user("dpo")
    client = persona_client("beheerder")
    response = client.post(reverse("accounts:user_edit", args=[dpo.pk]), edit_data(dpo, email="dpo-nieuw@example.test"))
    assert response.status_code == 302
    assert User.objects.get(pk=dpo.pk).email == "dpo-nieuw@example.test"


def test_the_administrator_changes_their_own_address(persona_client):
    admin = persona_user("beheerder")
    client = persona_client("beheerder")
    response = client.post(
        reverse("accounts:user_edit", args=[admin.pk]), edit_data(admin, email="ann.beheerder@example.test")
    )
    assert response.status_code == 302
    assert User.objects.get(pk=admin.pk).email == "ann.beheerder@example.test"


def test_the_administrator_cannot_take_over_an_account_with_a_withheld_role(persona_client):
    # The platform administrator withheld the prosecutor's role from the
    # functional administrators; an account that holds it (here in the
    # city's organisation) is no more theirs to take over than to create.
    from django.contrib.auth.models import Group

    from schakel.accounts.models import RoleSetting
    from schakel.core.testing import UserFactory

    parket = Group.objects.get(name="Parketcriminoloog / parketjurist")
    RoleSetting.objects.create(group=parket, assignable=False)
    target = UserFactory(organisation=persona_user("beheerder").organisation, roles=[parket.name])
    client = persona_client("beheerder")
    response = client.post(
        reverse("accounts:user_edit", args=[target.pk]), edit_data(target, email="overgenomen@example.test")
    )
    assert response.status_code == 200
    assert "Parketcriminoloog / parketjurist" in response.content.decode()
    assert User.objects.get(pk=target.pk).email == target.email
    # A released operational role does not protect the account.
    RoleSetting.objects.filter(group=parket).update(assignable=True)
    response = client.post(
        reverse("accounts:user_edit", args=[target.pk]), edit_data(target, email="nieuw-adres@example.test")
    )
    assert response.status_code == 302
    assert User.objects.get(pk=target.pk).email == "nieuw-adres@example.test"


def test_the_administrator_cannot_take_over_a_platform_administrator(persona_client):
    # ADR 0008: an operator gives accounts.assign_privileged_role to a platform
    # administrator deliberately, as a permission of its own (no seeded role
    # has it); and the bootstrap superuser holds no role at all.
    from schakel.core.testing import UserFactory

    city = persona_user("beheerder").organisation
    platform_admin = UserFactory(organisation=city)
    platform_admin.user_permissions.add(
        Permission.objects.get(content_type__app_label="accounts", codename="assign_privileged_role")
    )
    superuser = UserFactory(organisation=city, is_superuser=True)
    client = persona_client("beheerder")
    for target in (platform_admin, superuser):
        response = client.post(
            reverse("accounts:user_edit", args=[target.pk]),
            edit_data(target, email=f"overname-{target.pk}@example.test"),
        )
        assert response.status_code == 200, target
        assert User.objects.get(pk=target.pk).email == target.email
