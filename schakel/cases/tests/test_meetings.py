import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from schakel.accounts.models import Organisation
from schakel.cases import indicators, selectors, services
from schakel.cases.models import AgendaItem, Decision, MinutesRevision, TwoPhaseFile
from schakel.core.testing import assert_constant_queries
from schakel.legal.models import LegalInstrument

from .conftest import OBH_PERMS

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting_world(enforcer, analyst, make_user, ground):
    """An OBH meeting with two cases; the analyst is member of one of them only."""
    a = services.case_open(actor=enforcer, case_type="obh", title="Nachtwinkel Alfa", legal_ground=ground)
    b = services.case_open(actor=enforcer, case_type="obh", title="Garage Bravo", legal_ground=ground)
    services.case_member_add(actor=enforcer, case=a, user=analyst, role="partner", legal_ground=ground)
    start = timezone.now() + dt.timedelta(days=1)
    meeting = services.meeting_create(
        actor=enforcer,
        meeting_type="obh",
        title="OBH november",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        location="Stadhuis",
        participants=[analyst],
    )
    item_a = services.meeting_item_add(actor=enforcer, meeting=meeting, case=a)
    item_b = services.meeting_item_add(actor=enforcer, meeting=meeting, case=b)
    return meeting, a, b, item_a, item_b


