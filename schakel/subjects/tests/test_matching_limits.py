"""Stop keys and the candidate cap (ADR 0402): common names stay cheap and
the person sought is still found, in memory and in the database path."""

import pytest

from schakel.core.testing import UserFactory
from schakel.subjects import matching, selectors, services

COMMON = [("Mohamed", f"Achternaam{c}") for c in "ABCDEFGH"]


def _index(**limits):
    index = matching.NameIndex(**limits)
    for i, (first, last) in enumerate(COMMON):
        index.add(i, matching.person_key(first, last))
    index.add(99, matching.person_key("Mohamed", "El Amrani"))
    return index


def test_a_token_with_a_stop_key_agrees_and_the_rare_token_blocks():
    key = matching.person_key("Muhammad", "Amrani")
    assert _index().candidates(key) == [99]
    limited = _index(stop_limit=3)
    assert limited.candidates(key) == [99]
    assert [m.subject_id for m in limited.search(key)] == [99]


def test_two_common_tokens_fall_back_to_every_key():
    index = _index(stop_limit=3)
    for i in range(5):
        index.add(200 + i, matching.person_key("Mohamed", "Peeters"))
    index.add(300, matching.person_key("Jan", "Peeters"))
    # "Mohamed" and "Peeters" both hold stop keys now: blocking uses all keys.
    assert index.candidates(matching.person_key("Mohammed", "Peeters")) == [200, 201, 202, 203, 204]


def test_the_cap_stops_collecting_with_the_cheapest_sets_first():
    key = matching.person_key("Muhammad", "Amrani")
    uncapped = _index(stop_limit=3)
    uncapped.add(100, matching.person_key("Karim", "Amrabet"))  # shares only the prefix "amr"
    assert uncapped.candidates(key) == [99, 100]
    capped = _index(stop_limit=3, max_candidates=1)
    capped.add(100, matching.person_key("Karim", "Amrabet"))
    # The rarest keys ("mrn", "an4": only El Amrani) are taken first; then it stops.
    assert capped.candidates(key) == [99]


def test_score_many_equals_score():
    keys = [matching.person_key(f, last) for f, last in COMMON + [("Mohamed", "El Amrani"), ("Jan", "Janssens")]]
    query = matching.person_key("Muhammad", "Amrani")
    got = matching.score_many(query, keys, 0)
    assert got == {i: matching.score(query, k) for i, k in enumerate(keys) if matching.score(query, k) > 0}
    assert set(matching.score_many(query, keys, 88)) == {8}


@pytest.mark.django_db
def test_database_path_with_stop_keys(monkeypatch):
    actor = UserFactory(perms=["subjects.add_subject"])
    for first, last in COMMON:
        services.person_create(actor=actor, first_name=first, last_name=last)
    target = services.person_create(actor=actor, first_name="Mohamed", last_name="El Amrani")
    key = matching.person_key("Muhammad", "Amrani")
    counts = selectors._key_counts(["pmhm", "pamr", "nothing"], 3)
    assert counts == {"pmhm": 4, "pamr": 1, "nothing": 0}  # counted up to limit + 1 only
    monkeypatch.setattr(selectors, "STOP_LIMIT", 3)
    assert [m.subject_id for m in selectors.match_name(key=key, kind="person")] == [target.pk]
    # "Mohamed" holds stop keys: it counts as agreeing, only "Amrani" blocks.
    assert selectors.name_candidates(key, limit=3) == [target.pk]
    # Without the stop limit the same single candidate agrees on both tokens.
    assert selectors.name_candidates(key, limit=1000) == [target.pk]
    peeters = [services.person_create(actor=actor, first_name="Mohamed", last_name="Peeters").pk for _ in range(4)]
    # Two common tokens: every key is read, the exact rule applies.
    assert selectors.name_candidates(matching.person_key("Mohammed", "Peeters"), limit=3) == peeters
