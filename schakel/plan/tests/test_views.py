"""Pages: rendering, forms through services, query counts."""

import json
from datetime import date, timedelta

import pytest
import yaml
from django.urls import reverse
from django.utils import timezone

from schakel.core.testing import assert_constant_queries, persona_user
from schakel.plan.models import Action, ActionUpdate, Indicator, Measurement, OperationalObjective, PlanGroup

pytestmark = pytest.mark.django_db


def _add_actions(plan, sd_code="SD1"):
    ods = list(OperationalObjective.objects.filter(strategic_objective__plan=plan, strategic_objective__code=sd_code))
    today = timezone.localdate()

    def make(n):
        for i in range(n):
            Action.objects.create(
                objective=ods[i % len(ods)],
                title=f"Extra {i}",
                owner_organisation=plan.backbone,
                due_date=today - timedelta(days=i - 5),
                status="lopend" if i % 2 else "gepland",
                progress=i % 100,
            )

    return make


def _add_measurements(indicator):
    state = {"next": date(2010, 1, 1)}

    def make(n):
        for _ in range(n):
            start = state["next"]
            Measurement.objects.create(
                indicator=indicator, period_start=start, period_end=start + timedelta(days=20), value=50
            )
            state["next"] = start + timedelta(days=31)

    return make


def test_overview_shows_the_whole_plan(persona_client, seeded_plan):
    client = persona_client("frontlijn")
    response = client.get(reverse("plan:overview"))
    assert response.status_code == 200
    html = response.content.decode()
    for od in OperationalObjective.objects.filter(strategic_objective__plan=seeded_plan):
        assert f">{od.code}</a>" in html
    assert "Demo: behangtafelsessie in de wijk" in html
    assert reverse("plan:dashboard") not in html  # no follow-up link without the permission


def test_overview_query_count(persona_client, seeded_plan):
    client = persona_client("coordinator")
    assert_constant_queries(_add_actions(seeded_plan), lambda: client.get(reverse("plan:overview")))


