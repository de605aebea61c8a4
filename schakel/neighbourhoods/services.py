"""Writes of the neighbourhoods app. Every service checks the permission
itself, runs in one transaction and writes an audit event (without personal
data in the summary). Records belong to the organisation of their creator;
only users of that organisation change them."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schakel.audit import services as audit
from schakel.places import geo
from schakel.places.models import Address, Area

from . import photos, scoring
from .models import (
    BehangtafelSession,
    ChecklistItem,
    ChecklistTemplate,
    FollowUpAction,
    FollowUpStatusChange,
    Incident,
    IncidentRevision,
    Proposal,
    ProposalTheme,
    QrtActivity,
    QrtActivityRevision,
    RetentionRule,
    Revision,
    Walk,
    WalkScore,
)


def _require(actor, perm: str) -> None:
    if actor is None or not actor.is_authenticated or not actor.has_perm(f"neighbourhoods.{perm}"):
        raise PermissionDenied


def _require_owner(actor, obj) -> None:
    if obj.organisation_id != actor.organisation_id:
        raise PermissionDenied


def _text(value, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ValidationError(_("Tekst is te lang (maximaal %(n)s tekens).") % {"n": limit})
    return value


def _location(*, address: Address | None, lat, lon, required: bool) -> tuple[float | None, float | None]:
    if address is not None:
        return address.lat, address.lon
    if lat in (None, "") or lon in (None, ""):
        if required:
            raise ValidationError(_("Kies een adres of een punt op de kaart."))
        return None, None
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("Ongeldige coördinaten.")) from exc
    if not geo.in_belgium(lat, lon):
        raise ValidationError(_("Dit punt ligt niet in België."))
    return lat, lon


# --- History ---------------------------------------------------------------


def _value(obj, field: str):
    """A field's value in JSON form for the history: foreign keys as their
    label (the label at the time of the change is what the reader wants),
    dates in ISO form."""
    value = getattr(obj, field)
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return getattr(value, "label", None) or str(value)


def _snapshot(obj, fields) -> dict:
    return {f: _value(obj, f) for f in fields}


def _diff(before: dict | None, after: dict) -> dict:
    """{field: [old, new]} for every field that differs; on creation (no
    ``before``) every field that has a value."""
    if before is None:
        return {f: [None, v] for f, v in after.items() if v not in (None, "", False)}
    return {f: [before.get(f), v] for f, v in after.items() if before.get(f) != v}


# --- Incidents -----------------------------------------------------------

INCIDENT_FIELDS = ("kind", "occurred_at", "public_summary", "internal_notes", "police_reference", "damage", "radius_m")
# What the history records; the restricted ones are only shown to readers of the internal notes.
INCIDENT_HISTORY_FIELDS = (
    "kind",
    "occurred_at",
    "address",
    "location_label",
    "lat",
    "lon",
    "radius_m",
    "public_summary",
    "damage",
)
INCIDENT_RESTRICTED_FIELDS = ("internal_notes", "police_reference")


def _incident_revision(*, actor, incident: Incident, before: dict | None, action: str) -> IncidentRevision | None:
    after = _snapshot(incident, INCIDENT_HISTORY_FIELDS + INCIDENT_RESTRICTED_FIELDS)
    changes = _diff(before, after)
    if not changes and action != Revision.Action.CREATED:
        return None
    restricted = {f: changes.pop(f) for f in INCIDENT_RESTRICTED_FIELDS if f in changes}
    return IncidentRevision.objects.create(
        incident=incident, by=actor, action=action, changes=changes, restricted_changes=restricted
    )


def _incident_apply(incident: Incident, *, address, lat, lon, location_label, **fields) -> None:
    if fields.get("kind") not in Incident.Kind.values:
        raise ValidationError(_("Kies een soort incident."))
    occurred_at = fields.get("occurred_at")
    if not isinstance(occurred_at, dt.datetime):
        raise ValidationError(_("Geef datum en uur van het incident."))
    if timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at)
    # The form has minute precision: an edit that keeps the minute keeps the
    # stored time, so the history does not record a change nobody made.
    occurred_at = occurred_at.replace(second=0, microsecond=0)
    if incident.occurred_at and occurred_at == incident.occurred_at.replace(second=0, microsecond=0):
        occurred_at = incident.occurred_at
    if occurred_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError(_("Een incident kan niet in de toekomst liggen."))
    radius = int(fields.get("radius_m") or 250)
    if not 25 <= radius <= 2000:
        raise ValidationError(_("De straal moet tussen 25 en 2000 meter liggen."))
    summary = _text(fields.get("public_summary"), 2000)
    if not summary:
        raise ValidationError(_("Een publieke samenvatting is verplicht."))
    lat, lon = _location(address=address, lat=lat, lon=lon, required=True)
    incident.kind = fields["kind"]
    incident.occurred_at = occurred_at
    incident.radius_m = radius
    incident.public_summary = summary
    incident.internal_notes = _text(fields.get("internal_notes"), 5000)
    incident.police_reference = _text(fields.get("police_reference"), 60)
    incident.damage = _text(fields.get("damage"), 2000)
    incident.address = address
    incident.lat, incident.lon = lat, lon
    incident.x, incident.y = geo.to_lambert(lat, lon)
    label = _text(location_label, 200) or (address.street.name_nl if address else "")
    incident.location_label = label or f"{lat:.5f}, {lon:.5f}"


@transaction.atomic
def incident_create(
    *, actor, address: Address | None = None, lat=None, lon=None, location_label: str = "", is_demo=False, **fields
) -> Incident:
    """Register an incident. Needs neighbourhoods.add_incident."""
    _require(actor, "add_incident")
    incident = Incident(organisation_id=actor.organisation_id, created_by=actor, is_demo=is_demo)
    _incident_apply(incident, address=address, lat=lat, lon=lon, location_label=location_label, **fields)
    incident.save()
    _incident_revision(actor=actor, incident=incident, before=None, action=Revision.Action.CREATED)
    audit.record_write(actor=actor, action="neighbourhoods.incident_created", obj=incident)
    return incident


@transaction.atomic
def incident_update(
    *, actor, incident: Incident, address: Address | None = None, lat=None, lon=None, location_label="", **fields
) -> Incident:
    """Change an incident of the actor's organisation. Needs change_incident;
    the internal notes and police reference are kept unless the actor may read them.
    The change is appended to the incident's history (IncidentRevision); an
    edit that changes nothing appends nothing."""
    _require(actor, "change_incident")
    _require_owner(actor, incident)
    if not actor.has_perm("neighbourhoods.view_incident_internal_notes"):
        fields["internal_notes"] = incident.internal_notes
        fields["police_reference"] = incident.police_reference
    incident = Incident.objects.select_for_update(of=("self",)).select_related("address__street").get(pk=incident.pk)
    before = _snapshot(incident, INCIDENT_HISTORY_FIELDS + INCIDENT_RESTRICTED_FIELDS)
    _incident_apply(incident, address=address, lat=lat, lon=lon, location_label=location_label, **fields)
    incident.save()
    _incident_revision(actor=actor, incident=incident, before=before, action=Revision.Action.CHANGED)
    audit.record_write(actor=actor, action="neighbourhoods.incident_changed", obj=incident)
    return incident


# --- QRT activities ------------------------------------------------------

QRT_HISTORY_FIELDS = (
    "kind",
    "date",
    "duration_minutes",
    "address",
    "area",
    "lat",
    "lon",
    "incident",
    "residents_reached",
    "notes",
    "prevpol_referral",
)


def _activity_revision(*, actor, activity: QrtActivity, before: dict | None, action: str) -> None:
    changes = _diff(before, _snapshot(activity, QRT_HISTORY_FIELDS))
    if changes or action == Revision.Action.CREATED:
        QrtActivityRevision.objects.create(activity=activity, by=actor, action=action, changes=changes)


def _activity_apply(activity: QrtActivity, *, actor, data: dict) -> None:
    if data.get("kind") not in QrtActivity.Kind.values:
        raise ValidationError(_("Kies een soort activiteit."))
    date = data.get("date")
    if not isinstance(date, dt.date):
        raise ValidationError(_("Geef een datum."))
    if date > timezone.localdate():
        raise ValidationError(_("Een activiteit kan niet in de toekomst liggen."))
    try:
        duration = int(data.get("duration_minutes") or 0)
        reached = int(data.get("residents_reached") or 0)
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("Duur en aantal bewoners moeten getallen zijn.")) from exc
    if not 1 <= duration <= 24 * 60:
        raise ValidationError(_("De duur moet tussen 1 en 1440 minuten liggen."))
    if not 0 <= reached <= 100_000:
        raise ValidationError(_("Het aantal bereikte bewoners is ongeldig."))
    address, area, incident = data.get("address"), data.get("area"), data.get("incident")
    lat, lon = _location(address=address, lat=data.get("lat"), lon=data.get("lon"), required=False)
    if area is None and lat is not None:
        from schakel.places.selectors import area_containing

        area = area_containing(lat=lat, lon=lon)
    if lat is None and area is None:
        raise ValidationError(_("Geef een adres, een punt of een gebied."))
    activity.kind = data["kind"]
    activity.date = date
    activity.duration_minutes = duration
    activity.residents_reached = reached
    activity.address, activity.area, activity.incident = address, area, incident
    activity.lat, activity.lon = lat, lon
    activity.notes = _text(data.get("notes"), 3000)
    activity.prevpol_referral = bool(data.get("prevpol_referral"))


class AlreadySaved(Exception):
    """The form with this one-time token was saved before (the Back button,
    a second tap): ``activity`` is the one it created."""

    def __init__(self, activity: QrtActivity):
        super().__init__(activity.pk)
        self.activity = activity


def _saved_with_token(actor, form_token) -> QrtActivity | None:
    if form_token is None:
        return None
    return QrtActivity.objects.filter(form_token=form_token, organisation_id=actor.organisation_id).first()


def qrt_activity_create(
    *, actor, is_demo: bool = False, form_token=None, check_duplicate: bool = False, **data
) -> QrtActivity:
    """Log a QRT activity. Needs neighbourhoods.add_qrtactivity.

    ``form_token`` is the one-time token of the form (a UUID): a form sent a
    second time raises AlreadySaved with the activity it created, so the
    Back button cannot make a silent duplicate (also when both arrive at the
    same moment: the token is unique in the table). A browser that reloads
    the form on Back gets a new token but keeps what was typed: with
    ``check_duplicate`` (the form, until the user confirms that it is a second
    activity), an activity identical to one the actor saved in the last
    DUPLICATE_WINDOW raises LikelyDuplicate."""
    _require(actor, "add_qrtactivity")
    existing = _saved_with_token(actor, form_token)
    if existing is not None:
        raise AlreadySaved(existing)
    try:
        return _qrt_activity_insert(
            actor=actor, is_demo=is_demo, form_token=form_token, check_duplicate=check_duplicate, data=data
        )
    except IntegrityError:
        existing = _saved_with_token(actor, form_token)
        if existing is None:
            raise
        raise AlreadySaved(existing) from None


class LikelyDuplicate(Exception):
    """The actor saved an identical activity a moment ago: ``activity``."""

    def __init__(self, activity: QrtActivity):
        super().__init__(activity.pk)
        self.activity = activity


DUPLICATE_WINDOW = dt.timedelta(minutes=30)


def _identical_recent(actor, activity: QrtActivity) -> QrtActivity | None:
    """The newest activity of the actor, saved in the last DUPLICATE_WINDOW,
    with the same content (the point itself may differ by a few metres)."""
    return (
        QrtActivity.objects.filter(
            created_by=actor,
            created_at__gte=timezone.now() - DUPLICATE_WINDOW,
            kind=activity.kind,
            date=activity.date,
            duration_minutes=activity.duration_minutes,
            residents_reached=activity.residents_reached,
            notes=activity.notes,
            prevpol_referral=activity.prevpol_referral,
            address=activity.address,
            area=activity.area,
            incident=activity.incident,
        )
        .order_by("-pk")
        .first()
    )


@transaction.atomic
def _qrt_activity_insert(*, actor, is_demo: bool, form_token, check_duplicate: bool, data: dict) -> QrtActivity:
    activity = QrtActivity(
        organisation_id=actor.organisation_id, created_by=actor, is_demo=is_demo, form_token=form_token
    )
    _activity_apply(activity, actor=actor, data=data)
    if check_duplicate:
        twin = _identical_recent(actor, activity)
        if twin is not None:
            raise LikelyDuplicate(twin)
    activity.save()
    _activity_revision(actor=actor, activity=activity, before=None, action=Revision.Action.CREATED)
    audit.record_write(actor=actor, action="neighbourhoods.qrt_activity_created", obj=activity)
    return activity


@transaction.atomic
def qrt_activity_update(*, actor, activity: QrtActivity, **data) -> QrtActivity:
    """Change a QRT activity of the actor's organisation. Needs change_qrtactivity.
    The change is appended to the activity's history (QrtActivityRevision)."""
    _require(actor, "change_qrtactivity")
    _require_owner(actor, activity)
    activity = (
        QrtActivity.objects.select_for_update(of=("self",))
        .select_related("address__street", "area", "incident")
        .get(pk=activity.pk)
    )
    before = _snapshot(activity, QRT_HISTORY_FIELDS)
    _activity_apply(activity, actor=actor, data=data)
    activity.save()
    _activity_revision(actor=actor, activity=activity, before=before, action=Revision.Action.CHANGED)
    audit.record_write(actor=actor, action="neighbourhoods.qrt_activity_changed", obj=activity)
    return activity


