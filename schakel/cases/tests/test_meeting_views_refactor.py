"""The form and status handlers of meetings and the plan share helpers; these
tests pin what each of them answers: status code, redirect, message, audit
event, and 404 both for a missing row and for a user who may read but not change."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from schakel.audit.models import AuditEvent
from schakel.cases import services
from schakel.cases.models import ActionItem, AgendaItem, Decision
from schakel.legal.models import LegalInstrument

from .conftest import OBH_PERMS

pytestmark = pytest.mark.django_db


def _messages(response):
    """The messages this request added; earlier unread ones stay in the cookie
    and would be listed again by iterating the storage."""
    return [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)._queued_messages]


@pytest.fixture
def world(enforcer, analyst, make_user, ground, police):
    """An OBH meeting on two cases. The analyst is a partner of case a; the
    advisor is an advisor of case a (may read, not change); both take part."""
    advisor = make_user(OBH_PERMS, org=police)
    a = services.case_open(actor=enforcer, case_type="obh", title="Nachtwinkel Alfa", legal_ground=ground)
    b = services.case_open(actor=enforcer, case_type="obh", title="Garage Bravo", legal_ground=ground)
    services.case_member_add(actor=enforcer, case=a, user=analyst, role="partner", legal_ground=ground)
    services.case_member_add(actor=enforcer, case=a, user=advisor, role="advisor", legal_ground=ground)
    start = timezone.now() + dt.timedelta(days=1)
    meeting = services.meeting_create(
        actor=enforcer,
        meeting_type="obh",
        title="OBH november",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        participants=[analyst, advisor],
    )
    item_a = services.meeting_item_add(actor=enforcer, meeting=meeting, case=a)
    item_b = services.meeting_item_add(actor=enforcer, meeting=meeting, case=b)
    return {"meeting": meeting, "a": a, "b": b, "item_a": item_a, "item_b": item_b, "advisor": advisor}


def _item_url(world):
    return reverse("cases:meeting_item", args=[world["meeting"].pk, world["item_a"].pk])


def _action(world, actor, case="a"):
    item = world[f"item_{case}"]
    return services.action_item_create(
        actor=actor,
        case=item.case,
        item=item,
        title="Controle",
        track="administrative",
        owner_organisation=actor.organisation,
    )


# --- decision_add and action_add ------------------------------------------------------


def test_decision_add_records_redirects_and_says_so(client, world, analyst):
    client.force_login(analyst)
    url = reverse("cases:decision_add", args=[world["meeting"].pk, world["item_a"].pk])
    response = client.post(url, {"text": "Gezamenlijke controle in december"})
    assert response.status_code == 302 and response["Location"] == _item_url(world)
    assert _messages(response) == [("success", "De beslissing is genoteerd.")]
    assert Decision.objects.get().text == "Gezamenlijke controle in december"
    assert AuditEvent.objects.filter(action="cases.decision_recorded", actor=analyst).count() == 1


def test_action_add_creates_redirects_and_says_so(client, world, analyst, police):
    client.force_login(analyst)
    url = reverse("cases:action_add", args=[world["meeting"].pk, world["item_a"].pk])
    data = {"title": "Dossier opvragen", "track": "criminal", "owner_organisation": police.pk, "owner_user": ""}
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == _item_url(world)
    assert _messages(response) == [("success", "De actie is toegevoegd.")]
    action = ActionItem.objects.get()
    assert (action.title, action.item_id, action.case_id) == ("Dossier opvragen", world["item_a"].pk, world["a"].pk)
    assert AuditEvent.objects.filter(action="cases.action_created", actor=analyst).count() == 1


def test_an_invalid_action_form_shows_the_page_again_with_the_error(client, world, analyst, police):
    client.force_login(analyst)
    url = reverse("cases:action_add", args=[world["meeting"].pk, world["item_a"].pk])
    response = client.post(url, {"title": "  ", "track": "criminal", "owner_organisation": police.pk})
    assert response.status_code == 200 and not ActionItem.objects.exists()
    assert response.templates[0].name == "cases/meeting_item.html"
    assert response.context["action_form"].errors
    assert not response.context["decision_form"].is_bound
    assert _messages(response) == []


def test_a_member_who_may_not_change_gets_404_and_nothing_is_written(client, world, police):
    advisor = world["advisor"]
    client.force_login(advisor)
    meeting, item = world["meeting"], world["item_a"]
    assert client.get(_item_url(world)).status_code == 200  # reading is allowed
    action = _action(world, world["a"].owner)
    posts = {
        "cases:decision_add": ([meeting.pk, item.pk], {"text": "Iets"}),
        "cases:action_add": ([meeting.pk, item.pk], {"title": "X", "track": "social", "owner_organisation": police.pk}),
        "cases:action_status": ([meeting.pk, item.pk, action.pk], {"status": "done"}),
    }
    for route, (args, data) in posts.items():
        response = client.post(reverse(route, args=args), data)
        assert response.status_code == 404, route
    assert not Decision.objects.exists() and ActionItem.objects.count() == 1
    action.refresh_from_db()
    assert action.status == "open"
    assert not AuditEvent.objects.filter(actor=advisor, action__in=["cases.decision_recorded", "cases.action_status"])


# --- action_status --------------------------------------------------------------------


def test_action_status_messages_and_redirect(client, world, analyst):
    action = _action(world, analyst)
    client.force_login(analyst)
    url = reverse("cases:action_status", args=[world["meeting"].pk, world["item_a"].pk, action.pk])
    response = client.post(url, {"status": "bogus"})
    assert response.status_code == 302 and response["Location"] == _item_url(world)
    assert _messages(response) == [("error", "Onbekende status.")]
    response = client.post(url, {"status": "done"})
    assert response.status_code == 302 and response["Location"] == _item_url(world)
    assert _messages(response) == [("success", "De status van de actie is bijgewerkt.")]
    action.refresh_from_db()
    assert action.status == "done"
    assert list(AuditEvent.objects.filter(action="cases.action_status").values_list("summary", flat=True)) == ["done"]


def test_action_status_of_a_missing_or_other_case_action_is_404(client, world, analyst, enforcer):
    other = _action(world, enforcer, case="b")  # case b: the analyst is no member
    client.force_login(analyst)
    meeting, item = world["meeting"], world["item_a"]
    for pk in (other.pk, other.pk + 100):
        url = reverse("cases:action_status", args=[meeting.pk, item.pk, pk])
        assert client.post(url, {"status": "done"}).status_code == 404
    other.refresh_from_db()
    assert other.status == "open"


# --- meeting_item_add -----------------------------------------------------------------


def test_meeting_item_add_messages(client, world, enforcer, analyst, ground):
    meeting = world["meeting"]
    url = reverse("cases:meeting_item_add", args=[meeting.pk])
    detail = reverse("cases:meeting_detail", args=[meeting.pk])
    c = services.case_open(actor=enforcer, case_type="obh", title="Loods Charlie", legal_ground=ground)
    services.case_member_add(actor=enforcer, case=c, user=analyst, role="partner", legal_ground=ground)
    client.force_login(enforcer)
    response = client.post(url, {"case": c.pk})
    assert response.status_code == 302 and response["Location"] == detail
    assert _messages(response) == [("success", "De casus staat op de agenda.")]
    response = client.post(url, {"case": c.pk})
    assert response.status_code == 302 and response["Location"] == detail
    assert _messages(response) == [("error", "Deze casus staat al op de agenda.")]
    assert AgendaItem.objects.filter(meeting=meeting, case=c).count() == 1
    # A participant who is not the organiser: 404, like a case that is not theirs.
    d = services.case_open(actor=enforcer, case_type="obh", title="Loods Delta", legal_ground=ground)
    services.case_member_add(actor=enforcer, case=d, user=analyst, role="partner", legal_ground=ground)
    client.force_login(analyst)
    assert client.post(url, {"case": d.pk}).status_code == 404
    assert not AgendaItem.objects.filter(case=d).exists()


# --- intervention_status and exit_goal_status ---------------------------------------------


def test_plan_step_messages_redirect_and_audit(client, obh_case, enforcer, city):
    intervention = services.intervention_add(
        actor=enforcer,
        case=obh_case,
        track="administrative",
        instrument=LegalInstrument.objects.get(code="ngw-134quater"),
        description="Sluiting",
        responsible_organisation=city,
    )
    client.force_login(enforcer)
    url = reverse("cases:intervention_status", args=[obh_case.pk, intervention.pk])
    plan = reverse("cases:plan", args=[obh_case.pk])
    response = client.post(url, {})
    assert response.status_code == 302 and response["Location"] == plan
    assert _messages(response) == [("error", "Kies een nieuwe status.")]
    response = client.post(url, {"to_status": "running", "note": "Gestart"})
    assert response.status_code == 302 and response["Location"] == plan
    assert _messages(response) == [("success", "De status is gewijzigd.")]
    response = client.post(url, {"to_status": "planned"})  # no step back
    assert response.status_code == 302 and response["Location"] == plan
    assert _messages(response) == [("error", "Van ‘Lopend’ naar ‘Gepland’ is geen toegelaten stap.")]
    intervention.refresh_from_db()
    assert intervention.status == "running"
    assert AuditEvent.objects.filter(action="cases.intervention_status").count() == 1


def test_exit_goal_step_is_the_goal_flow_and_404_for_a_reader(client, outreach, make_user, ground, city):
    from schakel.cases.tests.conftest import YOUTH_PERMS

    case = services.case_open(actor=outreach, case_type="youth", title="Jongere in de wijk", legal_ground=ground)
    goal = services.exit_goal_add(
        actor=outreach, case=case, domain="education", goal="Terug naar school", responsible_partner=city
    )
    reader = make_user(YOUTH_PERMS, org=city)
    services.case_member_add(actor=outreach, case=case, user=reader, role="advisor", legal_ground=ground)
    url = reverse("cases:exit_goal_status", args=[case.pk, goal.pk])
    client.force_login(reader)
    assert client.post(url, {"to_status": "reached"}).status_code == 404
    client.force_login(outreach)
    response = client.post(url, {"to_status": "running"})  # an intervention status, not a goal's
    assert _messages(response) == [("error", "Van ‘Open’ naar ‘running’ is geen toegelaten stap.")]
    response = client.post(url, {"to_status": "reached"})
    assert response.status_code == 302 and response["Location"] == reverse("cases:plan", args=[case.pk])
    assert _messages(response) == [("success", "De status is gewijzigd.")]
    goal.refresh_from_db()
    assert goal.status == "reached"
    assert AuditEvent.objects.filter(action="cases.exit_goal_status").count() == 1
