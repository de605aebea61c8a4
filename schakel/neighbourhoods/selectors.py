"""Reads of the neighbourhoods app: only what the user may see, with the
related rows fetched in the same query. ``*_get_for`` helpers raise Http404 for
"missing" and "not allowed" alike."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from schakel.places import selectors as places

from .models import (
    BehangtafelSession,
    ChecklistItem,
    ChecklistTemplate,
    FollowUpAction,
    Incident,
    IncidentRevision,
    Proposal,
    QrtActivity,
    QrtActivityRevision,
    Walk,
    WalkScore,
)


def _perm(user, codename: str) -> bool:
    return user.is_authenticated and user.has_perm(f"neighbourhoods.{codename}")


# --- Incidents -------------------------------------------------------------


def incidents_visible_to(user) -> QuerySet[Incident]:
    """Incidents are shared between the partners: everyone with view_incident
    sees all of them (internal notes are a separate permission)."""
    if not _perm(user, "view_incident"):
        return Incident.objects.none()
    return Incident.objects.select_related("address__street", "organisation")


def incident_get_for(*, user, pk: int, perm: str = "view") -> Incident:
    qs = incidents_visible_to(user)
    if perm == "change":
        if not _perm(user, "change_incident"):
            raise Http404
        qs = qs.filter(organisation_id=user.organisation_id)
    try:
        return qs.get(pk=pk)
    except Incident.DoesNotExist as exc:
        raise Http404 from exc


# The incident choice of the QRT log offers the incidents of the last year;
# when that is fewer than LINK_MIN, the LINK_MIN newest ones.
LINK_RECENT_DAYS = 365
LINK_MIN = 50


def incidents_for_linking(user, *, keep_id: int | None = None) -> QuerySet[Incident]:
    """The incidents a QRT activity can be linked to, newest first: those of
    the last year, at least the LINK_MIN newest, and ``keep_id`` (the one an
    edited activity is linked to now) whatever its age."""
    qs = incidents_visible_to(user)
    since = timezone.now() - dt.timedelta(days=LINK_RECENT_DAYS)
    ids = set(qs.filter(occurred_at__gte=since).values_list("pk", flat=True))
    if len(ids) < LINK_MIN:
        ids.update(qs.order_by("-occurred_at", "-pk").values_list("pk", flat=True)[:LINK_MIN])
    if keep_id is not None:
        ids.add(keep_id)
    return qs.filter(pk__in=ids).order_by("-occurred_at", "-pk")


def can_read_internal_notes(user) -> bool:
    return _perm(user, "view_incident_internal_notes")


@dataclass
class Circle:
    incident: Incident
    addresses: QuerySet
    streets: list
    address_count: int


def incident_circle(*, incident: Incident) -> Circle:
    """The impact circle: addresses and streets within the incident's radius."""
    addresses = places.addresses_within_xy(x=incident.x, y=incident.y, radius_m=incident.radius_m)
    streets = places.streets_within(lat=incident.lat, lon=incident.lon, radius_m=incident.radius_m)
    return Circle(incident, addresses, streets, sum(s.count for s in streets))


def overlapping_streets(*, incidents) -> list[tuple[str, int]]:
    """Streets hit by more than one of the given incidents' circles, with the
    number of circles. One query for all circles: the addresses in the union of
    their grid cells, then the exact distance test per candidate circle."""
    from django.db.models import Q

    from schakel.places import geo
    from schakel.places.models import Address

    incidents = list(incidents)
    if len(incidents) < 2:
        return []
    by_cell: dict[int, list] = {}
    q = Q()
    for incident in incidents:
        for lo, hi in geo.cell_ranges(incident.x, incident.y, incident.radius_m):
            q |= Q(cell__range=(lo, hi))
            for cell in range(lo, hi + 1):
                by_cell.setdefault(cell, []).append(incident)
    hit_by: dict[int, set[int]] = {}
    names: dict[int, str] = {}
    rows = Address.objects.filter(q, retired_at__isnull=True).values_list(
        "cell", "x", "y", "street_id", "street__name_nl"
    )
    for cell, x, y, street_id, name in rows.iterator(chunk_size=5000):
        for incident in by_cell.get(cell, ()):
            dx, dy = x - incident.x, y - incident.y
            if dx * dx + dy * dy <= incident.radius_m**2:
                hit_by.setdefault(street_id, set()).add(incident.pk)
                names[street_id] = name
    return sorted(((names[s], len(i)) for s, i in hit_by.items() if len(i) > 1), key=lambda t: (-t[1], t[0]))


