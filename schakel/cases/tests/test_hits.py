"""Hit/no-hit: a match with a subject in a case the user cannot see tells the
owner of that case, and tells the user nothing — not in pages, search,
counts, redirects or error messages."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from schakel.cases import selectors, services
from schakel.cases.models import Hit, Notification
from schakel.subjects import services as subject_services

from .test_cases import scrub

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret_case(enforcer, ground):
    """A case of the city with a person and an enterprise the police analyst cannot see."""
    case = services.case_open(actor=enforcer, case_type="obh", title="Shishabar Geheimstraat", legal_ground=ground)
    person = subject_services.person_create(
        actor=enforcer, first_name="Mohamed", last_name="El Amrani", birth_date=dt.date(1990, 4, 4)
    )
    shop = subject_services.enterprise_create(actor=enforcer, name="Geheime Shisha", kbo_number="0403.170.701")
    services.case_subject_add(actor=enforcer, case=case, subject=person, role="operator")
    services.case_subject_add(actor=enforcer, case=case, subject=shop, role="enterprise")
    case.person, case.shop = person, shop
    return case


def _add_person_via_page(client, case, first, last, birth):
    return client.post(
        reverse("cases:subject_add", args=[case.pk]),
        {"kind": "person", "role": "involved", "first_name": first, "last_name": last, "birth_date": birth},
    )


def test_matching_name_gives_the_owner_a_hit_and_the_trigger_nothing(client, secret_case, enforcer, analyst, ground):
    own = services.case_open(actor=analyst, case_type="obh", title="Eigen dossier politie", legal_ground=ground)
    client.force_login(analyst)
    with_match = _add_person_via_page(client, own, "Muhammad", "Amrani", "04-04-1990")
    without_match = _add_person_via_page(client, own, "Pieter", "Verhoeven", "01-01-1970")

    hit = Hit.objects.get()
    assert (hit.case, hit.matched_subject_id, hit.triggered_by, hit.reason) == (
        secret_case,
        secret_case.person.pk,
        analyst,
        "name",
    )
    assert Notification.objects.get(kind="hit").recipient == enforcer

    # The trigger's answers are the same with and without a match.
    assert with_match.status_code == without_match.status_code == 302
    assert with_match["Location"] == without_match["Location"]
    page = client.get(reverse("cases:detail", args=[own.pk])).content.decode()
    list_page = client.get(reverse("cases:list"), {"q": "Shisha"}).content.decode()
    hits_page = client.get(reverse("cases:hit_list")).content.decode()
    for html in (page, list_page, hits_page):
        assert "Shisha" not in html.replace("q=Shisha", "").replace('value="Shisha"', "")
        assert secret_case.reference not in html
        assert "El Amrani" not in html
    assert selectors.cases_list(user=analyst).count() == 1
    assert selectors.hits_for_owner(user=analyst).count() == 0
    assert selectors.notifications_for(user=analyst).count() == 0
    assert "Hits op mijn casussen</a>" in hits_page or "Geen hits." in hits_page

    # The owner sees what matched (his own subject) and who triggered it, not the other case.
    client.force_login(enforcer)
    owner_hits = client.get(reverse("cases:hit_list")).content.decode()
    assert "Mohamed El Amrani" in owner_hits and analyst.email in owner_hits
    assert "Eigen dossier politie" not in owner_hits and own.reference not in owner_hits
    assert "Verhoeven" not in owner_hits


def test_matching_identifier_raises_a_hit(secret_case, analyst, ground):
    own = services.case_open(actor=analyst, case_type="obh", title="Controle", legal_ground=ground)
    shop = subject_services.enterprise_create(actor=analyst, name="Andere naam", kbo_number="0403170701")
    services.case_subject_add(actor=analyst, case=own, subject=shop, role="enterprise")
    hit = Hit.objects.get()
    assert hit.matched_subject_id == secret_case.shop.pk and hit.reason == "identifier"


def test_no_hit_for_members_or_for_different_people(secret_case, enforcer, analyst, ground):
    services.case_member_add(actor=enforcer, case=secret_case, user=analyst, role="partner", legal_ground=ground)
    own = services.case_open(actor=analyst, case_type="obh", title="Controle", legal_ground=ground)
    same = subject_services.person_create(actor=analyst, first_name="Mohamed", last_name="Amrani")
    services.case_subject_add(actor=analyst, case=own, subject=same, role="involved")
    assert not Hit.objects.exists()  # the analyst already sees that case
    other = services.case_open(actor=enforcer, case_type="obh", title="Nog een", legal_ground=ground)
    different = subject_services.person_create(
        actor=enforcer, first_name="Mohamed", last_name="El Amrani", birth_date=dt.date(1960, 1, 1)
    )
    services.case_subject_add(actor=enforcer, case=other, subject=different, role="involved")
    # Not on the owner's own case, and not where the birth dates differ (1960
    # vs 1990); the analyst's undated "Mohamed Amrani" is a possible match.
    assert not Hit.objects.filter(case=secret_case).exists()
    assert list(Hit.objects.values_list("case_id", flat=True)) == [own.pk]


def test_repeated_trigger_makes_one_open_hit(secret_case, analyst, ground):
    own = services.case_open(actor=analyst, case_type="obh", title="Controle", legal_ground=ground)
    for _ in range(2):
        p = subject_services.person_create(actor=analyst, first_name="Mohamed", last_name="Amrani")
        services.case_subject_add(actor=analyst, case=own, subject=p, role="involved")
    assert Hit.objects.count() == 1


def test_a_subject_of_another_case_cannot_be_borrowed(secret_case, analyst, ground):
    own = services.case_open(actor=analyst, case_type="obh", title="Controle", legal_ground=ground)
    with pytest.raises(PermissionDenied):
        services.case_subject_add(actor=analyst, case=own, subject=secret_case.person, role="involved")
    assert not own.case_subjects.exists()


def test_only_the_owner_decides_on_a_hit(client, secret_case, enforcer, analyst, ground):
    own = services.case_open(actor=analyst, case_type="obh", title="Controle", legal_ground=ground)
    p = subject_services.person_create(actor=analyst, first_name="Mohamed", last_name="Amrani")
    services.case_subject_add(actor=analyst, case=own, subject=p, role="involved")
    hit = Hit.objects.get()
    client.force_login(analyst)
    refused = client.post(reverse("cases:hit_decide", args=[hit.pk]), {"status": "dismissed"})
    missing = client.post(reverse("cases:hit_decide", args=[hit.pk + 100]), {"status": "dismissed"})
    assert refused.status_code == missing.status_code == 404
    url_a, url_b = reverse("cases:hit_decide", args=[hit.pk]), reverse("cases:hit_decide", args=[hit.pk + 100])
    assert scrub(refused.content).replace(url_a, "U") == scrub(missing.content).replace(url_b, "U")
    with pytest.raises(PermissionDenied):
        services.hit_decide(actor=analyst, hit=hit, status="dismissed")
    client.force_login(enforcer)
    client.post(reverse("cases:hit_decide", args=[hit.pk]), {"status": "contacted"})
    hit.refresh_from_db()
    assert hit.status == "contacted"


def test_hit_list_query_count_is_constant(client, secret_case, enforcer, make_user, ground):
    from .conftest import OBH_PERMS

    client.force_login(enforcer)

    def make_rows(n):
        for _ in range(n):
            other = make_user(OBH_PERMS)
            own = services.case_open(actor=other, case_type="obh", title="Controle", legal_ground=ground)
            p = subject_services.person_create(actor=other, first_name="Mohamed", last_name="Amrani")
            services.case_subject_add(actor=other, case=own, subject=p, role="involved")

    from schakel.core.testing import assert_constant_queries

    assert_constant_queries(make_rows, lambda: client.get(reverse("cases:hit_list")))


def test_duplicates_page_pairs_only_visible_subjects_and_merges(client, secret_case, enforcer, analyst, ground):
    # The analyst's own two spellings of one person are a visible pair; the
    # city's "El Amrani" in the secret case is never offered.
    own = services.case_open(actor=analyst, case_type="obh", title="Controle", legal_ground=ground)
    first = subject_services.person_create(actor=analyst, first_name="Muhammad", last_name="Amrani")
    second = subject_services.person_create(actor=analyst, first_name="Mohammed", last_name="Amrani")
    services.case_subject_add(actor=analyst, case=own, subject=first, role="involved")
    services.case_subject_add(actor=analyst, case=own, subject=second, role="relative")
    client.force_login(analyst)
    url = reverse("cases:duplicates", args=[own.pk])
    html = client.get(url).content.decode()
    assert "Muhammad Amrani" in html and "Mohammed Amrani" in html
    assert "El Amrani" not in html and "1990" not in html
    # A merge with the secret case's subject is refused like a missing one.
    forged = client.post(
        url, {"pair_a": first.pk, "pair_b": secret_case.person.pk, "survivor": first.pk, "reason": "x"}
    )
    assert forged.status_code == 404
    client.post(url, {"pair_a": first.pk, "pair_b": second.pk, "survivor": first.pk, "reason": "Zelfde persoon"})
    second.refresh_from_db()
    assert second.merged_into_id == first.pk
    secret_case.person.refresh_from_db()
    assert secret_case.person.merged_into_id is None
