"""Writes to the plan. Every function checks the permission itself, runs in a
transaction and records an audit event. Bad input raises ValidationError with
a Dutch message and saves nothing."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schakel.audit import services as audit

from . import computed
from .models import (
    Action,
    ActionPlan,
    ActionUpdate,
    GroupMember,
    Indicator,
    Measurement,
    Meeting,
    OperationalObjective,
    PlanGroup,
)

# ---------------------------------------------------------------- permissions


def can_manage(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("plan.manage_plan"))


def is_member_of_sd(user, strategic_objective_id: int) -> bool:
    return PlanGroup.objects.filter(
        kind=PlanGroup.Kind.WORKING, strategic_objective_id=strategic_objective_id, members__user=user
    ).exists()


def can_edit_actions(user, strategic_objective_id: int) -> bool:
    """The coordinator edits the whole plan; a working-group member edits the
    actions of the strategic objective of their own working group."""
    if can_manage(user):
        return True
    return bool(
        user
        and user.is_authenticated
        and user.has_perm("plan.change_action")
        and is_member_of_sd(user, strategic_objective_id)
    )


def can_add_measurement(user, indicator: Indicator) -> bool:
    if can_manage(user):
        return True
    if not (user and user.is_authenticated and user.has_perm("plan.add_measurement")):
        return False
    sd_id = indicator.strategic_objective_id
    if sd_id is None and indicator.operational_objective_id:
        sd_id = indicator.operational_objective.strategic_objective_id
    return sd_id is not None and is_member_of_sd(user, sd_id)


# ---------------------------------------------------------------- helpers


def parse_decimal(value, *, label: str) -> Decimal:
    if isinstance(value, bool):
        raise ValidationError(_("%(label)s moet een getal zijn.") % {"label": label}, code="not_numeric")
    if isinstance(value, Decimal):
        result = value
    else:
        text = str(value).strip().replace(",", ".") if value is not None else ""
        try:
            result = Decimal(text)
        except (InvalidOperation, ValueError) as exc:
            raise ValidationError(_("%(label)s moet een getal zijn.") % {"label": label}, code="not_numeric") from exc
    if not result.is_finite():
        raise ValidationError(_("%(label)s moet een getal zijn.") % {"label": label}, code="not_numeric")
    if abs(result) >= Decimal("1e11"):
        raise ValidationError(_("%(label)s is te groot.") % {"label": label}, code="too_large")
    return result.quantize(Decimal("0.001"))


def _check_value_for(indicator: Indicator, value: Decimal) -> None:
    if indicator.is_percentage and not (Decimal(0) <= value <= Decimal(100)):
        raise ValidationError(_("Een percentage ligt tussen 0 en 100."), code="percentage_range")


def _check_period(start: date, end: date) -> None:
    if start is None or end is None:
        raise ValidationError(_("Geef een begin- en einddatum van de periode."), code="period_missing")
    if end < start:
        raise ValidationError(_("Het einde van de periode ligt vóór het begin."), code="period_order")


def _overlapping(indicator: Indicator, start: date, end: date, *, exclude_id: int | None = None):
    qs = Measurement.objects.filter(
        indicator=indicator, corrected_by__isnull=True, period_start__lte=end, period_end__gte=start
    )
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    return qs


# ---------------------------------------------------------------- actions


@transaction.atomic
def action_create(
    *,
    actor,
    objective: OperationalObjective,
    title: str,
    owner_organisation,
    due_date: date | None = None,
    description: str = "",
    owner_function: str = "",
    is_demo: bool = False,
) -> Action:
    if not can_edit_actions(actor, objective.strategic_objective_id):
        raise PermissionDenied
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("Geef de actie een titel."), code="title_missing")
    if owner_organisation is None:
        raise ValidationError(_("Kies de organisatie die eigenaar is van de actie."), code="owner_missing")
    action = Action.objects.create(
        objective=objective,
        title=title[:300],
        description=description,
        owner_organisation=owner_organisation,
        owner_function=owner_function[:200],
        due_date=due_date,
        is_demo=is_demo,
    )
    audit.record_write(
        actor=actor, action="plan.action_created", obj=action, summary=f"action under objective {objective.pk}"
    )
    return action


@transaction.atomic
def action_add_update(*, actor, action: Action, status: str, progress, note: str = "", at=None) -> ActionUpdate:
    """Append a progress update; the action keeps the latest status and progress."""
    action = Action.objects.select_for_update().select_related("objective").get(pk=action.pk)
    if not can_edit_actions(actor, action.objective.strategic_objective_id):
        raise PermissionDenied
    if status not in Action.Status.values:
        raise ValidationError(_("Onbekende status."), code="status_unknown")
    if status != action.status and status not in Action.TRANSITIONS[action.status]:
        raise ValidationError(
            _("Een actie met status '%(from)s' kan niet naar '%(to)s'.")
            % {"from": Action.Status(action.status).label, "to": Action.Status(status).label},
            code="transition",
        )
    try:
        progress = int(str(progress).strip())
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("De voortgang moet een geheel getal zijn."), code="not_numeric") from exc
    if not 0 <= progress <= 100:
        raise ValidationError(_("Een percentage ligt tussen 0 en 100."), code="percentage_range")
    if status == Action.Status.DONE:
        progress = 100
    update = ActionUpdate.objects.create(
        action=action, author=actor, status=status, progress=progress, note=note, at=at or timezone.now()
    )
    action.status = status
    action.progress = progress
    if status == Action.Status.DONE and action.completed_on is None:
        action.completed_on = timezone.localdate(update.at)
    action.save(update_fields=["status", "progress", "completed_on", "updated_at"])
    audit.record_write(
        actor=actor, action="plan.action_progress_added", obj=action, summary=f"status {status}, progress {progress}"
    )
    return update


@transaction.atomic
def objective_set_status(*, actor, objective: OperationalObjective, status: str) -> OperationalObjective:
    if not can_edit_actions(actor, objective.strategic_objective_id):
        raise PermissionDenied
    if status not in OperationalObjective.Status.values:
        raise ValidationError(_("Onbekende status."), code="status_unknown")
    objective.status = status
    objective.save(update_fields=["status", "updated_at"])
    audit.record_write(actor=actor, action="plan.objective_status_changed", obj=objective, summary=f"status {status}")
    return objective


# ---------------------------------------------------------------- measurements


@transaction.atomic
def measurement_add(
    *,
    actor,
    indicator: Indicator,
    period_start: date,
    period_end: date,
    value,
    note: str = "",
    source: str = "",
    is_demo: bool = False,
) -> Measurement:
    if not can_add_measurement(actor, indicator):
        raise PermissionDenied
    if indicator.source == Indicator.Source.COMPUTED:
        raise ValidationError(
            _("Een berekende indicator krijgt zijn metingen uit de berekening, niet manueel."), code="computed"
        )
    return _measurement_insert(
        actor=actor,
        indicator=indicator,
        period_start=period_start,
        period_end=period_end,
        value=value,
        note=note,
        source=source,
        is_demo=is_demo,
    )


def _check_not_future(start: date) -> None:
    """A measurement reports on a period that has begun: a start after today is
    almost always a typo in the year (2030 for 2023)."""
    today = timezone.localdate()
    if start > today:
        raise ValidationError(
            {
                "period_start": _(
                    "De periode begint op %(start)s, na vandaag (%(today)s). Een meting gaat over een periode "
                    "die al begonnen is: controleer het jaartal."
                )
                % {"start": f"{start:%d-%m-%Y}", "today": f"{today:%d-%m-%Y}"}
            },
            code="period_future",
        )


def _measurement_insert(*, actor, indicator, period_start, period_end, value, note, source, is_demo, corrects=None):
    _check_period(period_start, period_end)
    # A correction that keeps its period may fix the value of an older row.
    if corrects is None or (period_start, period_end) != (corrects.period_start, corrects.period_end):
        _check_not_future(period_start)
    value = parse_decimal(value, label=_("De waarde"))
    _check_value_for(indicator, value)
    Indicator.objects.select_for_update().filter(pk=indicator.pk).first()  # serialise writers per indicator
    if _overlapping(indicator, period_start, period_end, exclude_id=corrects.pk if corrects else None).exists():
        raise ValidationError(
            _("Er is al een meting voor een periode die overlapt met %(start)s – %(end)s. Corrigeer die meting.")
            % {"start": f"{period_start:%d-%m-%Y}", "end": f"{period_end:%d-%m-%Y}"},
            code="overlap",
        )
    measurement = Measurement.objects.create(
        indicator=indicator,
        period_start=period_start,
        period_end=period_end,
        value=value,
        note=note,
        source=source[:250],
        entered_by=actor if actor is not None and actor.is_authenticated else None,
        corrects=corrects,
        is_demo=is_demo,
    )
    audit.record_write(
        actor=actor,
        action="plan.measurement_corrected" if corrects else "plan.measurement_added",
        obj=measurement,
        summary=f"indicator {indicator.pk}" + (f", corrects {corrects.pk}" if corrects else ""),
    )
    return measurement


@transaction.atomic
def measurement_correct(
    *,
    actor,
    measurement: Measurement,
    value,
    note: str,
    period_start: date | None = None,
    period_end: date | None = None,
) -> Measurement:
    """Append a correction; the corrected row stays as it was."""
    indicator = measurement.indicator
    if not can_add_measurement(actor, indicator):
        raise PermissionDenied
    if Measurement.objects.filter(corrects=measurement).exists():
        raise ValidationError(
            _("Deze meting is al gecorrigeerd; corrigeer de laatste versie."), code="already_corrected"
        )
    if not (note or "").strip():
        raise ValidationError(_("Geef de reden van de correctie."), code="reason_missing")
    return _measurement_insert(
        actor=actor,
        indicator=indicator,
        period_start=period_start or measurement.period_start,
        period_end=period_end or measurement.period_end,
        value=value,
        note=note,
        source=measurement.source,
        is_demo=measurement.is_demo,
        corrects=measurement,
    )


# ---------------------------------------------------------------- computed indicators


def month_bounds(year: int, month: int) -> tuple[date, date]:
    if not 1 <= month <= 12:
        raise ValidationError(_("Ongeldige maand."), code="month")
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


@dataclass
class ComputeReport:
    start: date
    end: date
    added: int = 0
    corrected: int = 0
    unchanged: int = 0
    empty: int = 0
    errors: list[str] = field(default_factory=list)


@transaction.atomic
def indicators_compute(*, actor, year: int, month: int, plan: ActionPlan | None = None) -> ComputeReport:
    """Store one measurement per computed indicator for the month. A value that
    changed since the last run is appended as a correction; an unchanged value
    adds nothing. ``actor=None`` is the system (the management command)."""
    if actor is not None and not (actor.has_perm("plan.compute_indicators") or can_manage(actor)):
        raise PermissionDenied
    start, end = month_bounds(year, month)
    report = ComputeReport(start=start, end=end)
    indicators = Indicator.objects.filter(source=Indicator.Source.COMPUTED).select_related("plan").order_by("id")
    if plan is not None:
        indicators = indicators.filter(plan=plan)
    for indicator in indicators:
        try:
            query = computed.get(indicator.computed_key)
            params = {"plan": indicator.plan.code, **(indicator.computed_params or {})}
            value = query.evaluate(start=start, end=end, params=params)
        except computed.ComputedQueryError as exc:
            report.errors.append(f"{indicator.code}: {exc}")
            continue
        if value is None:
            report.empty += 1
            continue
        value = value.quantize(Decimal("0.001"))
        existing = Measurement.objects.filter(
            indicator=indicator, corrected_by__isnull=True, period_start=start, period_end=end
        ).first()
        if existing is not None and existing.value == value:
            report.unchanged += 1
            continue
        try:
            with transaction.atomic():
                _measurement_insert(
                    actor=actor,
                    indicator=indicator,
                    period_start=start,
                    period_end=end,
                    value=value,
                    note=_("Berekend") if existing is None else _("Herberekend"),
                    source=f"{computed.SOURCE_PREFIX}{indicator.computed_key}",
                    is_demo=False,
                    corrects=existing,
                )
        except ValidationError as exc:
            report.errors.append(f"{indicator.code}: {'; '.join(exc.messages)}")
            continue
        if existing is None:
            report.added += 1
        else:
            report.corrected += 1
    audit.record_write(
        actor=actor,
        action="plan.indicators_computed",
        obj=plan,
        summary=f"{start:%Y-%m}: {report.added} added, {report.corrected} corrected, {len(report.errors)} errors",
    )
    return report


# ---------------------------------------------------------------- groups


@transaction.atomic
def meeting_add(
    *,
    actor,
    group: PlanGroup,
    date: date,
    location: str = "",
    attendees: str = "",
    decisions: str = "",
    report_discussed: str = "",
    is_demo: bool = False,
) -> Meeting:
    if not can_manage(actor):
        raise PermissionDenied
    if date is None:
        raise ValidationError(_("Geef de datum van de vergadering."), code="date_missing")
    meeting = Meeting.objects.create(
        group=group,
        date=date,
        location=location[:200],
        attendees=attendees,
        decisions=decisions,
        report_discussed=report_discussed[:250],
        is_demo=is_demo,
    )
    audit.record_write(actor=actor, action="plan.meeting_added", obj=meeting, summary=f"group {group.pk}")
    return meeting


def _member_user_checked(user, organisation):
    """An account that may fill a seat of ``organisation`` in a group."""
    if user is None:
        return None
    if not user.is_active:
        raise ValidationError(_("Kies een actieve gebruiker."), code="user_inactive")
    if user.organisation_id != organisation.pk:
        raise ValidationError(
            _("Deze gebruiker hoort niet bij %(org)s, de organisatie van deze functie.") % {"org": organisation},
            code="user_other_organisation",
        )
    return user


def _not_seated_twice(group: PlanGroup, user, *, except_pk=None) -> None:
    if user is not None and group.members.filter(user=user).exclude(pk=except_pk).exists():
        raise ValidationError(_("Deze gebruiker is al lid van deze groep."), code="user_already_member")


@transaction.atomic
def group_member_add(
    *, actor, group: PlanGroup, function: str, organisation, user=None, is_lead: bool = False
) -> GroupMember:
    """Add a seat (a function of an organisation) to a group, optionally held
    by an account. Only the coordinator manages the groups. A working-group
    member's account may edit the actions and measurements of its SD."""
    if not can_manage(actor):
        raise PermissionDenied
    function = " ".join((function or "").split())
    if not function:
        raise ValidationError(_("Geef de functie van het lid."), code="function_missing")
    if len(function) > 200:
        raise ValidationError(_("De functie is te lang (maximaal 200 tekens)."), code="function_too_long")
    if organisation is None:
        raise ValidationError(_("Kies de organisatie van het lid."), code="organisation_missing")
    user = _member_user_checked(user, organisation)
    _not_seated_twice(group, user)
    order = (group.members.aggregate(m=models.Max("order"))["m"] or 0) + 1
    member = GroupMember.objects.create(
        group=group, function=function, organisation=organisation, user=user, is_lead=bool(is_lead), order=order
    )
    audit.record_write(
        actor=actor,
        action="plan.group_member_added",
        obj=group,
        summary=f"seat {member.pk} ({organisation.code})" + (f", user {user.pk}" if user else ""),
    )
    return member


