"""Findings of the hallway test on the neighbourhoods pages: wijkschouw photos
through a checked view (M6), withdrawing a mistaken score (M7), the incident
choice of the QRT log (M11), the DPO reading the retention periods (m16), maps
without a background (m18) and the one-time token of the QRT form (m5)."""

import datetime as dt
import io
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from schakel.audit.models import AuditEvent
from schakel.core.testing import OrganisationFactory, UserFactory, persona_user
from schakel.neighbourhoods import indicators, selectors, services
from schakel.neighbourhoods.forms import QrtActivityForm
from schakel.neighbourhoods.models import QrtActivity, RetentionRule, WalkScore

from .conftest import CENTRE, QRT_PERMS, incident_kwargs

LEAD_PERMS = [*QRT_PERMS, "neighbourhoods.withdraw_any_walkscore"]


@pytest.fixture
def template(db):
    admin = UserFactory(perms=["neighbourhoods.change_checklisttemplate"])
    return services.checklist_template_save(actor=admin, name="Test", items=[("Zwerfvuil", 2), ("Verlichting", 1)])


@pytest.fixture
def walk(qrt_user, template):
    from schakel.places import services as place_services
    from schakel.places.demo import demo_zone_geojson

    area = place_services.area_save(actor=None, code="zone", name="Zone", geometry=demo_zone_geojson()["geometry"])
    return services.walk_create(actor=qrt_user, template=template, date=timezone.localdate(), area=area)


def _png():
    buf = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 120, 10)).save(buf, format="PNG")
    return SimpleUploadedFile("x.png", buf.getvalue(), content_type="image/png")


# --- M6: photos through a checked view ------------------------------------------------


@pytest.mark.django_db
def test_walk_photo_is_served_by_a_checked_view_with_an_access_event(client, qrt_user, walk):
    item = walk.template.items.first()
    score = services.walk_score_add(actor=qrt_user, walk=walk, item=item, value="B", photo=_png())
    client.force_login(qrt_user)
    page = client.get(reverse("neighbourhoods:walk_detail", args=[walk.pk])).content.decode()
    url = reverse("neighbourhoods:walk_photo", args=[walk.pk, score.pk])
    assert f'href="{url}"' in page and "/media/" not in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == f'inline; filename="wijkschouw-{walk.pk}-foto-{score.pk}.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert Image.open(io.BytesIO(body)).format == "PNG"
    event = AuditEvent.objects.get(kind="access", action="neighbourhoods.walk_photo_viewed")
    assert event.actor == qrt_user and event.object_id == str(score.pk) and event.purpose


@pytest.mark.django_db
def test_walk_photo_refused_for_other_organisation_missing_photo_and_wrong_walk(
    client, qrt_user, other_org_user, plain_user, walk, template
):
    items = list(walk.template.items.all())
    with_photo = services.walk_score_add(actor=qrt_user, walk=walk, item=items[0], value="B", photo=_png())
    without = services.walk_score_add(actor=qrt_user, walk=walk, item=items[1], value="A")
    other_walk = services.walk_create(actor=qrt_user, template=template, date=timezone.localdate(), route="x")
    url = reverse("neighbourhoods:walk_photo", args=[walk.pk, with_photo.pk])
    assert client.get(url).status_code == 302  # to the login page
    for user in (other_org_user, plain_user):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(qrt_user)
    assert client.get(reverse("neighbourhoods:walk_photo", args=[walk.pk, without.pk])).status_code == 404
    assert client.get(reverse("neighbourhoods:walk_photo", args=[other_walk.pk, with_photo.pk])).status_code == 404
    # a photo erased from storage (retention) answers 404, not a server error
    with_photo.photo.storage.delete(with_photo.photo.name)
    assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(kind="access", action="neighbourhoods.walk_photo_viewed").exists()


# --- M7: withdrawing a mistaken score ---------------------------------------------------


@pytest.mark.django_db
def test_withdrawn_score_no_longer_counts_in_area_score_trend_and_indicator(qrt_user, walk):
    items = list(walk.template.items.all())
    wrong = services.walk_score_add(actor=qrt_user, walk=walk, item=items[0], value="C")
    services.walk_score_add(actor=qrt_user, walk=walk, item=items[0], value="A+")
    walk.refresh_from_db()
    assert float(walk.score) == pytest.approx(62.5)  # mean(25, 100): the finding
    services.walk_score_withdraw(actor=qrt_user, score=wrong, reason="Verkeerde score aangeduid")
    walk.refresh_from_db()
    assert float(walk.score) == 100.0
    wrong.refresh_from_db()
    assert wrong.withdrawn_at and wrong.withdrawn_by == qrt_user and wrong.withdrawn_reason
    assert WalkScore.objects.filter(walk=walk).count() == 2  # nothing deleted
    assert [float(w.score) for w in selectors.area_trend(user=qrt_user, area_id=walk.area_id)] == [100.0]
    today = timezone.localdate()
    assert indicators.walk_score_mean(start=today, end=today, params={}) == 100
    event = AuditEvent.objects.get(action="neighbourhoods.walk_score_withdrawn")
    assert event.actor == qrt_user and event.object_id == str(wrong.pk)


