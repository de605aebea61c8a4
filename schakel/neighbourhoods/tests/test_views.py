import csv
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from schakel.audit.models import AuditEvent
from schakel.core.testing import assert_constant_queries, persona_user
from schakel.neighbourhoods import services
from schakel.neighbourhoods.models import BehangtafelSession, ChecklistTemplate, Incident, QrtActivity, Walk
from schakel.places.models import Address


def _demo_incident():
    return Incident.objects.filter(is_demo=True).order_by("pk").first()


@pytest.mark.django_db
def test_demo_has_the_four_seed_incidents_with_circles(persona_client):
    client = persona_client("coordinator")
    response = client.get(reverse("neighbourhoods:incident_list"))
    assert response.status_code == 200
    labels = {i.location_label for i in response.context["incidents"]}
    assert labels == {"Bethaniënstraat", "Kalverenstraat", "Jeanne Hellemansstraat", "Zwartzustersberg"}
    circles = response.context["map_data"]["circles"]
    assert len(circles) == 4 and all(c["radius"] == 250 for c in circles)
    body = response.content.decode()
    assert "fictieve positie" in body and 'id="incident-map-data"' in body
    # the demo puts Bethaniënstraat and Kalverenstraat close enough to overlap
    assert response.context["overlap"], "demo circles should overlap on at least one street"


@pytest.mark.django_db
def test_incident_detail_internal_notes_only_for_police_and_lead(persona_client):
    incident = _demo_incident()
    incident.internal_notes = "Interne piste X"
    incident.save()
    client = persona_client("qrt")
    response = client.get(reverse("neighbourhoods:incident_detail", args=[incident.pk]))
    assert response.status_code == 200 and "Interne piste X" not in response.content.decode()
    assert response.context["circle"].address_count > 10
    # the coordinator reads every incident but not the internal notes (issue 4, item 10)
    client.force_login(persona_user("coordinator"))
    response = client.get(reverse("neighbourhoods:incident_detail", args=[incident.pk]))
    assert response.status_code == 200 and "Interne piste X" not in response.content.decode()
    assert not AuditEvent.objects.filter(kind="access", object_id=str(incident.pk)).exists()
    for persona in ("liec", "qrtlead"):
        client.force_login(persona_user(persona))
        response = client.get(reverse("neighbourhoods:incident_detail", args=[incident.pk]))
        assert "Interne piste X" in response.content.decode(), persona
        assert AuditEvent.objects.filter(
            kind="access", object_id=str(incident.pk), actor=persona_user(persona)
        ).exists()


