"""Home-page panel of the audit trail (core.home): who was given which rights
lately, for the DPO.

The functional administrator creates accounts and hands out roles without a
second person approving each grant (ADR 0008: onboarding cannot be made safe
against its own administrator). What makes that acceptable is that every
grant is on the audit trail; this panel puts the grants of the last two weeks
in front of the DPO instead of leaving them for a search. It reads through the
audit selectors, so the DPO sees the grants of their own organisation's
actors (all organisations with ``audit.view_all_organisations``).
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from schakel.core.home import ROWS, Panel, Row, register

from . import labels, selectors
from .models import AuditEvent

WINDOW = timedelta(days=14)
GRANT_ACTIONS = (
    "accounts.user_created",
    "accounts.roles_changed",
    "accounts.role_permissions_changed",
    "accounts.role_assignability_changed",
)


@register("audit_grants", order=80)
def grants_panel(user, *, today):
    if not selectors.can_view_events(user):
        return None
    since = today - WINDOW
    qs = selectors.events_visible_to(user=user, filters=selectors.EventFilters(date_from=since)).filter(
        action__in=GRANT_ACTIONS
    )
    total = qs.count()
    if not total:
        return None
    events_url = reverse("audit:event_list")
    rows = []
    for event in qs.select_related(None).only(
        "id", "at", "action", "actor_label", "object_type", "object_id", "summary"
    )[:ROWS]:
        rows.append(
            Row(
                label=_("%(action)s door %(actor)s")
                % {"action": labels.action_label(event.action), "actor": event.actor_label or _("het systeem")},
                url=f"{events_url}?{urlencode({'object_type': event.object_type, 'object_id': event.object_id})}",
                at=timezone.localtime(event.at),
                detail=labels.summary_label(event.summary),
            )
        )
    return Panel(
        key="audit_grants",
        title=_("Toegekende rechten, laatste 14 dagen"),
        rows=rows,
        total=total,
        count_text=ngettext("%(n)s wijziging", "%(n)s wijzigingen", total) % {"n": total},
        more_url=f"{events_url}?{urlencode({'kind': AuditEvent.Kind.ADMIN, 'date_from': since.strftime('%d-%m-%Y')})}",
        more_label=_("Alle beheerhandelingen in de audittrail"),
    )
