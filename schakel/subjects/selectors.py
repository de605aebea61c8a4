"""Matching reads of the registry. These return subject ids and scores only;
callers decide what a user may see (cases.selectors holds the circles)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from schakel.audit import services as audit

from . import matching
from .matching import Match
from .models import Person, Subject, SubjectLink, SubjectNameKey, SubjectNamePair

MAX_CANDIDATES = 2000
NAME_THRESHOLD = 88.0
# Stop keys (ADR 0402): a blocking key shared by more subjects than this does
# not block. 0 switches them off: the pair keys decide. Measured at 1 M
# persons (docs/bench-cases.md) the stop keys were slower than the pair keys
# and lost recall (284/300 found against 294/300), so they are off; set e.g.
# 5000 to try them on other data.
STOP_LIMIT = 0


def _in(column: str, values: list) -> tuple[str, list]:
    """``column IN (...)`` as SQL with ONE parameter however many values:
    an array (``= ANY``) on PostgreSQL, a JSON list (``json_each``) on
    SQLite. Thousands of literals cost more to parse and plan than to read,
    and SQLite allows only 999 parameters. The only engine-specific SQL of
    the matching."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(values)]
    return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(list(values))]  # noqa: S608


def _key_counts(keys: list[str], limit: int) -> dict[str, int]:
    """How many subjects hold each key, counted up to ``limit + 1`` only, so
    the probe costs at most ``limit`` index entries per key, however common
    the key (portable SQL: a bounded sub-select per key)."""
    if not keys:
        return {}
    table = connection.ops.quote_name(SubjectNameKey._meta.db_table)
    column = connection.ops.quote_name("key")
    # Only quoted identifiers are formatted in; every value is a parameter.
    one = (
        f"SELECT CAST(%s AS VARCHAR(8)), (SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE {column} = %s LIMIT %s) t)"  # noqa: S608
    )
    params: list = []
    for k in keys:
        params += [k, k, limit + 1]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join([one] * len(keys)), params)
        return dict(cursor.fetchall())


def _postings(keys, model=SubjectNameKey) -> dict[str, set[int]]:
    """The subjects holding each key: one read of the covering index
    ``(key, subject)`` of ``model`` (``SubjectNameKey`` or
    ``SubjectNamePair``), fetched without the ORM's per-row work."""
    keys = list(keys)
    out: dict[str, set[int]] = {}
    if not keys:
        return out
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name("key")
    where, params = _in(column, keys)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column}, subject_id FROM {table} WHERE {where}", params)  # noqa: S608
        for k, subject_id in cursor.fetchall():
            out.setdefault(k, set()).add(subject_id)
    return out


def _live_keys(ids: list[int], kind: str, exclude_ids) -> list[tuple[int, str]]:
    """(id, match key) of the live subjects of ``kind`` among ``ids``, in
    one query (plain SQL: the ORM spends more time preparing thousands of
    ids than the database spends reading them)."""
    table = connection.ops.quote_name(Subject._meta.db_table)
    exclude = set(exclude_ids)
    where, params = _in("id", ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, match_key FROM {table} WHERE {where} AND kind = %s AND merged_into_id IS NULL",  # noqa: S608
            [*params, kind],
        )
        return [(pk, k) for pk, k in cursor.fetchall() if pk not in exclude]


def name_candidates(key: str, *, limit: int | None = None, cap: int | None = None) -> list[int]:
    """Subject ids agreeing with ``key`` (ADR 0402), the database twin of
    ``NameIndex.candidates`` (same answers): ``_agreeing``. With stop keys
    (``limit``), key counts are probed up to ``limit + 1`` and stop keys are
    not read (``matching.stop_plan``) unless too few rare tokens are left;
    the agreement is then computed on the posting sets in Python."""
    limit = STOP_LIMIT if limit is None else limit
    cap = MAX_CANDIDATES if cap is None else cap
    if not limit:
        return _agreeing(key, cap)
    groups = matching.key_groups(key, query=True)
    if not groups:
        return []
    need = matching.min_tokens(groups)
    counts = _key_counts(sorted({k for g in groups for k in g}), limit)
    plan = matching.stop_plan(groups, [[counts.get(k, 0) for k in g] for g in groups], limit, need)
    if plan is None:  # two very common names: the pair keys
        return _agreeing(key, cap)
    use, need = plan
    sets = _postings({k for g in use for k in g})
    return matching.agreeing([[sets[k] for k in g if k in sets] for g in use], need, cap)


