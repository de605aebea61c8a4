"""PostgreSQL: refuse UPDATE and DELETE on audit events with a row trigger.

The SQL lives in ``schakel.audit.db``; on other databases this is a no-op.
"""

from django.db import migrations

from schakel.audit import db


def forwards(apps, schema_editor):
    db.install_append_only_trigger(schema_editor)


def backwards(apps, schema_editor):
    db.drop_append_only_trigger(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
