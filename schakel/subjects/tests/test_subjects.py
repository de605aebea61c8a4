import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from schakel.audit.models import AuditEvent
from schakel.core.testing import UserFactory
from schakel.subjects import matching, selectors, services
from schakel.subjects.models import Person, Subject, SubjectLink, SubjectMerge

PERMS = ["subjects.add_subject", "subjects.add_subjectlink"]


@pytest.fixture
def registrar(db):
    return UserFactory(perms=PERMS)


# --- normalisation and matching (pure) ---------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("Mohamed", "El Amrani"), ("Muhammad", "Amrani")),
        (("Jan", "Van der Berg"), ("Jan", "Vanderberg")),
        (("Hélène", "De Smet"), ("Helene", "Desmet")),
        (("Youssef", "Benali"), ("Yusuf", "Ben Ali")),
        (("Ahmed", "Khattabi"), ("Achmed", "El-Khattabi")),
        (("Olga", "Kowalczyk"), ("Olga", "Kovalchik")),
        (("Sara", "De Wit"), ("Sarah", "Dewit")),
        (("Amrani", "Mohamed"), ("Mohamed", "Amrani")),  # swapped first and last name
    ],
)
def test_spelling_variants_match_and_share_blocking_keys(a, b):
    ka, kb = matching.person_key(*a), matching.person_key(*b)
    assert matching.score(ka, kb) >= selectors.NAME_THRESHOLD
    index = matching.NameIndex()
    index.add(1, kb)
    assert index.candidates(ka) == [1]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("Jan", "Janssens"), ("Piet", "Peeters")),
        (("Karim", "Demo"), ("Kevin", "Dumont")),
        (("Lotte", "Maes"), ("Lara", "Mertens")),
    ],
)
def test_different_names_do_not_match(a, b):
    assert matching.score(matching.person_key(*a), matching.person_key(*b)) < selectors.NAME_THRESHOLD


def test_name_index_only_scores_blocked_candidates():
    index = matching.NameIndex()
    index.add(1, matching.person_key("Mohamed", "El Amrani"))
    index.add(2, matching.person_key("Jan", "Janssens"))
    index.add(3, matching.person_key("Piet", "Peeters"))
    index.add(4, matching.person_key("Mohamed", "Peeters"))  # shares only the first name
    key = matching.person_key("Muhammad", "Amrani")
    assert index.candidates(key) == [1]
    assert [m.subject_id for m in index.search(key)] == [1]


# --- services -------------------------------------------------------------------------


@pytest.mark.django_db
def test_person_create_validates_national_number_and_sets_birth_and_minor(registrar):
    person = services.person_create(
        actor=registrar, first_name="Jan", last_name="Test", national_number="08.03.15-123.33"
    )
    assert person.national_number == "08031512333"
    assert person.birth_date == dt.date(2008, 3, 15)
    assert person.is_minor is (dt.date.today() < dt.date(2026, 3, 15))
    assert person.pseudonym.startswith("J-") and len(person.pseudonym) == 8
    assert AuditEvent.objects.filter(action="subjects.person_created").exists()


@pytest.mark.django_db
def test_invalid_national_number_saves_nothing(registrar):
    with pytest.raises(ValidationError) as exc:
        services.person_create(actor=registrar, first_name="Jan", last_name="Test", national_number="85073003361")
    assert "geen geldig rijksregisternummer" in str(exc.value)
    assert not Subject.objects.exists()


@pytest.mark.django_db
def test_birth_date_must_agree_with_national_number(registrar):
    with pytest.raises(ValidationError):
        services.person_create(
            actor=registrar,
            first_name="Jan",
            last_name="Test",
            national_number="85073003328",
            birth_date=dt.date(1985, 7, 31),
        )
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_enterprise_kbo_validated_and_canonical(registrar):
    e = services.enterprise_create(actor=registrar, name="Test BV", kbo_number="BE 0403.170.701", nace_code="56.301")
    assert e.kbo_number == "0403170701" == e.identifier
    with pytest.raises(ValidationError) as exc:
        services.enterprise_create(actor=registrar, name="Fout", kbo_number="0403.170.702")
    assert "KBO" in str(exc.value)
    with pytest.raises(ValidationError):
        services.enterprise_create(actor=registrar, name="Fout", nace_code="horeca")
    assert Subject.objects.count() == 1


