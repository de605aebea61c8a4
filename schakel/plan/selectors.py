"""Reads of the plan. Each ``*_for`` helper fetches and checks in one step and
raises Http404 for both "missing" and "not allowed". Plan data is not personal
data; the only personal data shown are the names of users linked as members,
owners or authors of updates (work context)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone

from .models import (
    Action,
    ActionPlan,
    ActionUpdate,
    GroupMember,
    Indicator,
    Measurement,
    Meeting,
    ObjectiveStatus,
    OperationalObjective,
    PlanGroup,
    StrategicObjective,
)

VIEW = "plan.view_actionplan"
FOLLOWUP = "plan.view_followup"

STATUS_BADGE = {
    "niet_gestart": "",
    "lopend": "badge--ok",
    "behaald": "badge--ok",
    "risico": "badge--danger",
    "geschrapt": "badge--warn",
    "gepland": "",
    "vertraagd": "badge--danger",
    "afgerond": "badge--ok",
}


def _require(user, perm: str) -> None:
    if not (user.is_authenticated and user.has_perm(perm)):
        raise Http404


def plans_for(user):
    _require(user, VIEW)
    return ActionPlan.objects.order_by("-status", "-period_start", "code")


def plan_for(user, code: str | None = None, *, perm: str = VIEW) -> ActionPlan:
    """The plan with ``code``, or the current one (first active plan)."""
    _require(user, perm)
    qs = ActionPlan.objects.select_related("backbone").prefetch_related("partners")
    if code:
        plan = qs.filter(code=code).first()
    else:
        plan = qs.filter(status=ActionPlan.Status.ACTIVE).order_by("period_start", "id").first() or qs.first()
    if plan is None:
        raise Http404
    return plan


def _effective():
    return Measurement.objects.filter(corrected_by__isnull=True)


def plan_tree(plan: ActionPlan) -> list[StrategicObjective]:
    """SD -> OD -> actions, with progress figures, in a fixed number of queries."""
    sds = list(
        StrategicObjective.objects.filter(plan=plan)
        .select_related("working_group")
        .prefetch_related(
            Prefetch(
                "operational_objectives",
                queryset=OperationalObjective.objects.select_related("lead_organisation").prefetch_related(
                    Prefetch("actions", queryset=Action.objects.select_related("owner_organisation"))
                ),
            )
        )
    )
    today = timezone.localdate()
    for sd in sds:
        sd_actions = []
        for od in sd.operational_objectives.all():
            actions = list(od.actions.all())
            for a in actions:
                a.overdue = a.is_overdue(today)
                a.badge = STATUS_BADGE.get(a.status, "")
            od.stats = action_stats(actions, today)
            annotate_objective_status(od, actions, today)
            sd_actions.extend(actions)
        sd.stats = action_stats(sd_actions, today)
        sd.has_derived_status = any(od.status_is_derived for od in sd.operational_objectives.all())
    return sds


def derived_objective_status(actions, today=None) -> str | None:
    """The status an OD's actions point to, or None when it has no live
    (not cancelled) actions. See docs/plan.md, "Status of an operational objective".

    all live actions done                      -> behaald
    one is delayed or past its deadline        -> risico
    one is running, done or has progress       -> lopend
    all planned, no progress                   -> niet_gestart
    """
    today = today or timezone.localdate()
    live = [a for a in actions if a.status != Action.Status.CANCELLED]
    if not live:
        return None
    if all(a.status == Action.Status.DONE for a in live):
        return ObjectiveStatus.ACHIEVED
    if any(a.status == Action.Status.DELAYED or a.is_overdue(today) for a in live):
        return ObjectiveStatus.AT_RISK
    if any(a.status in (Action.Status.RUNNING, Action.Status.DONE) or a.progress > 0 for a in live):
        return ObjectiveStatus.RUNNING
    return ObjectiveStatus.NOT_STARTED


def annotate_objective_status(od: OperationalObjective, actions, today=None) -> OperationalObjective:
    """Attach what every page, the report, the PDF and the XLSX show as the OD's status.

    The stored status is the coordinator's judgement. "Niet gestart" is also the
    default nobody chose, so while it is stored the status follows the actions
    (``status_is_derived``). Any other stored status is shown as chosen; when
    the actions point elsewhere, ``status_disagrees`` lets the pages warn the
    coordinator (not the core-group report: it shows the chosen status)."""
    derived = derived_objective_status(actions, today)
    od.derived_status = derived
    od.derived_status_label = ObjectiveStatus(derived).label if derived else ""
    od.status_is_derived = od.status == ObjectiveStatus.NOT_STARTED and derived is not None
    od.shown_status = derived if od.status_is_derived else od.status
    od.shown_status_label = ObjectiveStatus(od.shown_status).label
    od.status_disagrees = not od.status_is_derived and derived is not None and derived != od.status
    od.badge = STATUS_BADGE.get(od.shown_status, "")
    return od


@dataclass
class ActionStats:
    total: int = 0
    done: int = 0
    overdue: int = 0
    cancelled: int = 0
    progress: int | None = None  # mean progress of not-cancelled actions
    on_schedule: int | None = None  # % of not-cancelled actions not overdue
    by_status: dict = field(default_factory=dict)


def action_stats(actions, today=None) -> ActionStats:
    today = today or timezone.localdate()
    stats = ActionStats(total=len(actions))
    live = [a for a in actions if a.status != Action.Status.CANCELLED]
    stats.cancelled = stats.total - len(live)
    stats.done = sum(1 for a in live if a.status == Action.Status.DONE)
    stats.overdue = sum(1 for a in live if a.is_overdue(today))
    counts = defaultdict(int)
    for a in actions:
        counts[a.status] += 1
    stats.by_status = dict(counts)
    if live:
        stats.progress = round(sum(a.progress for a in live) / len(live))
        stats.on_schedule = round(100 * (len(live) - stats.overdue) / len(live))
    return stats


def objective_for(user, pk: int) -> OperationalObjective:
    _require(user, VIEW)
    od = (
        OperationalObjective.objects.select_related("strategic_objective__plan", "lead_organisation", "lead_user")
        .filter(pk=pk)
        .first()
    )
    if od is None:
        raise Http404
    return od


def objective_actions(od: OperationalObjective) -> list[Action]:
    today = timezone.localdate()
    actions = list(od.actions.select_related("owner_organisation", "owner_user"))
    for a in actions:
        a.overdue = a.is_overdue(today)
        a.badge = STATUS_BADGE.get(a.status, "")
    return actions


def indicators_with_series(indicators) -> list[Indicator]:
    """Attach ``series`` (effective measurements, oldest first) and ``latest`` to each indicator."""
    indicators = list(indicators)
    by_id: dict[int, list[Measurement]] = defaultdict(list)
    for m in _effective().filter(indicator__in=indicators).order_by("period_start", "id"):
        by_id[m.indicator_id].append(m)
    for ind in indicators:
        ind.series = by_id.get(ind.pk, [])
        ind.latest = ind.series[-1] if ind.series else None
        ind.on_target = ind.is_on_target(ind.latest.value if ind.latest else None)
    return indicators


def objective_indicators(od: OperationalObjective) -> list[Indicator]:
    return indicators_with_series(
        Indicator.objects.filter(
            Q(operational_objective=od)
            | Q(strategic_objective_id=od.strategic_objective_id, operational_objective=None)
        ).order_by("operational_objective_id", "code")
    )


def _day_number(day: date) -> int:
    """Days since 1970-01-01: the x of a period on a time-proportional axis."""
    return (day - date(1970, 1, 1)).days


def time_positions(days: list[date], start: float, width: float) -> list[float]:
    """x positions for ``days`` (sorted) on [start, start + width], proportional to
    time: two years apart look twice as far as one year. One day (or all on the
    same day) sits in the middle."""
    if not days:
        return []
    first, last = _day_number(days[0]), _day_number(days[-1])
    if last == first:
        return [start + width / 2 for _ in days]
    return [start + width * (_day_number(d) - first) / (last - first) for d in days]


def chart_data(indicator: Indicator) -> dict:
    """The JSON the page chart reads (through json_script). Each measurement sits
    at the end of its period; ``x`` is that day as days since 1970-01-01, so the
    chart's axis is proportional to time (ADR 0102, amended in docs/plan.md)."""
    series = getattr(indicator, "series", [])
    points = [{"label": f"{m.period_end:%d-%m-%Y}", "value": float(m.value)} for m in series]
    return {
        "id": indicator.pk,
        "element_id": f"chart-data-{indicator.pk}",
        "rows": points,
        "name": f"{indicator.code} {indicator.name}",
        "unit": indicator.unit,
        "labels": [p["label"] for p in points]
        or ([f"{indicator.baseline_date:%d-%m-%Y}"] if indicator.baseline_date else []),
        "values": [p["value"] for p in points],
        "x": [_day_number(m.period_end) for m in series]
        or ([_day_number(indicator.baseline_date)] if indicator.baseline_date else []),
        "baseline": float(indicator.baseline_value) if indicator.baseline_value is not None else None,
        "target": float(indicator.target_value) if indicator.target_value is not None else None,
    }


