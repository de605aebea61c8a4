"""Reads of the signals app. Every selector takes the user and returns only
what that user may see.

Who sees a signal:
- its reporter: the status and the feedback, never the handling;
- members of a team that had it in their queue, with ``signals.triage_signal``;
- holders of ``signals.view_all_signals``: every non-youth signal;
- youth signals (category flagged youth, or a signal of any category that the
  triage sent into the youth early-detection process): only with
  ``signals.view_youth_signal`` on top of the above (the OSP), whatever else
  the user holds. ``youth_q`` is that one definition (``Signal.is_youth`` is
  the same for one row); every list and ``signal_get_for`` go through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from schakel.places import geo

from .models import Category, FeedbackReview, Invitation, Signal, SignalAccess

FULL = "full"
STATUS_ONLY = "status"


def _base() -> QuerySet[Signal]:
    return Signal.objects.select_related("category__parent", "team__organisation", "area", "address__street")


def youth_q() -> Q:
    """Youth signals (ADR 0302 and its amendment 1): a youth category, or a
    youth early-detection process started for the signal."""
    return Q(youth_instance__isnull=False) | Q(category__is_youth=True) | Q(category__parent__is_youth=True)


def _category_youth_q() -> Q:
    return Q(is_youth=True) | Q(parent__is_youth=True)


def handling_q(user) -> Q:
    """Signals the user may see in full (not as reporter)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    q = Q(pk__in=[])
    if user.has_perm("signals.triage_signal"):
        teams = user.units.values("pk")
        q |= Exists(SignalAccess.objects.filter(signal=OuterRef("pk"), team__in=teams))
    if user.has_perm("signals.view_all_signals"):
        q |= ~youth_q()
    if not user.has_perm("signals.view_youth_signal"):
        q &= ~youth_q()
    return q


def signals_visible_to(user) -> QuerySet[Signal]:
    """Signals the user may see in full."""
    return _base().filter(handling_q(user))


def signal_get_for(*, user, pk) -> tuple[Signal, str]:
    """(signal, FULL or STATUS_ONLY); Http404 for missing and not allowed alike."""
    if not user.is_authenticated:
        raise Http404
    signal = _base().select_related("instance__definition", "youth_instance__definition").filter(pk=pk).first()
    if signal is None:
        raise Http404
    if Signal.objects.filter(pk=signal.pk).filter(handling_q(user)).exists():
        return signal, FULL
    if signal.reporter_id == user.pk:
        return signal, STATUS_ONLY
    raise Http404


def my_signals(user) -> QuerySet[Signal]:
    """The user's own reports (status only)."""
    return Signal.objects.select_related("category__parent").filter(reporter=user).order_by("-created_at")


@dataclass
class QueueFilters:
    category: Category | None = None
    status: str = ""
    overdue: bool = False
    team: int | None = None


def queue_for(
    user,
    filters: QueueFilters | None = None,
    *,
    categories: list[Category] | None = None,
    teams: list[int] | None = None,
) -> QuerySet[Signal]:
    """Signals with an open step in one of the user's teams, nearest deadline first.

    ``categories`` (all categories, parents loaded) and ``teams`` (the user's
    unit ids) may be passed by a caller that already read them."""
    filters = filters or QueueFilters()
    if not user.is_authenticated or not user.has_perm("signals.triage_signal"):
        return Signal.objects.none()
    if teams is None:
        teams = list(user.units.values_list("pk", flat=True))
    # Lean on purpose (measured at 1 M signals, docs/bench-signals.md): only
    # the columns the queue shows, and the youth exclusion as an id list from
    # the small category table instead of a join, so the count and the page
    # read the partial index "signals_queue_open".
    qs = (
        Signal.objects.select_related("category__parent", "team", "area")
        .only(
            "pk",
            "created_at",
            "status",
            "current_task",
            "task_due_at",
            "triage_due_at",
            "reminded_at",
            "category",
            "team",
            "area",
            "category__parent",
            "category__name",
            "category__is_youth",
            "category__parent__name",
            "category__parent__is_youth",
            "youth_instance",
            "team__name",
            "area__name",
        )
        .filter(team__in=teams)
        .exclude(current_task="")
    )
    if not user.has_perm("signals.view_youth_signal"):
        if categories is not None:
            youth_ids = [c.pk for c in categories if c.youth]
        else:
            youth_ids = list(Category.objects.filter(_category_youth_q()).values_list("pk", flat=True))
        # A signal handed to the youth process is youth whatever its category.
        qs = qs.exclude(category_id__in=youth_ids).filter(youth_instance__isnull=True)
    if filters.team:
        qs = qs.filter(team=filters.team)
    if filters.category and categories is not None:
        qs = qs.filter(category_id__in=[c.pk for c in categories if filters.category.pk in (c.pk, c.parent_id)])
    elif filters.category:
        qs = qs.filter(Q(category=filters.category) | Q(category__parent=filters.category))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.overdue:
        qs = qs.filter(task_due_at__lt=timezone.now())
    return qs.order_by("task_due_at", "triage_due_at", "pk")