def test_dashboard(persona_client, seeded_plan):
    client = persona_client("kerngroep")
    response = client.get(reverse("plan:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    overdue = Action.objects.filter(
        objective__strategic_objective__plan=seeded_plan, status__in=Action.OPEN, due_date__lt=timezone.localdate()
    )
    assert overdue.exists()
    for action in overdue:
        assert action.title in html
    assert "DEMO-OS3" in html  # 3 of 4 SD3 actions late: below the 80 % target
    assert "<polyline" in html  # sparklines
    assert "Nu berekenen" not in html  # the core group reads, does not compute


def test_dashboard_query_count(persona_client, seeded_plan):
    client = persona_client("coordinator")
    indicator = Indicator.objects.get(plan=seeded_plan, code="VM2")
    add_actions = _add_actions(seeded_plan, "SD2")
    add_measurements = _add_measurements(indicator)

    def make(n):
        add_actions(n)
        add_measurements(n)

    assert_constant_queries(make, lambda: client.get(reverse("plan:dashboard")))


def test_compute_button(persona_client, seeded_plan):
    client = persona_client("coordinator")
    before = Measurement.objects.count()
    response = client.post(reverse("plan:compute"), {"period": "2025-02", "plan": seeded_plan.code}, follow=True)
    assert response.status_code == 200
    assert Measurement.objects.count() == before + 5
    assert "5 nieuw" in response.content.decode()
    response = client.post(reverse("plan:compute"), {"period": "februari"}, follow=True)
    assert "jjjj-mm" in response.content.decode()


def test_objective_page_has_chart_data(persona_client, seeded_plan):
    client = persona_client("qrt")
    od = OperationalObjective.objects.get(code="OD1.1", strategic_objective__plan=seeded_plan)
    response = client.get(reverse("plan:objective", args=[od.pk]))
    html = response.content.decode()
    vm1 = Indicator.objects.get(code="VM1", plan=seeded_plan)
    assert f'data-chart="chart-data-{vm1.pk}"' in html
    assert (
        "<script" not in html.replace('<script id="chart-data', "").split("</head>")[1]
    )  # only json_script blocks in the body
    data = json.loads(html.split(f'<script id="chart-data-{vm1.pk}" type="application/json">')[1].split("</script>")[0])
    assert data["baseline"] == 63.8 and data["values"] == [62.9]
    assert "Actie toevoegen" not in html  # qrt may not edit


def test_objective_query_count(persona_client, seeded_plan):
    client = persona_client("coordinator")
    od = OperationalObjective.objects.get(code="OD1.1", strategic_objective__plan=seeded_plan)
    indicator = Indicator.objects.get(plan=seeded_plan, code="VM4")

    def make(n):
        _add_actions(seeded_plan)(n)
        _add_measurements(indicator)(n)

    assert_constant_queries(make, lambda: client.get(reverse("plan:objective", args=[od.pk])))


def test_add_action_from_objective_page(persona_client, seeded_plan):
    client = persona_client("werkgroep")
    od = OperationalObjective.objects.get(code="OD1.2", strategic_objective__plan=seeded_plan)
    response = client.post(
        reverse("plan:objective", args=[od.pk]),
        {"title": "Buurtfeest", "owner_organisation": seeded_plan.backbone.pk, "due_date": "2030-05-01"},
    )
    action = Action.objects.get(title="Buurtfeest")
    assert response.status_code == 302 and response["Location"] == reverse("plan:action", args=[action.pk])
    response = client.post(reverse("plan:objective", args=[od.pk]), {"title": "", "owner_organisation": ""})
    assert response.status_code == 400
    assert Action.objects.filter(objective=od).count() == 2  # the demo one and Buurtfeest


def test_indicator_add_measurement_and_chart_changes(persona_client, seeded_plan):
    client = persona_client("coordinator")
    vm2 = Indicator.objects.get(code="VM2", plan=seeded_plan)
    url = reverse("plan:indicator", args=[vm2.pk])
    response = client.post(
        url, {"period_start": "2024-01-01", "period_end": "2024-12-31", "value": "27,1", "note": "Monitor"}
    )
    assert response.status_code == 302
    html = client.get(url).content.decode()
    data = json.loads(html.split(f'<script id="chart-data-{vm2.pk}" type="application/json">')[1].split("</script>")[0])
    assert data["values"] == [27.1]
    # Bad input: a percentage above 100, an overlapping period, a non-number: 400, Dutch message, nothing saved.
    for payload, message in [
        ({"period_start": "2025-01-01", "period_end": "2025-12-31", "value": "120"}, "tussen 0 en 100"),
        ({"period_start": "2024-06-01", "period_end": "2025-05-31", "value": "20"}, "overlapt"),
        ({"period_start": "2025-01-01", "period_end": "2025-12-31", "value": "veel"}, "moet een getal zijn"),
        ({"period_start": "2025-12-31", "period_end": "2025-01-01", "value": "20"}, "vóór het begin"),
        ({"period_start": "gisteren", "period_end": "2025-01-01", "value": "20"}, "geldige datum"),
    ]:
        response = client.post(url, payload)
        assert response.status_code == 400
        assert message in response.content.decode(), message
    assert Measurement.objects.filter(indicator=vm2).count() == 1


def test_indicator_history_query_count(persona_client, seeded_plan):
    client = persona_client("coordinator")
    vm4 = Indicator.objects.get(code="VM4", plan=seeded_plan)
    assert_constant_queries(_add_measurements(vm4), lambda: client.get(reverse("plan:indicator", args=[vm4.pk])))


def test_correct_measurement_page(persona_client, seeded_plan):
    client = persona_client("werkgroep")
    m = Measurement.objects.get(indicator__code="VM1", indicator__plan=seeded_plan)
    url = reverse("plan:measurement_correct", args=[m.pk])
    assert client.post(url, {"value": "63,0", "note": ""}).status_code == 400
    response = client.post(url, {"value": "63,0", "note": "Tikfout"})
    assert response.status_code == 302
    fix = Measurement.objects.get(corrects=m)
    assert str(fix.value) == "63.000"
    html = client.get(reverse("plan:indicator", args=[m.indicator_id])).content.decode()
    assert "gecorrigeerd" in html
    assert client.post(url, {"value": "64", "note": "Nog eens"}).status_code == 400


def test_action_progress_update(persona_client, seeded_plan):
    client = persona_client("werkgroep")
    action = Action.objects.filter(objective__strategic_objective__code="SD1", status="lopend").first()
    url = reverse("plan:action", args=[action.pk])
    assert client.post(url, {"status": "lopend", "progress": "90", "note": "Bijna"}).status_code == 302
    action.refresh_from_db()
    assert action.progress == 90
    assert ActionUpdate.objects.filter(action=action, note="Bijna").exists()
    response = client.post(url, {"status": "gepland", "progress": "10"})
    assert response.status_code == 400 and "kan niet naar" in response.content.decode()
    response = client.post(url, {"status": "lopend", "progress": "150"})
    assert response.status_code == 400


def test_group_pages(persona_client, seeded_plan):
    client = persona_client("werkgroep")
    group = PlanGroup.objects.get(plan=seeded_plan, strategic_objective__code="SD1")
    html = client.get(reverse("plan:group", args=[group.pk])).content.decode()
    assert "Consulent preventie en veiligheid" in html and "Volgende vergadering" in html
    html = client.get(reverse("plan:core_group")).content.decode()
    assert "Procureur des Konings Antwerpen" in html and "Korpschef" in html


def test_group_query_count(persona_client, seeded_plan):
    client = persona_client("coordinator")
    group = PlanGroup.objects.get(plan=seeded_plan, strategic_objective__code="SD1")
    assert_constant_queries(_add_actions(seeded_plan), lambda: client.get(reverse("plan:group", args=[group.pk])))


def test_report(persona_client, seeded_plan):
    client = persona_client("kerngroep")
    html = client.get(reverse("plan:report")).content.decode()
    assert html.count('class="svg-chart"') >= 3
    for code in ("SD1", "SD2", "SD3", "OD3.7"):
        assert code in html
    assert "MB d.d. 14/07/2023" in html


def test_report_query_count(persona_client, seeded_plan):
    client = persona_client("coordinator")
    assert_constant_queries(_add_actions(seeded_plan, "SD3"), lambda: client.get(reverse("plan:report")))


def test_export_download(persona_client, seeded_plan):
    response = persona_client("coordinator").get(reverse("plan:export"))
    assert response["Content-Disposition"].endswith(f'{seeded_plan.code}.yaml"')
    data = yaml.safe_load(response.content)
    assert len([od for sd in data["strategic_objectives"] for od in sd["operational_objectives"]]) == 16


def test_menu_entries(persona_client, seeded):
    html = persona_client("kerngroep").get(reverse("plan:overview")).content.decode()
    assert f'href="{reverse("plan:dashboard")}"' in html
    html = persona_client("qrt").get(reverse("plan:overview")).content.decode()
    assert f'href="{reverse("plan:overview")}"' in html and f'href="{reverse("plan:dashboard")}"' not in html


def test_seed_is_idempotent(seeded_plan):
    from schakel.core.seeding import load_all

    counts = (Action.objects.count(), Measurement.objects.count(), Indicator.objects.count())
    load_all(demo=True, out=lambda m: None)
    assert (Action.objects.count(), Measurement.objects.count(), Indicator.objects.count()) == counts
    assert persona_user("werkgroep").plan_memberships.filter(group__strategic_objective__code="SD1").exists()


def test_xlsx_export(persona_client, seeded_plan):
    from io import BytesIO

    from openpyxl import load_workbook

    response = persona_client("kerngroep").get(reverse("plan:report_xlsx"))
    assert response.status_code == 200
    wb = load_workbook(BytesIO(response.content))
    assert wb.sheetnames == ["Doelstellingen", "Acties", "Indicatoren", "Metingen"]
    assert wb["Doelstellingen"].max_row == 17  # header + 16 ODs
    assert wb["Acties"].max_row == 1 + Action.objects.filter(objective__strategic_objective__plan=seeded_plan).count()
    assert wb["Metingen"].max_row == 1 + Measurement.objects.filter(indicator__plan=seeded_plan).count()
    codes = {row[0] for row in wb["Indicatoren"].iter_rows(min_row=2, values_only=True)}
    assert {"VM1", "VM5"} <= codes


def test_meeting_form_on_core_group_page(persona_client, seeded_plan):
    client = persona_client("coordinator")
    core = PlanGroup.objects.get(plan=seeded_plan, kind="kerngroep")
    before = core.meetings.count()
    response = client.post(
        reverse("plan:core_group"), {"date": "2030-01-15", "location": "Stadhuis", "decisions": "Akkoord"}
    )
    assert response.status_code == 302
    assert core.meetings.count() == before + 1
    response = client.post(reverse("plan:core_group"), {"date": "morgen"})
    assert response.status_code == 400
    assert core.meetings.count() == before + 1


def test_target_form_on_indicator_page(persona_client, seeded_plan):
    client = persona_client("werkgroep")
    vm3 = Indicator.objects.get(code="VM3", plan=seeded_plan)
    url = reverse("plan:indicator", args=[vm3.pk])
    assert client.post(url, {"target_value": "6", "target_date": "2026-12-31"}).status_code == 302
    vm3.refresh_from_db()
    assert str(vm3.target_value) == "6.000"
    response = client.post(url, {"target_value": "140"})
    assert response.status_code == 400 and "tussen 0 en 100" in response.content.decode()
    # VM3 now has a target (6 %, lower is better) and a demo value of 8.4 %: off target on the dashboard.
    html = client.get(reverse("plan:dashboard")).content.decode()
    assert "VM3 Inwoners die zich vaak of altijd onveilig voelen" in html.split("Acties over tijd")[0]
