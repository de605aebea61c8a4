"""Writes of the legal frame: publishing and accepting the deontological code,
and editing reference data (legal grounds, instruments)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from schakel.audit import services as audit

from .models import CodeAcceptance, CodeVersion, LegalGround, LegalInstrument
from .selectors import code_current


def code_version_publish(*, actor, title: str, text: str) -> CodeVersion:
    """Publish a new version of the code; every user must accept it again
    before opening a case. Needs ``legal.add_codeversion``."""
    if not actor.has_perm("legal.add_codeversion"):
        raise PermissionDenied
    title, text = (title or "").strip(), (text or "").strip()
    if not title or not text:
        raise ValidationError(_("Een versie van de code heeft een titel en een tekst nodig."))
    with transaction.atomic():
        number = (CodeVersion.objects.select_for_update().aggregate(n=Max("number"))["n"] or 0) + 1
        version = CodeVersion.objects.create(
            number=number, title=title[:200], text=text, published_at=timezone.now(), published_by=actor
        )
        audit.record_admin(actor=actor, action="legal.code_published", obj=version, summary=f"version {number}")
    return version


def code_accept(*, actor, version: CodeVersion) -> CodeAcceptance:
    """The signed-in user accepts ``version``, which must be the current one.
    Accepting twice returns the first acceptance."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    current = code_current()
    if current is None or version.pk != current.pk:
        raise ValidationError(_("U kunt alleen de huidige versie van de deontologische code aanvaarden."))
    existing = CodeAcceptance.objects.filter(user=actor, version=version).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            acceptance = CodeAcceptance.objects.create(user=actor, version=version, accepted_at=timezone.now())
            audit.record_write(
                actor=actor, action="legal.code_accepted", obj=acceptance, summary=f"version {version.number}"
            )
    except IntegrityError:  # a double click raced us
        return CodeAcceptance.objects.get(user=actor, version=version)
    return acceptance


def legal_ground_save(
    *,
    actor,
    ground: LegalGround | None = None,
    code: str,
    name: str,
    kind: str,
    reference: str = "",
    description: str = "",
    active: bool = True,
) -> LegalGround:
    """Create or edit a legal ground (reference data). Needs ``legal.change_legalground``."""
    if not actor.has_perm("legal.change_legalground"):
        raise PermissionDenied
    if kind not in LegalGround.Kind.values:
        raise ValidationError(_("Onbekende soort rechtsgrond."))
    if not (code or "").strip() or not (name or "").strip():
        raise ValidationError(_("Code en naam zijn verplicht."))
    with transaction.atomic():
        clash = LegalGround.objects.filter(code=code.strip())
        if ground is not None:
            clash = clash.exclude(pk=ground.pk)
        if clash.exists():
            raise ValidationError(_("Er bestaat al een rechtsgrond met deze code."))
        ground = ground or LegalGround()
        ground.code, ground.name, ground.kind = code.strip(), name.strip(), kind
        ground.reference, ground.description, ground.active = reference.strip(), description.strip(), active
        ground.save()
        audit.record_admin(actor=actor, action="legal.legal_ground_saved", obj=ground, summary=ground.code)
    return ground


def legal_instrument_save(
    *,
    actor,
    instrument: LegalInstrument | None = None,
    code: str,
    name: str,
    track: str,
    reference: str = "",
    description: str = "",
    active: bool = True,
) -> LegalInstrument:
    """Create or edit a legal instrument (reference data). Needs ``legal.change_legalinstrument``."""
    if not actor.has_perm("legal.change_legalinstrument"):
        raise PermissionDenied
    if track not in LegalInstrument.Track.values:
        raise ValidationError(_("Onbekend spoor."))
    if not (code or "").strip() or not (name or "").strip():
        raise ValidationError(_("Code en naam zijn verplicht."))
    with transaction.atomic():
        clash = LegalInstrument.objects.filter(code=code.strip())
        if instrument is not None:
            clash = clash.exclude(pk=instrument.pk)
        if clash.exists():
            raise ValidationError(_("Er bestaat al een instrument met deze code."))
        instrument = instrument or LegalInstrument()
        instrument.code, instrument.name, instrument.track = code.strip(), name.strip(), track
        instrument.reference, instrument.description, instrument.active = (
            reference.strip(),
            description.strip(),
            active,
        )
        instrument.save()
        audit.record_admin(actor=actor, action="legal.instrument_saved", obj=instrument, summary=instrument.code)
    return instrument
