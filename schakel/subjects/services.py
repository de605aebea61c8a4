"""Writes of the subject registry. Subjects are normally created from inside
a case (``cases.services.case_subject_add``), which checks the circle; these
functions check the registry permission, validate identifiers and keep the
matching keys up to date."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.be import nn as be_nn
from stdnum.be import vat as be_vat
from stdnum.exceptions import ValidationError as StdnumError

from schakel.audit import services as audit
from schakel.core.deferred import defer, job

from . import matching
from .models import (
    Enterprise,
    Establishment,
    Person,
    Subject,
    SubjectLink,
    SubjectMerge,
    SubjectNameKey,
    SubjectNamePair,
    SubjectRevision,
    Vehicle,
)


def _require(actor, perm: str) -> None:
    if not actor.has_perm(perm):
        raise PermissionDenied


def normalise_national_number(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return be_nn.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            {"national_number": _("%(value)s is geen geldig rijksregisternummer.") % {"value": value}}
        ) from exc


def normalise_kbo(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return be_vat.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            {"kbo_number": _("%(value)s is geen geldig KBO-ondernemingsnummer.") % {"value": value}}
        ) from exc


def normalise_plate(value: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", (value or "").upper())


def _age_on(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _index(subject: Subject, key: str) -> None:
    subject.match_key = key[:300]
    subject.save(update_fields=["match_key"])
    SubjectNameKey.objects.filter(subject=subject).delete()
    SubjectNameKey.objects.bulk_create(
        [SubjectNameKey(subject=subject, key=k) for k in sorted(matching.blocking_keys(key))]
    )
    # Pair keys: the two-token agreement as one index lookup (ADR 0402).
    SubjectNamePair.objects.filter(subject=subject).delete()
    SubjectNamePair.objects.bulk_create(
        [SubjectNamePair(subject=subject, key=k) for k in sorted(matching.pair_keys(key))]
    )


def key_of(detail) -> str:
    """The matching normal form of a subject's kind-specific row, as the
    services compute it on registration and edit ("" for a vehicle)."""
    kind = detail.kind
    if kind == Subject.Kind.PERSON:
        return matching.person_key(detail.first_name, detail.last_name)
    if kind == Subject.Kind.ENTERPRISE:
        return matching.organisation_key(detail.name)
    if kind == Subject.Kind.ESTABLISHMENT:
        return matching.organisation_key(f"{detail.name} {detail.address_text}")
    return ""


@transaction.atomic
def reindex(*, subject_ids) -> int:
    """Recompute the normal form, blocking keys and pair keys of the live
    subjects among ``subject_ids`` from their names (after a change of the
    matching rules, or to repair the derived rows). Returns how many were
    written. The keys are derived data: no revision, no hit."""
    written = 0
    live = Subject.objects.filter(pk__in=list(subject_ids), merged_into__isnull=True).select_related(
        "person", "enterprise", "establishment"
    )
    for subject in live:
        key = key_of(subject.detail)
        if key:
            _index(subject, key)
            written += 1
    return written


def _clean_person(first_name, last_name, birth_date, national_number, is_minor):
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    if not first_name or not last_name:
        raise ValidationError(_("Voornaam en familienaam zijn verplicht."))
    nrn = normalise_national_number(national_number)
    if nrn:
        nrn_birth = be_nn.get_birth_date(nrn)
        if birth_date and nrn_birth and nrn_birth != birth_date:
            raise ValidationError({"birth_date": _("De geboortedatum komt niet overeen met het rijksregisternummer.")})
        birth_date = birth_date or nrn_birth
    today = timezone.localdate()
    if birth_date and birth_date > today:
        raise ValidationError({"birth_date": _("De geboortedatum ligt in de toekomst.")})
    if birth_date:
        is_minor = _age_on(birth_date, today) < 18
    return first_name[:100], last_name[:100], birth_date, nrn, bool(is_minor)


def _clean_enterprise(name, kbo_number, nace_code):
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("De naam van de onderneming is verplicht."))
    kbo = normalise_kbo(kbo_number)
    nace = (nace_code or "").strip()
    if nace and not re.fullmatch(r"\d{2}(\.?\d{1,3})?", nace):
        raise ValidationError({"nace_code": _("Een NACE-code bestaat uit cijfers, bv. 56.301.")})
    return name[:200], kbo, nace


@transaction.atomic
def person_create(
    *,
    actor,
    first_name: str,
    last_name: str,
    birth_date: dt.date | None = None,
    national_number: str = "",
    is_minor: bool | None = None,
    is_demo: bool = False,
) -> Person:
    """Register a person. Needs ``subjects.add_subject``. The minor flag follows
    the birth date when known; the pseudonym is generated."""
    _require(actor, "subjects.add_subject")
    first_name, last_name, birth_date, nrn, is_minor = _clean_person(
        first_name, last_name, birth_date, national_number, is_minor
    )
    person = Person.objects.create(
        kind=Subject.Kind.PERSON,
        first_name=first_name[:100],
        last_name=last_name[:100],
        birth_date=birth_date,
        national_number=nrn,
        identifier=nrn,
        is_minor=is_minor,
        created_by=actor,
        is_demo=is_demo,
    )
    _index(person, key_of(person))
    audit.record_write(actor=actor, action="subjects.person_created", obj=person, summary="person registered")
    return person


@transaction.atomic
def enterprise_create(
    *, actor, name: str, kbo_number: str = "", legal_form: str = "", nace_code: str = "", is_demo: bool = False
) -> Enterprise:
    _require(actor, "subjects.add_subject")
    name, kbo, nace = _clean_enterprise(name, kbo_number, nace_code)
    enterprise = Enterprise.objects.create(
        kind=Subject.Kind.ENTERPRISE,
        name=name[:200],
        kbo_number=kbo,
        identifier=kbo,
        legal_form=(legal_form or "").strip()[:50],
        nace_code=nace,
        created_by=actor,
        is_demo=is_demo,
    )
    _index(enterprise, key_of(enterprise))
    audit.record_write(actor=actor, action="subjects.enterprise_created", obj=enterprise)
    return enterprise


@transaction.atomic
def establishment_create(
    *,
    actor,
    name: str,
    address_text: str = "",
    sector: str = "",
    permits: str = "",
    address=None,
    is_demo: bool = False,
) -> Establishment:
    """Register an establishment. ``address`` is a ``places.Address`` of the
    register (optional); ``address_text`` keeps an address outside the
    register and defaults to the register address's label."""
    _require(actor, "subjects.add_subject")
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("De naam van de inrichting is verplicht."))
    address_text = (address_text or "").strip() or (address.label if address is not None else "")
    est = Establishment.objects.create(
        kind=Subject.Kind.ESTABLISHMENT,
        name=name[:200],
        address=address,
        address_text=address_text[:300],
        sector=(sector or "").strip()[:100],
        permits=(permits or "").strip(),
        created_by=actor,
        is_demo=is_demo,
    )
    _index(est, key_of(est))
    audit.record_write(actor=actor, action="subjects.establishment_created", obj=est)
    return est


