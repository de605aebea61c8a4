"""subjects_reindex: the derived matching rows are rebuilt from the names."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from schakel.audit.models import AuditEvent
from schakel.subjects import matching, selectors, services
from schakel.subjects.models import Subject, SubjectNameKey, SubjectNamePair

pytestmark = pytest.mark.django_db


def test_reindex_repairs_damaged_keys_and_matching_works_again(make_user):
    actor = make_user()
    person = services.person_create(
        actor=actor, first_name="Youssef", last_name="El Idrissi", birth_date=dt.date(1990, 5, 6), national_number=""
    )
    shop = services.enterprise_create(actor=actor, name="Nachtwinkel De Maan", kbo_number="")
    expected = {
        s.pk: (
            s.match_key,
            set(SubjectNameKey.objects.filter(subject=s).values_list("key", flat=True)),
            set(SubjectNamePair.objects.filter(subject=s).values_list("key", flat=True)),
        )
        for s in (person, shop)
    }
    # Damage the derived rows (as an old version of the rules would have left them).
    SubjectNameKey.objects.all().delete()
    SubjectNamePair.objects.all().delete()
    Subject.objects.filter(pk=person.pk).update(match_key="x|x|")
    key = matching.person_key("Yusuf", "Idrisi")
    assert not selectors.match_name(key=key, kind="person")

    out = io.StringIO()
    call_command("subjects_reindex", "--batch", "1", stdout=out)
    assert "2 subjects reindexed" in out.getvalue()
    for s in (person, shop):
        s.refresh_from_db()
        assert (
            s.match_key,
            set(SubjectNameKey.objects.filter(subject=s).values_list("key", flat=True)),
            set(SubjectNamePair.objects.filter(subject=s).values_list("key", flat=True)),
        ) == expected[s.pk]
    assert [m.subject_id for m in selectors.match_name(key=key, kind="person")] == [person.pk]
    assert AuditEvent.objects.filter(action="subjects.reindexed").count() == 1


def test_reindex_skips_merged_subjects_and_refuses_a_bad_batch(make_user):
    actor = make_user()
    a = services.person_create(actor=actor, first_name="Jan", last_name="Peeters", birth_date=None, national_number="")
    b = services.person_create(actor=actor, first_name="Jan", last_name="Peters", birth_date=None, national_number="")
    Subject.objects.filter(pk=b.pk).update(merged_into=a)
    SubjectNameKey.objects.filter(subject=b).delete()
    call_command("subjects_reindex", stdout=io.StringIO())
    assert not SubjectNameKey.objects.filter(subject=b).exists()
    with pytest.raises(CommandError):
        call_command("subjects_reindex", "--batch", "0")
