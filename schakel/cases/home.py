"""Home-page panels of the case consultations (core.home): the open actions
that lie with the user or, unassigned, with the user's organisation, and the
user's next consultations. Only cases the user is a member of count."""

from __future__ import annotations

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schakel.core.home import ROWS, Panel, Row, register

from . import selectors
from .models import ActionItem


@register("cases_actions", order=20)
def actions_panel(user, *, today):
    if not selectors.allowed_types(user):
        return None
    qs = ActionItem.objects.filter(
        Q(owner_user=user) | Q(owner_user__isnull=True, owner_organisation_id=user.organisation_id),
        case__in=selectors.cases_visible_to(user=user),
        status__in=(ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS),
    )
    counts = qs.aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=today)))
    unread = selectors.notifications_for(user=user).count()
    rows = []
    for a in qs.select_related("case", "item").order_by(F("due_date").asc(nulls_last=True), "pk")[:ROWS]:
        url = (
            reverse("cases:meeting_item", args=[a.item.meeting_id, a.item_id])
            if a.item_id
            else reverse("cases:detail", args=[a.case_id])
        )
        rows.append(
            Row(
                label=a.title,
                url=url,
                detail=a.case.reference,
                due=a.due_date,
                overdue=bool(a.due_date and a.due_date < today),
            )
        )
    more_label = _("Naar de casussen")
    if unread:
        more_label = _("Naar de casussen (%(n)s nieuwe meldingen)") % {"n": unread}
    return Panel(
        key="cases_actions",
        title=_("Acties uit casusoverleg voor u of uw organisatie"),
        rows=rows,
        total=counts["total"],
        overdue=counts["overdue"],
        more_url=reverse("cases:list"),
        more_label=more_label,
        empty=_("Er staan geen open acties op uw naam of die van uw organisatie."),
    )


@register("cases_meetings", order=30)
def meetings_panel(user, *, today):
    if not user.has_perm("cases.view_meeting"):
        return None
    upcoming = selectors.meetings_visible_to(user=user).filter(ends_at__gte=timezone.now()).order_by("starts_at", "id")
    rows = [
        Row(
            label=m.title,
            url=reverse("cases:meeting_detail", args=[m.pk]),
            detail=m.location,
            at=timezone.localtime(m.starts_at),
        )
        for m in upcoming[:3]
    ]
    return Panel(
        key="cases_meetings",
        title=_("Uw volgende overleggen"),
        rows=rows,
        total=len(rows),
        more_url=reverse("cases:meeting_list"),
        more_label=_("Alle overleggen"),
        empty=_("Er staat geen overleg gepland waarvoor u bent uitgenodigd."),
    )
