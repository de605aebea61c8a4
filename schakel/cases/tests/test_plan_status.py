"""Status flow of interventions (gepland -> lopend -> uitgevoerd / niet
uitgevoerd) and exit-plan goals (open -> bereikt / niet bereikt): appended
history, circle members with a change role only, audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from schakel.audit.models import AuditEvent
from schakel.cases import services
from schakel.cases.models import ExitGoalStatusChange, InterventionStatusChange
from schakel.legal.models import LegalInstrument

pytestmark = pytest.mark.django_db


@pytest.fixture
def intervention(obh_case, enforcer, city):
    return services.intervention_add(
        actor=enforcer,
        case=obh_case,
        track="administrative",
        instrument=LegalInstrument.objects.get(code="ngw-134quater"),
        description="Sluiting drie maanden",
        responsible_organisation=city,
    )


@pytest.fixture
def youth_goal(outreach, ground, city):
    case = services.case_open(actor=outreach, case_type="youth", title="Jongere in de wijk", legal_ground=ground)
    return services.exit_goal_add(
        actor=outreach, case=case, domain="education", goal="Terug naar school", responsible_partner=city
    )


def test_intervention_moves_along_its_flow_with_history(intervention, enforcer):
    services.intervention_set_status(actor=enforcer, intervention=intervention, to_status="running", note="Gestart")
    services.intervention_set_status(actor=enforcer, intervention=intervention, to_status="done")
    intervention.refresh_from_db()
    assert intervention.status == "done"
    history = list(InterventionStatusChange.objects.values_list("from_status", "to_status", "note", "changed_by"))
    assert history == [("planned", "running", "Gestart", enforcer.pk), ("running", "done", "", enforcer.pk)]
    assert AuditEvent.objects.filter(action="cases.intervention_status").count() == 2
    with pytest.raises(TypeError):
        InterventionStatusChange.objects.first().delete()


@pytest.mark.parametrize("to_status", ["done", "planned", "bogus", ""])
def test_intervention_refuses_a_step_outside_the_flow(intervention, enforcer, to_status):
    with pytest.raises(ValidationError) as exc:
        services.intervention_set_status(actor=enforcer, intervention=intervention, to_status=to_status)
    assert "geen toegelaten stap" in str(exc.value)
    intervention.refresh_from_db()
    assert intervention.status == "planned" and not InterventionStatusChange.objects.exists()


def test_dropped_intervention_can_be_planned_again(intervention, enforcer):
    services.intervention_set_status(actor=enforcer, intervention=intervention, to_status="dropped")
    services.intervention_set_status(actor=enforcer, intervention=intervention, to_status="planned")
    assert InterventionStatusChange.objects.count() == 2


def test_only_circle_members_with_a_change_role_move_status(intervention, obh_case, enforcer, analyst, ground):
    with pytest.raises(PermissionDenied):
        services.intervention_set_status(actor=analyst, intervention=intervention, to_status="running")
    services.case_member_add(actor=enforcer, case=obh_case, user=analyst, role="advisor", legal_ground=ground)
    with pytest.raises(PermissionDenied):
        services.intervention_set_status(actor=analyst, intervention=intervention, to_status="running")
    assert not InterventionStatusChange.objects.exists()


def test_exit_goal_reached_not_reached_and_open_again(youth_goal, outreach, enforcer):
    services.exit_goal_set_status(actor=outreach, goal=youth_goal, to_status="not_reached", note="Gestopt")
    with pytest.raises(ValidationError):
        services.exit_goal_set_status(actor=outreach, goal=youth_goal, to_status="reached")
    services.exit_goal_set_status(actor=outreach, goal=youth_goal, to_status="open")
    services.exit_goal_set_status(actor=outreach, goal=youth_goal, to_status="reached")
    youth_goal.refresh_from_db()
    assert youth_goal.status == "reached"
    assert list(ExitGoalStatusChange.objects.values_list("to_status", flat=True)) == ["not_reached", "open", "reached"]
    assert AuditEvent.objects.filter(action="cases.exit_goal_status").count() == 3
    with pytest.raises(PermissionDenied):
        services.exit_goal_set_status(actor=enforcer, goal=youth_goal, to_status="open")


def test_plan_page_moves_status_and_shows_history(client, intervention, obh_case, enforcer, analyst):
    client.force_login(enforcer)
    url = reverse("cases:intervention_status", args=[obh_case.pk, intervention.pk])
    page = client.get(reverse("cases:plan", args=[obh_case.pk])).content.decode()
    assert url in page and 'value="running"' in page and 'value="done"' not in page
    response = client.post(url, {"to_status": "running", "note": "Aangetekend verstuurd"})
    assert response.status_code == 302
    intervention.refresh_from_db()
    assert intervention.status == "running"
    page = client.get(reverse("cases:plan", args=[obh_case.pk])).content.decode()
    assert "Aangetekend verstuurd" in page and "Lopend" in page
    # A bad step: a message, nothing changed.
    client.post(url, {"to_status": "planned"})
    intervention.refresh_from_db()
    assert intervention.status == "running"
    # A non-member gets 404, like for a missing case.
    client.force_login(analyst)
    assert client.post(url, {"to_status": "done"}).status_code == 404
    intervention.refresh_from_db()
    assert intervention.status == "running"


def test_plan_page_exit_goal_status(client, youth_goal, outreach):
    client.force_login(outreach)
    url = reverse("cases:exit_goal_status", args=[youth_goal.case_id, youth_goal.pk])
    assert client.post(url, {"to_status": "reached"}).status_code == 302
    youth_goal.refresh_from_db()
    assert youth_goal.status == "reached"
    # A goal of another case through this case's URL: 404.
    other = reverse("cases:exit_goal_status", args=[youth_goal.case_id, youth_goal.pk + 999])
    assert client.post(other, {"to_status": "open"}).status_code == 404


def test_plan_page_queries_do_not_grow_with_interventions_and_their_history(client, obh_case, enforcer, city):
    from schakel.core.testing import assert_constant_queries

    closure = LegalInstrument.objects.get(code="ngw-134quater")
    client.force_login(enforcer)

    def make_rows(n):
        for _ in range(n):
            row = services.intervention_add(
                actor=enforcer,
                case=obh_case,
                track="administrative",
                instrument=closure,
                description="Sluiting",
                responsible_organisation=city,
            )
            services.intervention_set_status(actor=enforcer, intervention=row, to_status="running", note="gestart")

    assert_constant_queries(make_rows, lambda: client.get(reverse("cases:plan", args=[obh_case.pk])))
