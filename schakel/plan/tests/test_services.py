"""Services: happy path, forbidden role, other working group (SD), bad input."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from schakel.audit.models import AuditEvent
from schakel.core.testing import UserFactory
from schakel.plan import services
from schakel.plan.models import (
    Action,
    ActionUpdate,
    GroupMember,
    Indicator,
    Measurement,
    OperationalObjective,
    PlanGroup,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def od11(mechelen):
    return OperationalObjective.objects.get(strategic_objective__plan=mechelen, code="OD1.1")


@pytest.fixture
def coordinator(mechelen):
    return UserFactory(perms=["plan.manage_plan", "plan.view_actionplan"])


def _member_of(plan, sd_code, perms=("plan.change_action", "plan.add_measurement")):
    user = UserFactory(perms=list(perms))
    group = PlanGroup.objects.get(plan=plan, strategic_objective__code=sd_code)
    GroupMember.objects.create(group=group, user=user, function="Lid", organisation=user.organisation)
    return user


@pytest.fixture
def action(od11, coordinator):
    return services.action_create(
        actor=coordinator,
        objective=od11,
        title="Rondes",
        owner_organisation=od11.strategic_objective.plan.backbone,
        due_date=date.today() + timedelta(days=10),
    )


def test_action_create_and_update_by_member_of_own_sd(mechelen, od11):
    member = _member_of(mechelen, "SD1")
    action = services.action_create(
        actor=member, objective=od11, title="  Rondes  ", owner_organisation=mechelen.backbone
    )
    assert action.title == "Rondes"
    update = services.action_add_update(actor=member, action=action, status="lopend", progress="40", note="Gestart")
    action.refresh_from_db()
    assert (action.status, action.progress) == ("lopend", 40)
    assert update.author == member
    services.action_add_update(actor=member, action=action, status="afgerond", progress=80)
    action.refresh_from_db()
    assert (action.status, action.progress, action.completed_on) == ("afgerond", 100, timezone.localdate())
    assert ActionUpdate.objects.filter(action=action).count() == 2
    assert AuditEvent.objects.filter(action="plan.action_progress_added", object_id=str(action.pk)).count() == 2
    assert AuditEvent.objects.filter(action="plan.action_created", object_id=str(action.pk)).exists()


def test_member_of_other_sd_cannot_edit(mechelen, action):
    other = _member_of(mechelen, "SD3")
    with pytest.raises(PermissionDenied):
        services.action_add_update(actor=other, action=action, status="lopend", progress=10)
    with pytest.raises(PermissionDenied):
        services.action_create(actor=other, objective=action.objective, title="X", owner_organisation=mechelen.backbone)
    assert not ActionUpdate.objects.filter(action=action).exists()


def test_reader_cannot_edit(mechelen, action):
    reader = UserFactory(perms=["plan.view_actionplan", "plan.view_followup"])
    with pytest.raises(PermissionDenied):
        services.action_add_update(actor=reader, action=action, status="lopend", progress=10)
    # A member without the permission (e.g. role taken away) is refused too.
    member_without_perm = _member_of(mechelen, "SD1", perms=["plan.view_actionplan"])
    with pytest.raises(PermissionDenied):
        services.action_add_update(actor=member_without_perm, action=action, status="lopend", progress=10)


@pytest.mark.parametrize(
    ("status", "progress", "code"),
    [
        ("lopend", 101, "percentage_range"),
        ("lopend", "veel", "not_numeric"),
        ("bezig", 10, "status_unknown"),
        ("lopend", -1, "percentage_range"),
    ],
)
def test_action_update_bad_input(coordinator, action, status, progress, code):
    with pytest.raises(ValidationError) as exc:
        services.action_add_update(actor=coordinator, action=action, status=status, progress=progress)
    assert exc.value.code == code
    action.refresh_from_db()
    assert action.status == "gepland"
    assert not ActionUpdate.objects.filter(action=action).exists()


def test_action_transition_table(coordinator, action):
    services.action_add_update(actor=coordinator, action=action, status="geschrapt", progress=0)
    with pytest.raises(ValidationError) as exc:
        services.action_add_update(actor=coordinator, action=action, status="lopend", progress=10)
    assert exc.value.code == "transition"


def test_action_create_bad_input(coordinator, od11):
    with pytest.raises(ValidationError):
        services.action_create(
            actor=coordinator, objective=od11, title="  ", owner_organisation=od11.strategic_objective.plan.backbone
        )
    with pytest.raises(ValidationError):
        services.action_create(actor=coordinator, objective=od11, title="X", owner_organisation=None)
    assert not Action.objects.exists()


def test_objective_status(coordinator, od11, mechelen):
    services.objective_set_status(actor=coordinator, objective=od11, status="risico")
    od11.refresh_from_db()
    assert od11.status == "risico"
    with pytest.raises(ValidationError):
        services.objective_set_status(actor=coordinator, objective=od11, status="ok")
    with pytest.raises(PermissionDenied):
        services.objective_set_status(actor=_member_of(mechelen, "SD2"), objective=od11, status="lopend")


# ---------------------------------------------------------------- measurements


@pytest.fixture
def vm1(mechelen):
    return Indicator.objects.get(plan=mechelen, code="VM1")


def test_measurement_add_and_correct(mechelen, vm1):
    member = _member_of(mechelen, "SD1")
    m = services.measurement_add(
        actor=member,
        indicator=vm1,
        period_start=date(2023, 1, 1),
        period_end=date(2023, 12, 31),
        value="61,5",
        note="n",
    )
    assert m.value == Decimal("61.5") and m.entered_by == member
    fix = services.measurement_correct(actor=member, measurement=m, value="62.5", note="Tikfout")
    assert fix.corrects == m
    assert Measurement.objects.filter(indicator=vm1).count() == 2
    effective = Measurement.objects.filter(indicator=vm1, corrected_by__isnull=True)
    assert list(effective) == [fix]
    with pytest.raises(ValidationError) as exc:
        services.measurement_correct(actor=member, measurement=m, value="63", note="Nog eens")
    assert exc.value.code == "already_corrected"
    with pytest.raises(ValidationError) as exc:
        services.measurement_correct(actor=member, measurement=fix, value="63", note=" ")
    assert exc.value.code == "reason_missing"
    assert AuditEvent.objects.filter(action="plan.measurement_corrected", object_id=str(fix.pk)).exists()
    # The corrected row itself is append-only.
    m.value = Decimal(1)
    with pytest.raises(TypeError):
        m.save()


@pytest.mark.parametrize(
    ("value", "start", "end", "code"),
    [
        ("101", date(2024, 1, 1), date(2024, 12, 31), "percentage_range"),
        ("-1", date(2024, 1, 1), date(2024, 12, 31), "percentage_range"),
        ("abc", date(2024, 1, 1), date(2024, 12, 31), "not_numeric"),
        ("NaN", date(2024, 1, 1), date(2024, 12, 31), "not_numeric"),
        ("5", date(2024, 12, 31), date(2024, 1, 1), "period_order"),
        ("5", date(2023, 6, 1), date(2024, 5, 31), "overlap"),
    ],
)
def test_measurement_bad_input(mechelen, vm1, value, start, end, code):
    coordinator = UserFactory(perms=["plan.manage_plan"])
    services.measurement_add(
        actor=coordinator, indicator=vm1, period_start=date(2023, 1, 1), period_end=date(2023, 12, 31), value=60
    )
    with pytest.raises(ValidationError) as exc:
        services.measurement_add(actor=coordinator, indicator=vm1, period_start=start, period_end=end, value=value)
    assert exc.value.code == code
    assert Measurement.objects.filter(indicator=vm1).count() == 1


def test_measurement_forbidden(mechelen, vm1):
    for user in (UserFactory(perms=["plan.view_followup"]), _member_of(mechelen, "SD2")):
        with pytest.raises(PermissionDenied):
            services.measurement_add(
                actor=user, indicator=vm1, period_start=date(2024, 1, 1), period_end=date(2024, 1, 31), value=5
            )
    assert not Measurement.objects.exists()


def test_meeting_add(mechelen):
    core = PlanGroup.objects.get(plan=mechelen, kind="kerngroep")
    coordinator = UserFactory(perms=["plan.manage_plan"])
    meeting = services.meeting_add(actor=coordinator, group=core, date=date(2025, 3, 1), decisions="Akkoord")
    assert meeting.group == core
    with pytest.raises(PermissionDenied):
        services.meeting_add(actor=UserFactory(perms=["plan.view_followup"]), group=core, date=date(2025, 3, 1))
    with pytest.raises(ValidationError):
        services.meeting_add(actor=coordinator, group=core, date=None)


def test_deleting_a_plan_removes_corrected_measurements(mechelen, vm1):
    coordinator = UserFactory(perms=["plan.manage_plan"])
    m = services.measurement_add(
        actor=coordinator, indicator=vm1, period_start=date(2023, 1, 1), period_end=date(2023, 12, 31), value=60
    )
    services.measurement_correct(actor=coordinator, measurement=m, value=61, note="fix")
    from django.db.models import RestrictedError

    with pytest.raises((RestrictedError, TypeError)):
        m.delete()  # append-only, and a corrected row cannot go alone
    mechelen.delete()
    assert not Measurement.objects.exists()


def test_indicator_set_target(mechelen, vm1):
    member = _member_of(mechelen, "SD1")
    services.indicator_set_target(actor=member, indicator=vm1, target_value="70,5", target_date=date(2026, 12, 31))
    vm1.refresh_from_db()
    assert (vm1.target_value, vm1.target_date) == (Decimal("70.5"), date(2026, 12, 31))
    assert AuditEvent.objects.filter(action="plan.indicator_target_set", object_id=str(vm1.pk)).exists()
    for bad in ("120", "veel"):
        with pytest.raises(ValidationError):
            services.indicator_set_target(actor=member, indicator=vm1, target_value=bad)
    vm1.refresh_from_db()
    assert vm1.target_value == Decimal("70.5")
    with pytest.raises(PermissionDenied):
        services.indicator_set_target(actor=_member_of(mechelen, "SD3"), indicator=vm1, target_value="50")
    services.indicator_set_target(actor=member, indicator=vm1, target_value="")
    vm1.refresh_from_db()
    assert vm1.target_value is None and vm1.target_date is None