# --- History -----------------------------------------------------------------


@dataclass
class HistoryEntry:
    at: dt.datetime
    by: str
    action: str
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (field, old, new)


def _display(model, name: str, value) -> str:
    if value in (None, ""):
        return "—"
    f = model._meta.get_field(name)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if f.get_internal_type() == "DateTimeField":
        try:
            return formats.date_format(timezone.localtime(dt.datetime.fromisoformat(value)), "d-m-Y H:i")
        except (TypeError, ValueError):
            return str(value)
    if f.get_internal_type() == "DateField":
        try:
            return formats.date_format(dt.date.fromisoformat(value), "d-m-Y")
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, float):
        return f"{value:.5f}"
    return str(value)


def _history(revisions, model, *, show_restricted: bool) -> list[HistoryEntry]:
    entries = []
    for rev in revisions:
        changes = dict(rev.changes)
        if show_restricted:
            changes.update(rev.restricted_changes)
        if not changes and rev.action != rev.Action.CREATED:
            continue  # only hidden fields changed: nothing to show this reader
        rows = [
            (str(model._meta.get_field(name).verbose_name), _display(model, name, old), _display(model, name, new))
            for name, (old, new) in changes.items()
        ]
        by = rev.by.get_full_name() if rev.by else _("systeem")
        entries.append(HistoryEntry(rev.at, by, rev.get_action_display(), rows))
    return entries


def incident_history(*, user, incident: Incident) -> list[HistoryEntry]:
    """The incident's appended history, oldest first. Changes of the internal
    notes and police reference appear only for readers of the internal notes;
    an entry that changed nothing else is left out for everyone else."""
    revisions = IncidentRevision.objects.filter(incident=incident).select_related("by")
    return _history(revisions, Incident, show_restricted=can_read_internal_notes(user))


def qrt_activity_history(*, user, activity: QrtActivity) -> list[HistoryEntry]:
    """The activity's appended history (the caller fetched the activity with
    qrt_activity_get_for, so the user may see it)."""
    revisions = QrtActivityRevision.objects.filter(activity=activity).select_related("by")
    return _history(revisions, QrtActivity, show_restricted=True)


# --- QRT -------------------------------------------------------------------


def qrt_activities_visible_to(user) -> QuerySet[QrtActivity]:
    """The QRT log of the user's own organisation, for view_qrtactivity holders."""
    if not _perm(user, "view_qrtactivity"):
        return QrtActivity.objects.none()
    return QrtActivity.objects.filter(organisation_id=user.organisation_id).select_related(
        "address__street", "area", "incident", "created_by"
    )


def qrt_activity_get_for(*, user, pk: int, perm: str = "view") -> QrtActivity:
    if perm == "change" and not _perm(user, "change_qrtactivity"):
        raise Http404
    try:
        return qrt_activities_visible_to(user).get(pk=pk)
    except QrtActivity.DoesNotExist as exc:
        raise Http404 from exc


# --- Wijkschouw --------------------------------------------------------------


def templates_active() -> QuerySet[ChecklistTemplate]:
    return ChecklistTemplate.objects.filter(is_active=True).prefetch_related(
        Prefetch("items", queryset=ChecklistItem.objects.filter(is_active=True))
    )


def walks_visible_to(user) -> QuerySet[Walk]:
    if not _perm(user, "view_walk"):
        return Walk.objects.none()
    return (
        Walk.objects.filter(organisation_id=user.organisation_id)
        .select_related("template", "area")
        .annotate(n_scores=Count("scores", distinct=True), n_actions=Count("actions", distinct=True))
        .order_by("-date", "-pk")
    )


def walk_get_for(*, user, pk: int, perm: str = "view") -> Walk:
    if perm == "change" and not _perm(user, "change_walk"):
        raise Http404
    qs = walks_visible_to(user).prefetch_related(
        Prefetch("template__items", queryset=ChecklistItem.objects.filter(is_active=True)),
        Prefetch("scores", queryset=WalkScore.objects.select_related("item", "created_by", "withdrawn_by")),
        Prefetch("actions", queryset=FollowUpAction.objects.select_related("score__item")),
        "team",
    )
    try:
        return qs.get(pk=pk)
    except Walk.DoesNotExist as exc:
        raise Http404 from exc