def _agreeing(key: str, cap: int) -> list[int]:
    """Subjects agreeing with ``key`` on two tokens: one read of the pair
    keys' index, which returns only agreeing subjects (``SubjectNamePair``),
    names of one word included (their sole keys); for a query of one word,
    the subjects sharing any single key of it (``matching.lookup``). Posting
    lists are taken smallest first up to ``cap`` (``matching.cheapest_first``,
    as ``NameIndex.agreeing_candidates``)."""
    table, keys = matching.lookup(key)
    if not keys:
        return []
    postings = _postings(keys, SubjectNamePair if table == "pair" else SubjectNameKey)
    return matching.cheapest_first(postings, cap)


def match_name(*, key: str, kind: str, birth_date=None, exclude_ids=(), threshold: float = NAME_THRESHOLD):
    """Subjects of ``kind`` whose name matches ``key`` (a matching normal form).

    Blocking: only subjects agreeing on two tokens (one pair-key lookup) are
    scored, at most about ``MAX_CANDIDATES`` (``name_candidates``), so the
    cost depends on how many subjects agree, not on the size of the registry
    nor on how common each name is alone (optional stop keys:
    ``STOP_LIMIT``). Scoring
    runs in rapidfuzz's C loop. For persons a differing birth
    date lowers the score by 20, an equal one raises it by 5.
    """
    candidate_ids = name_candidates(key)
    if not candidate_ids:
        return []
    rows = _live_keys(candidate_ids, kind, exclude_ids)
    # An equal birth date may lift a score by 5: keep those within reach.
    cutoff = threshold - 5 if birth_date is not None else threshold
    scores = matching.score_many(key, [k for _, k in rows], cutoff)
    births = {}
    if kind == Subject.Kind.PERSON and birth_date is not None and scores:
        ids = [rows[i][0] for i in scores]
        births = dict(Person.objects.filter(pk__in=ids).values_list("pk", "birth_date"))
    found = []
    for i, s in scores.items():
        pk = rows[i][0]
        other_birth = births.get(pk)
        if birth_date is not None and other_birth is not None:
            s = min(100.0, s + 5) if other_birth == birth_date else s - 20
        if s >= threshold:
            found.append(matching.Match(pk, s, "name"))
    found.sort(key=lambda m: (-m.score, m.subject_id))
    return found


def match_word(*, key: str, kind: str, threshold: float = NAME_THRESHOLD) -> list[Match]:
    """Subjects of ``kind`` whose name holds the one word of ``key``
    (``matching.word_key``) in any of its parts, for the registry search
    (ADR 0402, amendment 4). Candidates: one read of the single keys
    (``SubjectNameKey``) of the word and its glued forms, which every name
    part stores, smallest posting lists first up to ``MAX_CANDIDATES``;
    scored by ``matching.word_score_many``. Two queries, whatever the
    size of the registry."""
    keys = matching.word_lookup(key)
    if not keys:
        return []
    candidate_ids = matching.cheapest_first(_postings(keys), MAX_CANDIDATES)
    if not candidate_ids:
        return []
    rows = _live_keys(candidate_ids, kind, ())
    scores = matching.word_score_many(key, [k for _, k in rows], threshold)
    found = [Match(rows[i][0], s, "name") for i, s in scores.items()]
    found.sort(key=lambda m: (-m.score, m.subject_id))
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


# --- The registry pages: search and detail ------------------------------------------
#
# A user sees a subject in the registry only when it plays a role in a case he
# is a member of (cases.selectors.subjects_visible_to) or when he registered it
# himself and it is in no case yet. Nobody sees the whole registry (ADR 0401).
# Matches on subjects outside that set are returned apart (``unseen``) so the
# service can raise hits for their case owners; they never reach a page.

