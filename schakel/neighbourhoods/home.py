"""Home-page panels of the neighbourhoods app (core.home), for the QRT on the
street and whoever follows its work up:

- the recent incidents (last 30 days) with, for each, how many QRT
  activities of the user's own organisation are linked to it, so an incident
  nobody has followed up yet stands out ("nog geen QRT-activiteit"); the
  panel's count ("n open") is the number of those incidents;
- the open follow-up actions of the organisation's wijkschouwingen, for
  whoever may change their status.

Both read through the app's selectors (incidents are shared between the
partners, the QRT log and the walks stay within the organisation), show no
internal notes or police reference, and are absent when there is nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from schakel.core.home import ROWS, Panel, Row, register

from . import selectors
from .models import FollowUpAction, Incident

RECENT_DAYS = 30


@register("neighbourhoods_incidents", order=50)
def incidents_panel(user, *, today):
    # The panel is about the QRT's work around incidents: without the QRT log
    # (the police, say) every incident would read "no QRT activity yet".
    if not (user.has_perm("neighbourhoods.view_incident") and user.has_perm("neighbourhoods.view_qrtactivity")):
        return None
    since = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=RECENT_DAYS), dt.time.min))
    qs = selectors.incidents_recent_with_qrt_count(user, since=since)
    counts = qs.aggregate(recent=Count("pk"), waiting=Count("pk", filter=Q(n_qrt=0)))
    if not counts["recent"]:
        return None
    kinds = dict(Incident.Kind.choices)
    rows = []
    # values(): only the fields shown, never the internal notes or police reference.
    for i in qs.values("pk", "kind", "location_label", "occurred_at", "n_qrt")[:ROWS]:
        n = i["n_qrt"]
        rows.append(
            Row(
                label=f"{kinds.get(i['kind'], i['kind'])} – {i['location_label']}",
                url=reverse("neighbourhoods:incident_detail", args=[i["pk"]]),
                at=timezone.localtime(i["occurred_at"]),
                detail=ngettext("%(n)s QRT-activiteit", "%(n)s QRT-activiteiten", n) % {"n": n} if n else "",
                flag="" if n else _("nog geen QRT-activiteit"),
            )
        )
    return Panel(
        key="neighbourhoods_incidents",
        title=_("Incidenten van de laatste 30 dagen"),
        rows=rows,
        # The incidents that wait for their first QRT activity.
        total=counts["waiting"],
        count_text=ngettext("%(n)s zonder QRT-activiteit", "%(n)s zonder QRT-activiteit", counts["waiting"])
        % {"n": counts["waiting"]},
        more_url=reverse("neighbourhoods:incident_list"),
        more_label=_("Naar de incidenten"),
    )


@register("neighbourhoods_followups", order=51)
def followups_panel(user, *, today):
    # followups_open_visible_to is empty without view_walk and change_followupaction.
    if not user.has_perm("neighbourhoods.change_followupaction"):
        return None
    qs = selectors.followups_open_visible_to(user)
    total = qs.aggregate(n=Count("pk"))["n"]
    if not total:
        return None
    rows = []
    for a in qs.order_by("created_at", "pk")[:ROWS]:
        walk = a.walk
        where = walk.area.name if walk.area_id else walk.route
        detail = " · ".join(
            part
            for part in (
                where,
                formats.date_format(walk.date, "d-m-Y"),
                a.get_status_display() if a.status == FollowUpAction.Status.IN_PROGRESS else "",
            )
            if part
        )
        rows.append(
            Row(
                label=f"{a.service} · {Truncator(a.description).chars(80)}",
                url=reverse("neighbourhoods:walk_detail", args=[walk.pk]),
                detail=detail,
            )
        )
    return Panel(
        key="neighbourhoods_followups",
        title=_("Open opvolgacties van wijkschouwingen"),
        rows=rows,
        total=total,
        more_url=reverse("neighbourhoods:walk_list"),
        more_label=_("Naar de wijkschouwingen"),
    )