# --- Wijkschouw ----------------------------------------------------------


@transaction.atomic
def checklist_template_save(
    *,
    actor,
    name: str,
    items: list[tuple[str, int]],
    scale: str = ChecklistTemplate.Scale.CROW,
    numeric_min: int = 1,
    numeric_max: int = 5,
    description: str = "",
    template: ChecklistTemplate | None = None,
) -> ChecklistTemplate:
    """Create or edit a checklist template and its items (label, weight).
    Needs neighbourhoods.change_checklisttemplate. Items that disappear from
    the list are deactivated (old walks keep their scores)."""
    _require(actor, "change_checklisttemplate")
    name = _text(name, 160)
    if not name:
        raise ValidationError(_("Een sjabloon heeft een naam nodig."))
    if scale not in ChecklistTemplate.Scale.values:
        raise ValidationError(_("Onbekende schaal."))
    if scale == ChecklistTemplate.Scale.NUMERIC and not (0 <= numeric_min < numeric_max <= 100):
        raise ValidationError(_("Het minimum moet kleiner zijn dan het maximum (0 tot 100)."))
    cleaned = []
    for label, weight in items:
        label = _text(label, 200)
        if label:
            if not 1 <= int(weight) <= 10:
                raise ValidationError(_("Het gewicht van een item ligt tussen 1 en 10."))
            cleaned.append((label, int(weight)))
    if not cleaned:
        raise ValidationError(_("Een sjabloon heeft minstens één item nodig."))
    if ChecklistTemplate.objects.filter(name=name).exclude(pk=getattr(template, "pk", None)).exists():
        raise ValidationError(_("Er bestaat al een sjabloon met deze naam."))
    created = template is None
    template = template or ChecklistTemplate()
    template.name, template.description, template.scale = name, _text(description, 2000), scale
    template.numeric_min, template.numeric_max = numeric_min, numeric_max
    template.save()
    existing = {i.label: i for i in template.items.all()}
    keep = set()
    for order, (label, weight) in enumerate(cleaned, start=1):
        item = existing.get(label) or ChecklistItem(template=template, label=label)
        item.order, item.weight, item.is_active = order, weight, True
        item.save()
        keep.add(item.pk)
    template.items.exclude(pk__in=keep).update(is_active=False)
    action = "created" if created else "changed"
    audit.record_write(actor=actor, action=f"neighbourhoods.checklist_template_{action}", obj=template)
    return template