PSEUDONYM_RE = re.compile(r"^J-[A-Z0-9]{6}$")
SEARCH_LIMIT = 50
REGISTRY_PERMISSION = "subjects.view_subject"
_DETAIL_RELATED = ("person", "enterprise", "establishment", "establishment__address", "vehicle")


def registry_visible_to(*, user) -> QuerySet[Subject]:
    """Live (not merged) subjects the user may find and open in the registry."""
    from schakel.cases.models import CaseSubject  # cases builds on subjects
    from schakel.cases.selectors import subjects_visible_to

    if not user.is_authenticated or not user.is_active or not user.has_perm(REGISTRY_PERMISSION):
        return Subject.objects.none()
    in_my_cases = subjects_visible_to(user=user).values("pk")
    # A subject he registered himself and that is in no case yet (no join, so
    # no duplicate rows for subjects in several cases).
    fresh = Q(created_by=user) & ~Exists(CaseSubject.objects.filter(subject=OuterRef("pk")))
    return Subject.objects.filter(Q(pk__in=in_my_cases) | fresh, merged_into__isnull=True)


def subject_get_for(*, user, pk) -> Subject:
    """The subject ``pk`` if the user may see it in the registry, else Http404
    (the same answer for a missing and for a not-visible subject; the refused
    attempt is audited like a guessed case id)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    subject = registry_visible_to(user=user).select_related(*_DETAIL_RELATED).filter(pk=pk).first()
    if subject is None:
        if user.is_authenticated:
            audit.record_access(
                actor=user,
                obj=("subjects.subject", str(pk)),
                purpose="refused: not visible or no such subject",
                action="subjects.subject_access_refused",
            )
        raise Http404
    label_subjects([subject], user=user)
    return subject


def protected_ids(*, user, subject_ids) -> set[int]:
    """The persons among ``subject_ids`` to show by pseudonym to ``user``:
    minors and young persons of a youth case (ADR 0404), unless this user
    revealed the identity in a case or registered the person himself while it
    is in no case (he typed the name)."""
    from schakel.cases.models import CaseSubject, CaseType, IdentityReveal

    ids = list(subject_ids)
    if not ids:
        return set()
    persons = Person.objects.filter(pk__in=ids)
    protected = set(persons.filter(is_minor=True).values_list("pk", flat=True))
    protected |= set(
        CaseSubject.objects.filter(
            subject_id__in=ids, role=CaseSubject.Role.YOUNG_PERSON, case__case_type=CaseType.YOUTH
        ).values_list("subject_id", flat=True)
    )
    if not protected:
        return protected
    protected -= set(
        IdentityReveal.objects.filter(revealed_by=user, subject_id__in=protected).values_list("subject_id", flat=True)
    )
    protected -= set(
        Subject.objects.filter(pk__in=protected, created_by=user)
        .exclude(Exists(CaseSubject.objects.filter(subject=OuterRef("pk"))))
        .values_list("pk", flat=True)
    )
    return protected


def label_of(subject: Subject, *, pseudonymised: bool) -> str:
    kind = subject.kind
    if kind == Subject.Kind.PERSON:
        person = subject.person
        if pseudonymised:
            return person.pseudonym
        birth = f" ({person.birth_date:%d-%m-%Y})" if person.birth_date else ""
        return f"{person.full_name()}{birth}"
    if kind == Subject.Kind.ENTERPRISE:
        e = subject.enterprise
        kbo = f" – KBO {e.kbo_number[:4]}.{e.kbo_number[4:7]}.{e.kbo_number[7:]}" if e.kbo_number else ""
        return f"{e.name}{' ' + e.legal_form if e.legal_form else ''}{kbo}"
    if kind == Subject.Kind.ESTABLISHMENT:
        est = subject.establishment
        return f"{est.name}{', ' + est.address_text if est.address_text else ''}"
    return subject.vehicle.plate


def label_subjects(subjects, *, user) -> list[Subject]:
    """Set ``.label`` and ``.pseudonymised`` on each subject (kind rows loaded)."""
    subjects = list(subjects)
    hidden = protected_ids(user=user, subject_ids=[s.pk for s in subjects if s.kind == Subject.Kind.PERSON])
    for s in subjects:
        s.pseudonymised = s.pk in hidden
        s.label = label_of(s, pseudonymised=s.pseudonymised)
    return subjects


@dataclass
class SearchOutcome:
    """``results``: visible subjects (labelled, best first). ``unseen``:
    matches outside the user's sight, for hits only — never rendered, counted
    or returned by an API. ``error``: a message about the query itself."""

    results: list = field(default_factory=list)
    unseen: list = field(default_factory=list)
    error: str = ""


def classify_query(query: str) -> tuple[str, str, str]:
    """(kind, canonical identifier, error) for a query that is a national
    register number, a KBO number or a plate; ("", "", "") for a name."""
    from stdnum.be import nn as be_nn
    from stdnum.be import vat as be_vat

    compact = re.sub(r"[\s.\-/]", "", query).upper()
    if compact.startswith("BE") and compact[2:].isdigit():
        compact = compact[2:]
    if compact.isdigit():
        if len(compact) == 11:
            if be_nn.is_valid(compact):
                return Subject.Kind.PERSON, compact, ""
            return "", "", _("%(value)s is geen geldig rijksregisternummer.") % {"value": query}
        if len(compact) in (9, 10):
            if be_vat.is_valid(compact):
                return Subject.Kind.ENTERPRISE, be_vat.compact(compact), ""
            return "", "", _("%(value)s is geen geldig KBO-ondernemingsnummer.") % {"value": query}
        return "", "", ""
    plate = re.sub(r"[^A-Z0-9]", "", compact)
    if re.search(r"\d", plate) and re.search(r"[A-Z]", plate) and 4 <= len(plate) <= 12:
        return Subject.Kind.VEHICLE, plate, ""
    return "", "", ""


def query_name_key(query: str, kind: str) -> str:
    """Normal form of a typed name: for persons the first word is taken as the
    given name (the key is order-independent, so "Peeters Jan" works too)."""
    if kind == Subject.Kind.PERSON:
        first, _sep, last = query.strip().partition(" ")
        return matching.person_key(first, last) if last else ""
    return matching.organisation_key(query)


def registry_matches(*, user, query: str, kind: str = "") -> SearchOutcome:
    """The registry search behind the page and the API.

    A query is a pseudonym (``J-…``), a national register number, a KBO
    number, a plate or a name. Names are matched fuzzily over the whole
    registry with the blocking index (two words at least, e.g. first and last
    name) and by substring among the subjects the user already sees. A name
    of one word ("Vandenbroek") is also matched fuzzily against every part of
    the stored names (``match_word``), but only among the subjects the user
    sees: one word raises no hit (too vague to bother an owner with), and its
    substring matches come first.
    Persons shown by pseudonym are found by their pseudonym only, never by
    name or number, so a search cannot tie a name to a pseudonym.
    """
    query = " ".join((query or "").split())[:100]
    kinds = [kind] if kind in Subject.Kind.values else list(Subject.Kind.values)
    if len(query) < 2:
        return SearchOutcome()
    visible = registry_visible_to(user=user).filter(kind__in=kinds)
    scored: dict[int, tuple[float, str]] = {}  # candidate id -> (score, reason)
    by_pseudonym: set[int] = set()
    by_word: dict[int, tuple[float, str]] = {}  # one-word matches: visible subjects only, no hits
    text_first: set[int] = set()
    error = ""

    if PSEUDONYM_RE.match(query.upper()):
        by_pseudonym = set(visible.filter(person__pseudonym=query.upper()).values_list("pk", flat=True))
        scored.update(dict.fromkeys(by_pseudonym, (101.0, "pseudonym")))
    else:
        ident_kind, identifier, error = classify_query(query)
        if identifier and ident_kind in kinds:
            for m in match_identifier(identifier=identifier, kind=ident_kind):
                scored[m.subject_id] = (100.0, "identifier")
        if not identifier and not error and re.search(r"[^\W\d_]", query):
            for name_kind in kinds:
                if name_kind == Subject.Kind.VEHICLE:
                    continue
                key = query_name_key(query, name_kind)
                if key and len(matching.key_groups(key)) >= 2:
                    for m in match_name(key=key, kind=name_kind):
                        scored.setdefault(m.subject_id, (m.score, "name"))
                else:  # one word: visible subjects only, never a hit
                    key = matching.word_key(query, person=name_kind == Subject.Kind.PERSON)
                    for m in match_word(key=key, kind=name_kind):
                        by_word.setdefault(m.subject_id, (m.score, "name"))
            text = (
                Q(person__first_name__icontains=query)
                | Q(person__last_name__icontains=query)
                | Q(enterprise__name__icontains=query)
                | Q(establishment__name__icontains=query)
                | Q(establishment__address_text__icontains=query)
                | Q(vehicle__plate__icontains=re.sub(r"[^A-Za-z0-9]", "", query).upper() or query)
            )
            if " " in query:
                first, _sep, last = query.partition(" ")
                text |= Q(person__first_name__icontains=first, person__last_name__icontains=last)
                text |= Q(person__first_name__icontains=last, person__last_name__icontains=first)
            for pk in visible.filter(text).order_by("pk").values_list("pk", flat=True)[: SEARCH_LIMIT * 2]:
                if by_word:
                    text_first.add(pk)  # an exact substring comes before a fuzzy word match
                scored.setdefault(pk, (0.0, "text"))

    # Matches of one word never become unseen matches: only what the user sees.
    hit_candidates = [pk for pk, (_s, reason) in scored.items() if reason != "text"]
    for pk, value in by_word.items():
        if pk not in text_first:
            scored.setdefault(pk, value)
    seen = set(visible.filter(pk__in=list(scored)).values_list("pk", flat=True)) if scored else set()
    unseen = [Match(pk, *scored[pk]) for pk in hit_candidates if pk not in seen]
    order = sorted(seen, key=lambda pk: (pk not in text_first, -scored[pk][0], pk))[:SEARCH_LIMIT]
    rows = {s.pk: s for s in Subject.objects.filter(pk__in=order).select_related(*_DETAIL_RELATED)}
    results = label_subjects([rows[pk] for pk in order if pk in rows], user=user)
    # A protected person is only found by the pseudonym itself.
    results = [s for s in results if not s.pseudonymised or s.pk in by_pseudonym]
    for s in results:
        s.match_score, s.match_reason = scored[s.pk]
    return SearchOutcome(results=results, unseen=unseen, error=error)


def subject_cases(*, user, subject: Subject) -> list:
    """The cases the user sees in which ``subject`` plays a role, with the role."""
    from schakel.cases.models import CaseSubject
    from schakel.cases.selectors import cases_visible_to

    return list(
        CaseSubject.objects.filter(subject=subject, case__in=cases_visible_to(user=user))
        .select_related("case")
        .order_by("-case__registered_at", "case_id")
    )


def subject_links(*, user, subject: Subject) -> list[dict]:
    """Links of ``subject`` whose other side the user may also see in the
    registry (a link to a subject of another circle is not shown or counted)."""
    visible = registry_visible_to(user=user).values("pk")
    rows = list(
        SubjectLink.objects.filter(
            Q(source_subject=subject, target_subject__in=visible)
            | Q(target_subject=subject, source_subject__in=visible)
        )
        .select_related(*(f"{side}__{k}" for side in ("source_subject", "target_subject") for k in _DETAIL_RELATED))
        .order_by("-valid_from", "id")
    )
    others = [link.target_subject if link.source_subject_id == subject.pk else link.source_subject for link in rows]
    label_subjects(others, user=user)
    return [
        {"link": link, "other": other, "outgoing": link.source_subject_id == subject.pk}
        for link, other in zip(rows, others, strict=True)
    ]


def subject_revisions(*, subject: Subject):
    return subject.revisions.select_related("changed_by").order_by("-changed_at", "-id")