def related_signals(*, user, signal: Signal, radius_m: float = 250, months: int = 12) -> list[Signal]:
    """Visible signals of the same category within ``radius_m`` and ``months``,
    or at the same address. Uses the places grid cells as prefilter."""
    since = signal.created_at - timedelta(days=int(months * 30.44))
    q = Q(pk__in=[])
    if signal.address_id:
        q |= Q(address_id=signal.address_id)
    if signal.x is not None:
        cells = Q()
        for lo, hi in geo.cell_ranges(signal.x, signal.y, radius_m):
            cells |= Q(cell__range=(lo, hi))
        q |= Q(cells, category=signal.category, created_at__gte=since)
    rows = list(signals_visible_to(user).filter(q).exclude(pk=signal.pk).order_by("-created_at")[:50])
    result = []
    for other in rows:
        if other.address_id and other.address_id == signal.address_id:
            other.relation = "address"
            result.append(other)
        elif other.x is not None and signal.x is not None and geo.distance_m(other, signal) <= radius_m:
            other.relation = "nearby"
            result.append(other)
    return result[:20]


def map_points(user) -> list[dict]:
    """Non-youth signals with a location (youth signals, also those in the
    youth process, are never mapped, not even for the OSP)."""
    rows = (
        signals_visible_to(user)
        .exclude(youth_q())
        .exclude(lat__isnull=True)
        .order_by("-created_at")
        .values("pk", "lat", "lon", "category__name", "status")[:2000]
    )
    return list(rows)


def in_tree_order(qs: QuerySet[Category]) -> QuerySet[Category]:
    """Categories as a tree: each main category, then its subcategories, each
    level by (order, name). Categories have two levels."""
    return qs.select_related("parent").order_by(
        Coalesce("parent__order", "order"),
        Coalesce("parent__name", "name"),
        F("parent").asc(nulls_first=True),
        "order",
        "name",
    )


def categories_for_select() -> QuerySet[Category]:
    return in_tree_order(Category.objects.filter(active=True))


def linked_cases_for(*, user, signal: Signal) -> list:
    """The cases ``signal`` is linked to now that ``user`` may see, through the
    cases app's own access check (``cases_visible_to``): a case the user is not
    a member of is not mentioned at all, not even its reference."""
    from schakel.cases import selectors as case_selectors
    from schakel.cases.models import CaseSignalLink

    case_ids = set(CaseSignalLink.objects.filter(signal_id=signal.pk).values_list("case_id", flat=True))
    if not case_ids:
        return []
    visible = case_selectors.cases_visible_to(user=user).filter(pk__in=case_ids).order_by("pk")
    return [case for case in visible if signal.pk in case_selectors.linked_signal_ids(case=case)]


def feedback_pending_for(user) -> QuerySet[Signal]:
    """Written feedback waiting for review, on signals the user sees in full;
    empty without ``signals.review_feedback``. Oldest first."""
    if not user.is_authenticated or not user.has_perm("signals.review_feedback"):
        return Signal.objects.none()
    return (
        Signal.objects.filter(handling_q(user))
        .filter(feedback_review=FeedbackReview.PENDING)
        .select_related("category__parent", "feedback_proposed_by")
        .order_by("closed_at", "pk")
    )


def invitations_revocable_by(user) -> QuerySet[Invitation]:
    """Invitation links ``user`` may revoke: those issued by the user or by a
    member of one of the user's units (the OSP's school links stay with the
    OSP); every link for the functional administrator
    (``signals.manage_signal_settings``), as an emergency stop for a leaked
    link. Needs ``signals.manage_invitation``."""
    from schakel.accounts.models import User

    if not user.is_authenticated or not user.has_perm("signals.manage_invitation"):
        return Invitation.objects.none()
    if user.has_perm("signals.manage_signal_settings"):
        return Invitation.objects.all()
    mates = User.units.through.objects.filter(user_id=OuterRef("created_by_id"), unit_id__in=user.units.values("pk"))
    return Invitation.objects.filter(Q(created_by=user) | Exists(mates))
