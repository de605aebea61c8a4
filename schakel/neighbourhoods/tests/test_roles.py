"""Issue 4, item 10: internal incident notes only for the police and the QRT lead."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission

from schakel.core.seeding import merged_roles

NOTES = "neighbourhoods.view_incident_internal_notes"


def test_seeded_roles_give_internal_notes_only_to_police_and_qrt_lead():
    roles = merged_roles()
    assert sorted(name for name, perms in roles.items() if NOTES in perms) == [
        "LIEC-analist / politie",
        "QRT-verantwoordelijke",
    ]
    qrt = {p for p in roles["QRT-medewerker"] if p.startswith("neighbourhoods.")}
    lead = {p for p in roles["QRT-verantwoordelijke"] if p.startswith("neighbourhoods.")}
    # the lead may also withdraw any mistaken wijkschouw score (a member only their own)
    assert lead == qrt | {NOTES, "neighbourhoods.withdraw_any_walkscore"}
    assert [n for n, perms in roles.items() if "neighbourhoods.withdraw_any_walkscore" in perms] == [
        "QRT-verantwoordelijke"
    ]
    # the DPO reads the retention periods (as for cases) but does not change them
    dpo = roles["Functionaris voor gegevensbescherming"]
    assert "neighbourhoods.view_retentionrule" in dpo and "neighbourhoods.change_retentionrule" not in dpo
    coordinator = roles["Coördinator preventie en veiligheid"]
    assert {"neighbourhoods.view_incident", "neighbourhoods.view_qrtactivity"} <= coordinator


@pytest.mark.django_db
def test_migration_takes_the_notes_from_an_existing_coordinator_role():
    migration = importlib.import_module("schakel.neighbourhoods.migrations.0003_coordinator_no_internal_notes")
    perm = Permission.objects.get(content_type__app_label="neighbourhoods", codename="view_incident_internal_notes")
    coordinator = Group.objects.create(name="Coördinator preventie en veiligheid")
    police = Group.objects.create(name="LIEC-analist / politie")
    coordinator.permissions.add(perm)
    police.permissions.add(perm)
    migration.forwards(apps, None)
    assert not coordinator.permissions.filter(pk=perm.pk).exists()
    assert police.permissions.filter(pk=perm.pk).exists()
    migration.forwards(apps, None)  # idempotent, and harmless without the role
    Group.objects.filter(pk=coordinator.pk).delete()
    migration.forwards(apps, None)