@transaction.atomic
def walk_create(
    *,
    actor,
    template: ChecklistTemplate,
    date: dt.date,
    area: Area | None = None,
    route: str = "",
    team=(),
    is_demo=False,
) -> Walk:
    """Start a wijkschouw. Needs neighbourhoods.add_walk."""
    _require(actor, "add_walk")
    if not template.is_active:
        raise ValidationError(_("Dit sjabloon is niet meer actief."))
    if not isinstance(date, dt.date) or date > timezone.localdate():
        raise ValidationError(_("Geef een datum die niet in de toekomst ligt."))
    route = _text(route, 300)
    if area is None and not route:
        raise ValidationError(_("Kies een gebied of beschrijf de route."))
    walk = Walk.objects.create(
        template=template,
        area=area,
        route=route,
        date=date,
        organisation_id=actor.organisation_id,
        created_by=actor,
        is_demo=is_demo,
    )
    walk.team.set([u for u in team if u.organisation_id == actor.organisation_id] or [actor])
    audit.record_write(actor=actor, action="neighbourhoods.walk_created", obj=walk)
    return walk


def _recompute(walk: Walk) -> None:
    """The walk's area score from its scores that were not withdrawn (the
    trend and the computed indicator read walk.score)."""
    t = walk.template
    rows = WalkScore.objects.filter(walk=walk, withdrawn_at__isnull=True).values_list(
        "item_id", "item__weight", "value"
    )
    walk.score = scoring.walk_score(rows, scale=t.scale, numeric_min=t.numeric_min, numeric_max=t.numeric_max)
    walk.save(update_fields=["score", "updated_at"])


