"""Retention of personal data in neighbourhood records.

The periods are reference rows (``RetentionRule``, edited by the functional
administrator). What expires is *erased from* the record, not the record
itself: the counts, dates, kinds and areas stay, because the plan's
indicators are computed from them and they hold no personal data. Per record
a ``RetentionProof`` keeps which record, under which rule, which fields and a
SHA-256 of the erased text, never the text. History rows (revisions) that hold
an erased value are removed on purpose (``_raw_delete``; they are otherwise
append-only) and one revision "erased after the retention period" is appended
in their place. Run by ``manage.py neighbourhoods_retention [--dry-run]``
(cron or a systemd timer), like ``signals_retention``."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from schakel.audit import services as audit

from .models import (
    BehangtafelSession,
    Incident,
    IncidentRevision,
    QrtActivity,
    QrtActivityRevision,
    RetentionProof,
    RetentionRule,
    Revision,
    WalkScore,
)

Code = RetentionRule.Code

# Used when a rule row is missing (e.g. deleted by hand): the seeded defaults.
DEFAULT_MONTHS = {
    Code.QRT_NOTES: 12,
    Code.BEHANGTAFEL_NOTES: 24,
    Code.WALK_PHOTOS: 12,
    Code.WALK_WITHDRAWN_REASONS: 12,
    Code.INCIDENT_INTERNAL: 60,
}
# Contacts with a named resident or key figure: their address points at a person.
CONTACT_KINDS = (QrtActivity.Kind.RESIDENT_CONTACT, QrtActivity.Kind.KEY_FIGURE)


def cutoff(now: datetime, months: int) -> datetime:
    return now - timedelta(days=int(months * 30.44))


def _proof(*, rule: str, obj, record_date, fields: list[str], content: list[str], now: datetime) -> None:
    RetentionProof.objects.create(
        rule=rule,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        record_month=record_date.strftime("%Y-%m"),
        fields=",".join(fields),
        content_sha256=hashlib.sha256("\x1f".join(content).encode("utf-8")).hexdigest(),
        done_at=now,
    )
    audit.record_write(actor=None, action="neighbourhoods.retention_erased", obj=obj, summary=rule)


def _drop_revisions(model, revisions, fields: set[str]) -> None:
    """Remove the history rows that hold a value of an erased field."""
    pks = [r.pk for r in revisions if fields & (set(r.changes) | set(r.restricted_changes))]
    if pks:
        # Revisions are append-only; retention removes them on purpose.
        model.objects.filter(pk__in=pks)._raw_delete(model.objects.db)


def _qrt_notes(months: int, now: datetime, dry_run: bool) -> int:
    rule = f"{Code.QRT_NOTES}={months}"
    # Candidates: notes, or a contact still pinned to an address or a point; the
    # exact point test (already rounded?) is done below, it is not portable SQL.
    qs = (
        QrtActivity.objects.filter(date__lt=cutoff(now, months).date())
        .filter(
            ~Q(notes="")
            | Q(kind__in=CONTACT_KINDS, address__isnull=False)
            | Q(kind__in=CONTACT_KINDS, lat__isnull=False)
        )
        .select_related("address__street")
        .prefetch_related("revisions")  # per chunk of the iterator: one query per 500 records
        .order_by("pk")
    )
    n = 0
    for activity in qs.iterator(chunk_size=500):
        fields, content = [], []
        if activity.notes:
            fields.append("notes")
            content.append(activity.notes)
            activity.notes = ""
        if activity.kind in CONTACT_KINDS:
            if activity.address_id:
                fields.append("address")
                content.append(activity.address.label)
                activity.address = None
            # Keep the contact on the map at block level (~100 m), not at the door.
            if activity.lat is not None and (round(activity.lat, 3), round(activity.lon, 3)) != (
                activity.lat,
                activity.lon,
            ):
                fields += ["lat", "lon"]
                content.append(f"{activity.lat},{activity.lon}")
                activity.lat, activity.lon = round(activity.lat, 3), round(activity.lon, 3)
        if not fields:
            continue
        n += 1
        if dry_run:
            continue
        activity.save(update_fields=["notes", "address", "lat", "lon", "updated_at"])
        _drop_revisions(QrtActivityRevision, activity.revisions.all(), set(fields))
        QrtActivityRevision.objects.create(
            activity=activity, by=None, action=Revision.Action.RETENTION, changes={f: [None, None] for f in fields}
        )
        _proof(rule=rule, obj=activity, record_date=activity.date, fields=fields, content=content, now=now)
    return n


def _behangtafel_notes(months: int, now: datetime, dry_run: bool) -> int:
    rule = f"{Code.BEHANGTAFEL_NOTES}={months}"
    qs = BehangtafelSession.objects.filter(date__lt=cutoff(now, months).date()).exclude(notes="").order_by("pk")
    if dry_run:
        return qs.count()
    n = 0
    for session in qs.iterator(chunk_size=500):
        content = [session.notes]
        session.notes = ""
        session.save(update_fields=["notes", "updated_at"])
        _proof(rule=rule, obj=session, record_date=session.date, fields=["notes"], content=content, now=now)
        n += 1
    return n


def _walk_photos(months: int, now: datetime, dry_run: bool) -> int:
    rule = f"{Code.WALK_PHOTOS}={months}"
    qs = (
        WalkScore.objects.filter(walk__date__lt=cutoff(now, months).date())
        .filter(~Q(photo="") | ~Q(remark=""))
        .select_related("walk")
        .order_by("pk")
    )
    if dry_run:
        return qs.count()
    n = 0
    for score in qs.iterator(chunk_size=500):
        fields, content = [], []
        if score.photo:
            fields.append("photo")
            content.append(score.photo.name)
            storage, name = score.photo.storage, score.photo.name
            # The file goes only once the erasure is committed.
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
            score.photo = ""
        if score.remark:
            fields.append("remark")
            content.append(score.remark)
            score.remark = ""
        score.save(update_fields=["photo", "remark", "updated_at"])
        _proof(rule=rule, obj=score, record_date=score.walk.date, fields=fields, content=content, now=now)
        n += 1
    return n


def _walk_withdrawn_reasons(months: int, now: datetime, dry_run: bool) -> int:
    """The free-text reason of a withdrawn score (it may name a resident),
    counted from the withdrawal. The reason becomes WalkScore.REASON_ERASED;
    that the score was withdrawn, when and by whom stays, and so does its
    exclusion from the walk's score (withdrawn_at is not touched)."""
    rule = f"{Code.WALK_WITHDRAWN_REASONS}={months}"
    qs = (
        WalkScore.objects.filter(withdrawn_at__lt=cutoff(now, months))
        .exclude(withdrawn_reason__in=["", WalkScore.REASON_ERASED])
        .order_by("pk")
    )
    if dry_run:
        return qs.count()
    n = 0
    for score in qs.iterator(chunk_size=500):
        content = [score.withdrawn_reason]
        score.withdrawn_reason = WalkScore.REASON_ERASED
        score.save(update_fields=["withdrawn_reason", "updated_at"])
        _proof(
            rule=rule,
            obj=score,
            record_date=timezone.localtime(score.withdrawn_at),
            fields=["withdrawn_reason"],
            content=content,
            now=now,
        )
        n += 1
    return n


