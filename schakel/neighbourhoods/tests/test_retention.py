"""Retention of personal data in neighbourhood records (neighbourhoods_retention)."""

import datetime as dt
import hashlib
import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from schakel.audit.models import AuditEvent
from schakel.core.testing import UserFactory, persona_user
from schakel.neighbourhoods import retention, selectors, services
from schakel.neighbourhoods.models import (
    BehangtafelSession,
    Incident,
    IncidentRevision,
    QrtActivity,
    QrtActivityRevision,
    RetentionProof,
    RetentionRule,
    WalkScore,
)

from .conftest import CENTRE, QRT_PERMS, incident_kwargs
from .test_services import png_bytes

TODAY = timezone.localdate()


@pytest.fixture
def rules(db):
    for code, months in retention.DEFAULT_MONTHS.items():
        RetentionRule.objects.create(code=code, months=months)


@pytest.fixture
def lead(city):
    return UserFactory(organisation=city, perms=[*QRT_PERMS, "neighbourhoods.view_incident_internal_notes"])


def _activity(user, days_ago, **over):
    data = {
        "kind": "presence",
        "date": TODAY - dt.timedelta(days=days_ago),
        "duration_minutes": 30,
        "lat": CENTRE[0],
        "lon": CENTRE[1],
    }
    return services.qrt_activity_create(actor=user, **{**data, **over})


@pytest.mark.django_db
def test_qrt_notes_and_contact_addresses_erased_after_period_with_proof(rules, qrt_user, addresses):
    old_contact = _activity(
        qrt_user, 400, kind="resident_contact", address=addresses[1], notes="Mevrouw X, nr 5, bang", residents_reached=1
    )
    services.qrt_activity_update(
        actor=qrt_user,
        activity=old_contact,
        kind="resident_contact",
        date=old_contact.date,
        duration_minutes=45,
        address=addresses[1],
        notes="Mevrouw X, nr 5, bang; tweede bezoek",
        residents_reached=1,
    )
    old_presence = _activity(qrt_user, 400, duration_minutes=90)  # nothing personal: left alone
    recent = _activity(qrt_user, 30, notes="recent contact")
    lat_before = old_contact.lat

    assert retention.retention_run(dry_run=True)["qrt_notes"] == 1
    assert QrtActivity.objects.get(pk=old_contact.pk).notes  # a dry run changes nothing

    result = retention.retention_run()
    assert result["qrt_notes"] == 1
    old_contact.refresh_from_db()
    assert old_contact.notes == "" and old_contact.address is None
    assert old_contact.lat == round(lat_before, 3) and old_contact.residents_reached == 1  # counts stay
    assert old_contact.duration_minutes == 45 and old_contact.area_id == old_presence.area_id
    assert QrtActivity.objects.get(pk=recent.pk).notes == "recent contact"
    # the history no longer holds the notes; one retention entry replaces them
    revs = list(QrtActivityRevision.objects.filter(activity=old_contact))
    assert [r.action for r in revs] == ["retention"]
    assert "Mevrouw" not in str([r.changes for r in revs])
    proof = RetentionProof.objects.get(object_type="neighbourhoods.qrtactivity", object_id=old_contact.pk)
    assert proof.rule == "qrt_notes=12" and proof.fields == "notes,address,lat,lon"
    expected = hashlib.sha256(
        "\x1f".join(
            ["Mevrouw X, nr 5, bang; tweede bezoek", addresses[1].label, f"{addresses[1].lat},{addresses[1].lon}"]
        ).encode()
    )
    assert proof.content_sha256 == expected.hexdigest()
    assert proof.record_month == old_contact.date.strftime("%Y-%m")
    event = AuditEvent.objects.get(action="neighbourhoods.retention_erased", object_id=str(old_contact.pk))
    assert event.actor is None and "Mevrouw" not in event.summary
    # a second run finds nothing left
    assert retention.retention_run()["qrt_notes"] == 0
    assert RetentionProof.objects.count() == 1