def test_participant_sees_only_items_of_own_cases(client, meeting_world, analyst):
    meeting, a, b, item_a, item_b = meeting_world
    assert list(selectors.meeting_items_for(meeting=meeting, user=analyst)) == [item_a]
    client.force_login(analyst)
    html = client.get(reverse("cases:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Nachtwinkel Alfa" in html and "Garage Bravo" not in html and b.reference not in html
    assert client.get(reverse("cases:meeting_item", args=[meeting.pk, item_b.pk])).status_code == 404
    assert client.get(reverse("cases:item_pdf", args=[meeting.pk, item_b.pk])).status_code == 404


def test_non_participant_gets_404_for_the_meeting(client, meeting_world, make_user):
    meeting = meeting_world[0]
    client.force_login(make_user(OBH_PERMS))
    assert client.get(reverse("cases:meeting_detail", args=[meeting.pk])).status_code == 404
    assert client.get(reverse("cases:meeting_ics", args=[meeting.pk])).status_code == 404


def test_agenda_needs_organiser_member_and_fitting_type(meeting_world, analyst, outreach, ground, enforcer):
    meeting, a, b, item_a, item_b = meeting_world
    c = services.case_open(actor=analyst, case_type="obh", title="Eigen", legal_ground=ground)
    with pytest.raises(PermissionDenied):
        services.meeting_item_add(actor=analyst, meeting=meeting, case=c)  # not the organiser
    youth = services.case_open(actor=outreach, case_type="youth", title="Jongere", legal_ground=ground)
    with pytest.raises(PermissionDenied):
        services.meeting_item_add(actor=enforcer, meeting=meeting, case=youth)  # not a member
    with pytest.raises(ValidationError):
        services.meeting_item_add(actor=enforcer, meeting=meeting, case=a)  # already on the agenda
    assert meeting.items.count() == 2


def test_meeting_bad_input(enforcer):
    now = timezone.now()
    with pytest.raises(ValidationError):
        services.meeting_create(actor=enforcer, meeting_type="obh", title="X", starts_at=now, ends_at=now)
    with pytest.raises(ValidationError):
        services.meeting_create(
            actor=enforcer, meeting_type="zzz", title="X", starts_at=now, ends_at=now + dt.timedelta(hours=1)
        )


def test_second_save_of_the_same_version_is_refused(meeting_world, enforcer, analyst):
    meeting, a, b, item_a, item_b = meeting_world
    services.minutes_save(actor=enforcer, item=item_a, text="Eerste versie", expected_version=0)
    with pytest.raises(services.MinutesConflict):
        services.minutes_save(actor=analyst, item=item_a, text="Tweede, gelijktijdig", expected_version=0)
    item_a.refresh_from_db()
    assert (item_a.minutes, item_a.minutes_version) == ("Eerste versie", 1)
    assert MinutesRevision.objects.filter(item=item_a).count() == 1


def test_conflict_page_keeps_text_and_explains(client, meeting_world, enforcer, analyst):
    meeting, a, b, item_a, item_b = meeting_world
    url = reverse("cases:meeting_item", args=[meeting.pk, item_a.pk])
    client.force_login(enforcer)
    assert client.post(url, {"minutes": "Versie van de stad", "version": 0}).status_code == 302
    client.force_login(analyst)
    response = client.post(url, {"minutes": "Versie van de politie", "version": 0})
    html = response.content.decode()
    assert response.status_code == 409
    assert "Iemand anders heeft dit verslag intussen bewaard" in html
    assert "Versie van de politie" in html and "Versie van de stad" in html
    item_a.refresh_from_db()
    assert item_a.minutes == "Versie van de stad"


def test_minutes_by_non_member_refused(meeting_world, make_user):
    item_b = meeting_world[4]
    with pytest.raises(PermissionDenied):
        services.minutes_save(actor=make_user(OBH_PERMS), item=item_b, text="x", expected_version=0)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL")
def test_concurrent_minutes_saves_on_postgresql(meeting_world, enforcer, analyst):
    meeting, a, b, item_a, item_b = meeting_world
    barrier = threading.Barrier(2)
    results = []

    def save(actor, text):
        from django.db import connections

        try:
            barrier.wait()
            services.minutes_save(actor=actor, item=AgendaItem.objects.get(pk=item_a.pk), text=text, expected_version=0)
            results.append("ok")
        except services.MinutesConflict:
            results.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(u, t)) for u, t in ((enforcer, "A"), (analyst, "B"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict", "ok"]
    item_a.refresh_from_db()
    assert item_a.minutes_version == 1 and item_a.minutes in ("A", "B")


def test_decisions_and_actions(meeting_world, enforcer, analyst, police):
    meeting, a, b, item_a, item_b = meeting_world
    services.decision_record(actor=analyst, item=item_a, text="Integriteitsonderzoek starten")
    with pytest.raises(ValidationError):
        services.decision_record(actor=analyst, item=item_a, text=" ")
    action = services.action_item_create(
        actor=enforcer,
        case=a,
        item=item_a,
        title="Controle brandveiligheid",
        track="administrative",
        owner_organisation=analyst.organisation,
        owner_user=analyst,
        due_date=timezone.localdate(meeting.starts_at) + dt.timedelta(days=30),
    )
    assert action.status == "open"
    with pytest.raises(ValidationError):  # person not of that organisation
        services.action_item_create(
            actor=enforcer,
            case=a,
            title="X",
            track="criminal",
            owner_organisation=enforcer.organisation,
            owner_user=analyst,
        )
    with pytest.raises(ValidationError):
        services.action_item_create(actor=enforcer, case=a, title="X", track="none", owner_organisation=police)
    services.action_item_set_status(actor=analyst, action=action, status="done")
    assert Decision.objects.count() == 1


def test_action_status_through_the_page(client, meeting_world, enforcer, analyst, make_user):
    meeting, a, b, item_a, item_b = meeting_world
    action = services.action_item_create(
        actor=enforcer,
        case=a,
        item=item_a,
        title="Controle",
        track="administrative",
        owner_organisation=enforcer.organisation,
    )
    url = reverse("cases:action_status", args=[meeting.pk, item_a.pk, action.pk])
    client.force_login(analyst)
    client.post(url, {"status": "bogus"})
    action.refresh_from_db()
    assert action.status == "open"
    client.post(url, {"status": "in_progress"})
    action.refresh_from_db()
    assert action.status == "in_progress"
    client.force_login(make_user(OBH_PERMS))
    assert client.post(url, {"status": "done"}).status_code == 404
    action.refresh_from_db()
    assert action.status == "in_progress"


def test_pdf_minutes_for_members(client, meeting_world, enforcer):
    meeting, a, b, item_a, item_b = meeting_world
    services.minutes_save(actor=enforcer, item=item_a, text="Besproken: uitbating", expected_version=0)
    client.force_login(enforcer)
    response = client.get(reverse("cases:item_pdf", args=[meeting.pk, item_a.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    from schakel.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="cases.minutes_pdf", actor=enforcer).exists()


def test_ics_names_the_meeting_not_its_cases(client, meeting_world, analyst):
    meeting = meeting_world[0]
    client.force_login(analyst)
    body = client.get(reverse("cases:meeting_ics", args=[meeting.pk])).content.decode()
    assert "BEGIN:VEVENT" in body and "OBH november" in body and "Stadhuis" in body
    assert "Nachtwinkel" not in body and "Garage" not in body


def test_meeting_list_query_count(client, enforcer):
    client.force_login(enforcer)

    def make_rows(n):
        now = timezone.now()
        for i in range(n):
            services.meeting_create(
                actor=enforcer, meeting_type="obh", title=f"OBH {i}", starts_at=now, ends_at=now + dt.timedelta(hours=1)
            )

    assert_constant_queries(make_rows, lambda: client.get(reverse("cases:meeting_list")))


def test_meeting_detail_query_count(client, enforcer, ground):
    now = timezone.now()
    meeting = services.meeting_create(
        actor=enforcer, meeting_type="obh", title="OBH", starts_at=now, ends_at=now + dt.timedelta(hours=1)
    )
    client.force_login(enforcer)

    def make_rows(n):
        for i in range(n):
            case = services.case_open(actor=enforcer, case_type="obh", title=f"Pand {i}", legal_ground=ground)
            item = services.meeting_item_add(actor=enforcer, meeting=meeting, case=case)
            services.decision_record(actor=enforcer, item=item, text="Beslist")

    assert_constant_queries(make_rows, lambda: client.get(reverse("cases:meeting_detail", args=[meeting.pk])))


# --- plan of approach and exit plan ------------------------------------------------


def test_intervention_needs_instrument_of_the_same_track(obh_case, enforcer, city, analyst):
    from schakel.legal.seeding import load_reference

    load_reference(lambda m: None)
    closure = LegalInstrument.objects.get(code="ngw-134quater")
    with pytest.raises(ValidationError):
        services.intervention_add(
            actor=enforcer,
            case=obh_case,
            track="criminal",
            instrument=closure,
            description="Sluiting",
            responsible_organisation=city,
        )
    i = services.intervention_add(
        actor=enforcer,
        case=obh_case,
        track="administrative",
        instrument=closure,
        description="Sluiting 3 maanden",
        responsible_organisation=city,
    )
    assert i.status == "planned"
    with pytest.raises(PermissionDenied):
        services.intervention_add(
            actor=analyst,
            case=obh_case,
            track="administrative",
            instrument=closure,
            description="x",
            responsible_organisation=city,
        )


def test_exit_plan_only_for_youth_cases(obh_case, enforcer, outreach, ground, city):
    with pytest.raises(ValidationError):
        services.exit_goal_add(
            actor=enforcer, case=obh_case, domain="education", goal="Terug naar school", responsible_partner=city
        )
    youth = services.case_open(actor=outreach, case_type="youth", title="Jongere", legal_ground=ground)
    with pytest.raises(ValidationError):
        services.exit_goal_add(actor=outreach, case=youth, domain="mars", goal="x", responsible_partner=city)
    goal = services.exit_goal_add(
        actor=outreach, case=youth, domain="education", goal="Terug naar school", responsible_partner=city
    )
    assert goal.get_domain_display() == "Onderwijs"


def test_plan_page_adds_intervention(client, obh_case, enforcer, city):
    closure = LegalInstrument.objects.get(code="drugwet-9bis")
    client.force_login(enforcer)
    url = reverse("cases:plan", args=[obh_case.pk])
    bad = client.post(
        url,
        {"i-track": "social", "i-instrument": closure.pk, "i-description": "x", "i-responsible_organisation": city.pk},
    )
    assert bad.status_code == 200 and "ander spoor" in bad.content.decode()
    ok = client.post(
        url,
        {
            "i-track": "administrative",
            "i-instrument": closure.pk,
            "i-description": "Sluiting",
            "i-responsible_organisation": city.pk,
            "i-due_date": "01-02-2027",
        },
    )
    assert ok.status_code == 302 and obh_case.interventions.count() == 1


# --- two-phase list ------------------------------------------------------------------


def test_two_phase_list_is_for_police_and_prosecutor_only(make_user, police, city):
    perms = ["cases.view_twophasefile", "cases.add_twophasefile", "cases.change_twophasefile"]
    officer = make_user(perms, org=police)
    prosecutor = make_user(perms, kind=Organisation.Kind.PROSECUTOR)
    city_user = make_user(perms, org=city)  # even with the permissions
    row = services.twophase_propose(
        actor=officer, judicial_reference="ME.12.L1.001234/26", summary="Drugshandel vanuit pand"
    )
    services.twophase_decide(actor=prosecutor, row=row, phase="selected")
    assert selectors.twophase_visible_to(user=prosecutor).get().phase == "selected"
    assert selectors.twophase_visible_to(user=city_user).count() == 0
    with pytest.raises(PermissionDenied):
        services.twophase_propose(actor=city_user, judicial_reference="X", summary="Y")
    with pytest.raises(ValidationError):
        services.twophase_propose(actor=officer, judicial_reference="", summary="Y")
    with pytest.raises(ValidationError):
        services.twophase_decide(actor=officer, row=row, phase="bogus")
    assert TwoPhaseFile.objects.count() == 1


# --- indicators -------------------------------------------------------------------------


def test_indicators_are_aggregates_and_none_without_data(enforcer, outreach, ground, city):
    today = timezone.localdate()
    period = {"start": today.replace(day=1), "end": today}
    assert indicators.cases_open(params={}, **period) is None
    assert indicators.median_days_to_plan(params={}, **period) is None
    case = services.case_open(actor=enforcer, case_type="obh", title="Pand", legal_ground=ground)
    youth = services.case_open(actor=outreach, case_type="youth", title="Jongere", legal_ground=ground)
    assert indicators.cases_open(params={"type": "obh"}, **period) == 1
    assert indicators.cases_open(params={}, **period) == 2
    assert indicators.cases_registered(params={"type": "youth"}, **period) == 1
    services.case_status_change(actor=enforcer, case=case, to_status="besproken")
    services.case_status_change(actor=enforcer, case=case, to_status="plan")
    assert indicators.median_days_to_plan(params={}, **period) == 0
    assert indicators.youth_cases_with_exit_plan(params={}, **period) == 0
    services.exit_goal_add(actor=outreach, case=youth, domain="work", goal="Studentenjob", responsible_partner=city)
    assert indicators.youth_cases_with_exit_plan(params={}, **period) == 1
    closure = LegalInstrument.objects.get(code="ngw-134quater")
    services.intervention_add(
        actor=enforcer,
        case=case,
        track="administrative",
        instrument=closure,
        description="Sluiting",
        responsible_organisation=city,
    )
    assert indicators.interventions_started(params={"track": "administrative"}, **period) == 1
    assert indicators.interventions_started(params={"track": "social"}, **period) == 0
    last_year = {"start": dt.date(2000, 1, 1), "end": dt.date(2000, 1, 31)}
    assert indicators.cases_open(params={}, **last_year) == 0