def _incident_internal(months: int, now: datetime, dry_run: bool) -> int:
    rule = f"{Code.INCIDENT_INTERNAL}={months}"
    qs = (
        Incident.objects.filter(occurred_at__lt=cutoff(now, months))
        .filter(~Q(internal_notes="") | ~Q(police_reference=""))
        .prefetch_related("revisions")
        .order_by("pk")
    )
    if dry_run:
        return qs.count()
    n = 0
    for incident in qs.iterator(chunk_size=500):
        fields = [f for f in ("internal_notes", "police_reference") if getattr(incident, f)]
        content = [getattr(incident, f) for f in fields]
        incident.internal_notes = incident.police_reference = ""
        incident.save(update_fields=["internal_notes", "police_reference", "updated_at"])
        _drop_revisions(IncidentRevision, incident.revisions.all(), set(fields))
        IncidentRevision.objects.create(
            incident=incident,
            by=None,
            action=Revision.Action.RETENTION,
            restricted_changes={f: [None, None] for f in fields},
        )
        _proof(
            rule=rule,
            obj=incident,
            record_date=timezone.localtime(incident.occurred_at),
            fields=fields,
            content=content,
            now=now,
        )
        n += 1
    return n


HANDLERS = {
    Code.QRT_NOTES: _qrt_notes,
    Code.BEHANGTAFEL_NOTES: _behangtafel_notes,
    Code.WALK_PHOTOS: _walk_photos,
    Code.WALK_WITHDRAWN_REASONS: _walk_withdrawn_reasons,
    Code.INCIDENT_INTERNAL: _incident_internal,
}


@transaction.atomic
def retention_run(*, now: datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Erase the personal data whose retention period has passed, per rule,
    keeping a RetentionProof per record. Returns {rule code: records}. A rule
    switched off (``is_active`` false) erases nothing; a missing rule row uses
    DEFAULT_MONTHS. System action: no actor, audit events without content."""
    now = now or timezone.now()
    rules = {r.code: r for r in RetentionRule.objects.all()}
    result = {}
    for code, handler in HANDLERS.items():
        rule = rules.get(code)
        if rule is not None and not rule.is_active:
            continue
        months = rule.months if rule is not None else DEFAULT_MONTHS[code]
        result[str(code)] = handler(months, now, dry_run)
    return result
