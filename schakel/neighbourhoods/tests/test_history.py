"""Incident and QRT activity edits are appended to their history, never
overwritten; internal-notes changes are shown only to their readers."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from schakel.core.testing import UserFactory, persona_user
from schakel.neighbourhoods import selectors, services
from schakel.neighbourhoods.models import Incident, IncidentRevision, QrtActivity, QrtActivityRevision

from .conftest import CENTRE, QRT_PERMS
from .conftest import incident_kwargs as _incident_kwargs

WHEN = timezone.now().replace(microsecond=0) - dt.timedelta(days=2)


def incident_kwargs(**over):
    return _incident_kwargs(**{"occurred_at": WHEN, **over})


@pytest.fixture
def lead(city):
    return UserFactory(organisation=city, perms=[*QRT_PERMS, "neighbourhoods.view_incident_internal_notes"])


@pytest.mark.django_db
def test_a_revision_per_create_and_edit_with_old_and_new_values(lead, addresses):
    incident = services.incident_create(actor=lead, address=addresses[0], **incident_kwargs())
    services.incident_update(
        actor=lead, incident=incident, address=addresses[0], **incident_kwargs(damage="deur en raam", radius_m=300)
    )
    services.incident_update(
        actor=lead,
        incident=incident,
        address=addresses[1],
        **incident_kwargs(damage="deur en raam", radius_m=300, internal_notes="nieuwe piste"),
    )
    revs = list(IncidentRevision.objects.filter(incident=incident).order_by("pk"))
    assert [r.action for r in revs] == ["created", "changed", "changed"]
    assert all(r.by == lead for r in revs)
    assert revs[0].changes["kind"] == [None, "explosion"]
    assert revs[0].restricted_changes["internal_notes"] == [None, "intern"]
    assert revs[1].changes == {"damage": ["deur", "deur en raam"], "radius_m": [250, 300]}
    assert revs[1].restricted_changes == {}
    assert set(revs[2].changes) == {"address", "lat", "lon"}
    assert revs[2].changes["address"] == [addresses[0].label, addresses[1].label]
    assert "internal_notes" not in revs[2].changes  # kept apart from the shared fields
    assert revs[2].restricted_changes == {"internal_notes": ["intern", "nieuwe piste"]}
    # the row itself holds the latest state
    incident.refresh_from_db()
    assert incident.damage == "deur en raam" and incident.internal_notes == "nieuwe piste"


@pytest.mark.django_db
def test_an_edit_that_changes_nothing_appends_nothing(lead, addresses):
    incident = services.incident_create(actor=lead, address=addresses[0], **incident_kwargs())
    services.incident_update(actor=lead, incident=incident, address=addresses[0], **incident_kwargs())
    assert IncidentRevision.objects.filter(incident=incident).count() == 1


@pytest.mark.django_db
def test_revisions_cannot_be_updated_or_deleted(lead, addresses):
    incident = services.incident_create(actor=lead, address=addresses[0], **incident_kwargs())
    rev = IncidentRevision.objects.get(incident=incident)
    rev.changes = {"kind": [None, "arson"]}
    with pytest.raises(TypeError):
        rev.save()
    with pytest.raises(TypeError):
        rev.delete()
    with pytest.raises(TypeError):
        IncidentRevision.objects.filter(pk=rev.pk).update(changes={})
    with pytest.raises(TypeError):
        IncidentRevision.objects.filter(pk=rev.pk).delete()
    assert IncidentRevision.objects.get(pk=rev.pk).changes["kind"] == [None, "explosion"]


@pytest.mark.django_db
def test_history_hides_internal_values_from_readers_without_the_permission(lead, qrt_user, addresses):
    incident = services.incident_create(
        actor=lead, address=addresses[0], **incident_kwargs(internal_notes="Geheime piste", police_reference="PV-77")
    )
    services.incident_update(
        actor=lead, incident=incident, address=addresses[0], **incident_kwargs(internal_notes="Tweede piste")
    )
    services.incident_update(actor=lead, incident=incident, address=addresses[0], **incident_kwargs(damage="dak"))

    def flat(user):
        return " ".join(
            f"{e.action} " + " ".join(" ".join(row) for row in e.rows)
            for e in selectors.incident_history(user=user, incident=incident)
        )

    seen_by_lead = flat(lead)
    assert "Geheime piste" in seen_by_lead and "Tweede piste" in seen_by_lead and "PV-77" in seen_by_lead
    seen_by_member = flat(qrt_user)
    for secret in ("Geheime piste", "Tweede piste", "PV-77", "intern"):
        assert secret not in seen_by_member
    # the creation and the damage change are visible; the notes-only edit is left out entirely
    assert [e.action for e in selectors.incident_history(user=qrt_user, incident=incident)] == [
        "aangemaakt",
        "gewijzigd",
    ]
    assert len(selectors.incident_history(user=lead, incident=incident)) == 3


@pytest.mark.django_db
def test_incident_page_shows_history_without_internal_values(persona_client):
    incident = Incident.objects.filter(is_demo=True).order_by("pk").first()
    lead = persona_user("qrtlead")
    data = {f: getattr(incident, f) for f in ("kind", "occurred_at", "public_summary", "damage", "radius_m")}
    services.incident_update(
        actor=lead,
        incident=incident,
        address=incident.address,
        internal_notes="Piste uit de buurt",
        police_reference="PV-DEMO-9",
        **{**data, "damage": "Voordeur en brievenbus"},
    )
    url = reverse("neighbourhoods:incident_detail", args=[incident.pk])
    client = persona_client("qrt")
    body = client.get(url).content.decode()
    assert "Geschiedenis" in body and "Voordeur en brievenbus" in body and lead.get_full_name() in body
    assert "Piste uit de buurt" not in body and "PV-DEMO-9" not in body
    client.force_login(persona_user("coordinator"))
    body = client.get(url).content.decode()
    assert "Voordeur en brievenbus" in body and "Piste uit de buurt" not in body and "PV-DEMO-9" not in body
    client.force_login(persona_user("liec"))
    body = client.get(url).content.decode()
    assert "Piste uit de buurt" in body and "PV-DEMO-9" in body


@pytest.mark.django_db
def test_qrt_activity_edits_are_appended(qrt_user):
    data = {
        "kind": "presence",
        "date": timezone.localdate(),
        "duration_minutes": 60,
        "lat": CENTRE[0],
        "lon": CENTRE[1],
    }
    activity = services.qrt_activity_create(actor=qrt_user, **data)
    services.qrt_activity_update(actor=qrt_user, activity=activity, **{**data, "duration_minutes": 90, "notes": "n"})
    services.qrt_activity_update(actor=qrt_user, activity=activity, **{**data, "duration_minutes": 90, "notes": "n"})
    revs = list(QrtActivityRevision.objects.filter(activity=activity).order_by("pk"))
    assert [r.action for r in revs] == ["created", "changed"]
    assert revs[1].changes == {"duration_minutes": [60, 90], "notes": ["", "n"]}
    history = selectors.qrt_activity_history(user=qrt_user, activity=activity)
    assert ("duur (minuten)", "60", "90") in history[1].rows
    assert QrtActivity.objects.get(pk=activity.pk).duration_minutes == 90
    with pytest.raises(TypeError):
        QrtActivityRevision.objects.filter(activity=activity).delete()


@pytest.mark.django_db
def test_an_edit_at_the_forms_minute_precision_keeps_the_stored_time(lead, addresses):
    incident = services.incident_create(actor=lead, address=addresses[0], **incident_kwargs())
    # a record stored with seconds (imported, or from before the minute rule)
    Incident.objects.filter(pk=incident.pk).update(occurred_at=WHEN.replace(second=37))
    incident.refresh_from_db()
    services.incident_update(
        actor=lead, incident=incident, address=addresses[0], **incident_kwargs(occurred_at=WHEN.replace(second=0))
    )
    incident.refresh_from_db()
    assert incident.occurred_at == WHEN.replace(second=37)
    assert IncidentRevision.objects.filter(incident=incident).count() == 1
    later = WHEN.replace(second=0) + dt.timedelta(minutes=5)
    services.incident_update(actor=lead, incident=incident, address=addresses[0], **incident_kwargs(occurred_at=later))
    rev = IncidentRevision.objects.filter(incident=incident).order_by("pk").last()
    assert rev.changes == {"occurred_at": [WHEN.replace(second=37).isoformat(), later.isoformat()]}


@pytest.mark.django_db
def test_incident_page_queries_do_not_grow_with_the_history(persona_client):
    from schakel.core.testing import assert_constant_queries

    incident = Incident.objects.filter(is_demo=True).order_by("pk").first()
    lead = persona_user("qrtlead")
    client = persona_client("liec")
    url = reverse("neighbourhoods:incident_detail", args=[incident.pk])
    data = {f: getattr(incident, f) for f in ("kind", "occurred_at", "public_summary", "radius_m")}
    counter = iter(range(1000))

    def edits(n):
        for _ in range(n):
            i = next(counter)
            services.incident_update(
                actor=lead,
                incident=incident,
                address=incident.address,
                damage=f"schade {i}",
                internal_notes=f"notitie {i}",
                **data,
            )

    assert_constant_queries(edits, lambda: client.get(url))
