"""Issue 4, item 10: internal incident notes only for the police and the QRT
lead. Earlier releases seeded ``view_incident_internal_notes`` to the
coordinator role (standing in for the QRT lead); the seed never removes a
permission, so this migration takes it away once on existing installations.
On a fresh database the role or the permission does not exist yet: nothing to do."""

from django.db import migrations

ROLE = "Coördinator preventie en veiligheid"


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perm = Permission.objects.filter(
        content_type__app_label="neighbourhoods", codename="view_incident_internal_notes"
    ).first()
    group = Group.objects.filter(name=ROLE).first()
    if perm is not None and group is not None:
        group.permissions.remove(perm)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("core", "0001_initial"),
        ("neighbourhoods", "0002_history_and_retention"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