@pytest.mark.django_db
def test_incident_exports_csv_and_xlsx(persona_client):
    incident = _demo_incident()
    client = persona_client("qrt")
    response = client.get(reverse("neighbourhoods:incident_export", args=[incident.pk, "csv"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["straat", "huisnummer", "bus"]
    n = len(rows) - 1
    assert n > 10
    assert all(int(r[5]) <= 250 for r in rows[1:])
    response = client.get(reverse("neighbourhoods:incident_export", args=[incident.pk, "xlsx"]))
    wb = load_workbook(io.BytesIO(response.content))
    sheet = wb.worksheets[0]
    assert sheet.max_row - 1 == n and sheet.cell(row=1, column=1).value == "straat"
    assert client.get(reverse("neighbourhoods:incident_export", args=[incident.pk, "pdf"])).status_code == 404


@pytest.mark.django_db
def test_incident_create_via_form_with_autocomplete_label(persona_client):
    client = persona_client("qrt")
    address = Address.objects.filter(street__name_nl="Kalverenstraat", box_number="").order_by("pk")[3]
    data = {
        "kind": "shooting",
        "occurred_at": "2026-01-05T22:10",
        "address": address.label,
        "radius_m": "250",
        "public_summary": "Schoten gelost op een gevel.",
    }
    response = client.post(reverse("neighbourhoods:incident_create"), data)
    assert response.status_code == 302, response.context["form"].errors
    incident = Incident.objects.get(kind="shooting")
    assert incident.address == address and incident.location_label == "Kalverenstraat"
    bad = client.post(reverse("neighbourhoods:incident_create"), {**data, "address": "Nergensstraat 999"})
    assert bad.status_code == 200 and "Onbekend adres" in bad.content.decode()
    assert Incident.objects.filter(kind="shooting").count() == 1


@pytest.mark.django_db
def test_qrt_create_list_filter_and_map(persona_client):
    client = persona_client("qrt")
    response = client.post(
        reverse("neighbourhoods:qrt_create"),
        {
            "kind": "clean_up",
            "date": timezone.localdate().strftime("%d-%m-%Y"),
            "duration_minutes": "45",
            "lat": "51.0281",
            "lon": "4.4802",
            "residents_reached": "3",
            "notes": "Zwerfvuil opgeruimd",
        },
    )
    assert response.status_code == 302
    a = QrtActivity.objects.get(notes="Zwerfvuil opgeruimd")
    assert a.area is not None and a.created_by == persona_user("qrt")
    response = client.get(reverse("neighbourhoods:qrt_list"), {"kind": "clean_up"})
    assert all(x.kind == "clean_up" for x in response.context["page"])
    assert any(m["lat"] == pytest.approx(51.0281) for m in response.context["map_data"]["markers"])
    bad = client.post(reverse("neighbourhoods:qrt_create"), {"kind": "clean_up", "date": "", "duration_minutes": "x"})
    assert bad.status_code == 200 and bad.context["form"].errors


@pytest.mark.django_db
def test_walk_detail_score_post_and_trend_chart(persona_client):
    client = persona_client("qrt")
    walk = Walk.objects.filter(is_demo=True, area__isnull=False).order_by("-date").first()
    item = walk.template.items.filter(is_active=True).first()
    response = client.post(
        reverse("neighbourhoods:walk_detail", args=[walk.pk]),
        {"action": "score", "score-item": str(item.pk), "score-value": "B", "score-remark": "ok"},
    )
    assert response.status_code == 302
    assert walk.scores.filter(remark="ok").exists()
    response = client.get(reverse("neighbourhoods:area_trend", args=[walk.area_id]))
    assert response.status_code == 200
    chart = response.context["chart"]
    assert chart.startswith("<svg") and chart.count("<circle") == len(response.context["walks"]) >= 5
    # the coordinator reads but cannot score
    client.force_login(persona_user("coordinator"))
    response = client.post(
        reverse("neighbourhoods:walk_detail", args=[walk.pk]),
        {"action": "score", "score-item": str(item.pk), "score-value": "A"},
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_template_edit_by_administrator(persona_client):
    client = persona_client("beheerder")
    response = client.post(
        reverse("neighbourhoods:template_create"),
        {
            "name": "Korte schouw",
            "scale": "numeric",
            "numeric_min": "1",
            "numeric_max": "10",
            "items": "Netheid; 2\nVerlichting",
        },
    )
    assert response.status_code == 302
    t = ChecklistTemplate.objects.get(name="Korte schouw")
    assert [(i.label, i.weight) for i in t.items.all()] == [("Netheid", 2), ("Verlichting", 1)]
    bad = client.post(
        reverse("neighbourhoods:template_create"),
        {"name": "X", "scale": "crow", "numeric_min": "1", "numeric_max": "5", "items": "a; zwaar"},
    )
    assert bad.status_code == 200 and "gewicht" in bad.content.decode()


@pytest.mark.django_db
def test_session_detail_proposal_and_status(persona_client):
    client = persona_client("qrt")
    session = BehangtafelSession.objects.filter(is_demo=True).first()
    from schakel.neighbourhoods.models import ProposalTheme

    theme = ProposalTheme.objects.first()
    response = client.post(
        reverse("neighbourhoods:session_detail", args=[session.pk]),
        {"action": "proposal", "p-text": "Speelstraat in de zomer", "p-theme": theme.pk, "p-support_count": "7"},
    )
    assert response.status_code == 302
    proposal = session.proposals.get(text="Speelstraat in de zomer")
    response = client.post(
        reverse("neighbourhoods:session_detail", args=[session.pk]),
        {"action": "status", "proposal": proposal.pk, "status": "done"},
    )
    proposal.refresh_from_db()
    assert proposal.status == "done"
    response = client.get(reverse("neighbourhoods:session_list"))
    assert any(r["followed_up"] >= 1 for r in response.context["summary"])


# --- query counts ------------------------------------------------------------------


def _qrt_rows(n):
    qrt = persona_user("qrt")
    for _ in range(n):
        services.qrt_activity_create(
            actor=qrt, kind="presence", date=timezone.localdate(), duration_minutes=30, lat=51.028, lon=4.48
        )


@pytest.mark.django_db
def test_qrt_list_constant_queries(persona_client):
    client = persona_client("qrt")
    assert_constant_queries(_qrt_rows, lambda: client.get(reverse("neighbourhoods:qrt_list")))


@pytest.mark.django_db
def test_incident_list_constant_queries(persona_client):
    client = persona_client("coordinator")
    qrt = persona_user("qrt")
    addresses = list(Address.objects.order_by("pk")[:40])

    def make(n):
        for i in range(n):
            services.incident_create(
                actor=qrt, address=addresses[i % 40], kind="other", occurred_at=timezone.now(), public_summary="s"
            )

    assert_constant_queries(make, lambda: client.get(reverse("neighbourhoods:incident_list")))


@pytest.mark.django_db
def test_walk_and_session_lists_constant_queries(persona_client):
    client = persona_client("qrt")
    qrt = persona_user("qrt")
    template = ChecklistTemplate.objects.first()

    def walks(n):
        for _ in range(n):
            services.walk_create(actor=qrt, template=template, date=timezone.localdate(), route="r")

    assert_constant_queries(walks, lambda: client.get(reverse("neighbourhoods:walk_list")), small=3, large=20)

    def sessions(n):
        for _ in range(n):
            services.behangtafel_session_create(actor=qrt, date=timezone.localdate(), place="p")

    assert_constant_queries(sessions, lambda: client.get(reverse("neighbourhoods:session_list")), small=3, large=20)


@pytest.mark.django_db
def test_map_data_is_json_script_not_inline_script(persona_client):
    client = persona_client("qrt")
    body = client.get(reverse("neighbourhoods:incident_list")).content.decode()
    assert '<script id="incident-map-data" type="application/json">' in body
    data = json.loads(body.split('<script id="incident-map-data" type="application/json">')[1].split("</script>")[0])
    assert len(data["circles"]) == 4


@pytest.mark.django_db
def test_theme_list_add_edit_and_duplicate(persona_client):
    from schakel.neighbourhoods.models import ProposalTheme

    client = persona_client("beheerder")
    url = reverse("neighbourhoods:theme_list")
    assert client.post(url, {"name": "Kunst in de straat", "order": "9", "is_active": "on"}).status_code == 302
    theme = ProposalTheme.objects.get(name="Kunst in de straat")
    response = client.post(f"{url}?edit={theme.pk}", {"name": "Kunst in de straat", "order": "9"})
    theme.refresh_from_db()
    assert response.status_code == 302 and not theme.is_active
    dup = client.post(url, {"name": "kunst in de straat", "order": "1"})
    assert dup.status_code == 200 and "bestaat al" in dup.content.decode()
    assert AuditEvent.objects.filter(action__startswith="neighbourhoods.proposal_theme_").count() == 2


@pytest.mark.django_db
def test_demo_seed_is_idempotent(seeded):
    from schakel.core.seeding import load_all
    from schakel.neighbourhoods.models import ChecklistItem, Proposal

    counts = [m.objects.count() for m in (Incident, QrtActivity, Walk, BehangtafelSession, Proposal, ChecklistItem)]
    addresses = Address.objects.count()
    load_all(demo=True, out=lambda msg: None)
    assert [
        m.objects.count() for m in (Incident, QrtActivity, Walk, BehangtafelSession, Proposal, ChecklistItem)
    ] == counts
    assert Address.objects.count() == addresses


def test_empty_post_shows_errors_and_saves_nothing(persona_client):
    from django.urls import reverse

    from schakel.neighbourhoods.models import Walk

    before = Walk.objects.count()
    response = persona_client("qrt").post(reverse("neighbourhoods:walk_create"), {})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert Walk.objects.count() == before


@pytest.mark.django_db
def test_retired_address_is_flagged_on_incident_and_qrt_pages(persona_client):
    incident = _demo_incident()
    qrt = persona_user("qrt")
    # the newest activity of today: first on the list
    services.qrt_activity_create(
        actor=qrt, kind="resident_contact", date=timezone.localdate(), duration_minutes=10, address=incident.address
    )
    url = reverse("neighbourhoods:incident_detail", args=[incident.pk])
    client = persona_client("qrt")
    body = client.get(url).content.decode()
    assert incident.address.label in body and "adres opgeheven" not in body
    assert "adres opgeheven" not in client.get(reverse("neighbourhoods:qrt_list")).content.decode()
    Address.objects.filter(pk=incident.address_id).update(status="retired", retired_at=timezone.now())
    assert "adres opgeheven" in client.get(url).content.decode()
    assert "adres opgeheven" in client.get(reverse("neighbourhoods:qrt_list")).content.decode()
