"""Pair keys (ADR 0402, amendment 2): the two-token agreement is one index
lookup, the in-memory ``NameIndex`` and the database path give the same
candidates, and a one-letter typo in either token is still found."""

import importlib
import random

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission

from bench.cases.namegen import population, variants
from schakel.core.testing import UserFactory
from schakel.subjects import matching, selectors, services
from schakel.subjects.models import Person, Subject, SubjectNameKey, SubjectNamePair


def _agrees_on_two_tokens(query: str, stored: str) -> bool:
    """The rule written out: two different query tokens each share a key with
    two different stored tokens. Amendment 3: a query of one word needs one
    shared key; a stored name of one word is also found when one query token
    shares two keys with one of its tokens, or two query words written as one
    (``glued_words``) do."""
    q_groups = matching.key_groups(query, query=True)
    s_groups = [set(g) for g in matching.key_groups(stored)]
    if len(matching.words(query)) <= 1:
        return any(set(qa) & g for qa in q_groups for g in s_groups)
    if len(matching.words(stored)) <= 1:
        for g in s_groups:
            if any(len(set(qa) & g) >= 2 for qa in q_groups):
                return True
        for glued in matching.glued_words(query):
            if any(len(set(matching.key_groups(f"{glued}||", query=True)[0]) & g) >= 2 for g in s_groups):
                return True
    for i, qa in enumerate(q_groups):
        for qb in q_groups[i + 1 :]:
            for x, sa in enumerate(s_groups):
                for y, sb in enumerate(s_groups):
                    if x != y and set(qa) & sa and set(qb) & sb:
                        return True
    return False


def test_pair_keys_are_canonical_and_cover_every_pair_of_tokens():
    key = matching.person_key("Mohamed", "Jansen")
    groups = matching.key_groups(key)
    assert len(groups) == 2
    pairs = matching.pair_keys(key)
    assert len(pairs) == 9  # three stored keys of each token, combined
    assert "pjns+pmhm" in pairs  # canonical order, whichever token is first
    assert matching.pair_key("pmhm", "pjns") == matching.pair_key("pjns", "pmhm") == "pjns+pmhm"
    # A query probes the first+last key at length ±1: 5 x 5 per pair of
    # tokens; and the sole keys of amendment 3 (7 per token and per order
    # of two tokens glued).
    assert len(matching.query_pair_keys(key)) == 25 + 2 * 7 + 2 * 7
    assert pairs <= matching.query_pair_keys(key)
    # One token: no pairs, its sole keys; three tokens: three pairs of tokens.
    assert matching.pair_keys(matching.person_key("Mohamed", "")) == {"*ehmd+pmhm", "*fmd4+pmhm", "*ehmd+fmd4"}
    three = matching.person_key("Jan Karel", "Peeters")
    assert len(matching.key_groups(three)) == 3
    assert len(matching.pair_keys(three)) == 27


def test_name_index_candidates_are_exactly_the_two_token_rule():
    rng = random.Random(11)
    people = population(3000)
    keys = [matching.person_key(f, last) for f, last in people]
    index = matching.NameIndex()
    for i, key in enumerate(keys):
        index.add(i, key)
    for i in rng.sample(range(len(people)), 40):
        query = matching.person_key(*variants(rng, *people[i]))
        expected = [j for j, key in enumerate(keys) if _agrees_on_two_tokens(query, key)]
        assert index.candidates(query) == expected


@pytest.mark.django_db
def test_database_path_gives_the_same_candidates_as_the_name_index():
    rng = random.Random(5)
    people = population(300)
    actor = UserFactory(perms=["subjects.add_subject"])
    index = matching.NameIndex()
    capped = matching.NameIndex(max_candidates=3)
    for first, last in people:
        person = services.person_create(actor=actor, first_name=first, last_name=last)
        index.add(person.pk, person.match_key)
        capped.add(person.pk, person.match_key)
    queries = [matching.person_key(*variants(rng, *people[i])) for i in rng.sample(range(len(people)), 60)]
    queries += [matching.person_key("Mohamed", ""), matching.person_key("Jan Pieter", "Peeters")]
    some = 0
    for query in queries:
        found = index.candidates(query)
        some += bool(found)
        assert selectors.name_candidates(query, cap=10**6) == found
        # The cap takes the smallest posting lists first, ties by key: the
        # same subjects on both paths.
        assert selectors.name_candidates(query, cap=3) == capped.candidates(query)
    assert some >= 50


