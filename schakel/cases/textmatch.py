"""Find registry subjects mentioned in free text (a signal's "subjects
mentioned", a case title), with the subjects app's normal forms and blocking
index. Returns subject ids and scores only; the caller decides what anybody
may learn from them (hit/no-hit, ADR 0401)."""

from __future__ import annotations

import contextlib
import re

from django.core.exceptions import ValidationError

from schakel.subjects import matching
from schakel.subjects import selectors as subject_selectors
from schakel.subjects import services as subject_services
from schakel.subjects.models import Subject

# Separators between the names in a free-text list.
_SPLIT = re.compile(r"[\n\r;,/()\[\]:|+]+|\s+(?:en|et|and|&|of|ou)\s+", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
_KBO = re.compile(r"\b[01]\d{3}[.\s]?\d{3}[.\s]?\d{3}\b")
_NRN = re.compile(r"\b\d{2}[.\s]?\d{2}[.\s]?\d{2}[-\s]?\d{3}[.\s]?\d{2}\b")
_PLATE = re.compile(r"\b\d-?[A-Z]{3}-?\d{3}\b", re.IGNORECASE)

# At most this many name look-ups per text: each is one indexed query.
MAX_LOOKUPS = 80


def _words(fragment: str) -> list[str]:
    return _WORD.findall(fragment)


def person_splits(words: list[str]) -> list[str]:
    """Person keys for a run of words without knowing which is the given
    name: "Mohamed El Amrani" and "El Amrani Mohamed" both."""
    if len(words) < 2:
        return []
    keys = {
        matching.person_key(words[0], " ".join(words[1:])),
        matching.person_key(words[-1], " ".join(words[:-1])),
    }
    return [k for k in keys if k.partition("|")[0]]


def fragments(text: str) -> list[list[str]]:
    """The words of each comma/semicolon/bracket/"en"-separated fragment."""
    return [words for words in (_words(f) for f in _SPLIT.split(text or "")) if words]


def name_windows(text: str) -> list[list[str]]:
    """Runs of 3 and 2 consecutive words inside each fragment (a name with
    its particle, "Mohamed El Amrani", is at most three words here)."""
    out: list[list[str]] = []
    seen: set[tuple[str, ...]] = set()
    for words in fragments(text):
        runs = []
        for size in (3, 2):
            runs += [words[i : i + size] for i in range(len(words) - size + 1)]
        for run in runs:
            key = tuple(w.lower() for w in run)
            if key not in seen:
                seen.add(key)
                out.append(run)
    return out


def _identifiers(text: str) -> list[tuple[str, str]]:
    found = []
    for raw in _KBO.findall(text or ""):
        with contextlib.suppress(ValidationError):
            found.append((subject_services.normalise_kbo(raw), Subject.Kind.ENTERPRISE))
    for raw in _NRN.findall(text or ""):
        with contextlib.suppress(ValidationError):
            found.append((subject_services.normalise_national_number(raw), Subject.Kind.PERSON))
    for raw in _PLATE.findall(text or ""):
        found.append((subject_services.normalise_plate(raw), Subject.Kind.VEHICLE))
    return found


def matches_in_text(text: str, *, organisations: bool = True) -> dict[int, matching.Match]:
    """Live subjects whose identifier or name appears in ``text``: subject id
    -> best match. Persons by name (either word order), enterprises and
    establishments by name (when ``organisations``), and KBO numbers,
    national register numbers and plates by identifier."""
    found: dict[int, matching.Match] = {}

    def keep(m: matching.Match) -> None:
        if m.subject_id not in found or found[m.subject_id].score < m.score:
            found[m.subject_id] = m

    for identifier, kind in _identifiers(text):
        for m in subject_selectors.match_identifier(identifier=identifier, kind=kind):
            keep(m)
    lookups = 0
    for run in name_windows(text):
        for key in person_splits(run):
            if lookups >= MAX_LOOKUPS:
                return found
            lookups += 1
            for m in subject_selectors.match_name(key=key, kind=Subject.Kind.PERSON):
                keep(m)
    if organisations:
        # A business is named by a whole fragment ("Geheime Shisha BV").
        for words in fragments(text):
            org_key = matching.organisation_key(" ".join(words))
            if len(words) > 6 or not org_key.partition("|")[0]:
                continue
            for kind in (Subject.Kind.ENTERPRISE, Subject.Kind.ESTABLISHMENT):
                if lookups >= MAX_LOOKUPS:
                    return found
                lookups += 1
                for m in subject_selectors.match_name(key=org_key, kind=kind):
                    keep(m)
    return found