@transaction.atomic
def walk_score_add(
    *, actor, walk: Walk, item: ChecklistItem, value: str, remark: str = "", lat=None, lon=None, photo=None
) -> WalkScore:
    """Score one item of a walk at a point, with an optional photo (checked,
    metadata stripped). Needs change_walk and the walk's organisation."""
    _require(actor, "change_walk")
    _require_owner(actor, walk)
    if item.template_id != walk.template_id or not item.is_active:
        raise ValidationError(_("Dit item hoort niet bij het sjabloon van deze schouw."))
    t = walk.template
    value = (value or "").strip().upper()
    try:
        scoring.normalise(value, scale=t.scale, numeric_min=t.numeric_min, numeric_max=t.numeric_max)
    except ValueError as exc:
        if t.scale == ChecklistTemplate.Scale.CROW:
            raise ValidationError(_("Kies een score A+, A, B, C of D.")) from exc
        raise ValidationError(
            _("Geef een score van %(min)s tot %(max)s.") % {"min": t.numeric_min, "max": t.numeric_max}
        ) from exc
    lat, lon = _location(address=None, lat=lat, lon=lon, required=False)
    score = WalkScore(walk=walk, item=item, value=value, remark=_text(remark, 2000), lat=lat, lon=lon, created_by=actor)
    if photo:
        score.photo = photos.clean_photo(photo)
    score.save()
    _recompute(walk)
    audit.record_write(actor=actor, action="neighbourhoods.walk_score_added", obj=score)
    return score


