"""The start page's "state of the action plan" panel (plan/home.py)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from schakel.core.testing import assert_constant_queries, home_panels, persona_user
from schakel.plan import selectors
from schakel.plan.models import Action, ActionPlan, Indicator, Measurement

pytestmark = pytest.mark.django_db


def test_the_core_group_sees_the_plan_per_strategic_objective(client, seeded_plan):
    panels, html = home_panels(client, persona_user("kerngroep"))
    panel = panels["plan_status"]
    sds = selectors.plan_tree(seeded_plan)
    assert [row.label for row in panel.rows[: len(sds)]] == [f"{sd.code} – {sd.title}" for sd in sds]
    for sd, row in zip(sds, panel.rows, strict=False):
        # The follow-up page's own figures, not a second calculation.
        assert f"voortgang {sd.stats.progress} %" in row.detail
        assert f"{sd.stats.done} van {sd.stats.total - sd.stats.cancelled} acties afgerond" in row.detail
        assert ("over tijd" in row.detail) == bool(sd.stats.overdue)
        assert row.url.startswith("/plan/opvolging/")
    assert "Stand van het actieplan" in html
    assert "Naar de opvolging" in html


def test_an_overdue_action_and_an_indicator_off_target_show(client, seeded_plan):
    today = timezone.localdate()
    sd = seeded_plan.strategic_objectives.order_by("order", "code").first()
    action = Action.objects.filter(objective__strategic_objective=sd).first()
    Action.objects.filter(objective__strategic_objective=sd).update(status=Action.Status.PLANNED, due_date=None)
    user = persona_user("kerngroep")
    panels, _ = home_panels(client, user)
    row = panels["plan_status"].rows[0]
    assert "over tijd" not in row.detail

    action.due_date = today - timedelta(days=2)
    action.save()
    panels, _ = home_panels(client, user)
    assert panels["plan_status"].rows[0].detail.endswith("· 1 over tijd")

    Indicator.objects.filter(plan=seeded_plan).delete()
    panels, _ = home_panels(client, user)
    assert not any("streefwaarde" in r.label for r in panels["plan_status"].rows)
    indicator = Indicator.objects.create(
        plan=seeded_plan,
        strategic_objective=sd,
        code="T-1",
        name="Test (fictief)",
        target_value=Decimal("10"),
        direction=Indicator.Direction.UP,
    )
    Measurement.objects.create(
        indicator=indicator, period_start=today.replace(day=1), period_end=today, value=Decimal("3")
    )
    panels, _ = home_panels(client, user)
    last = panels["plan_status"].rows[-1]
    assert last.label == "Indicatoren niet op streefwaarde: 1 van 1"
    assert last.url.endswith("#off-target")


@pytest.mark.parametrize("persona", ["qrt", "triage", "dpo", "beheerder"])
def test_no_panel_for_those_who_only_read_the_plan(client, seeded, persona):
    user = persona_user(persona)
    assert user.has_perm("plan.view_actionplan")
    panels, _ = home_panels(client, user)
    assert "plan_status" not in panels


def test_no_panel_without_a_plan(client, seeded):
    ActionPlan.objects.all().delete()
    panels, _ = home_panels(client, persona_user("kerngroep"))
    assert "plan_status" not in panels


def test_the_panel_does_not_query_per_action_or_indicator(client, seeded_plan):
    user = persona_user("kerngroep")
    client.force_login(user)
    od = seeded_plan.strategic_objectives.first().operational_objectives.first()
    organisation = user.organisation
    today = timezone.localdate()

    def make(n):
        for i in range(n):
            Action.objects.create(
                objective=od, title=f"Extra {i} (fictief)", owner_organisation=organisation, due_date=today
            )
            indicator = Indicator.objects.create(
                plan=seeded_plan, code=f"X-{Indicator.objects.count()}", name="Extra (fictief)"
            )
            Measurement.objects.create(indicator=indicator, period_start=today, period_end=today, value=1)

    assert_constant_queries(make, lambda: client.get("/"))
