"""Home-page panels of the action plan (core.home).

The state of the plan, for everyone who reads the follow-up (the core group
above all: it is what they come for): per strategic objective the average
progress, the actions done and overdue, and how many indicators miss their
target, from the same figures as the follow-up page.

Open plan actions due within a month or overdue, that the user follows up:

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
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from schakel.core.home import ROWS, Panel, Row, register

from . import selectors, services
from .models import Action, ActionPlan, Indicator, PlanGroup
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


@register("plan_status", order=39)
def plan_status_panel(user, *, today):
    if not user.has_perm(FOLLOWUP):
        return None
    try:
        plan = selectors.plan_for(user, perm=FOLLOWUP)  # the one the follow-up page opens on
    except Http404:
        return None
    # The follow-up page's own figures (a fixed number of queries).
    sds = selectors.plan_tree(plan)
    indicators = selectors.indicators_with_series(Indicator.objects.filter(plan=plan))
    off_target = sum(1 for i in indicators if i.on_target is False)
    dashboard = f"{reverse('plan:dashboard')}?plan={plan.code}"
    rows = []
    for sd in sds:
        stats = sd.stats
        if stats.progress is None:
            detail = _("nog geen acties")
        else:
            detail = _("voortgang %(progress)s %% · %(done)s van %(total)s acties afgerond") % {
                "progress": stats.progress,
                "done": stats.done,
                "total": stats.total - stats.cancelled,
            }
        if stats.overdue:
            detail += " · " + _("%(n)s over tijd") % {"n": stats.overdue}
        rows.append(Row(label=f"{sd.code} – {sd.title}", url=dashboard, detail=detail))
    if off_target:
        rows.append(
            Row(
                label=_("Indicatoren niet op streefwaarde: %(n)s van %(total)s")
                % {"n": off_target, "total": len(indicators)},
                url=f"{dashboard}#off-target",
            )
        )
    return Panel(
        key="plan_status",
        title=_("Stand van het actieplan"),
        rows=rows,
        more_url=dashboard,
        more_label=_("Naar de opvolging"),
        empty=_("Het actieplan heeft nog geen strategische doelstellingen."),
    )
