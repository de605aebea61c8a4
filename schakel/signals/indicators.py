"""Computed indicators for the plan (see schakel/plan/computed.py).

All are aggregate-only reads over signals *received* in [start, end]."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from statistics import median

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Signal


def _period(start: date, end: date):
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end, time.max), tz),
    )


def _received(start, end, params) -> models.QuerySet[Signal]:  # noqa: F821
    lo, hi = _period(start, end)
    qs = Signal.objects.filter(created_at__range=(lo, hi))
    code = (params or {}).get("category")
    if code:
        qs = qs.filter(Q(category__code=code) | Q(category__parent__code=code))
    return qs


def signals_received(*, start: date, end: date, params: dict) -> Decimal | None:
    """Number of signals received; params: category (code, optional; a main
    category includes its subcategories)."""
    return Decimal(_received(start, end, params).count())


def signals_per_channel(*, start: date, end: date, params: dict) -> Decimal | None:
    """Number of signals received through one channel; params: channel
    (staff, partner, sector or api; required)."""
    channel = (params or {}).get("channel")
    if channel not in Signal.Channel.values:
        return None
    return Decimal(_received(start, end, params).filter(channel=channel).count())


def median_hours_to_triage(*, start: date, end: date, params: dict) -> Decimal | None:
    """Median hours from receipt to triage decision for signals received in
    the period and triaged; None if none was triaged."""
    rows = _received(start, end, params).filter(triaged_at__isnull=False).values_list("created_at", "triaged_at")
    hours = [(t - c).total_seconds() / 3600 for c, t in rows]
    return Decimal(str(round(median(hours), 2))) if hours else None


def share_triaged_in_time(*, start: date, end: date, params: dict) -> Decimal | None:
    """Percentage of triaged signals (received in the period) triaged before
    their category deadline; None if none was triaged."""
    qs = _received(start, end, params).filter(triaged_at__isnull=False)
    total = qs.count()
    if not total:
        return None
    in_time = qs.filter(triaged_at__lte=models_F("triage_due_at")).count()
    return Decimal(in_time * 100) / Decimal(total)


def models_F(name):
    from django.db.models import F

    return F(name)


def register_all() -> None:
    from schakel.plan.computed import ComputedQuery, register

    register(
        ComputedQuery(
            key="signals.received",
            label=_("Aantal ontvangen signalen"),
            description="Signals received in the period; params: category (code, optional, includes subcategories).",
            unit="signalen",
            func=signals_received,
        )
    )
    register(
        ComputedQuery(
            key="signals.per_channel",
            label=_("Signalen per meldkanaal"),
            description="Signals received through one channel; params: channel (staff|partner|sector|api, required).",
            unit="signalen",
            func=signals_per_channel,
        )
    )
    register(
        ComputedQuery(
            key="signals.median_hours_to_triage",
            label=_("Mediane doorlooptijd tot triage"),
            description="Median hours from receipt to the triage decision; params: category (optional).",
            unit="uur",
            func=median_hours_to_triage,
        )
    )
    register(
        ComputedQuery(
            key="signals.triaged_in_time_pct",
            label=_("Aandeel tijdig getrieerd"),
            description="Percentage of triaged signals triaged before the category deadline; params: category (optional).",
            unit="%",
            func=share_triaged_in_time,
        )
    )