def may_withdraw_score(actor, score: WalkScore) -> bool:
    """The author of a score may withdraw it, and so may a holder of
    withdraw_any_walkscore (the QRT lead); both need change_walk and the
    walk's organisation."""
    return (
        actor is not None
        and actor.is_authenticated
        and actor.has_perm("neighbourhoods.change_walk")
        and score.walk.organisation_id == actor.organisation_id
        and (
            (score.created_by_id is not None and score.created_by_id == actor.pk)
            or actor.has_perm("neighbourhoods.withdraw_any_walkscore")
        )
    )


@transaction.atomic
def walk_score_withdraw(*, actor, score: WalkScore, reason: str) -> WalkScore:
    """Mark a mistaken score as withdrawn, with a reason. The row stays (the
    history is not edited); it no longer counts in the walk's score, and so
    not in the area trend and the computed indicator either. Needs
    may_withdraw_score; a score is withdrawn once."""
    if not may_withdraw_score(actor, score):
        raise PermissionDenied
    reason = _text(reason, 300)
    if not reason:
        raise ValidationError(_("Geef de reden waarom deze score fout is."))
    score = WalkScore.objects.select_for_update(of=("self",)).select_related("walk__template").get(pk=score.pk)
    if score.withdrawn_at is not None:
        raise ValidationError(_("Deze score is al ingetrokken."))
    score.withdrawn_at, score.withdrawn_by, score.withdrawn_reason = timezone.now(), actor, reason
    score.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason", "updated_at"])
    _recompute(score.walk)
    audit.record_write(actor=actor, action="neighbourhoods.walk_score_withdrawn", obj=score)
    return score