@pytest.mark.django_db
def test_vehicle_plate_normalised(registrar):
    assert services.vehicle_create(actor=registrar, plate="1-abc-123").plate == "1ABC123"
    with pytest.raises(ValidationError):
        services.vehicle_create(actor=registrar, plate="-")


@pytest.mark.django_db
def test_registry_needs_permission():
    with pytest.raises(PermissionDenied):
        services.person_create(actor=UserFactory(), first_name="A", last_name="B")


@pytest.mark.django_db
def test_link_rules(registrar):
    a = services.person_create(actor=registrar, first_name="Anna", last_name="Test")
    b = services.enterprise_create(actor=registrar, name="Test BV")
    with pytest.raises(ValidationError):
        services.subject_link_create(
            actor=registrar, source_subject=a, target_subject=a, link_type="owns", source="KBO"
        )
    with pytest.raises(ValidationError):
        services.subject_link_create(actor=registrar, source_subject=a, target_subject=b, link_type="owns", source=" ")
    with pytest.raises(ValidationError):
        services.subject_link_create(
            actor=registrar,
            source_subject=a,
            target_subject=b,
            link_type="owns",
            source="KBO",
            valid_from=dt.date(2024, 2, 1),
            valid_until=dt.date(2024, 1, 1),
        )
    link = services.subject_link_create(
        actor=registrar, source_subject=a, target_subject=b, link_type="manages", source="KBO"
    )
    assert SubjectLink.objects.get() == link


@pytest.mark.django_db
def test_database_matching_uses_blocking_and_birth_date(registrar):
    target = services.person_create(
        actor=registrar, first_name="Mohamed", last_name="El Amrani", birth_date=dt.date(1990, 1, 1)
    )
    services.person_create(actor=registrar, first_name="Jan", last_name="Janssens")
    same = services.person_create(
        actor=registrar, first_name="Muhammad", last_name="Amrani", birth_date=dt.date(1990, 1, 1)
    )
    other_birth = services.person_create(
        actor=registrar, first_name="Muhammad", last_name="Amrani", birth_date=dt.date(1970, 5, 5)
    )
    found = {m.subject_id for m in selectors.matches_for(same)}
    assert target.pk in found and other_birth.pk not in found


# --- merge ---------------------------------------------------------------------------


def test_merge_keeps_history_and_moves_roles_and_links(merge_world):
    user, case, a, b, shop = merge_world
    services.subject_merge(actor=user, survivor=a, duplicate=b, reason="Zelfde persoon volgens rijksregister")
    b.refresh_from_db()
    a = Person.objects.get(pk=a.pk)
    assert b.merged_into_id == a.pk
    assert a.national_number == "80010100107"
    merge = SubjectMerge.objects.get()
    assert merge.snapshot["last_name"] == "Van der Berg" and merge.merged_by == user
    assert SubjectLink.objects.get().source_subject_id == a.pk
    assert list(case.case_subjects.values_list("subject_id", flat=True)).count(a.pk) == 1
    assert not case.case_subjects.filter(subject=b).exists()


def test_conflicting_merge_is_refused_and_changes_nothing(merge_world):
    user, case, a, b, shop = merge_world
    with pytest.raises(ValidationError):
        services.subject_merge(actor=user, survivor=a, duplicate=shop, reason="verkeerd")
    c = services.person_create(actor=user, first_name="Jan", last_name="Vanderberg", birth_date=dt.date(1981, 1, 1))
    from schakel.cases import services as case_services

    case_services.case_subject_add(actor=user, case=case, subject=c, role="involved")
    with pytest.raises(ValidationError) as exc:
        services.subject_merge(actor=user, survivor=a, duplicate=c, reason="lijkt dezelfde")
    assert "geboortedata" in str(exc.value)
    with pytest.raises(ValidationError):
        services.subject_merge(actor=user, survivor=a, duplicate=b, reason="  ")
    assert not SubjectMerge.objects.exists() and Subject.objects.filter(merged_into__isnull=False).count() == 0


def test_merge_of_subjects_not_visible_is_forbidden(merge_world):
    user, case, a, b, shop = merge_world
    from schakel.cases.tests.conftest import OBH_PERMS

    outsider = UserFactory(perms=OBH_PERMS)
    with pytest.raises(PermissionDenied):
        services.subject_merge(actor=outsider, survivor=a, duplicate=b, reason="Zelfde persoon")
    assert not SubjectMerge.objects.exists()
