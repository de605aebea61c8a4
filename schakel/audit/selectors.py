"""Reading the audit trail: what a data-protection officer may see.

A DPO sees the events of actors of their own organisation and the events
without an organisation (e.g. failed logins of unknown accounts). Holding
``audit.view_all_organisations`` as well lifts the organisation limit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from schakel.accounts.models import Organisation

from . import labels
from .models import AuditEvent

BRUSSELS = ZoneInfo("Europe/Brussels")
PAGE_SIZE = 50


@dataclass(frozen=True)
class EventFilters:
    """Validated filter values (all optional). Dates are Brussels calendar days, inclusive."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    kind: str = ""
    action: str = ""
    actor: str = ""
    organisation: Organisation | None = None
    object_type: str = ""
    object_id: str = ""

    def used(self) -> list[str]:
        """Names of the filters in use (no values: those may be personal data)."""
        return [name for name, value in vars(self).items() if value not in (None, "")]


def can_view_events(user) -> bool:
    return user.is_authenticated and user.has_perm("audit.view_auditevent")


def sees_all_organisations(user) -> bool:
    return user.has_perm("audit.view_all_organisations")


def organisations_for_filter(*, user) -> QuerySet[Organisation]:
    """Organisations the user may filter on: all, or only their own."""
    qs = Organisation.objects.order_by("name")
    if not sees_all_organisations(user):
        qs = qs.filter(pk=user.organisation_id) if user.organisation_id else qs.none()
    return qs


def _start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=BRUSSELS)


def events_visible_to(*, user, filters: EventFilters | None = None) -> QuerySet[AuditEvent]:
    """The events ``user`` may see, filtered, newest first. Raises PermissionDenied
    for users without ``audit.view_auditevent``."""
    if not can_view_events(user):
        raise PermissionDenied
    qs = AuditEvent.objects.select_related("organisation", "recipient_organisation").order_by("-id")
    if not sees_all_organisations(user):
        scope = Q(organisation__isnull=True)
        if user.organisation_id:
            scope |= Q(organisation_id=user.organisation_id)
        qs = qs.filter(scope)
    f = filters or EventFilters()
    if f.date_from:
        qs = qs.filter(at__gte=_start_of_day(f.date_from))
    if f.date_to:
        qs = qs.filter(at__lt=_start_of_day(f.date_to + dt.timedelta(days=1)))
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.action:
        # The code as stored, or the words of its Dutch label shown on the page.
        matching = labels.action_codes_matching(f.action)
        condition = Q(action__icontains=f.action)
        if matching:
            condition |= Q(action__in=matching)
        qs = qs.filter(condition)
    if f.actor:
        qs = qs.filter(actor_label__icontains=f.actor)
    if f.organisation is not None:
        qs = qs.filter(organisation=f.organisation)
    if f.object_type:
        qs = qs.filter(object_type__iexact=f.object_type)
    if f.object_id:
        qs = qs.filter(object_id=f.object_id)
    return qs


@dataclass(frozen=True)
class EventPage:
    events: list[AuditEvent]
    newer_than: int | None  # "after" cursor for the newer page, None on the first page
    older_than: int | None  # "before" cursor for the older page, None on the last page


def event_page(qs: QuerySet[AuditEvent], *, before: int | None = None, after: int | None = None) -> EventPage:
    """Keyset pagination on the id (ids follow the chain, so newest first by id).
    No COUNT(*): the log grows without bound. One query per page."""
    if after is not None:
        rows = list(qs.filter(id__gt=after).order_by("id")[: PAGE_SIZE + 1])
        has_newer = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE][::-1]
        has_older = bool(rows)  # we came from an older page
    else:
        if before is not None:
            qs = qs.filter(id__lt=before)
        rows = list(qs[: PAGE_SIZE + 1])
        has_older = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        has_newer = before is not None and bool(rows)
    return EventPage(
        events=rows,
        newer_than=rows[0].id if rows and has_newer else None,
        older_than=rows[-1].id if rows and has_older else None,
    )
