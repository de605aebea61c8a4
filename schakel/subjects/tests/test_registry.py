"""The registry pages: search, detail, register and edit, the establishment
address, and hit/no-hit from the search (nothing of another circle shows)."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from schakel.audit.models import AuditEvent
from schakel.cases.models import Hit, Notification
from schakel.core.testing import assert_constant_queries
from schakel.subjects import selectors, services
from schakel.subjects.models import Establishment, Person, Subject, SubjectLink, SubjectNameKey, SubjectRevision

pytestmark = pytest.mark.django_db

NRN = "85.07.30-033.28"  # valid check digits, fictitious
KBO = "0403.170.701"


def body(response) -> str:
    """The page without the parts that differ per request (tokens, nonces)."""
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    text = re.sub(r'"X-CSRFToken": "[^"]*"', "", text)
    text = re.sub(r'name="next" type="hidden" value="[^"]*"', "", text)  # the language switch's return path
    return re.sub(r'nonce="[^"]+"', "", text)


def search(client, q, kind=""):
    return client.get(reverse("subjects:search"), {"q": q, "kind": kind})


@pytest.fixture
def secret(owner, make_case, put):
    """A case of ``owner`` with a person and an enterprise ``outsider`` cannot see."""
    case = make_case(owner, title="Shishabar Geheimstraat")
    person = services.person_create(
        actor=owner, first_name="Mohamed", last_name="El Amrani", birth_date=dt.date(1990, 4, 4), national_number=""
    )
    shop = services.enterprise_create(actor=owner, name="Geheime Shisha", kbo_number=KBO)
    put(owner, case, person, "operator")
    put(owner, case, shop, "enterprise")
    case.person, case.shop = person, shop
    return case


# --- search -------------------------------------------------------------------------


def test_member_finds_subjects_of_his_case_by_name_number_and_fuzzy_spelling(client, owner, secret):
    client.force_login(owner)
    person_url = reverse("subjects:detail", args=[secret.person.pk])
    shop_url = reverse("subjects:detail", args=[secret.shop.pk])
    for q, url in (
        ("Mohamed El Amrani", person_url),
        ("Muhammad Amrani", person_url),
        ("amrani", person_url),
        ("Geheime", shop_url),
        (KBO, shop_url),
        ("BE0403170701", shop_url),
    ):
        assert f'href="{url}"' in search(client, q).content.decode(), q
    assert person_url not in search(client, KBO).content.decode()


def test_outsider_learns_nothing_and_the_owner_gets_a_hit(client, owner, outsider, secret):
    client.force_login(outsider)
    with_match = search(client, "Muhammad Amrani")
    without_match = search(client, "Pieter Verhoeven")
    assert with_match.status_code == without_match.status_code == 200
    # The same page apart from the query itself: no result, count or hint.
    assert body(with_match).replace("Muhammad Amrani", "Q") == body(without_match).replace("Pieter Verhoeven", "Q")
    assert "Amrani" not in body(with_match).replace("Muhammad Amrani", "")
    by_number = search(client, KBO)
    unknown_number = search(client, "0876.543.270")  # valid, registered nowhere
    assert body(by_number).replace(KBO, "Q") == body(unknown_number).replace("0876.543.270", "Q")
    assert "Geheime" not in body(by_number)

    hits = Hit.objects.filter(triggered_by=outsider, trigger_kind="search").order_by("matched_subject_id")
    assert [(h.case, h.matched_subject_id, h.reason) for h in hits] == [
        (secret, secret.person.pk, "name"),
        (secret, secret.shop.pk, "identifier"),
    ]
    assert Notification.objects.filter(recipient=owner, kind="hit").count() == 2
    # Searching again does not pile up new hits while the first is open.
    search(client, "Muhammad Amrani")
    assert Hit.objects.filter(triggered_by=outsider).count() == 2
    # Nothing reaches the trigger.
    assert not Notification.objects.filter(recipient=outsider).exists()


def test_a_vague_query_raises_no_hit(client, outsider, secret):
    client.force_login(outsider)
    search(client, "Amrani")  # one word: too vague to tell an owner
    search(client, "Mo")
    assert not Hit.objects.exists()


def test_search_service_never_returns_unseen_matches(owner, outsider, secret):
    raw = selectors.registry_matches(user=outsider, query="Muhammad Amrani")
    assert [m.subject_id for m in raw.unseen] == [secret.person.pk] and raw.results == []
    outcome = services.registry_search(actor=outsider, query="Muhammad Amrani")
    assert outcome.results == [] and outcome.unseen == []
    mine = services.registry_search(actor=owner, query="Muhammad Amrani")
    assert [s.pk for s in mine.results] == [secret.person.pk] and mine.unseen == []


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("85.07.30-033.99", "is geen geldig rijksregisternummer"),
        ("0403.170.799", "is geen geldig KBO-ondernemingsnummer"),
    ],
)
def test_invalid_numbers_get_a_dutch_message_and_raise_nothing(client, outsider, secret, q, message):
    client.force_login(outsider)
    page = search(client, q).content.decode()
    assert message in page
    assert not Hit.objects.exists()


def test_national_number_and_plate_search(client, owner, make_case, put):
    case = make_case(owner)
    p = services.person_create(actor=owner, first_name="Jan", last_name="Peeters", national_number=NRN)
    v = services.vehicle_create(actor=owner, plate="1-ABC-123")
    put(owner, case, p)
    put(owner, case, v, "vehicle")
    client.force_login(owner)
    assert reverse("subjects:detail", args=[p.pk]) in search(client, "85073003328").content.decode()
    assert reverse("subjects:detail", args=[v.pk]) in search(client, "1abc123").content.decode()
    assert reverse("subjects:detail", args=[v.pk]) not in search(client, "1abc123", kind="person").content.decode()


def test_a_young_person_is_found_by_pseudonym_only(client, owner, make_case, put):
    youth = make_case(owner, title="Jongere in beeld", case_type="youth")
    young = services.person_create(
        actor=owner, first_name="Sara", last_name="Janssens", birth_date=dt.date(2010, 5, 5), national_number=""
    )
    put(owner, youth, young, "young_person")
    client.force_login(owner)
    detail_url = reverse("subjects:detail", args=[young.pk])
    for q in ("Sara Janssens", "Janssens"):
        page = body(search(client, q))
        assert detail_url not in page and "Janssens" not in page.replace(q, "")
    page = search(client, young.pseudonym).content.decode()
    assert detail_url in page and "Sara" not in page
    detail = client.get(detail_url).content.decode()
    assert young.pseudonym in detail and "Sara" not in detail and "Janssens" not in detail
    # Editing would show the name: refused, back to the detail page.
    response = client.get(reverse("subjects:edit", args=[young.pk]))
    assert response.status_code == 302 and response["Location"] == detail_url
    # After a reasoned reveal in the case the member sees the name.
    from schakel.cases import services as case_services

    case_services.identity_reveal(actor=owner, case=youth, subject=young, reason="Nodig voor de doorverwijzing")
    assert "Sara Janssens" in client.get(detail_url).content.decode()


def test_registry_pages_need_the_registry_role(client, make_user, secret):
    bare = make_user(perms=["cases.view_case"])
    client.force_login(bare)
    assert search(client, "Mohamed El Amrani").status_code == 403
    assert client.get(reverse("subjects:detail", args=[secret.person.pk])).status_code == 403
    assert selectors.registry_visible_to(user=bare).count() == 0


# --- detail -------------------------------------------------------------------------


def test_detail_is_404_alike_for_missing_and_not_visible_and_audited(client, outsider, secret):
    client.force_login(outsider)
    hidden = client.get(reverse("subjects:detail", args=[secret.person.pk]))
    missing = client.get(reverse("subjects:detail", args=[secret.person.pk + 100000]))
    assert hidden.status_code == missing.status_code == 404
    assert body(hidden) == body(missing)
    assert AuditEvent.objects.filter(action="subjects.subject_access_refused", actor=outsider).count() == 2


def test_detail_shows_cases_and_only_links_to_visible_subjects(client, owner, outsider, secret, make_case, put):
    other_case = make_case(outsider, title="Politiedossier")
    foreign = services.person_create(actor=outsider, first_name="Kevin", last_name="Dumont")
    put(outsider, other_case, foreign)
    SubjectLink.objects.create(
        source_subject=secret.person,
        target_subject=secret.shop,
        link_type="manages",
        source="KBO",
        valid_from=dt.date(2024, 1, 1),
        created_by=owner,
    )
    SubjectLink.objects.create(
        source_subject=foreign, target_subject=secret.person, link_type="family_of", source="PV", created_by=outsider
    )
    client.force_login(owner)
    page = client.get(reverse("subjects:detail", args=[secret.person.pk])).content.decode()
    assert "Shishabar Geheimstraat" in page and "Uitbater" in page
    assert "Geheime Shisha" in page and "KBO" in page and "01-01-2024" in page
    assert "Dumont" not in page and "familie" not in page
    assert AuditEvent.objects.filter(action="subjects.subject_viewed", actor=owner).exists()


def test_detail_page_queries_do_not_grow_with_links_and_cases(client, owner, make_case, put):
    hub = services.enterprise_create(actor=owner, name="Holding Demo")
    first = make_case(owner, title="Casus 0")
    put(owner, first, hub, "enterprise")
    made = {"n": 0}

    def make_rows(n):
        for _ in range(n):
            i = made["n"] = made["n"] + 1
            case = make_case(owner, title=f"Casus {i}")
            put(owner, case, hub, "enterprise")
            p = services.person_create(actor=owner, first_name="Demo", last_name=f"Bestuurder{i}")
            put(owner, case, p, "operator")
            SubjectLink.objects.create(
                source_subject=p, target_subject=hub, link_type="manages", source="KBO", created_by=owner
            )

    client.force_login(owner)
    url = reverse("subjects:detail", args=[hub.pk])
    assert_constant_queries(make_rows, lambda: client.get(url), small=3, large=15)


def test_search_page_queries_do_not_grow_with_results(client, owner, make_case, put):
    case = make_case(owner)
    made = {"n": 0}

    def make_rows(n):
        for _ in range(n):
            i = made["n"] = made["n"] + 1
            put(owner, case, services.person_create(actor=owner, first_name="Demo", last_name=f"Persoon{i}"))
            put(owner, case, services.establishment_create(actor=owner, name=f"Demo pand {i}"), "premises")

    client.force_login(owner)

    def fetch():
        response = search(client, "Demo")
        assert response.status_code == 200

    assert_constant_queries(make_rows, fetch, small=3, large=20)


# --- register and edit --------------------------------------------------------------


def test_register_person_with_invalid_number_saves_nothing(client, owner):
    client.force_login(owner)
    response = client.post(
        reverse("subjects:create", args=["persoon"]),
        {"first_name": "Jan", "last_name": "Peeters", "national_number": "85.07.30-033.99"},
    )
    assert response.status_code == 200
    assert "is geen geldig rijksregisternummer" in response.content.decode()
    assert not Person.objects.exists()


def test_register_enterprise_with_invalid_kbo_saves_nothing(client, owner):
    client.force_login(owner)
    response = client.post(reverse("subjects:create", args=["onderneming"]), {"name": "Demo BV", "kbo_number": "123"})
    assert "is geen geldig KBO-ondernemingsnummer" in response.content.decode()
    assert not Subject.objects.exists()


def test_registered_subject_is_visible_to_its_creator_only_and_raises_hits(client, owner, outsider, secret):
    client.force_login(outsider)
    response = client.post(
        reverse("subjects:create", args=["persoon"]),
        {"first_name": "Muhammad", "last_name": "Amrani", "birth_date": "04-04-1990"},
    )
    person = Person.objects.get(first_name="Muhammad")
    assert response.status_code == 302 and response["Location"] == reverse("subjects:detail", args=[person.pk])
    assert person.created_by == outsider
    assert SubjectNameKey.objects.filter(subject=person).exists()
    assert client.get(response["Location"]).status_code == 200
    # The owner of the case holding "Mohamed El Amrani" gets a hit; the new
    # subject is not visible to him (it is in no case of his).
    hit = Hit.objects.get(trigger_kind="subject")
    assert (hit.case, hit.matched_subject_id, hit.triggered_by) == (secret, secret.person.pk, outsider)
    assert person.pk not in set(selectors.registry_visible_to(user=owner).values_list("pk", flat=True))


def test_edit_appends_a_revision_and_reindexes(client, owner, secret):
    client.force_login(owner)
    url = reverse("subjects:edit", args=[secret.person.pk])
    assert 'value="El Amrani"' in client.get(url).content.decode()
    response = client.post(url, {"first_name": "Mohamed", "last_name": "Benali", "birth_date": "04-04-1990"})
    assert response.status_code == 302
    person = Person.objects.get(pk=secret.person.pk)
    assert person.last_name == "Benali"
    revision = SubjectRevision.objects.get(subject=person)
    assert revision.changed_fields == ["last_name"] and revision.before["last_name"] == "El Amrani"
    assert revision.changed_by == owner
    assert "Benali" in search(client, "Mohamed Ben Ali").content.decode()
    assert reverse("subjects:detail", args=[person.pk]) not in search(client, "Mohamed El Amrani").content.decode()


def test_edit_with_invalid_kbo_changes_nothing(client, owner, secret):
    client.force_login(owner)
    response = client.post(
        reverse("subjects:edit", args=[secret.shop.pk]), {"name": "Andere naam", "kbo_number": "0403.170.799"}
    )
    assert response.status_code == 200 and "is geen geldig KBO-ondernemingsnummer" in response.content.decode()
    shop = secret.shop.__class__.objects.get(pk=secret.shop.pk)
    assert shop.name == "Geheime Shisha" and not SubjectRevision.objects.exists()


def test_outsider_cannot_edit(client, outsider, secret):
    client.force_login(outsider)
    response = client.post(reverse("subjects:edit", args=[secret.shop.pk]), {"name": "Overgenomen"})
    assert response.status_code == 404
    assert secret.shop.__class__.objects.get(pk=secret.shop.pk).name == "Geheime Shisha"


# --- establishment and address ----------------------------------------------------------


def test_establishment_with_a_register_address(client, owner, make_address):
    address = make_address("Demostraat", "12")
    client.force_login(owner)
    response = client.post(
        reverse("subjects:create", args=["inrichting"]),
        {"name": "Demo Nachtwinkel", "address": address.label, "sector": "nachtwinkel"},
    )
    assert response.status_code == 302
    est = Establishment.objects.get()
    assert est.address == address and est.address_text == address.label
    page = client.get(response["Location"]).content.decode()
    assert address.label in page and "adressenregister" in page and "adres opgeheven" not in page


def test_establishment_with_an_address_outside_the_register(client, owner):
    client.force_login(owner)
    client.post(
        reverse("subjects:create", args=["inrichting"]),
        {"name": "Demo Garage", "address_text": "Rue Fictive 3, 1000 Bruxelles"},
    )
    est = Establishment.objects.get()
    assert est.address is None and est.address_text == "Rue Fictive 3, 1000 Bruxelles"
    assert "niet in het adressenregister" in client.get(reverse("subjects:detail", args=[est.pk])).content.decode()


def test_unknown_register_address_is_refused(client, owner, make_address):
    make_address("Demostraat", "12")
    client.force_login(owner)
    response = client.post(
        reverse("subjects:create", args=["inrichting"]), {"name": "Demo Nachtwinkel", "address": "Nergensstraat 99"}
    )
    assert "Onbekend adres" in response.content.decode()
    assert not Establishment.objects.exists()


def test_retired_register_address_is_flagged(client, owner, make_case, put, make_address):
    from django.utils import timezone

    from schakel.places.models import Address

    if not any(f.name == "retired_at" for f in Address._meta.fields):
        pytest.skip("places.Address has no retired flag in this tree")
    address = make_address("Demostraat", "14")
    est = services.establishment_create(actor=owner, name="Demo Bar", address=address)
    put(owner, make_case(owner), est, "premises")
    client.force_login(owner)
    url = reverse("subjects:detail", args=[est.pk])
    assert "adres opgeheven" not in client.get(url).content.decode()
    Address.objects.filter(pk=address.pk).update(retired_at=timezone.now(), status="retired")
    assert "adres opgeheven" in client.get(url).content.decode()


def test_edit_establishment_moves_it_to_a_register_address(client, owner, make_case, put, make_address):
    est = services.establishment_create(actor=owner, name="Demo Bar", address_text="Demostraat 14 (oud)")
    put(owner, make_case(owner), est, "premises")
    address = make_address("Demostraat", "14")
    client.force_login(owner)
    response = client.post(reverse("subjects:edit", args=[est.pk]), {"name": "Demo Bar", "address": address.label})
    assert response.status_code == 302
    est = Establishment.objects.get(pk=est.pk)
    assert est.address == address and est.address_text == address.label
    assert SubjectRevision.objects.get(subject=est).before["address_text"] == "Demostraat 14 (oud)"


def test_address_autocomplete_offers_register_addresses(client, owner, make_user, make_address):
    address = make_address("Demostraat", "12")
    client.force_login(owner)
    options = client.get(reverse("subjects:address_options"), {"q": "Demostr"}).content.decode()
    assert f'value="{address.label}"' in options
    client.force_login(make_user(perms=["subjects.view_subject"]))
    assert client.get(reverse("subjects:address_options"), {"q": "Demostr"}).status_code == 403


def test_register_person_with_a_valid_national_number(client, owner):
    client.force_login(owner)
    response = client.post(
        reverse("subjects:create", args=["persoon"]),
        {"first_name": "Jan", "last_name": "Peeters", "national_number": NRN},
    )
    person = Person.objects.get()
    assert response.status_code == 302
    assert (person.national_number, person.birth_date, person.is_minor) == ("85073003328", dt.date(1985, 7, 30), False)