@transaction.atomic
def group_member_link(*, actor, member: GroupMember, user=None) -> GroupMember:
    """Give a seat to an account of its organisation, or (``user`` None) take
    it away: the seat stays, the account loses the rights it gave."""
    if not can_manage(actor):
        raise PermissionDenied
    member = GroupMember.objects.select_for_update().select_related("organisation", "group").get(pk=member.pk)
    user = _member_user_checked(user, member.organisation)
    _not_seated_twice(member.group, user, except_pk=member.pk)
    previous = member.user_id
    if previous == (user.pk if user else None):
        return member
    member.user = user
    member.save(update_fields=["user", "updated_at"])
    audit.record_write(
        actor=actor,
        action="plan.group_member_linked" if user else "plan.group_member_unlinked",
        obj=member.group,
        summary=f"seat {member.pk}: user {previous or '-'} -> {user.pk if user else '-'}",
    )
    return member


@transaction.atomic
def group_member_remove(*, actor, member: GroupMember) -> None:
    """Remove a seat from a group (the audit trail keeps who held it)."""
    if not can_manage(actor):
        raise PermissionDenied
    member = GroupMember.objects.select_for_update().select_related("group", "organisation").get(pk=member.pk)
    audit.record_write(
        actor=actor,
        action="plan.group_member_removed",
        obj=member.group,
        summary=f"seat {member.pk} ({member.organisation.code}, {member.function[:80]}), user {member.user_id or '-'}",
    )
    member.delete()


@transaction.atomic
def indicator_set_target(*, actor, indicator: Indicator, target_value, target_date: date | None = None) -> Indicator:
    """Set or clear the target: the working group agrees how success is measured (ch. 5)."""
    if not can_add_measurement(actor, indicator):
        raise PermissionDenied
    if target_value in (None, ""):
        value = None
        target_date = None
    else:
        value = parse_decimal(target_value, label=_("De streefwaarde"))
        _check_value_for(indicator, value)
    indicator.target_value = value
    indicator.target_date = target_date
    indicator.save(update_fields=["target_value", "target_date", "updated_at"])
    audit.record_write(
        actor=actor, action="plan.indicator_target_set", obj=indicator, summary=f"target {value} {indicator.unit}"
    )
    return indicator
