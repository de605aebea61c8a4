"""The registry search API: visible subjects only, hit/no-hit for the rest,
the forms' messages for invalid numbers, the pages' permission and code gate."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from schakel.accounts.models import Organisation
from schakel.cases import services as case_services
from schakel.cases.models import Hit, Notification
from schakel.core.testing import OrganisationFactory, UserFactory, assert_constant_queries
from schakel.subjects import services

pytestmark = pytest.mark.django_db

SEARCH = "api:subject_search"
PERMS = [
    "cases.view_case",
    "cases.add_case",
    "cases.participate_obh",
    "cases.participate_youth",
    "subjects.view_subject",
    "subjects.add_subject",
]


@pytest.fixture
def ground(db):
    from schakel.legal.models import LegalGround
    from schakel.legal.seeding import load_reference

    load_reference(lambda m: None)
    return LegalGround.objects.get(code="art-458ter-sw")


@pytest.fixture
def user_with(ground):
    from schakel.legal.models import CodeAcceptance, CodeVersion

    def _make(perms=PERMS, kind=Organisation.Kind.CITY, accept=True):
        user = UserFactory(perms=list(perms), organisation=OrganisationFactory(kind=kind))
        if accept:
            CodeAcceptance.objects.create(
                user=user, version=CodeVersion.objects.order_by("-number").first(), accepted_at=timezone.now()
            )
        return user

    return _make


@pytest.fixture
def city_case(user_with, ground):
    """A city case with a person, an enterprise and a vehicle."""
    owner = user_with()
    case = case_services.case_open(actor=owner, case_type="obh", title="Pand aan de vaart", legal_ground=ground)
    person = services.person_create(
        actor=owner, first_name="Mohamed", last_name="El Amrani", birth_date=dt.date(1985, 7, 30)
    )
    shop = services.enterprise_create(actor=owner, name="Shisha Lounge Vaart", kbo_number="0403.170.701")
    car = services.vehicle_create(actor=owner, plate="1-ABC-123")
    for subject, role in ((person, "operator"), (shop, "enterprise"), (car, "vehicle")):
        case_services.case_subject_add(actor=owner, case=case, subject=subject, role=role)
    case.owner_user, case.person, case.shop, case.car = owner, person, shop, car
    return case


def _search(client, q, **extra):
    return client.get(reverse(SEARCH), {"q": q, **extra})


@pytest.mark.parametrize(
    "query, attr, match",
    [
        ("Muhammad Amrani", "person", "name"),
        ("Amrani", "person", "text"),
        ("0403170701", "shop", "identifier"),
        ("BE 0403.170.701", "shop", "identifier"),
        ("1ABC123", "car", "identifier"),
    ],
)
def test_a_member_finds_his_subjects_with_his_cases(client, city_case, query, attr, match):
    client.force_login(city_case.owner_user)
    response = _search(client, query)
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    subject = getattr(city_case, attr)
    assert [r["id"] for r in results] == [subject.pk]
    row = results[0]
    assert row["match"] == match and row["pseudonymised"] is False
    assert row["cases"] == [
        {"id": city_case.pk, "reference": city_case.reference, "role": subject.case_links.get().role}
    ]
    assert row["url"] == reverse("subjects:detail", args=[subject.pk])
    assert not Hit.objects.exists()


def test_kind_filter(client, city_case):
    client.force_login(city_case.owner_user)
    assert _search(client, "Shisha Lounge", kind="enterprise").json()["results"][0]["id"] == city_case.shop.pk
    assert _search(client, "Shisha Lounge", kind="person").json()["results"] == []
    bad = _search(client, "Shisha", kind="alien")
    assert bad.status_code == 400 and "kind" in bad.json()


@pytest.mark.parametrize(
    "query, message",
    [
        ("85.07.30-033.27", "is geen geldig rijksregisternummer"),
        ("0403.170.702", "is geen geldig KBO-ondernemingsnummer"),
    ],
)
def test_invalid_numbers_answer_400_with_the_forms_message(client, city_case, query, message):
    client.force_login(city_case.owner_user)
    response = _search(client, query)
    assert response.status_code == 400
    assert message in response.json()["q"][0]
    # The same message as the registration form gives for that number.
    from django.core.exceptions import ValidationError

    field = "national_number" if "rijks" in message else "kbo_number"
    creator = services.normalise_national_number if field == "national_number" else services.normalise_kbo
    with pytest.raises(ValidationError) as exc:
        creator(query)
    assert exc.value.message_dict[field] == response.json()["q"]


def test_too_short_a_query_is_400(client, city_case):
    client.force_login(city_case.owner_user)
    assert _search(client, "a").status_code == 400
    assert client.get(reverse(SEARCH)).status_code == 400


@pytest.mark.parametrize("query", ["Muhammad Amrani", "0403.170.701", "1-ABC-123", "Mohamed El Amrani"])
def test_a_match_in_another_circle_answers_like_no_match_and_tells_the_owner(client, city_case, user_with, query):
    outsider = user_with(kind=Organisation.Kind.POLICE)
    client.force_login(outsider)
    nothing = _search(client, "Zoltan Niemandsland")
    matched = _search(client, query)
    assert matched.status_code == nothing.status_code == 200
    assert matched.content == nothing.content == b'{"results":[]}'
    hit = Hit.objects.get(triggered_by=outsider)
    assert hit.case == city_case and hit.trigger_kind == "search"
    assert Notification.objects.get(kind="hit").recipient == city_case.owner_user
    assert not Notification.objects.filter(recipient=outsider).exists()
    # Searching again does not pile up hits.
    _search(client, query)
    assert Hit.objects.filter(triggered_by=outsider).count() == 1


def test_young_person_by_pseudonym_and_found_by_pseudonym_only(client, user_with, ground):
    osp = user_with()
    colleague = user_with()
    case = case_services.case_open(actor=osp, case_type="youth", title="Jongere in beeld", legal_ground=ground)
    case_services.case_member_add(actor=osp, case=case, user=colleague, role="partner", legal_ground=ground)
    young = services.person_create(
        actor=osp, first_name="Lotte", last_name="Verstraeten", birth_date=dt.date(2011, 1, 2)
    )
    case_services.case_subject_add(actor=osp, case=case, subject=young, role="young_person")
    client.force_login(colleague)
    assert _search(client, "Lotte Verstraeten").json()["results"] == []
    rows = _search(client, young.pseudonym).json()["results"]
    assert [(r["id"], r["label"], r["pseudonymised"]) for r in rows] == [(young.pk, young.pseudonym, True)]
    assert "Verstraeten" not in _search(client, young.pseudonym).content.decode()
    # After this member's reasoned reveal the name is shown to him.
    case_services.identity_reveal(actor=colleague, case=case, subject=young, reason="Overleg met de school")
    rows = _search(client, young.pseudonym).json()["results"]
    assert rows[0]["label"] == "Lotte Verstraeten (02-01-2011)" and rows[0]["pseudonymised"] is False


def test_needs_the_registry_permission_the_code_and_a_login(client, city_case, user_with):
    assert _search(client, "Amrani").status_code == 403
    client.force_login(user_with([p for p in PERMS if p != "subjects.view_subject"]))
    assert _search(client, "Amrani").status_code == 403
    client.force_login(user_with(accept=False))
    response = _search(client, "Amrani")
    assert response.status_code == 403 and "deontologische code" in response.json()["detail"]
    assert not Hit.objects.exists()


def test_results_have_constant_queries(client, user_with, ground):
    owner = user_with()
    case = case_services.case_open(actor=owner, case_type="obh", title="Garages", legal_ground=ground)
    client.force_login(owner)

    def make_rows(n):
        for _ in range(n):
            e = services.enterprise_create(actor=owner, name="Garage Zuidrand")
            case_services.case_subject_add(actor=owner, case=case, subject=e, role="enterprise")

    assert_constant_queries(make_rows, lambda: _search(client, "Garage Zuidrand").json(), small=2, large=12)
    assert len(_search(client, "Garage Zuidrand").json()["results"]) == 12


def test_schema_describes_the_search(client, city_case):
    client.force_login(city_case.owner_user)
    assert "/api/v1/subjects/search/" in client.get(reverse("api:schema")).content.decode()