def indicator_for(user, pk: int) -> Indicator:
    _require(user, VIEW)
    ind = (
        Indicator.objects.select_related("plan", "strategic_objective", "operational_objective__strategic_objective")
        .filter(pk=pk)
        .first()
    )
    if ind is None:
        raise Http404
    return ind


def indicator_history(indicator: Indicator) -> list[Measurement]:
    """Every row, corrections included, newest first."""
    rows = list(
        Measurement.objects.filter(indicator=indicator)
        .select_related("entered_by", "corrects", "corrected_by")
        .order_by("-period_start", "-id")
    )
    return rows


def measurement_for(user, pk: int) -> Measurement:
    _require(user, VIEW)
    m = Measurement.objects.select_related("indicator__plan", "indicator__operational_objective").filter(pk=pk).first()
    if m is None:
        raise Http404
    return m


def action_for(user, pk: int) -> Action:
    _require(user, VIEW)
    action = (
        Action.objects.select_related("objective__strategic_objective__plan", "owner_organisation", "owner_user")
        .filter(pk=pk)
        .first()
    )
    if action is None:
        raise Http404
    action.overdue = action.is_overdue()
    action.badge = STATUS_BADGE.get(action.status, "")
    return action


def action_updates(action: Action) -> list[ActionUpdate]:
    return list(action.updates.select_related("author"))


