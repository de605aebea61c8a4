"""Matching reads of the registry. These return subject ids and scores only;
callers decide what a user may see (cases.selectors holds the circles)."""

from __future__ import annotations

from django.db.models import Case, F, IntegerField, Max, Value, When

from . import matching
from .models import Person, Subject, SubjectNameKey

MAX_CANDIDATES = 2000
NAME_THRESHOLD = 88.0


def match_name(*, key: str, kind: str, birth_date=None, exclude_ids=(), threshold: float = NAME_THRESHOLD):
    """Subjects of ``kind`` whose name matches ``key`` (a matching normal form).

    Blocking: only subjects sharing enough blocking keys are scored, so the
    cost depends on how common the name is, not on the size of the registry.
    For persons a differing birth date lowers the score, an equal one raises it.
    """
    groups = matching.key_groups(key, query=True)
    if not groups:
        return []
    need = matching.min_tokens(groups)
    # One flag per query token: does the subject share its prefix or suffix key?
    flags = {
        f"t{i}": Max(Case(When(key__in=list(group), then=Value(1)), default=Value(0), output_field=IntegerField()))
        for i, group in enumerate(groups)
    }
    agreed = sum((F(name) for name in flags), Value(0))
    candidate_ids = list(
        SubjectNameKey.objects.filter(key__in=[k for g in groups for k in g])
        .values("subject_id")
        .annotate(**flags)
        .annotate(agreed=agreed)
        .filter(agreed__gte=need)
        .values_list("subject_id", flat=True)[:MAX_CANDIDATES]
    )
    rows = (
        Subject.objects.filter(pk__in=candidate_ids, kind=kind, merged_into__isnull=True)
        .exclude(pk__in=list(exclude_ids))
        .values_list("pk", "match_key")
    )
    births = {}
    if kind == Subject.Kind.PERSON and birth_date is not None:
        births = dict(Person.objects.filter(pk__in=candidate_ids).values_list("pk", "birth_date"))
    rows = list(rows)
    keep = set(matching.prefilter(key, [pk for pk, _ in rows], [k for _, k in rows], threshold - 5))
    found = []
    for pk, other in rows:
        if pk not in keep:
            continue
        s = matching.score(key, other)
        other_birth = births.get(pk)
        if birth_date is not None and other_birth is not None:
            s = min(100.0, s + 5) if other_birth == birth_date else s - 20
        if s >= threshold:
            found.append(matching.Match(pk, s, "name"))
    found.sort(key=lambda m: -m.score)
    return found


def match_identifier(*, identifier: str, kind: str, exclude_ids=()):
    if not identifier:
        return []
    ids = (
        Subject.objects.filter(identifier=identifier, kind=kind, merged_into__isnull=True)
        .exclude(pk__in=list(exclude_ids))
        .values_list("pk", flat=True)
    )
    return [matching.Match(pk, 100.0, "identifier") for pk in ids]


def matches_for(subject: Subject) -> list[matching.Match]:
    """Every other live subject that may be the same as ``subject``."""
    exclude = [subject.pk]
    found = {
        m.subject_id: m for m in match_identifier(identifier=subject.identifier, kind=subject.kind, exclude_ids=exclude)
    }
    if subject.match_key:
        birth = subject.person.birth_date if subject.kind == Subject.Kind.PERSON else None
        for m in match_name(key=subject.match_key, kind=subject.kind, birth_date=birth, exclude_ids=exclude):
            found.setdefault(m.subject_id, m)
    return sorted(found.values(), key=lambda m: -m.score)