@pytest.mark.django_db
def test_withdraw_rules_author_lead_reason_once(qrt_user, city, other_org_user, walk):
    item = walk.template.items.first()
    score = services.walk_score_add(actor=qrt_user, walk=walk, item=item, value="D")
    colleague = UserFactory(organisation=city, perms=QRT_PERMS)
    lead = UserFactory(organisation=city, perms=LEAD_PERMS)
    other_lead = UserFactory(organisation=other_org_user.organisation, perms=LEAD_PERMS)
    for user in (colleague, other_lead, other_org_user):
        with pytest.raises(PermissionDenied):
            services.walk_score_withdraw(actor=user, score=score, reason="fout")
    with pytest.raises(ValidationError):
        services.walk_score_withdraw(actor=qrt_user, score=score, reason="   ")
    services.walk_score_withdraw(actor=lead, score=score, reason="Dubbel ingevoerd")
    with pytest.raises(ValidationError):
        services.walk_score_withdraw(actor=qrt_user, score=score, reason="nog eens")
    score.refresh_from_db()
    assert score.withdrawn_by == lead and score.withdrawn_reason == "Dubbel ingevoerd"
    walk.refresh_from_db()
    assert walk.score is None  # no score left that counts


@pytest.mark.django_db
def test_walk_page_withdraw_keeps_the_reason_on_error_and_strikes_through(client, qrt_user, city, walk):
    item = walk.template.items.first()
    score = services.walk_score_add(actor=qrt_user, walk=walk, item=item, value="C", remark="Veel zwerfvuil")
    url = reverse("neighbourhoods:walk_detail", args=[walk.pk])
    # a colleague who did not score it gets no withdraw form and cannot post one
    client.force_login(UserFactory(organisation=city, perms=QRT_PERMS))
    assert 'name="wd-reason"' not in client.get(url).content.decode()
    data = {"action": "withdraw", "wd-score": score.pk, "wd-reason": "fout"}
    assert client.post(url, data).status_code == 404
    client.force_login(qrt_user)
    assert 'name="wd-reason"' in client.get(url).content.decode()
    response = client.post(url, {"action": "withdraw", "wd-score": score.pk, "wd-reason": ""})
    assert response.status_code == 200
    assert "Geef de reden waarom deze score fout is." in response.content.decode()
    score.refresh_from_db()
    assert score.withdrawn_at is None
    response = client.post(url, {"action": "withdraw", "wd-score": score.pk, "wd-reason": "Verkeerd item gekozen"})
    assert response.status_code == 302
    body = client.get(url).content.decode()
    assert "score--withdrawn" in body and "Verkeerd item gekozen" in body and "<del" in body
    assert 'name="wd-reason"' not in body  # withdrawn once
    assert "Ingetrokken scores tellen niet mee in de gebiedsscore." in body


# --- M11: the incident choice in the QRT log --------------------------------------------


@pytest.mark.django_db
def test_incident_choice_shows_date_and_time_newest_first(qrt_user, addresses, monkeypatch):
    now = timezone.now().replace(second=0, microsecond=0)
    older = services.incident_create(
        actor=qrt_user, address=addresses[3], location_label="Kalverenstraat",
        **incident_kwargs(occurred_at=now - dt.timedelta(days=3)),
    )  # fmt: skip
    newer = services.incident_create(
        actor=qrt_user, address=addresses[4], location_label="Kalverenstraat",
        **incident_kwargs(occurred_at=now - dt.timedelta(hours=5)),
    )  # fmt: skip
    form = QrtActivityForm(incidents=selectors.incidents_for_linking(qrt_user))
    labels = [label for value, label in form.fields["incident"].choices if value]
    local = timezone.localtime(newer.occurred_at)
    assert labels[0] == f"{local:%d-%m-%Y %H:%M} · Explosie / IED – Kalverenstraat"
    assert labels[1].startswith(f"{timezone.localtime(older.occurred_at):%d-%m-%Y %H:%M} · ")
    assert len(set(labels)) == 2
    # a long list: only the last year, at least LINK_MIN, and the incident an activity is linked to
    ancient = services.incident_create(
        actor=qrt_user, address=addresses[5], **incident_kwargs(occurred_at=now - dt.timedelta(days=800))
    )
    monkeypatch.setattr(selectors, "LINK_MIN", 2)
    assert list(selectors.incidents_for_linking(qrt_user)) == [newer, older]
    assert list(selectors.incidents_for_linking(qrt_user, keep_id=ancient.pk)) == [newer, older, ancient]
    monkeypatch.setattr(selectors, "LINK_MIN", 5)
    assert list(selectors.incidents_for_linking(qrt_user)) == [newer, older, ancient]


# --- m16: the DPO reads the retention periods -------------------------------------------