def group_for(user, pk: int) -> PlanGroup:
    _require(user, FOLLOWUP)
    group = PlanGroup.objects.select_related("plan", "strategic_objective").filter(pk=pk).first()
    if group is None:
        raise Http404
    return group


def group_member_for(user, pk: int) -> GroupMember:
    """A seat of a group the user may follow (404 for a missing one)."""
    _require(user, FOLLOWUP)
    member = GroupMember.objects.select_related("group", "organisation", "user").filter(pk=pk).first()
    if member is None:
        raise Http404
    return member


def seat_accounts():
    """The accounts a seat in a plan group may be linked to: active, and able
    to read the plan (through a role or directly). The coordinator's choice
    lists only these, not every account of the platform (police and
    prosecution staff included): a seat gives nothing to anyone else."""
    from django.contrib.auth.models import Permission

    from schakel.accounts.models import User

    app_label, codename = VIEW.split(".")
    perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__permissions__in=perm) | Q(user_permissions__in=perm))
        .distinct()
    )


def group_member_candidates(members) -> dict[int, list]:
    """Accounts per organisation of the listed seats that a seat may be
    linked to (``seat_accounts``; the coordinator's choice): one query."""
    org_ids = {m.organisation_id for m in members}
    out: dict[int, list] = {pk: [] for pk in org_ids}
    for u in seat_accounts().filter(organisation_id__in=org_ids).order_by("last_name", "first_name"):
        out[u.organisation_id].append(u)
    return out


def core_group_for(user, plan: ActionPlan) -> PlanGroup:
    _require(user, FOLLOWUP)
    group = PlanGroup.objects.select_related("plan").filter(plan=plan, kind=PlanGroup.Kind.CORE).first()
    if group is None:
        raise Http404
    return group


def group_page(group: PlanGroup) -> dict:
    today = timezone.localdate()
    members = list(GroupMember.objects.filter(group=group).select_related("organisation", "user"))
    meetings = list(Meeting.objects.filter(group=group).order_by("date"))
    upcoming = [m for m in meetings if m.date >= today]
    past = [m for m in reversed(meetings) if m.date < today]
    data = {"members": members, "next_meeting": upcoming[0] if upcoming else None, "past_meetings": past}
    if group.strategic_objective_id:
        ods = list(
            OperationalObjective.objects.filter(strategic_objective_id=group.strategic_objective_id)
            .select_related("lead_organisation")
            .prefetch_related("actions")
        )
        for od in ods:
            annotate_objective_status(od, od.actions.all(), today)
        open_actions = list(
            Action.objects.filter(
                objective__strategic_objective_id=group.strategic_objective_id, status__in=Action.OPEN
            ).select_related("objective", "owner_organisation")
        )
        for a in open_actions:
            a.overdue = a.is_overdue(today)
            a.badge = STATUS_BADGE.get(a.status, "")
        data.update(objectives=ods, open_actions=open_actions)
    else:
        data.update(working_groups=list(PlanGroup.objects.filter(plan=group.plan, kind=PlanGroup.Kind.WORKING)))
    return data


def overdue_actions(plan: ActionPlan) -> list[Action]:
    today = timezone.localdate()
    return list(
        Action.objects.filter(
            objective__strategic_objective__plan=plan, status__in=Action.OPEN, due_date__lt=today
        ).select_related("objective", "owner_organisation")
    )