@transaction.atomic
def followup_create(
    *, actor, walk: Walk, service: str, description: str, score: WalkScore | None = None
) -> FollowUpAction:
    """Turn a finding into a follow-up action for a city service. Needs change_walk."""
    _require(actor, "change_walk")
    _require_owner(actor, walk)
    service, description = _text(service, 160), _text(description, 2000)
    if not service or not description:
        raise ValidationError(_("Geef de stadsdienst en een omschrijving."))
    if score is not None and score.walk_id != walk.pk:
        raise ValidationError(_("Deze score hoort niet bij deze schouw."))
    action = FollowUpAction.objects.create(walk=walk, score=score, service=service, description=description)
    FollowUpStatusChange.objects.create(action=action, from_status="", to_status=action.status, by=actor)
    audit.record_write(actor=actor, action="neighbourhoods.followup_created", obj=action)
    return action


@transaction.atomic
def followup_transition(*, actor, action: FollowUpAction, to_status: str, note: str = "") -> FollowUpAction:
    """Move a follow-up action along FollowUpAction.TRANSITIONS; the change is appended to its history."""
    _require(actor, "change_followupaction")
    _require_owner(actor, action.walk)
    action = FollowUpAction.objects.select_for_update().get(pk=action.pk)
    if to_status not in FollowUpAction.TRANSITIONS.get(action.status, set()):
        raise ValidationError(_("Deze statuswijziging is niet toegelaten."))
    FollowUpStatusChange.objects.create(
        action=action, from_status=action.status, to_status=to_status, by=actor, note=_text(note, 300)
    )
    action.status = to_status
    action.save(update_fields=["status", "updated_at"])
    audit.record_write(actor=actor, action="neighbourhoods.followup_status_changed", obj=action, summary=to_status)
    return action


# --- Behangtafel ---------------------------------------------------------


@transaction.atomic
def behangtafel_session_create(
    *,
    actor,
    date: dt.date,
    place: str,
    area: Area | None = None,
    residents_count: int = 0,
    notes: str = "",
    team=(),
    is_demo=False,
) -> BehangtafelSession:
    """Record a behangtafel session. Needs neighbourhoods.add_behangtafelsession."""
    _require(actor, "add_behangtafelsession")
    place = _text(place, 200)
    if not place:
        raise ValidationError(_("Geef de plaats van de sessie."))
    if not isinstance(date, dt.date) or date > timezone.localdate():
        raise ValidationError(_("Geef een datum die niet in de toekomst ligt."))
    if not 0 <= int(residents_count) <= 10_000:
        raise ValidationError(_("Het aantal bewoners is ongeldig."))
    session = BehangtafelSession.objects.create(
        date=date,
        place=place,
        area=area,
        residents_count=int(residents_count),
        notes=_text(notes, 3000),
        organisation_id=actor.organisation_id,
        created_by=actor,
        is_demo=is_demo,
    )
    session.team.set([u for u in team if u.organisation_id == actor.organisation_id] or [actor])
    audit.record_write(actor=actor, action="neighbourhoods.behangtafel_created", obj=session)
    return session


