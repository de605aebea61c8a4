"""The registry search for a query of one word (ADR 0402, amendment 4): a
misspelled surname or company name is found through the name keys of every
name part, exact substring matches come first, and only subjects the user
sees are matched (one word raises no hit)."""

import datetime as dt
import random

import pytest

from schakel.cases.models import Hit
from schakel.core.testing import assert_constant_queries
from schakel.subjects import matching, selectors, services

from .test_registry import body, search

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(owner, make_case, put):
    case = make_case(owner)
    people = {
        name: services.person_create(actor=owner, first_name=name.split()[0], last_name=name.split(" ", 1)[1])
        for name in (
            "Jan Vandenbroeck",
            "Els Van den Broeck",
            "Marc Janssens",
            "Youssef El Amrani",
            "Jan Brik",
            "Marc Broekmans",
            "Jan Broeck",
            "Pieter Janssens",
        )
    }
    for p in people.values():
        put(owner, case, p)
    firms = {name: services.enterprise_create(actor=owner, name=name) for name in ("Immo Kantoor", "Immo Invest")}
    for f in firms.values():
        put(owner, case, f, "enterprise")
    return {**people, **firms}


def found(user, query, kind=""):
    return {s.label: s.match_reason for s in services.registry_search(actor=user, query=query, kind=kind).results}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Vandenbroek", {"Jan Vandenbroeck", "Els Van den Broeck"}),  # ck / k, glued or apart
        ("Vandebroek", {"Jan Vandenbroeck", "Els Van den Broeck"}),  # a letter dropped
        ("Vandenbrouck", {"Jan Vandenbroeck", "Els Van den Broeck"}),
        ("Jansens", {"Marc Janssens", "Pieter Janssens"}),
        ("Amrany", {"Youssef El Amrani"}),
        ("Imokantor", {"Immo Kantoor"}),  # a company name written as one word, misspelled
        ("Immokantoor", {"Immo Kantoor"}),
    ],
)
def test_a_misspelled_word_finds_names_by_their_keys(owner, registry, query, expected):
    result = found(owner, query)
    assert set(result) == expected, query
    assert set(result.values()) == {"name"}  # not a substring: found by the name keys


def test_a_word_does_not_match_other_names_with_the_same_skeleton(owner, registry):
    # "Brik", "Broeck" and "Broekmans" share keys with "Vandenbroek" ("brk") but are other names.
    assert "Jan Brik" not in found(owner, "Vandenbroek")
    assert {"Jan Brik", "Marc Broekmans", "Jan Broeck"}.isdisjoint(found(owner, "Vandenbroek"))
    assert found(owner, "Immokantoor", kind="enterprise") == {"Immo Kantoor": "name"}  # not "Immo Invest"
    assert "Pieter Janssens" not in found(owner, "Peeters")


def test_exact_substring_hits_come_first(owner, make_case, put):
    case = make_case(owner)
    fuzzy = services.person_create(actor=owner, first_name="Jan", last_name="Peters")
    exact = services.person_create(actor=owner, first_name="An", last_name="Peetersen")
    put(owner, case, fuzzy)
    put(owner, case, exact)
    results = services.registry_search(actor=owner, query="Peeters").results
    # Peters scores 100 as a name, Peetersen less; the substring hit still leads.
    assert [(s.pk, s.match_reason) for s in results] == [(exact.pk, "text"), (fuzzy.pk, "name")]


def test_one_word_matches_only_what_the_user_sees_and_raises_no_hit(client, owner, outsider, make_case, put):
    case = make_case(owner, title="Pand Verborgenstraat")
    hidden = services.person_create(actor=owner, first_name="Jan", last_name="Vandenbroeck")
    put(owner, case, hidden)
    assert found(owner, "Vandenbroek") == {"Jan Vandenbroeck": "name"}
    raw = selectors.registry_matches(user=outsider, query="Vandenbroek")
    assert raw.results == [] and raw.unseen == []
    client.force_login(outsider)
    with_match, without = search(client, "Vandenbroek"), search(client, "Verhoevenx")
    assert body(with_match).replace("Vandenbroek", "Q") == body(without).replace("Verhoevenx", "Q")
    assert not Hit.objects.exists()
    # a young person is still found by the pseudonym only
    minor = services.person_create(
        actor=owner, first_name="Kevin", last_name="Vandenbroecq", birth_date=dt.date(2011, 1, 1), is_minor=True
    )
    put(owner, case, minor)
    assert minor.pk not in {s.pk for s in services.registry_search(actor=owner, query="Vandenbroek").results}


def test_one_word_search_queries_do_not_grow_with_matches(client, owner, make_case, put):
    case = make_case(owner)
    made = {"n": 0}
    firsts = ["Jan", "Els", "Marc", "Lies", "Tom", "An", "Bart", "Sofie", "Wim", "Eva"]

    def make_rows(n):
        for _ in range(n):
            i = made["n"] = made["n"] + 1
            put(owner, case, services.person_create(actor=owner, first_name=firsts[i % 10], last_name="Vandenbroeck"))
            put(
                owner,
                case,
                services.enterprise_create(actor=owner, name=f"Vandenbroeck {firsts[i % 10]}"),
                "enterprise",
            )

    client.force_login(owner)

    def fetch():
        response = search(client, "Vandenbroek")
        assert response.status_code == 200 and "Vandenbroeck" in response.content.decode()

    assert_constant_queries(make_rows, fetch, small=3, large=20)


def test_word_score_many_is_word_score_on_a_generated_population():
    from bench.cases import namegen

    pop = namegen.population(1500, seed=7)
    keys = [matching.person_key(f, last) for f, last in pop]
    rng = random.Random(3)
    for first, last in rng.sample(pop, 25):
        for word in (last, first, last[:-1], last + "e"):
            key = matching.word_key(word, person=True)
            exact = {i: s for i, k in enumerate(keys) if (s := matching.word_score(key, k)) >= 88}
            assert matching.word_score_many(key, keys, 88) == exact, word
