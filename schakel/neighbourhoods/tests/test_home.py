"""The start page's neighbourhoods panels (neighbourhoods/home.py): recent
incidents with the QRT's work around them, and the open follow-up actions of
the wijkschouwingen."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from schakel.core import home
from schakel.core.testing import UserFactory, assert_constant_queries, home_panels, persona_user
from schakel.neighbourhoods import services
from schakel.neighbourhoods.models import FollowUpAction, Incident, QrtActivity

from .conftest import CENTRE, QRT_PERMS, incident_kwargs

pytestmark = pytest.mark.django_db

INCIDENTS = "neighbourhoods_incidents"
FOLLOWUPS = "neighbourhoods_followups"


def _incident(actor, address, *, days_ago=2, **over):
    return services.incident_create(
        actor=actor,
        address=address,
        **incident_kwargs(occurred_at=timezone.now() - dt.timedelta(days=days_ago), **over),
    )


def _activity(actor, incident, **over):
    data = {
        "kind": "informing",
        "date": timezone.localdate(),
        "duration_minutes": 30,
        "lat": CENTRE[0],
        "lon": CENTRE[1],
        "incident": incident,
    }
    data.update(over)
    return services.qrt_activity_create(actor=actor, **data)


@pytest.fixture
def template(db):
    admin = UserFactory(perms=["neighbourhoods.change_checklisttemplate"])
    return services.checklist_template_save(actor=admin, name="Test", items=[("Zwerfvuil", 2), ("Verlichting", 1)])


def _followup(actor, template, *, route="Rondje markt", description="Verlichting herstellen in de steeg"):
    walk = services.walk_create(actor=actor, template=template, date=timezone.localdate(), route=route)
    return services.followup_create(actor=actor, walk=walk, service="Dienst Openbaar Domein", description=description)


# --- recent incidents ------------------------------------------------------------


def test_recent_incidents_newest_first_with_their_qrt_activities(client, qrt_user, addresses):
    old = _incident(qrt_user, addresses[0], days_ago=45)
    _activity(qrt_user, old)
    followed = _incident(qrt_user, addresses[1], days_ago=10, kind="shooting")
    _activity(qrt_user, followed)
    _activity(qrt_user, followed, kind="resident_contact")
    waiting = _incident(qrt_user, addresses[3], days_ago=1, location_label="Kalverenstraat (hoek)")

    panels, html = home_panels(client, qrt_user)
    panel = panels[INCIDENTS]
    # the incident of 45 days ago is not recent; "open" counts those without QRT activity
    assert len(panel.rows) == 2 and panel.total == 1
    assert [r.url for r in panel.rows] == [
        reverse("neighbourhoods:incident_detail", args=[waiting.pk]),
        reverse("neighbourhoods:incident_detail", args=[followed.pk]),
    ]
    first, second = panel.rows
    assert first.label == f"Explosie / IED – {waiting.location_label}"
    assert first.flag == "nog geen QRT-activiteit" and first.detail == ""
    assert first.at == timezone.localtime(waiting.occurred_at)
    assert second.label.startswith("Schietincident – ")
    assert second.detail == "2 QRT-activiteiten"
    assert "nog geen QRT-activiteit" in html and "2 QRT-activiteiten" in html
    assert '<span class="badge badge--warn">nog geen QRT-activiteit</span>' in html  # it stands out
    assert re.search(r'id="panel-neighbourhoods_incidents".*?1 zonder QRT-activiteit', html, re.S)
    _activity(qrt_user, waiting)
    panel = home_panels(client, qrt_user)[0][INCIDENTS]
    assert panel.total == 0 and [r.detail for r in panel.rows] == ["1 QRT-activiteit", "2 QRT-activiteiten"]


def test_incident_rows_never_show_internal_notes_or_police_reference(client, qrt_user, addresses):
    lead = UserFactory(
        organisation=qrt_user.organisation, perms=[*QRT_PERMS, "neighbourhoods.view_incident_internal_notes"]
    )
    _incident(qrt_user, addresses[0], internal_notes="Piste rivaliserende bende", police_reference="AN.99.L1.4242/26")
    for user in (qrt_user, lead):
        panels, html = home_panels(client, user)
        assert len(panels[INCIDENTS].rows) == 1
        assert "Piste rivaliserende bende" not in html and "AN.99.L1.4242/26" not in html


def test_at_most_rows_incidents_with_the_total(client, qrt_user, addresses):
    for n in range(home.ROWS + 2):
        _incident(qrt_user, addresses[0], days_ago=n + 1)
    oldest = Incident.objects.order_by("occurred_at").first()
    _activity(qrt_user, oldest)  # counted although it is not among the rows shown
    panel = home_panels(client, qrt_user)[0][INCIDENTS]
    assert panel.total == home.ROWS + 1 and len(panel.rows) == home.ROWS
    assert panel.more_url == reverse("neighbourhoods:incident_list")


def test_qrt_activities_of_another_organisation_are_not_counted(client, qrt_user, other_org_user, addresses):
    """Incidents are shared between the partners (selectors.incidents_visible_to);
    the QRT log is not: each organisation counts only its own activities."""
    incident = _incident(qrt_user, addresses[0])
    _activity(other_org_user, incident)
    _activity(other_org_user, incident)
    mine = home_panels(client, qrt_user)[0][INCIDENTS]
    assert mine.rows[0].flag == "nog geen QRT-activiteit"
    _activity(qrt_user, incident)
    theirs = home_panels(client, other_org_user)[0][INCIDENTS]
    assert theirs.rows[0].detail == "2 QRT-activiteiten"
    assert home_panels(client, qrt_user)[0][INCIDENTS].rows[0].detail == "1 QRT-activiteit"


def test_no_incident_panel_without_the_qrt_log_or_without_rights(client, qrt_user, plain_user, city, addresses):
    _incident(qrt_user, addresses[0])
    police = UserFactory(
        organisation=city, perms=["neighbourhoods.view_incident", "neighbourhoods.view_incident_internal_notes"]
    )
    log_only = UserFactory(organisation=city, perms=["neighbourhoods.view_qrtactivity"])
    for user in (plain_user, police, log_only):
        assert INCIDENTS not in home_panels(client, user)[0]


def test_no_incident_panel_when_there_is_no_recent_incident(client, qrt_user, addresses):
    assert INCIDENTS not in home_panels(client, qrt_user)[0]
    _incident(qrt_user, addresses[0], days_ago=31)
    assert INCIDENTS not in home_panels(client, qrt_user)[0]
    assert Incident.objects.count() == 1


# --- follow-up actions ---------------------------------------------------------------


def test_open_followups_of_the_organisation_oldest_first(client, qrt_user, template):
    first = _followup(qrt_user, template, description="Zwerfvuil ruimen aan het pleintje " + "x" * 200)
    second = _followup(qrt_user, template, route="Rondje station", description="Bord herplaatsen")
    done = _followup(qrt_user, template, description="Al gedaan")
    services.followup_transition(actor=qrt_user, action=done, to_status=FollowUpAction.Status.DONE)
    services.followup_transition(actor=qrt_user, action=second, to_status=FollowUpAction.Status.IN_PROGRESS)

    panels, html = home_panels(client, qrt_user)
    panel = panels[FOLLOWUPS]
    assert panel.total == 2
    assert [r.url for r in panel.rows] == [
        reverse("neighbourhoods:walk_detail", args=[first.walk_id]),
        reverse("neighbourhoods:walk_detail", args=[second.walk_id]),
    ]
    assert panel.rows[0].label.startswith("Dienst Openbaar Domein · Zwerfvuil ruimen aan het pleintje")
    assert len(panel.rows[0].label) < 120  # the description is shortened
    today = timezone.localdate().strftime("%d-%m-%Y")
    assert panel.rows[0].detail == f"Rondje markt · {today}"
    assert panel.rows[1].detail == f"Rondje station · {today} · in behandeling"
    assert "Al gedaan" not in html


def test_followups_stay_within_the_organisation(client, qrt_user, other_org_user, template):
    _followup(qrt_user, template)
    assert home_panels(client, qrt_user)[0][FOLLOWUPS].total == 1
    assert FOLLOWUPS not in home_panels(client, other_org_user)[0]


def test_no_followup_panel_without_the_right_to_change_them(client, qrt_user, city, template):
    _followup(qrt_user, template)
    reader = UserFactory(organisation=city, perms=["neighbourhoods.view_walk"])
    writer_without_walks = UserFactory(organisation=city, perms=["neighbourhoods.change_followupaction"])
    for user in (reader, writer_without_walks):
        assert FOLLOWUPS not in home_panels(client, user)[0]
    coordinator_like = UserFactory(
        organisation=city, perms=["neighbourhoods.view_walk", "neighbourhoods.change_followupaction"]
    )
    assert home_panels(client, coordinator_like)[0][FOLLOWUPS].total == 1


def test_no_followup_panel_when_all_are_dealt_with(client, qrt_user, template):
    assert FOLLOWUPS not in home_panels(client, qrt_user)[0]
    action = _followup(qrt_user, template)
    services.followup_transition(actor=qrt_user, action=action, to_status=FollowUpAction.Status.REJECTED)
    assert FOLLOWUPS not in home_panels(client, qrt_user)[0]


# --- queries ------------------------------------------------------------------------


def test_the_panels_do_a_fixed_number_of_queries(client, qrt_user, addresses, template):
    client.force_login(qrt_user)

    def make(n):
        for _ in range(n):
            incident = _incident(qrt_user, addresses[0])
            _activity(qrt_user, incident)
            _followup(qrt_user, template)

    assert_constant_queries(make, lambda: client.get("/"), small=2, large=12)
    panels = home_panels(client, qrt_user)[0]
    assert panels[INCIDENTS].total == 0 and panels[FOLLOWUPS].total == 12
    assert QrtActivity.objects.count() == 12


# --- the demo ------------------------------------------------------------------------


def test_the_demo_gives_the_qrt_something_to_see(client, seeded):
    qrt = persona_user("qrt")
    panels, html = home_panels(client, qrt)
    incidents = panels[INCIDENTS]
    assert incidents.total == 1  # Zwartzustersberg waits for its first QRT activity
    labels = [r.label for r in incidents.rows]
    assert labels[0].endswith("Zwartzustersberg")  # the newest, waiting for the QRT
    assert incidents.rows[0].flag == "nog geen QRT-activiteit"
    assert any(r.detail.endswith("QRT-activiteiten") for r in incidents.rows)
    assert panels[FOLLOWUPS].total >= 1
    # The QRT lead too; the police read incidents but not the QRT log.
    assert {INCIDENTS, FOLLOWUPS} <= set(home_panels(client, persona_user("qrtlead"))[0])
    assert INCIDENTS not in home_panels(client, persona_user("liec"))[0]
    # The coordinator reads incidents and the QRT log and, per the seed roles,
    # may change follow-up actions (not walks): both panels.
    assert {INCIDENTS, FOLLOWUPS} <= set(home_panels(client, persona_user("coordinator"))[0])