@transaction.atomic
def proposal_add(
    *, actor, session: BehangtafelSession, text: str, theme: ProposalTheme, support_count: int = 0
) -> Proposal:
    """Add a residents' proposal to a session. Needs add_behangtafelsession and the session's organisation."""
    _require(actor, "add_behangtafelsession")
    _require_owner(actor, session)
    text = _text(text, 1000)
    if not text:
        raise ValidationError(_("Het voorstel is leeg."))
    if not theme.is_active:
        raise ValidationError(_("Dit thema is niet meer actief."))
    if not 0 <= int(support_count) <= 10_000:
        raise ValidationError(_("Het aantal steunbetuigingen is ongeldig."))
    proposal = Proposal.objects.create(session=session, text=text, theme=theme, support_count=int(support_count))
    audit.record_write(actor=actor, action="neighbourhoods.proposal_added", obj=proposal)
    return proposal


@transaction.atomic
def proposal_set_status(*, actor, proposal: Proposal, status: str) -> Proposal:
    """Record the follow-up status of a proposal. Needs change_behangtafelsession."""
    _require(actor, "change_behangtafelsession")
    _require_owner(actor, proposal.session)
    if status not in Proposal.Status.values:
        raise ValidationError(_("Onbekende status."))
    proposal.status = status
    proposal.save(update_fields=["status", "updated_at"])
    audit.record_write(actor=actor, action="neighbourhoods.proposal_status_changed", obj=proposal, summary=status)
    return proposal


@transaction.atomic
def proposal_theme_save(
    *, actor, name: str, order: int = 0, is_active: bool = True, theme: ProposalTheme | None = None
) -> ProposalTheme:
    """Add or edit a behangtafel theme (reference data). Needs change_proposaltheme."""
    _require(actor, "change_proposaltheme")
    name = _text(name, 120)
    if not name:
        raise ValidationError(_("Een thema heeft een naam nodig."))
    if ProposalTheme.objects.filter(name__iexact=name).exclude(pk=getattr(theme, "pk", None)).exists():
        raise ValidationError(_("Dit thema bestaat al."))
    created = theme is None
    theme = theme or ProposalTheme()
    theme.name, theme.order, theme.is_active = name, int(order), bool(is_active)
    theme.save()
    action = "created" if created else "changed"
    audit.record_write(actor=actor, action=f"neighbourhoods.proposal_theme_{action}", obj=theme)
    return theme


# --- Retention periods ---------------------------------------------------


@transaction.atomic
def retention_rule_save(*, actor, rule: RetentionRule, months: int, is_active: bool) -> RetentionRule:
    """Change a retention period (reference data). Needs change_retentionrule.
    The old and new period go into the audit summary (no personal data)."""
    _require(actor, "change_retentionrule")
    try:
        months = int(months)
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("Geef een aantal maanden.")) from exc
    if not 1 <= months <= 240:
        raise ValidationError(_("Een bewaartermijn ligt tussen 1 en 240 maanden."))
    rule = RetentionRule.objects.select_for_update().get(pk=rule.pk)
    summary = f"{rule.code}: {rule.months}->{months}, active {rule.is_active}->{bool(is_active)}"
    rule.months, rule.is_active = months, bool(is_active)
    rule.save(update_fields=["months", "is_active"])
    audit.record_write(actor=actor, action="neighbourhoods.retention_rule_changed", obj=rule, summary=summary)
    return rule
