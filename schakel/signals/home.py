"""Home-page panel: the signals waiting on a step in the user's teams (core.home)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schakel.core.home import ROWS, Panel, Row, register

from . import selectors
from .models import Signal


@register("signals_queue", order=10)
def queue_panel(user, *, today):
    if not user.has_perm("signals.triage_signal"):
        return None
    now = timezone.now()
    # The queue's own selector: the user's teams, youth signals only for the OSP.
    qs = selectors.queue_for(user, teams=list(user.units.values_list("pk", flat=True)))
    counts = qs.aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(task_due_at__lt=now)))
    rows = []
    for r in qs.values("pk", "current_task", "task_due_at", "category__name")[:ROWS]:
        due = r["task_due_at"]
        rows.append(
            Row(
                label=f"S-{r['pk']:06d} · {r['category__name']}",
                url=reverse("signals:detail", args=[r["pk"]]),
                detail=r["current_task"],
                due=timezone.localtime(due).date() if due else None,
                overdue=bool(due and due < now),
            )
        )
    return Panel(
        key="signals_queue",
        title=_("Signalen die op uw team wachten"),
        rows=rows,
        total=counts["total"],
        overdue=counts["overdue"],
        more_url=reverse("signals:queue"),
        more_label=_("Naar de wachtrij"),
        empty=_("Er wacht niets op uw team."),
    )


@register("signals_feedback", order=11)
def feedback_panel(user, *, today):
    """Written feedback that waits for this reviewer (four eyes: not their
    own texts). Shown only when there is some."""
    if not user.has_perm("signals.review_feedback"):
        return None
    qs = selectors.feedback_pending_for(user).exclude(feedback_proposed_by=user)
    total = qs.count()
    if not total:
        return None
    rows = [
        Row(
            label=f"S-{s.pk:06d} · {s.category.name}",
            url=reverse("signals:detail", args=[s.pk]),
            detail=_("voorgesteld door %(name)s") % {"name": s.feedback_proposed_by.get_full_name()}
            if s.feedback_proposed_by
            else "",
        )
        for s in qs[:ROWS]
    ]
    return Panel(
        key="signals_feedback",
        title=_("Terugkoppelingen aan melders na te kijken"),
        rows=rows,
        total=total,
        more_url=reverse("signals:feedback_reviews"),
        more_label=_("Naar de lijst"),
    )


@register("signals_mine", order=12)
def mine_panel(user, *, today):
    """The signals the user reported, as the "Mijn meldingen" page shows them:
    reference, category, status and whether there is feedback to read. Status
    only (issue 5): never the team, the current step, its deadline or notes.
    ``Signal.feedback`` is what the reporter may read — the fixed sentence or
    a written text after someone else approved it (a proposal waits in
    ``feedback_proposed``) — so only that field is looked at, and only as a
    flag: the text is on the signal's status page. Absent for someone who
    never reported anything."""
    # Only the columns shown: the team, step and deadline are not even read.
    qs = selectors.my_signals(user).only(
        "pk",
        "created_at",
        "status",
        "closed_at",
        "youth_instance_id",
        "feedback",
        "category__name",
        "category__is_youth",
        "category__parent__is_youth",
        "category__parent__name",
    )
    signals = list(qs[:ROWS])
    if not signals:
        return None
    # The count is of the reports still being handled (not closed): what a
    # reporter still waits on; the closed ones stay in the rows and the list.
    total = qs.exclude(status__in=(Signal.Status.CLOSED, Signal.Status.CLOSED_NO_FOLLOWUP)).count()
    rows = []
    for s in signals:
        detail = str(s.reporter_status)  # only received / closed for a youth signal
        if s.feedback:
            detail += " · " + _("terugkoppeling ontvangen")
        rows.append(
            Row(label=f"{s.reference} · {s.category}", url=reverse("signals:detail", args=[s.pk]), detail=detail)
        )
    return Panel(
        key="signals_mine",
        title=_("Uw meldingen"),
        rows=rows,
        total=total,
        more_url=reverse("signals:mine"),
        more_label=_("Naar mijn meldingen"),
    )