@pytest.mark.django_db
def test_dpo_reads_retention_periods_but_cannot_change_them(persona_client):
    client = persona_client("dpo")
    url = reverse("neighbourhoods:retention_rules")
    assert f'href="{url}"' in client.get("/").content.decode()  # in the DPO's menu
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Wijkschouw: foto" in body and "?edit=" not in body and 'name="months"' not in body
    rule = RetentionRule.objects.order_by("pk").first()
    months = rule.months
    assert client.get(f"{url}?edit={rule.pk}").context["form"] is None
    assert client.post(f"{url}?edit={rule.pk}", {"months": "1", "is_active": "on"}).status_code == 403
    rule.refresh_from_db()
    assert rule.months == months
    client.force_login(persona_user("beheerder"))
    assert "?edit=" in client.get(url).content.decode()


# --- m18: no background map --------------------------------------------------------------


@pytest.mark.django_db
def test_without_tile_url_a_note_replaces_the_grey_map(client, qrt_user, walk, settings):
    client.force_login(qrt_user)
    # pickers: clicking on grey means nothing, so the map gives way to the note
    pickers = [reverse("neighbourhoods:incident_create"), reverse("neighbourhoods:qrt_create")]
    # overviews: the circles and points still show how they lie, under the note
    overviews = [
        reverse("neighbourhoods:incident_list"),
        reverse("neighbourhoods:qrt_list"),
        reverse("neighbourhoods:walk_detail", args=[walk.pk]),
    ]
    settings.MAP_TILE_URL = ""
    for url in pickers:
        body = client.get(url).content.decode()
        assert "Geen achtergrondkaart ingesteld. Kies een adres, gebruik uw locatie" in body, url
        assert "data-map " not in body and "data-pick-lat" not in body, url
        assert "data-geolocate" in body and 'name="address"' in body and 'name="lat"' in body, url
    for url in overviews:
        body = client.get(url).content.decode()
        assert "Geen achtergrondkaart ingesteld. De kaart toont alleen" in body and "data-map " in body, url
    settings.MAP_TILE_URL = "https://tiles.example.test/{z}/{x}/{y}.png"
    for url in pickers + overviews:
        body = client.get(url).content.decode()
        assert "Geen achtergrondkaart ingesteld." not in body and "data-map " in body, url


# --- m5: the one-time token of the QRT form ---------------------------------------------


def _qrt_post(token=None, **over):
    data = {
        "kind": "resident_contact",
        "date": timezone.localdate().isoformat(),
        "duration_minutes": "30",
        "lat": str(CENTRE[0]),
        "lon": str(CENTRE[1]),
        "residents_reached": "6",
        "notes": "",
    }
    if token is not None:
        data["form_token"] = str(token)
    data.update(over)
    return data


@pytest.mark.django_db
def test_qrt_form_sent_twice_saves_once(client, qrt_user):
    from schakel.places import services as place_services
    from schakel.places.demo import demo_zone_geojson

    place_services.area_save(actor=None, code="zone", name="Zone", geometry=demo_zone_geojson()["geometry"])
    client.force_login(qrt_user)
    url = reverse("neighbourhoods:qrt_create")
    form_page = client.get(url).content.decode()
    assert 'type="hidden" name="form_token"' in form_page
    token = uuid.uuid4()
    assert client.post(url, _qrt_post(token)).status_code == 302
    # the Back button, then "Opslaan" again with the same form
    response = client.post(url, _qrt_post(token), follow=True)
    assert QrtActivity.objects.count() == 1
    activity = QrtActivity.objects.get()
    assert response.redirect_chain[-1][0] == reverse("neighbourhoods:qrt_edit", args=[activity.pk])
    assert "niet een tweede keer geregistreerd" in response.content.decode()
    # a browser that reloads the form on Back has a new token but the same typed values:
    # nothing is saved, the user is warned and keeps what was typed
    second = uuid.uuid4()
    response = client.post(url, _qrt_post(second, notes="Bel 3 stuk"))
    assert response.status_code == 302  # different notes: a different activity
    response = client.post(url, _qrt_post(uuid.uuid4(), notes="Bel 3 stuk"))
    body = response.content.decode()
    assert response.status_code == 200 and QrtActivity.objects.count() == 2
    assert "al een activiteit met precies dezelfde gegevens opgeslagen" in body and "Bel 3 stuk" in body
    assert 'name="confirm_duplicate"' in body
    # confirmed: it really is a second activity
    response = client.post(url, _qrt_post(uuid.uuid4(), notes="Bel 3 stuk", confirm_duplicate="on"))
    assert response.status_code == 302 and QrtActivity.objects.count() == 3
    # an invalid post keeps its token
    kept = uuid.uuid4()
    response = client.post(url, _qrt_post(kept, duration_minutes="0"))
    assert response.status_code == 200 and str(kept) in response.content.decode()
    # the token is per organisation: another organisation's user cannot find the activity through it
    stranger = UserFactory(organisation=OrganisationFactory(code="elders"), perms=QRT_PERMS)
    client.force_login(stranger)
    with pytest.raises(IntegrityError):  # a token is never reused, not even across organisations
        services.qrt_activity_create(actor=stranger, form_token=token, **{
            "kind": "presence", "date": timezone.localdate(), "duration_minutes": 10,
            "lat": CENTRE[0], "lon": CENTRE[1],
        })  # fmt: skip
