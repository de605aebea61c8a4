"""The plan's own computed indicators, registered in PlanConfig.ready().

All three are aggregate counts over actions, evaluated "as of" the end of the
period: an action counts as done when it was completed on or before ``end``.
Params: ``plan`` (plan code, filled in by indicators_compute), ``objective``
(an OD or SD code, optional).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .computed import ComputedQuery, register


def _actions(params: dict) -> QuerySet:
    from .models import Action

    qs = Action.objects.all()
    if params.get("plan"):
        qs = qs.filter(objective__strategic_objective__plan__code=params["plan"])
    code = params.get("objective")
    if code:
        qs = qs.filter(Q(objective__code=code) | Q(objective__strategic_objective__code=code))
    return qs


def _done_by(end: date) -> Q:
    return Q(status="afgerond", completed_on__lte=end)


def _overdue_at(end: date) -> Q:
    # Due before the end of the period and not done by then (cancelled actions excluded).
    return Q(due_date__lt=end) & ~Q(status="geschrapt") & ~_done_by(end)


def actions_done(*, start: date, end: date, params: dict) -> Decimal | None:
    qs = _actions(params)
    if not qs.exists():
        return None
    return Decimal(qs.filter(_done_by(end)).count())


def actions_overdue(*, start: date, end: date, params: dict) -> Decimal | None:
    qs = _actions(params)
    if not qs.exists():
        return None
    return Decimal(qs.filter(_overdue_at(end)).count())


def actions_on_schedule_share(*, start: date, end: date, params: dict) -> Decimal | None:
    """Percentage of (not cancelled) actions that are done or not yet overdue."""
    qs = _actions(params).exclude(status="geschrapt")
    total = qs.count()
    if total == 0:
        return None
    late = qs.filter(_overdue_at(end)).count()
    return (Decimal(total - late) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def register_plan_queries() -> None:
    register(
        ComputedQuery(
            key="plan.actions_on_schedule_share",
            label=_("Aandeel acties op schema"),
            description="Share (%) of not-cancelled actions that are done or not overdue at the end of the period; "
            "params: objective (OD or SD code, optional).",
            unit="%",
            func=actions_on_schedule_share,
        )
    )
    register(
        ComputedQuery(
            key="plan.actions_done",
            label=_("Afgeronde acties"),
            description="Number of actions completed on or before the end of the period; "
            "params: objective (OD or SD code, optional).",
            unit="acties",
            func=actions_done,
        )
    )
    register(
        ComputedQuery(
            key="plan.actions_overdue",
            label=_("Acties over tijd"),
            description="Number of actions due before the end of the period and not done by then (cancelled "
            "excluded); params: objective (OD or SD code, optional).",
            unit="acties",
            func=actions_overdue,
        )
    )