# Tokens whose skeleton keeps four letters or more around the typo. Shorter
# or folded tokens ("Olga", "Sophie", the "broeck" of "Vandenbroeck") can
# lose all three keys to one typo — as before the pair keys (ADR 0402).
TYPO_NAMES = [
    ("Mohamed", "Janssens"),
    ("Fatima", "El Amrani"),
    ("Charlotte", "Dubois"),
    ("Mehmet", "Yilmaz"),
    ("Jan", "Peeters"),
]


def _typos(word: str):
    """One letter changed, dropped or doubled, never the first or last."""
    for n in range(1, len(word) - 1):
        yield word[:n] + "x" + word[n + 1 :]
        yield word[:n] + word[n + 1 :]
        yield word[:n] + word[n] + word[n:]


@pytest.mark.django_db
def test_a_one_letter_typo_in_either_token_is_still_a_candidate():
    actor = UserFactory(perms=["subjects.add_subject"])
    index = matching.NameIndex()
    ids = {}
    for first, last in TYPO_NAMES:
        person = services.person_create(actor=actor, first_name=first, last_name=last)
        index.add(person.pk, person.match_key)
        ids[first, last] = person.pk
    for (first, last), pk in ids.items():
        for typed in [(t, last) for t in _typos(first)] + [(first, t) for t in _typos(last)]:
            query = matching.person_key(*typed)
            assert pk in index.candidates(query), typed
            assert pk in selectors.name_candidates(query), typed


def _pairs_of(subject) -> set[str]:
    return set(SubjectNamePair.objects.filter(subject_id=subject.pk).values_list("key", flat=True))


def test_services_keep_the_pair_keys_with_the_name(merge_world):
    user, case, a, b, shop = merge_world
    assert _pairs_of(a) == matching.pair_keys(a.match_key) and len(_pairs_of(a)) == 9
    assert _pairs_of(shop) == {"*eshp+pshp", "*fsp3+pshp", "*eshp+fsp3"}  # "Shop BV": one word, its sole keys
    # A rename replaces the pair keys: the old name no longer agrees.
    for codename in ("view_subject", "change_subject"):
        user.user_permissions.add(Permission.objects.get(codename=codename, content_type__app_label="subjects"))
    user = type(user).objects.get(pk=user.pk)  # fresh permission cache
    services.subject_update(actor=user, subject=a, first_name="Karim", last_name="Peeters")
    assert _pairs_of(a) == matching.pair_keys(matching.person_key("Karim", "Peeters"))
    assert a.pk not in selectors.name_candidates(matching.person_key("Jan", "Vanderberg"))
    assert a.pk in selectors.name_candidates(matching.person_key("Karim", "Peters"))
    # A merge removes the duplicate's keys: it is no longer a candidate.
    assert b.pk in selectors.name_candidates(matching.person_key("Jan", "Vandenberg"))
    services.subject_merge(actor=user, survivor=a, duplicate=b, reason="Zelfde persoon")
    assert _pairs_of(b) == set() and not SubjectNameKey.objects.filter(subject_id=b.pk).exists()
    assert selectors.name_candidates(matching.person_key("Jan", "Vandenberg")) == []
    # Deleting a subject deletes its pair keys (cascade, as the single keys).
    other = services.person_create(actor=user, first_name="Els", last_name="Maes")
    assert _pairs_of(other)
    Person.objects.filter(pk=other.pk).delete()
    assert _pairs_of(other) == set()


@pytest.mark.django_db
def test_migration_backfills_pair_keys_of_existing_live_subjects():
    actor = UserFactory(perms=["subjects.add_subject"])
    live = services.person_create(actor=actor, first_name="Lotte", last_name="Peeters")
    merged = services.person_create(actor=actor, first_name="Lotte", last_name="Peters")
    Subject.objects.filter(pk=merged.pk).update(merged_into=live)
    SubjectNamePair.objects.all().delete()  # as before the migration
    migration = importlib.import_module("schakel.subjects.migrations.0003_name_pairs")
    migration.backfill_pairs(apps, None)
    assert set(SubjectNamePair.objects.filter(subject=live).values_list("key", flat=True)) == matching.pair_keys(
        live.match_key
    )
    assert not SubjectNamePair.objects.filter(subject=merged).exists()
    assert SubjectNameKey.objects.filter(subject=live).exists()
