"""Home-page panel of the action plan (core.home): open plan actions due
within a month or overdue, that the user follows up.

- the coordinator (``plan.manage_plan``) follows up the whole active plan;
- a working-group member who may edit actions sees those of their own
  working groups' strategic objectives that lie with them or, without a
  named owner, with their organisation;
- anyone else only actions that name them as owner — and no panel at all
  when there are none, so the plan does not crowd the home page of people
  who only read it.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from schakel.core.home import ROWS, Panel, Row, register

from . import services
from .models import Action, ActionPlan, PlanGroup
from .selectors import FOLLOWUP, VIEW

HORIZON = timedelta(days=31)


@register("plan_actions", order=40)
def plan_actions_panel(user, *, today):
    if not user.has_perm(VIEW):
        return None
    manages = services.can_manage(user)
    if manages:
        mine = Q()
    elif user.has_perm("plan.change_action"):
        groups = PlanGroup.objects.filter(kind=PlanGroup.Kind.WORKING, members__user=user).values(
            "strategic_objective_id"
        )
        mine = Q(owner_user=user) | Q(
            owner_user__isnull=True,
            owner_organisation_id=user.organisation_id,
            objective__strategic_objective__in=groups,
        )
    else:
        mine = Q(owner_user=user)
    qs = Action.objects.filter(
        mine,
        objective__strategic_objective__plan__status=ActionPlan.Status.ACTIVE,
        status__in=Action.OPEN,
        due_date__lte=today + HORIZON,
    )
    counts = qs.aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=today)))
    if not counts["total"] and not (manages or user.has_perm("plan.change_action")):
        return None
    rows = [
        Row(
            label=a.title,
            url=reverse("plan:action", args=[a.pk]),
            detail=a.get_status_display(),
            due=a.due_date,
            overdue=a.due_date < today,
        )
        for a in qs.order_by("due_date", "pk")[:ROWS]
    ]
    followup = user.has_perm(FOLLOWUP)
    return Panel(
        key="plan_actions",
        title=_("Planacties die binnen een maand vervallen"),
        rows=rows,
        total=counts["total"],
        overdue=counts["overdue"],
        more_url=reverse("plan:dashboard") if followup else reverse("plan:overview"),
        more_label=_("Naar de opvolging") if followup else _("Naar het plan"),
        empty=_("Geen acties die u opvolgt en die binnen een maand vervallen."),
    )