def walk_photo_get_for(*, user, walk_pk: int, score_pk: int) -> WalkScore:
    """A score with a photo, of a walk the user may see; Http404 for a
    missing walk, score or photo and for a walk of another organisation."""
    if not _perm(user, "view_walk"):
        raise Http404
    try:
        score = WalkScore.objects.select_related("walk").get(
            pk=score_pk, walk_id=walk_pk, walk__organisation_id=user.organisation_id
        )
    except WalkScore.DoesNotExist as exc:
        raise Http404 from exc
    if not score.photo:
        raise Http404
    return score


def followup_get_for(*, user, pk: int) -> FollowUpAction:
    if not _perm(user, "change_followupaction"):
        raise Http404
    try:
        return FollowUpAction.objects.select_related("walk").get(pk=pk, walk__organisation_id=user.organisation_id)
    except FollowUpAction.DoesNotExist as exc:
        raise Http404 from exc


def area_trend(*, user, area_id: int) -> list[Walk]:
    """Scored walks of one area, oldest first (the trend chart)."""
    return list(walks_visible_to(user).filter(area_id=area_id, score__isnull=False).order_by("date", "pk"))


# --- Behangtafel -------------------------------------------------------------


def _sessions_base(user) -> QuerySet[BehangtafelSession]:
    if not _perm(user, "view_behangtafelsession"):
        return BehangtafelSession.objects.none()
    return BehangtafelSession.objects.filter(organisation_id=user.organisation_id)


def sessions_visible_to(user) -> QuerySet[BehangtafelSession]:
    return _sessions_base(user).select_related("area").annotate(n_proposals=Count("proposals")).order_by("-date", "-pk")


def session_get_for(*, user, pk: int) -> BehangtafelSession:
    qs = sessions_visible_to(user).prefetch_related(
        Prefetch("proposals", queryset=Proposal.objects.select_related("theme")), "team"
    )
    try:
        return qs.get(pk=pk)
    except BehangtafelSession.DoesNotExist as exc:
        raise Http404 from exc


def behangtafel_summary(*, user) -> list[dict]:
    """Per area: sessions, residents, proposals and how many were followed up."""
    sessions = _sessions_base(user)
    per_area = {
        r["area_id"]: r
        for r in sessions.order_by()
        .values("area_id", "area__name")
        .annotate(n=Count("pk", distinct=True), residents=Sum("residents_count"))
    }
    proposals = (
        Proposal.objects.filter(session__in=sessions.values("pk"))
        .order_by()
        .values("session__area_id", "status")
        .annotate(n=Count("pk"))
    )
    for r in per_area.values():
        r.update(proposals=0, followed_up=0)
    for p in proposals:
        row = per_area.get(p["session__area_id"])
        if row is not None:
            row["proposals"] += p["n"]
            if p["status"] != Proposal.Status.NEW:
                row["followed_up"] += p["n"]
    return sorted(per_area.values(), key=lambda r: r["area__name"] or "")


# --- Start page (home.py) ------------------------------------------------------


def incidents_recent_with_qrt_count(user, *, since: dt.datetime) -> QuerySet[Incident]:
    """Incidents the user may see that occurred since ``since``, newest first,
    each annotated ``n_qrt``: the QRT activities of the user's own
    organisation linked to it (only what qrt_activities_visible_to lets the
    user see; 0 without view_qrtactivity). One query, however many rows."""
    from django.db.models import IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    counts = (
        qrt_activities_visible_to(user)
        .filter(incident=OuterRef("pk"))
        .order_by()
        .values("incident")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        incidents_visible_to(user)
        .filter(occurred_at__gte=since)
        .annotate(n_qrt=Coalesce(Subquery(counts, output_field=IntegerField()), 0))
        .order_by("-occurred_at", "-pk")
    )


def followups_open_visible_to(user) -> QuerySet[FollowUpAction]:
    """Open or in-progress follow-up actions of the walks of the user's
    organisation, for users who may both see walks and change follow-up
    actions (as followup_get_for), with the walk and its area fetched."""
    if not (_perm(user, "view_walk") and _perm(user, "change_followupaction")):
        return FollowUpAction.objects.none()
    return FollowUpAction.objects.filter(
        walk__organisation_id=user.organisation_id,
        status__in=(FollowUpAction.Status.OPEN, FollowUpAction.Status.IN_PROGRESS),
    ).select_related("walk__area")