def dashboard(plan: ActionPlan) -> dict:
    sds = plan_tree(plan)
    indicators = indicators_with_series(
        Indicator.objects.filter(plan=plan).select_related("strategic_objective", "operational_objective")
    )
    off_target = [i for i in indicators if i.on_target is False]
    with_trend = [i for i in indicators if len(i.series) >= 2]
    for ind in indicators:
        ind.spark = sparkline(ind)
    return {
        "sds": sds,
        "indicators": indicators,
        "off_target": off_target,
        "with_trend": with_trend,
        "overdue": overdue_actions(plan),
    }


def sparkline(indicator: Indicator, width: int = 120, height: int = 32) -> dict | None:
    """Server-side sparkline points (SVG polyline) for the last 12 measurements."""
    series = list(getattr(indicator, "series", []))[-12:]
    values = [m.value for m in series]
    if len(values) < 2:
        return None
    refs = [v for v in (indicator.target_value,) if v is not None]
    low, high = min(values + refs), max(values + refs)
    span = (high - low) or Decimal(1)
    xs = time_positions([m.period_end for m in series], 2, width - 4)

    def y(v):
        return round(float(Decimal(height - 3) - (v - low) / span * Decimal(height - 6)), 1)

    points = " ".join(f"{round(x, 1)},{y(v)}" for x, v in zip(xs, values, strict=True))
    target_y = y(indicator.target_value) if indicator.target_value is not None else None
    return {
        "points": points,
        "width": width,
        "height": height,
        "target_y": target_y,
        "last_x": round(xs[-1], 1),
        "last_y": y(values[-1]),
    }


def svg_chart(indicator: Indicator, width: int = 520, height: int = 170) -> dict:
    """Geometry for a server-rendered SVG line chart (documents, print): the
    measurements as a line, the baseline and target as horizontal lines."""
    left, right, top, bottom = 44, 26, 10, 26
    series = getattr(indicator, "series", [])
    values = [m.value for m in series]
    refs = [v for v in (indicator.baseline_value, indicator.target_value) if v is not None]
    everything = values + refs
    if not everything:
        return {"empty": True, "width": width, "height": height}
    low, high = min(everything), max(everything)
    if indicator.is_percentage:
        low, high = min(low, Decimal(0)), max(high, Decimal(0))
    pad = (high - low) * Decimal("0.1") or Decimal(1)
    low, high = low - pad, high + pad
    if indicator.is_percentage:
        low = max(low, Decimal(0))
        high = min(high, Decimal(100))

    def y(v: Decimal) -> float:
        return round(top + float((high - v) / (high - low)) * (height - top - bottom), 1)

    inner = width - left - right
    # Proportional to time, not one step per measurement.
    xs = time_positions([m.period_end for m in series], left, inner)
    points = [
        {"x": round(x, 1), "y": y(m.value), "label": f"{m.period_end:%m-%Y}", "value": m.value, "show_label": True}
        for x, m in zip(xs, series, strict=True)
    ]
    # Measurements close in time would print their dates over each other: keep
    # the last one and drop labels less than a label's width before it.
    next_x = None
    for p in reversed(points):
        if next_x is not None and next_x - p["x"] < 46:
            p["show_label"] = False
        else:
            next_x = p["x"]
    ticks = [{"y": y(v), "label": f"{v.normalize():f}"} for v in (low, (low + high) / 2, high)]
    for t in ticks:
        t["label"] = f"{Decimal(t['label']).quantize(Decimal('0.1'))}".replace(".", ",")
    return {
        "empty": False,
        "width": width,
        "height": height,
        "left": left,
        "right_x": width - right,
        "bottom_y": height - bottom,
        "label_y": height - 8,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "points": points,
        "baseline_y": y(indicator.baseline_value) if indicator.baseline_value is not None else None,
        "target_y": y(indicator.target_value) if indicator.target_value is not None else None,
        "ticks": ticks,
    }


def report(plan: ActionPlan) -> dict:
    """The core-group report: summary per SD, status per OD, indicator charts,
    overdue actions, funding."""
    sds = plan_tree(plan)
    indicators = indicators_with_series(
        Indicator.objects.filter(plan=plan).select_related(
            "strategic_objective", "operational_objective__strategic_objective"
        )
    )
    by_sd: dict[int, list[Indicator]] = defaultdict(list)
    for ind in indicators:
        sd_id = ind.strategic_objective_id or (
            ind.operational_objective.strategic_objective_id if ind.operational_objective_id else None
        )
        ind.svg = svg_chart(ind)
        by_sd[sd_id].append(ind)
    for sd in sds:
        sd.report_indicators = by_sd.get(sd.pk, [])
    return {
        "sds": sds,
        "plan_indicators": by_sd.get(None, []),
        "overdue": overdue_actions(plan),
        "funding": list(plan.funding_lines.select_related("organisation")),
        "generated_at": timezone.now(),
    }