@transaction.atomic
def vehicle_create(*, actor, plate: str, description: str = "", is_demo: bool = False) -> Vehicle:
    _require(actor, "subjects.add_subject")
    plate_n = normalise_plate(plate)
    if not 2 <= len(plate_n) <= 12:
        raise ValidationError({"plate": _("Geef een geldige nummerplaat op.")})
    vehicle = Vehicle.objects.create(
        kind=Subject.Kind.VEHICLE,
        plate=plate_n,
        identifier=plate_n,
        description=(description or "").strip()[:200],
        created_by=actor,
        is_demo=is_demo,
    )
    audit.record_write(actor=actor, action="subjects.vehicle_created", obj=vehicle)
    return vehicle


@transaction.atomic
def subject_link_create(
    *,
    actor,
    source_subject: Subject,
    target_subject: Subject,
    link_type: str,
    source: str,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> SubjectLink:
    """A typed link between two subjects, with where it comes from and its period."""
    _require(actor, "subjects.add_subjectlink")
    if link_type not in SubjectLink.Type.values:
        raise ValidationError({"link_type": _("Onbekende soort band.")})
    if source_subject.pk == target_subject.pk:
        raise ValidationError(_("Een subject kan niet met zichzelf verbonden worden."))
    if not (source or "").strip():
        raise ValidationError({"source": _("Vermeld de bron van dit gegeven.")})
    if valid_from and valid_until and valid_until < valid_from:
        raise ValidationError({"valid_until": _("De einddatum ligt voor de begindatum.")})
    link = SubjectLink.objects.create(
        source_subject=source_subject,
        target_subject=target_subject,
        link_type=link_type,
        source=source.strip()[:200],
        valid_from=valid_from,
        valid_until=valid_until,
        created_by=actor,
    )
    audit.record_write(actor=actor, action="subjects.link_created", obj=link, summary=link_type)
    return link


def _snapshot(subject: Subject) -> dict:
    detail = subject.detail
    data = {"kind": subject.kind, "id": subject.pk}
    for field in type(detail)._meta.concrete_fields:
        if field.model is type(detail) and not field.primary_key and field.name != "subject_ptr":
            value = getattr(detail, field.attname)
            data[field.name] = value.isoformat() if hasattr(value, "isoformat") else value
    return data


def merge_conflicts(survivor: Subject, duplicate: Subject) -> list[str]:
    """Reasons why two subjects cannot be the same (empty list: mergeable)."""
    problems = []
    if survivor.kind != duplicate.kind:
        problems.append(_("Subjecten van een verschillende soort kunnen niet samengevoegd worden."))
        return problems
    if survivor.identifier and duplicate.identifier and survivor.identifier != duplicate.identifier:
        problems.append(_("De identificatienummers verschillen."))
    if survivor.kind == Subject.Kind.PERSON:
        a, b = survivor.person, duplicate.person
        if a.birth_date and b.birth_date and a.birth_date != b.birth_date:
            problems.append(_("De geboortedata verschillen."))
    return problems


@transaction.atomic
def subject_merge(*, actor, survivor: Subject, duplicate: Subject, reason: str) -> Subject:
    """Merge ``duplicate`` into ``survivor``. Needs ``subjects.merge_subject``
    and both subjects visible to the actor through a case. Case roles and links
    move to the survivor; the duplicate stays, pointing to the survivor, with a
    ``SubjectMerge`` snapshot, so history is kept."""
    from schakel.cases.selectors import subjects_visible_to  # cases builds on subjects

    _require(actor, "subjects.merge_subject")
    visible = subjects_visible_to(user=actor).filter(pk__in=[survivor.pk, duplicate.pk]).count()
    if visible != 2 or survivor.pk == duplicate.pk:
        raise PermissionDenied
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Geef een reden voor de samenvoeging.")})
    survivor = Subject.objects.select_for_update().get(pk=survivor.pk)
    duplicate = Subject.objects.select_for_update().get(pk=duplicate.pk)
    if survivor.merged_into_id or duplicate.merged_into_id:
        raise ValidationError(_("Een van beide subjecten is al samengevoegd."))
    problems = merge_conflicts(survivor, duplicate)
    if problems:
        raise ValidationError(problems)
    # Fill identifiers the survivor lacks.
    if not survivor.identifier and duplicate.identifier:
        survivor.identifier = duplicate.identifier
        survivor.save(update_fields=["identifier"])
        if survivor.kind == Subject.Kind.PERSON:
            Person.objects.filter(pk=survivor.pk).update(national_number=duplicate.person.national_number)
        elif survivor.kind == Subject.Kind.ENTERPRISE:
            Enterprise.objects.filter(pk=survivor.pk).update(kbo_number=duplicate.enterprise.kbo_number)
    SubjectMerge.objects.create(
        survivor=survivor,
        duplicate=duplicate,
        merged_by=actor,
        merged_at=timezone.now(),
        reason=reason.strip()[:500],
        snapshot=_snapshot(duplicate),
    )
    SubjectLink.objects.filter(source_subject=duplicate).exclude(target_subject=survivor).update(
        source_subject=survivor
    )
    SubjectLink.objects.filter(target_subject=duplicate).exclude(source_subject=survivor).update(
        target_subject=survivor
    )
    from schakel.cases.services import case_subjects_repoint

    case_subjects_repoint(duplicate=duplicate, survivor=survivor)
    duplicate.merged_into = survivor
    duplicate.save(update_fields=["merged_into"])
    SubjectNameKey.objects.filter(subject=duplicate).delete()
    SubjectNamePair.objects.filter(subject=duplicate).delete()
    audit.record_write(actor=actor, action="subjects.merged", obj=survivor, summary=f"absorbed subject {duplicate.pk}")
    return survivor


# --- The registry pages: register, edit, search -----------------------------------

EDITABLE_FIELDS = {
    Subject.Kind.PERSON: ("first_name", "last_name", "birth_date", "national_number", "is_minor"),
    Subject.Kind.ENTERPRISE: ("name", "kbo_number", "legal_form", "nace_code"),
    Subject.Kind.ESTABLISHMENT: ("name", "address", "address_text", "sector", "permits"),
    Subject.Kind.VEHICLE: ("plate", "description"),
}
_CREATORS = {
    Subject.Kind.PERSON: person_create,
    Subject.Kind.ENTERPRISE: enterprise_create,
    Subject.Kind.ESTABLISHMENT: establishment_create,
    Subject.Kind.VEHICLE: vehicle_create,
}


def _raise_hits_for(*, actor, subject_id: int, trigger_kind: str) -> None:
    """Hit/no-hit (ADR 0401) for a registered or edited subject: after the
    response (``core.deferred``, ADR 0007), the matching included. How long
    the matching takes grows with the number of similar subjects anywhere,
    hidden circles included, so it must not run in the request either."""
    defer("subjects.raise_hits_for_subject", actor_id=actor.pk, subject_id=subject_id, trigger_kind=trigger_kind)


@job("subjects.raise_hits_for_subject")
def _raise_hits_for_subject_job(*, actor_id: int, subject_id: int, trigger_kind: str) -> int:
    from django.contrib.auth import get_user_model

    from schakel.cases.services import raise_hits_now

    from . import selectors

    subject = Subject.objects.filter(pk=subject_id).first()
    if subject is None:
        return 0
    matches = {m.subject_id: m for m in selectors.matches_for(subject)}
    return raise_hits_now(actor=get_user_model().objects.get(pk=actor_id), matches=matches, trigger_kind=trigger_kind)


@transaction.atomic
def subject_register(*, actor, kind: str, **data) -> Subject:
    """Register a subject from the registry pages (outside a case): the kind's
    create function, then hit/no-hit for matching subjects in cases the actor
    does not see. The new subject is visible to its creator until it is added
    to a case (then to that case's circle)."""
    if kind not in _CREATORS:
        raise ValidationError({"kind": _("Onbekende soort subject.")})
    subject = _CREATORS[kind](actor=actor, **data)
    _raise_hits_for(actor=actor, subject_id=subject.pk, trigger_kind="subject")
    return subject


@transaction.atomic
def subject_update(*, actor, subject: Subject, **data) -> Subject:
    """Edit a subject the actor sees in the registry. Needs
    ``subjects.change_subject``. Validation as on creation; the previous
    values are appended as a ``SubjectRevision``; the matching keys follow the
    new name; a changed name or number runs hit/no-hit again. Owners of other
    cases holding the subject, whose circle the actor is not in, are told
    (``cases.services.subject_changed_outside_circles``)."""
    from . import selectors

    _require(actor, "subjects.change_subject")
    if not selectors.registry_visible_to(user=actor).filter(pk=subject.pk).exists():
        raise PermissionDenied
    subject = Subject.objects.select_for_update().get(pk=subject.pk)
    detail = subject.detail
    allowed = EDITABLE_FIELDS[subject.kind]
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError(_("Onbekende velden: %(f)s") % {"f": ", ".join(sorted(unknown))})
    values = {f: data.get(f, getattr(detail, f)) for f in allowed}
    if subject.kind == Subject.Kind.PERSON:
        first, last, birth, nrn, minor = _clean_person(
            values["first_name"],
            values["last_name"],
            values["birth_date"],
            values["national_number"],
            values["is_minor"],
        )
        new = {"first_name": first, "last_name": last, "birth_date": birth, "national_number": nrn, "is_minor": minor}
        identifier = nrn
    elif subject.kind == Subject.Kind.ENTERPRISE:
        name, kbo, nace = _clean_enterprise(values["name"], values["kbo_number"], values["nace_code"])
        legal_form = (values["legal_form"] or "").strip()[:50]
        new = {"name": name, "kbo_number": kbo, "legal_form": legal_form, "nace_code": nace}
        identifier = kbo
    elif subject.kind == Subject.Kind.ESTABLISHMENT:
        name = (values["name"] or "").strip()
        if not name:
            raise ValidationError(_("De naam van de inrichting is verplicht."))
        address = values["address"]
        address_text = (values["address_text"] or "").strip() or (address.label if address is not None else "")
        new = {
            "name": name[:200],
            "address": address,
            "address_text": address_text[:300],
            "sector": (values["sector"] or "").strip()[:100],
            "permits": (values["permits"] or "").strip(),
        }
        identifier = ""
    else:
        plate = normalise_plate(values["plate"])
        if not 2 <= len(plate) <= 12:
            raise ValidationError({"plate": _("Geef een geldige nummerplaat op.")})
        new = {"plate": plate, "description": (values["description"] or "").strip()[:200]}
        identifier = plate
    changed = [f for f, v in new.items() if getattr(detail, f) != v]
    if not changed:
        return detail
    before = _snapshot(subject)
    SubjectRevision.objects.create(
        subject=subject, changed_by=actor, changed_at=timezone.now(), changed_fields=changed, before=before
    )
    for f, v in new.items():
        setattr(detail, f, v)
    detail.identifier = identifier
    detail.save()
    key = key_of(detail)
    if key:
        _index(detail, key)
    audit.record_write(actor=actor, action="subjects.subject_changed", obj=subject, summary=",".join(changed))
    from schakel.cases.services import subject_changed_outside_circles

    subject_changed_outside_circles(actor=actor, subject_id=subject.pk)
    if {"first_name", "last_name", "name", "national_number", "kbo_number", "plate"} & set(changed):
        _raise_hits_for(actor=actor, subject_id=subject.pk, trigger_kind="subject")
    return detail


def registry_search(*, actor, query: str, kind: str = ""):
    """The registry search for pages and the API: the subjects the actor may
    see that match ``query`` (see ``selectors.registry_matches``). Matches in
    cases the actor does not see raise hits for their owners and are dropped:
    the returned outcome is the same as when nothing matched elsewhere."""
    from . import selectors

    outcome = selectors.registry_matches(user=actor, query=query, kind=kind)
    # Written for every search, matched or not: the same work either way, so
    # the answer's timing does not tell whether a hidden case matched.
    from schakel.cases.services import raise_hits

    with transaction.atomic():
        raise_hits(actor=actor, matches={m.subject_id: m for m in outcome.unseen}, trigger_kind="search")
    return selectors.SearchOutcome(results=outcome.results, unseen=[], error=outcome.error)
