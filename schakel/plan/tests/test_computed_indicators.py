"""The plan's own computed indicators and indicators_compute."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from schakel.core.testing import UserFactory
from schakel.plan import computed, services
from schakel.plan.models import Action, Indicator, Measurement, OperationalObjective
from schakel.plan.plan_queries import actions_done, actions_on_schedule_share, actions_overdue

pytestmark = pytest.mark.django_db

END = date(2025, 3, 31)


@pytest.fixture
def actions(mechelen):
    od11 = OperationalObjective.objects.get(strategic_objective__plan=mechelen, code="OD1.1")
    od31 = OperationalObjective.objects.get(strategic_objective__plan=mechelen, code="OD3.1")
    org = mechelen.backbone

    def make(od, due, status="lopend", completed=None):
        return Action.objects.create(
            objective=od, title="a", owner_organisation=org, due_date=due, status=status, completed_on=completed
        )

    make(od11, END + timedelta(days=5))  # on schedule
    make(od11, END - timedelta(days=5))  # overdue
    make(od11, END - timedelta(days=20), "afgerond", END - timedelta(days=25))  # done in time
    make(od11, END - timedelta(days=20), "geschrapt")  # cancelled: not counted
    make(od31, END - timedelta(days=1), "afgerond", END + timedelta(days=3))  # done only after the period: overdue then
    return mechelen


def test_plan_queries(actions):
    params = {"plan": actions.code}
    assert actions_done(start=date(2025, 3, 1), end=END, params=params) == 1
    assert actions_overdue(start=date(2025, 3, 1), end=END, params=params) == 2
    # 4 not cancelled, 2 overdue -> 50 %
    assert actions_on_schedule_share(start=date(2025, 3, 1), end=END, params=params) == Decimal("50.0")
    assert actions_on_schedule_share(
        start=date(2025, 3, 1), end=END, params={**params, "objective": "OD1.1"}
    ) == Decimal("66.7")
    assert actions_on_schedule_share(start=date(2025, 3, 1), end=END, params={**params, "objective": "SD3"}) == Decimal(
        "0.0"
    )
    assert actions_on_schedule_share(start=date(2025, 3, 1), end=END, params={**params, "objective": "SD2"}) is None
    assert actions_done(start=date(2025, 3, 1), end=END, params={"plan": "geen-plan"}) is None


def test_registered_in_ready():
    keys = {q.key for q in computed.all_queries()}
    assert {"plan.actions_on_schedule_share", "plan.actions_done", "plan.actions_overdue"} <= keys


def _computed_indicator(plan, code="C1", key="plan.actions_overdue", params=None):
    return Indicator.objects.create(
        plan=plan,
        code=code,
        name="Over tijd",
        level="output",
        rba_question="hoe_goed",
        kind="prestatie",
        unit="acties",
        direction="lager",
        frequency="maandelijks",
        source="berekend",
        computed_key=key,
        computed_params=params or {},
    )


def test_indicators_compute_stores_and_corrects(actions):
    ind = _computed_indicator(actions)
    report = services.indicators_compute(actor=None, year=2025, month=3)
    assert report.added == 1 and not report.errors
    m = Measurement.objects.get(indicator=ind)
    assert (m.period_start, m.period_end, m.value) == (date(2025, 3, 1), END, Decimal(2))
    # Unchanged: nothing added.
    assert services.indicators_compute(actor=None, year=2025, month=3).unchanged == 1
    assert Measurement.objects.filter(indicator=ind).count() == 1
    # A change is appended as a correction.
    Action.objects.filter(objective__strategic_objective__plan=actions, status="lopend").update(
        due_date=END + timedelta(days=30)
    )
    report = services.indicators_compute(actor=None, year=2025, month=3)
    assert report.corrected == 1
    latest = Measurement.objects.get(indicator=ind, corrected_by__isnull=True)
    assert latest.corrects == m and latest.value == Decimal(1)


def test_indicators_compute_unknown_key_is_reported(actions):
    _computed_indicator(actions, key="nobody.nothing")
    report = services.indicators_compute(actor=None, year=2025, month=3)
    assert report.errors and "nobody.nothing" in report.errors[0]
    assert not Measurement.objects.exists()


def test_indicators_compute_permissions(actions):
    _computed_indicator(actions)
    with pytest.raises(PermissionDenied):
        services.indicators_compute(actor=UserFactory(perms=["plan.view_followup"]), year=2025, month=3)
    assert (
        services.indicators_compute(actor=UserFactory(perms=["plan.compute_indicators"]), year=2025, month=3).added == 1
    )
    with pytest.raises(ValidationError):
        services.indicators_compute(actor=None, year=2025, month=13)


def test_manual_measurement_on_computed_indicator_refused(actions):
    ind = _computed_indicator(actions)
    with pytest.raises(ValidationError):
        services.measurement_add(
            actor=UserFactory(perms=["plan.manage_plan"]),
            indicator=ind,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 1, 31),
            value=1,
        )


def test_command(actions):
    _computed_indicator(actions)
    out = io.StringIO()
    call_command("indicators_compute", "--period", "2025-03", stdout=out)
    assert "1 added" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("indicators_compute", "--period", "2025-13")
    with pytest.raises(CommandError):
        call_command("indicators_compute", "--plan", "bestaat-niet")
