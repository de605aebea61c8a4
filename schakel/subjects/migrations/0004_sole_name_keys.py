from django.db import migrations


def add_sole_keys(apps, schema_editor):
    """Sole keys for the subjects that exist already (ADR 0402, amendment 3):
    a live subject whose name has one word gets its single keys paired with
    ``matching.SOLE`` in the pair table, as the services write them now.
    Names of two words or more are unchanged, so only their normal form is
    read. Idempotent (rows that exist are skipped), so it does no harm after
    ``manage.py subjects_reindex``."""
    from schakel.subjects import matching

    Subject = apps.get_model("subjects", "Subject")
    SubjectNamePair = apps.get_model("subjects", "SubjectNamePair")
    live = Subject.objects.filter(merged_into__isnull=True).exclude(match_key="").order_by("pk")
    batch = []
    for pk, key in live.values_list("pk", "match_key").iterator(chunk_size=5000):
        if len(matching.words(key)) <= 1:
            batch += [SubjectNamePair(subject_id=pk, key=k) for k in sorted(matching.pair_keys(key))]
        if len(batch) >= 5000:
            SubjectNamePair.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    SubjectNamePair.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("subjects", "0003_name_pairs"),
    ]

    operations = [
        migrations.RunPython(add_sole_keys, migrations.RunPython.noop, elidable=True),
    ]
