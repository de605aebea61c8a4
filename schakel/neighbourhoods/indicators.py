"""Computed indicators for the plan (contract: schakel.plan.computed).

Every function is a pure, aggregate-only read over [start, end] (dates
inclusive) and returns None when there is nothing to measure (no data of that
kind in the period, or an unknown area code).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from .models import Proposal, QrtActivity, Walk


def _area_filter(params: dict, prefix: str = "area__code"):
    code = (params or {}).get("area")
    if not code:
        return Q(), True
    from schakel.places.models import Area

    return Q(**{prefix: code}), Area.objects.filter(code=code).exists()


def _q(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def presence_hours(*, start: date, end: date, params: dict) -> Decimal | None:
    area_q, known = _area_filter(params)
    if not known:
        return None
    qs = QrtActivity.objects.filter(area_q, date__range=(start, end))
    if not qs.exists():
        return None
    minutes = qs.filter(kind=QrtActivity.Kind.PRESENCE).aggregate(m=Sum("duration_minutes"))["m"] or 0
    return _q(Decimal(minutes) / 60)


def residents_informed(*, start: date, end: date, params: dict) -> Decimal | None:
    area_q, known = _area_filter(params)
    if not known:
        return None
    qs = QrtActivity.objects.filter(
        area_q, date__range=(start, end), kind=QrtActivity.Kind.INFORMING, incident__isnull=False
    )
    agg = qs.aggregate(n=Count("pk"), reached=Sum("residents_reached"))
    return None if not agg["n"] else Decimal(agg["reached"] or 0)


def cleanups_repairs(*, start: date, end: date, params: dict) -> Decimal | None:
    area_q, known = _area_filter(params)
    if not known:
        return None
    kinds = [QrtActivity.Kind.CLEAN_UP, QrtActivity.Kind.REPAIR]
    if params.get("kind") in kinds:
        kinds = [params["kind"]]
    qs = QrtActivity.objects.filter(area_q, date__range=(start, end))
    if not qs.exists():
        return None
    return Decimal(qs.filter(kind__in=kinds).count())


def walk_score_mean(*, start: date, end: date, params: dict) -> Decimal | None:
    area_q, known = _area_filter(params)
    if not known:
        return None
    mean = Walk.objects.filter(area_q, date__range=(start, end), score__isnull=False).aggregate(m=Avg("score"))["m"]
    return None if mean is None else _q(mean)


def proposals_followed_up(*, start: date, end: date, params: dict) -> Decimal | None:
    area_q, known = _area_filter(params, "session__area__code")
    if not known:
        return None
    agg = Proposal.objects.filter(area_q, session__date__range=(start, end)).aggregate(
        n=Count("pk"), done=Count("pk", filter=~Q(status=Proposal.Status.NEW))
    )
    return None if not agg["n"] else _q(Decimal(agg["done"]) * 100 / agg["n"])


QUERIES = [
    (
        "neighbourhoods.presence_hours",
        _("Aanwezigheidsuren QRT"),
        "Sum of the duration of QRT presence rounds in the period, in hours; params: area (area code, optional). "
        "None when the QRT logged nothing in the period.",
        "uur",
        presence_hours,
    ),
    (
        "neighbourhoods.residents_informed",
        _("Bewoners geïnformeerd binnen incidentcirkels"),
        "Sum of residents reached by 'informing residents' activities linked to an incident; params: area (optional).",
        "bewoners",
        residents_informed,
    ),
    (
        "neighbourhoods.cleanups_repairs",
        _("Opruimacties en herstellingen"),
        "Number of clean-up and damage-repair activities; params: area (optional), kind ('clean_up' or 'repair').",
        "acties",
        cleanups_repairs,
    ),
    (
        "neighbourhoods.walk_score_mean",
        _("Gemiddelde wijkschouwscore"),
        "Mean area score (0-100, see docs/neighbourhoods.md) of the scored walks; params: area (optional).",
        "score 0-100",
        walk_score_mean,
    ),
    (
        "neighbourhoods.proposals_followed_up",
        _("Behangtafelvoorstellen opgevolgd"),
        "Percentage of proposals of behangtafel sessions in the period whose status is no longer 'new'; "
        "params: area (optional).",
        "%",
        proposals_followed_up,
    ),
]


def register_all() -> None:
    try:
        from schakel.plan.computed import ComputedQuery, register
    except ImportError:  # the plan app's registry is not there (yet)
        return
    for key, label, description, unit, func in QUERIES:
        register(ComputedQuery(key=key, label=label, description=description, unit=unit, func=func))