@pytest.mark.django_db
def test_behangtafel_reports_and_walk_photos(rules, qrt_user, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    old = services.behangtafel_session_create(
        actor=qrt_user, date=TODAY - dt.timedelta(days=800), place="Zaal", notes="Bewoner Y vertelde"
    )
    younger = services.behangtafel_session_create(
        actor=qrt_user, date=TODAY - dt.timedelta(days=400), place="Zaal", notes="nog binnen 24 maanden"
    )
    admin = UserFactory(perms=["neighbourhoods.change_checklisttemplate"])
    template = services.checklist_template_save(actor=admin, name="T", items=[("Zwerfvuil", 1)])
    walk = services.walk_create(actor=qrt_user, template=template, date=TODAY - dt.timedelta(days=400), route="Rondje")
    item = template.items.get()
    score = services.walk_score_add(
        actor=qrt_user,
        walk=walk,
        item=item,
        value="C",
        remark="auto met nummerplaat",
        photo=SimpleUploadedFile("p.jpg", png_bytes(), "image/jpeg"),
    )
    path = Path(score.photo.path)
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = retention.retention_run()
        assert path.exists(), "the photo file is removed only after the commit"
    assert result["behangtafel_notes"] == 1 and result["walk_photos"] == 1
    for callback in callbacks:
        callback()
    assert not path.exists()
    assert BehangtafelSession.objects.get(pk=old.pk).notes == ""
    assert BehangtafelSession.objects.get(pk=younger.pk).notes == "nog binnen 24 maanden"
    score = WalkScore.objects.get(pk=score.pk)
    assert not score.photo and score.remark == "" and score.value == "C"  # the score itself stays
    assert set(RetentionProof.objects.values_list("object_type", "fields")) == {
        ("neighbourhoods.behangtafelsession", "notes"),
        ("neighbourhoods.walkscore", "photo,remark"),
    }


@pytest.mark.django_db
def test_incident_internal_notes_erased_with_their_history(rules, lead, addresses):
    incident = services.incident_create(
        actor=lead,
        address=addresses[0],
        **incident_kwargs(occurred_at=timezone.now() - dt.timedelta(days=6 * 366), internal_notes="piste A"),
    )
    services.incident_update(
        actor=lead,
        incident=incident,
        address=addresses[0],
        **incident_kwargs(occurred_at=incident.occurred_at, internal_notes="piste B", damage="dak"),
    )
    recent = services.incident_create(actor=lead, address=addresses[1], **incident_kwargs(internal_notes="piste C"))
    assert retention.retention_run()["incident_internal"] == 1
    incident.refresh_from_db()
    assert incident.internal_notes == "" and incident.police_reference == "" and incident.damage == "dak"
    assert Incident.objects.get(pk=recent.pk).internal_notes == "piste C"
    stored = str(list(IncidentRevision.objects.filter(incident=incident).values_list("changes", "restricted_changes")))
    assert "piste" not in stored and "AN.12" not in stored
    # both revisions held the notes and are gone; the retention entry shows only to readers of internal notes
    assert list(IncidentRevision.objects.filter(incident=incident).values_list("action", flat=True)) == ["retention"]
    assert [e.action for e in selectors.incident_history(user=lead, incident=incident)] == ["gewist na bewaartermijn"]


@pytest.mark.django_db
def test_inactive_or_longer_rule_erases_nothing(rules, qrt_user):
    a = _activity(qrt_user, 400, notes="x")
    RetentionRule.objects.filter(code="qrt_notes").update(is_active=False)
    assert "qrt_notes" not in retention.retention_run()
    RetentionRule.objects.filter(code="qrt_notes").update(is_active=True, months=24)
    assert retention.retention_run()["qrt_notes"] == 0
    assert QrtActivity.objects.get(pk=a.pk).notes == "x"


@pytest.mark.django_db
def test_command_prints_counts(rules, qrt_user):
    _activity(qrt_user, 400, notes="x")
    out = io.StringIO()
    call_command("neighbourhoods_retention", "--dry-run", stdout=out)
    assert "qrt_notes: would erase 1 records" in out.getvalue()
    call_command("neighbourhoods_retention", stdout=out)
    assert "qrt_notes: erased 1 records" in out.getvalue()


@pytest.mark.django_db
def test_administrator_edits_a_retention_period(persona_client):
    assert RetentionRule.objects.count() == 5  # seeded as reference data
    rule = RetentionRule.objects.get(code="walk_photos")
    client = persona_client("beheerder")
    url = reverse("neighbourhoods:retention_rules")
    assert client.get(url).status_code == 200
    response = client.post(f"{url}?edit={rule.pk}", {"months": "0", "is_active": "on"})
    assert "months" in response.context["form"].errors
    rule.refresh_from_db()
    assert rule.months == 12
    response = client.post(f"{url}?edit={rule.pk}", {"months": "18", "is_active": "on"})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.months == 18 and rule.is_active
    event = AuditEvent.objects.get(action="neighbourhoods.retention_rule_changed")
    assert event.actor == persona_user("beheerder") and "12->18" in event.summary
    with pytest.raises(PermissionDenied):
        services.retention_rule_save(actor=persona_user("qrt"), rule=rule, months=6, is_active=True)


@pytest.mark.django_db
def test_contact_pinned_to_a_point_is_rounded_once(rules, qrt_user):
    point = {"lat": CENTRE[0] + 0.000123, "lon": CENTRE[1] + 0.000456}
    contact = _activity(qrt_user, 400, kind="key_figure", **point)
    presence = _activity(qrt_user, 400, **point)  # not a contact: the point stays exact
    assert retention.retention_run(dry_run=True)["qrt_notes"] == 1
    assert retention.retention_run()["qrt_notes"] == 1
    contact.refresh_from_db()
    assert (contact.lat, contact.lon) == (round(point["lat"], 3), round(point["lon"], 3))
    assert QrtActivity.objects.get(pk=presence.pk).lat == point["lat"]
    assert RetentionProof.objects.get(object_id=contact.pk).fields == "lat,lon"
    assert retention.retention_run()["qrt_notes"] == 0  # already at block level: nothing more


@pytest.mark.django_db
def test_withdrawal_reason_erased_after_period_with_proof(rules, qrt_user, client):
    from schakel.neighbourhoods import indicators
    from schakel.places import services as place_services
    from schakel.places.demo import demo_zone_geojson

    area = place_services.area_save(actor=None, code="zone", name="Zone", geometry=demo_zone_geojson()["geometry"])
    admin = UserFactory(perms=["neighbourhoods.change_checklisttemplate"])
    template = services.checklist_template_save(actor=admin, name="T", items=[("Zwerfvuil", 1), ("Verlichting", 1)])
    walk_date = TODAY - dt.timedelta(days=20)
    walk = services.walk_create(actor=qrt_user, template=template, date=walk_date, area=area)
    litter, light = template.items.order_by("order")
    wrong = services.walk_score_add(actor=qrt_user, walk=walk, item=litter, value="D")
    services.walk_score_add(actor=qrt_user, walk=walk, item=litter, value="A+")
    later = services.walk_score_add(actor=qrt_user, walk=walk, item=light, value="A+")
    reason = "Mevrouw Janssens van nr 5 zei dat het haar vuilniszak was"
    services.walk_score_withdraw(actor=qrt_user, score=wrong, reason=reason)
    withdrawn_at = WalkScore.objects.get(pk=wrong.pk).withdrawn_at
    # a second withdrawal, 11 months later: still within its own period when the first expires
    services.walk_score_withdraw(actor=qrt_user, score=later, reason="Dubbel, zie foto van Peeters")
    WalkScore.objects.filter(pk=later.pk).update(withdrawn_at=withdrawn_at + dt.timedelta(days=335))
    walk.refresh_from_db()
    assert float(walk.score) == 100.0  # the withdrawn D does not count

    def trend_and_indicator():
        walk.refresh_from_db()
        trend = [float(w.score) for w in selectors.area_trend(user=qrt_user, area_id=area.pk)]
        mean = indicators.walk_score_mean(start=walk_date, end=walk_date, params={"area": "zone"})
        return float(walk.score), trend, float(mean)

    assert trend_and_indicator() == (100.0, [100.0], 100.0)

    # before the period (12 months from the withdrawal): nothing
    before = withdrawn_at + dt.timedelta(days=360)
    assert retention.retention_run(now=before)["walk_withdrawn_reasons"] == 0
    assert WalkScore.objects.get(pk=wrong.pk).withdrawn_reason == reason
    # after it: the reason becomes the marker, the withdrawal itself stays
    after = withdrawn_at + dt.timedelta(days=370)
    assert retention.retention_run(now=after, dry_run=True)["walk_withdrawn_reasons"] == 1
    assert WalkScore.objects.get(pk=wrong.pk).withdrawn_reason == reason  # a dry run changes nothing
    assert retention.retention_run(now=after)["walk_withdrawn_reasons"] == 1
    wrong.refresh_from_db()
    assert wrong.withdrawn_reason == WalkScore.REASON_ERASED and wrong.withdrawn_reason_erased
    assert wrong.withdrawn_at == withdrawn_at and wrong.withdrawn_by == qrt_user and wrong.value == "D"
    assert WalkScore.objects.get(pk=later.pk).withdrawn_reason == "Dubbel, zie foto van Peeters"
    proof = RetentionProof.objects.get(object_type="neighbourhoods.walkscore", object_id=wrong.pk)
    assert proof.rule == "walk_withdrawn_reasons=12" and proof.fields == "withdrawn_reason"
    assert proof.content_sha256 == hashlib.sha256(reason.encode()).hexdigest()
    assert proof.record_month == timezone.localtime(withdrawn_at).strftime("%Y-%m") and proof.done_at == after
    event = AuditEvent.objects.get(action="neighbourhoods.retention_erased", object_id=str(wrong.pk))
    assert event.actor is None and "Janssens" not in event.summary
    # still withdrawn: excluded from the score, the trend and the indicator, also after a recompute
    assert trend_and_indicator() == (100.0, [100.0], 100.0)
    services.walk_score_add(actor=qrt_user, walk=walk, item=light, value="A")
    assert trend_and_indicator() == (87.5, [87.5], 87.5)  # mean(A+ 100, A 75); the D stays out
    # idempotent: the marker is not erased again, no second proof
    assert retention.retention_run(now=after)["walk_withdrawn_reasons"] == 0
    assert RetentionProof.objects.filter(object_type="neighbourhoods.walkscore").count() == 1
    # the walk page shows the marker, translated, and no longer the reason
    client.force_login(qrt_user)
    body = client.get(reverse("neighbourhoods:walk_detail", args=[walk.pk])).content.decode()
    assert "Janssens" not in body and "<em>verwijderd na bewaartermijn</em>" in body and "score--withdrawn" in body
    # the second reason goes in its own time
    later_after = withdrawn_at + dt.timedelta(days=335 + 370)
    assert retention.retention_run(now=later_after)["walk_withdrawn_reasons"] == 1
    assert WalkScore.objects.get(pk=later.pk).withdrawn_reason_erased


@pytest.mark.django_db
def test_dpo_reads_the_withdrawal_reason_period(persona_client):
    rule = RetentionRule.objects.get(code="walk_withdrawn_reasons")  # seeded as reference data
    assert rule.months == retention.DEFAULT_MONTHS["walk_withdrawn_reasons"] == 12
    body = persona_client("dpo").get(reverse("neighbourhoods:retention_rules")).content.decode()
    assert "Wijkschouw: reden van intrekking van scores" in body
