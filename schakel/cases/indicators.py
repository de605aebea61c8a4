"""Computed indicators for the plan (contract: ``schakel.plan.computed``).

Each function is a pure, aggregate read: counts and durations only, no
personal data and no free text, ``None`` when there is nothing to measure.
"""

from __future__ import annotations

import datetime as dt
import statistics
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Case, CaseType, ExitGoal, Intervention


def _bounds(start: dt.date, end: dt.date):
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return lo, hi


def cases_open(*, start: dt.date, end: dt.date, params: dict) -> Decimal | None:
    """Cases registered before the end of the period and not closed before its
    start; params: ``type`` (obh/youth/other), ``status`` (current status), optional."""
    lo, hi = _bounds(start, end)
    qs = Case.objects.filter(registered_at__lt=hi).exclude(closed_at__lt=lo)
    if params.get("type"):
        qs = qs.filter(case_type=params["type"])
    if params.get("status"):
        qs = qs.filter(status=params["status"])
    if not Case.objects.exists():
        return None
    return Decimal(qs.count())


def cases_registered(*, start: dt.date, end: dt.date, params: dict) -> Decimal | None:
    """New cases registered in the period; params: ``type`` optional."""
    lo, hi = _bounds(start, end)
    qs = Case.objects.filter(registered_at__gte=lo, registered_at__lt=hi)
    if params.get("type"):
        qs = qs.filter(case_type=params["type"])
    if not Case.objects.exists():
        return None
    return Decimal(qs.count())


def median_days_to_plan(*, start: dt.date, end: dt.date, params: dict) -> Decimal | None:
    """Median days from registration to plan of approach, over cases that
    reached the plan in the period; params: ``type`` optional."""
    lo, hi = _bounds(start, end)
    qs = Case.objects.filter(plan_at__gte=lo, plan_at__lt=hi)
    if params.get("type"):
        qs = qs.filter(case_type=params["type"])
    days = [(p - r).total_seconds() / 86400 for r, p in qs.values_list("registered_at", "plan_at")]
    if not days:
        return None
    return Decimal(str(round(statistics.median(days), 1)))


def interventions_started(*, start: dt.date, end: dt.date, params: dict) -> Decimal | None:
    """Interventions added to plans of approach in the period; params: ``track`` optional."""
    lo, hi = _bounds(start, end)
    qs = Intervention.objects.filter(created_at__gte=lo, created_at__lt=hi)
    if params.get("track"):
        qs = qs.filter(track=params["track"])
    if not Case.objects.exists():
        return None
    return Decimal(qs.count())


def youth_cases_with_exit_plan(*, start: dt.date, end: dt.date, params: dict) -> Decimal | None:
    """Youth cases open in the period that have an exit plan (at least one goal)."""
    lo, hi = _bounds(start, end)
    youth = Case.objects.filter(case_type=CaseType.YOUTH, registered_at__lt=hi).exclude(closed_at__lt=lo)
    if not youth.exists():
        return None
    with_plan = youth.filter(pk__in=ExitGoal.objects.filter(created_at__lt=hi).values("case_id")).count()
    return Decimal(with_plan)


INDICATORS = [
    ("cases.cases_open", _("Lopende casussen"), "casussen", cases_open, cases_open.__doc__),
    ("cases.cases_registered", _("Nieuwe casussen"), "casussen", cases_registered, cases_registered.__doc__),
    (
        "cases.median_days_to_plan",
        _("Mediane doorlooptijd tot plan van aanpak"),
        "dagen",
        median_days_to_plan,
        median_days_to_plan.__doc__,
    ),
    (
        "cases.interventions_started",
        _("Interventies per spoor"),
        "interventies",
        interventions_started,
        interventions_started.__doc__,
    ),
    (
        "cases.youth_cases_with_exit_plan",
        _("Jongerencasussen met exitplan"),
        "casussen",
        youth_cases_with_exit_plan,
        youth_cases_with_exit_plan.__doc__,
    ),
]


def register_all() -> bool:
    """Register with the plan's registry when it exists (it is built in parallel)."""
    try:
        from schakel.plan.computed import ComputedQuery, register
    except ImportError:
        return False
    for key, label, unit, func, doc in INDICATORS:
        register(ComputedQuery(key=key, label=label, description=" ".join(doc.split()), unit=unit, func=func))
    return True
