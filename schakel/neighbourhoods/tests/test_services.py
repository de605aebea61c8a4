import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from schakel.audit.models import AuditEvent
from schakel.core.testing import UserFactory
from schakel.neighbourhoods import selectors, services
from schakel.neighbourhoods.models import ChecklistTemplate, FollowUpAction, Incident, ProposalTheme, QrtActivity, Walk
from schakel.places import services as place_services
from schakel.places.demo import demo_zone_geojson

from .conftest import CENTRE, incident_kwargs

# --- incidents ------------------------------------------------------------------


@pytest.mark.django_db
def test_incident_create_and_circle(qrt_user, addresses):
    incident = services.incident_create(actor=qrt_user, address=addresses[0], **incident_kwargs())
    assert incident.organisation == qrt_user.organisation and incident.location_label == "Bethaniënstraat"
    assert AuditEvent.objects.filter(action="neighbourhoods.incident_created", object_id=str(incident.pk)).exists()
    circle = selectors.incident_circle(incident=incident)
    # 0, 30, 120, 200, 240 m are inside 250 m; 400 and 600 m are not
    assert circle.address_count == 5
    assert [(s.name, s.count) for s in circle.streets] == [("Bethaniënstraat", 3), ("Kalverenstraat", 2)]
    small = services.incident_create(actor=qrt_user, lat=CENTRE[0], lon=CENTRE[1], **incident_kwargs(radius_m=100))
    assert selectors.incident_circle(incident=small).address_count == 2
    assert selectors.overlapping_streets(incidents=[incident, small]) == [("Bethaniënstraat", 2)]


@pytest.mark.django_db
def test_overlapping_streets_ignore_retired_addresses(qrt_user, addresses):
    from schakel.places.models import Address

    incident = services.incident_create(actor=qrt_user, address=addresses[0], **incident_kwargs())
    small = services.incident_create(actor=qrt_user, lat=CENTRE[0], lon=CENTRE[1], **incident_kwargs(radius_m=100))
    assert selectors.overlapping_streets(incidents=[incident, small]) == [("Bethaniënstraat", 2)]
    Address.objects.filter(street__name_nl="Bethaniënstraat").update(status="retired", retired_at=timezone.now())
    assert selectors.overlapping_streets(incidents=[incident, small]) == []


@pytest.mark.django_db
def test_incident_create_forbidden_without_permission(plain_user, addresses):
    with pytest.raises(PermissionDenied):
        services.incident_create(actor=plain_user, address=addresses[0], **incident_kwargs())
    assert Incident.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "over, location",
    [
        ({"kind": "bomb"}, {}),
        ({"public_summary": "  "}, {}),
        ({"radius_m": 5000}, {}),
        ({"occurred_at": timezone.now() + dt.timedelta(days=3)}, {}),
        ({}, {"address": None, "lat": 48.85, "lon": 2.35}),  # Paris
        ({}, {"address": None, "lat": None, "lon": None}),
        ({"public_summary": "x" * 2001}, {}),
    ],
)
def test_incident_bad_input(qrt_user, addresses, over, location):
    kwargs = {"address": addresses[0], **location}
    with pytest.raises(ValidationError):
        services.incident_create(actor=qrt_user, **kwargs, **incident_kwargs(**over))
    assert Incident.objects.count() == 0


@pytest.mark.django_db
def test_incident_update_other_organisation_refused_and_notes_kept(qrt_user, other_org_user, addresses):
    incident = services.incident_create(actor=qrt_user, address=addresses[0], **incident_kwargs())
    with pytest.raises(PermissionDenied):
        services.incident_update(actor=other_org_user, incident=incident, address=addresses[1], **incident_kwargs())
    # qrt_user has no view_incident_internal_notes: an update keeps the stored notes
    services.incident_update(
        actor=qrt_user,
        incident=incident,
        address=addresses[1],
        **incident_kwargs(internal_notes="", police_reference=""),
    )
    incident.refresh_from_db()
    assert incident.internal_notes == "intern" and incident.police_reference.startswith("AN.")
    assert incident.address == addresses[1]


@pytest.mark.django_db
def test_incident_visibility(qrt_user, other_org_user, plain_user, addresses):
    incident = services.incident_create(actor=qrt_user, address=addresses[0], **incident_kwargs())
    assert list(selectors.incidents_visible_to(other_org_user)) == [incident]  # shared between partners
    assert list(selectors.incidents_visible_to(plain_user)) == []
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.incident_get_for(user=plain_user, pk=incident.pk)
    with pytest.raises(Http404):
        selectors.incident_get_for(user=other_org_user, pk=incident.pk, perm="change")
    assert not selectors.can_read_internal_notes(qrt_user)


# --- QRT --------------------------------------------------------------------------


def activity(**over):
    base = {
        "kind": "presence",
        "date": timezone.localdate(),
        "duration_minutes": 60,
        "lat": CENTRE[0],
        "lon": CENTRE[1],
    }
    base.update(over)
    return base


@pytest.mark.django_db
def test_qrt_activity_create_finds_area_and_audits(qrt_user):
    area = place_services.area_save(actor=None, code="zone", name="Zone", geometry=demo_zone_geojson()["geometry"])
    a = services.qrt_activity_create(actor=qrt_user, **activity(residents_reached=4, prevpol_referral=True))
    assert a.area == area and a.prevpol_referral and a.residents_reached == 4
    assert AuditEvent.objects.filter(action="neighbourhoods.qrt_activity_created").count() == 1


@pytest.mark.django_db
def test_qrt_activity_forbidden_and_other_org(qrt_user, plain_user, other_org_user):
    with pytest.raises(PermissionDenied):
        services.qrt_activity_create(actor=plain_user, **activity())
    a = services.qrt_activity_create(actor=qrt_user, **activity())
    with pytest.raises(PermissionDenied):
        services.qrt_activity_update(actor=other_org_user, activity=a, **activity(duration_minutes=10))
    assert list(selectors.qrt_activities_visible_to(other_org_user)) == []
    assert list(selectors.qrt_activities_visible_to(qrt_user)) == [a]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "over",
    [
        {"kind": "party"},
        {"duration_minutes": 0},
        {"duration_minutes": 2000},
        {"duration_minutes": "abc"},
        {"residents_reached": -1},
        {"date": timezone.localdate() + dt.timedelta(days=1)},
        {"date": "gisteren"},
        {"lat": None, "lon": None},
        {"lat": 10.0, "lon": 10.0},
    ],
)
def test_qrt_activity_bad_input(qrt_user, over):
    with pytest.raises(ValidationError):
        services.qrt_activity_create(actor=qrt_user, **activity(**over))
    assert QrtActivity.objects.count() == 0


# --- wijkschouw --------------------------------------------------------------------


@pytest.fixture
def template(db):
    admin = UserFactory(perms=["neighbourhoods.change_checklisttemplate"])
    return services.checklist_template_save(actor=admin, name="Test", items=[("Zwerfvuil", 2), ("Verlichting", 1)])


def png_bytes(size=(40, 30), fmt="JPEG", exif=True):
    img = Image.new("RGB", size, (200, 10, 10))
    buf = io.BytesIO()
    if exif and fmt == "JPEG":
        ex = Image.Exif()
        ex[0x010F] = "CameraMaker"
        gps = {1: "N", 2: (51.0, 1.0, 40.0), 3: "E", 4: (4.0, 28.0, 48.0)}
        ex[0x8825] = gps
        img.save(buf, format=fmt, exif=ex.tobytes())
    else:
        img.save(buf, format=fmt)
    return buf.getvalue()


@pytest.mark.django_db
def test_walk_scores_area_score_and_photo_stripped(qrt_user, template, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    walk = services.walk_create(actor=qrt_user, template=template, date=timezone.localdate(), route="Rondje markt")
    items = list(template.items.all())
    raw = png_bytes()
    assert Image.open(io.BytesIO(raw)).getexif().get(0x8825) is not None
    s1 = services.walk_score_add(
        actor=qrt_user, walk=walk, item=items[0], value="a", photo=SimpleUploadedFile("p.jpg", raw, "image/jpeg")
    )
    services.walk_score_add(actor=qrt_user, walk=walk, item=items[0], value="C")
    services.walk_score_add(actor=qrt_user, walk=walk, item=items[1], value="A+")
    walk.refresh_from_db()
    # item 1: mean(75, 25) = 50, weight 2; item 2: 100, weight 1 -> (100 + 100) / 3
    assert float(walk.score) == pytest.approx(66.7)
    stored = Image.open(s1.photo.path)
    assert stored.format == "JPEG" and not stored.getexif()
    assert s1.value == "A"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("x.jpg", b"%PDF-1.4 not an image", "image/jpeg"), "geen geldige foto"),
        (SimpleUploadedFile("x.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif"), "geen geldige foto"),
        (SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"0" * (8 * 1024 * 1024 + 10), "image/jpeg"), "te groot"),
    ],
)
def test_photo_bad_uploads(qrt_user, template, upload, message, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    walk = services.walk_create(actor=qrt_user, template=template, date=timezone.localdate(), route="r")
    item = template.items.first()
    with pytest.raises(ValidationError, match=message):
        services.walk_score_add(actor=qrt_user, walk=walk, item=item, value="B", photo=upload)
    assert walk.scores.count() == 0


@pytest.mark.django_db
def test_walk_score_bad_value_and_other_org(qrt_user, other_org_user, template):
    walk = services.walk_create(actor=qrt_user, template=template, date=timezone.localdate(), route="r")
    item = template.items.first()
    with pytest.raises(ValidationError):
        services.walk_score_add(actor=qrt_user, walk=walk, item=item, value="E")
    with pytest.raises(PermissionDenied):
        services.walk_score_add(actor=other_org_user, walk=walk, item=item, value="B")
    with pytest.raises(ValidationError):
        services.walk_create(actor=qrt_user, template=template, date=timezone.localdate())  # no area nor route
    with pytest.raises(PermissionDenied):
        services.walk_create(actor=UserFactory(), template=template, date=timezone.localdate(), route="r")


@pytest.mark.django_db
def test_numeric_template_and_template_validation(qrt_user):
    admin = UserFactory(perms=["neighbourhoods.change_checklisttemplate"])
    t = services.checklist_template_save(
        actor=admin, name="Cijfers", scale="numeric", numeric_min=1, numeric_max=10, items=[("Netheid", 1)]
    )
    walk = services.walk_create(actor=qrt_user, template=t, date=timezone.localdate(), route="r")
    services.walk_score_add(actor=qrt_user, walk=walk, item=t.items.get(), value="10")
    walk.refresh_from_db()
    assert walk.score == 100
    with pytest.raises(ValidationError):
        services.walk_score_add(actor=qrt_user, walk=walk, item=t.items.get(), value="11")
    for bad in [
        {"items": []},
        {"items": [("x", 99)]},
        {"scale": "numeric", "numeric_min": 5, "numeric_max": 5},
        {"name": ""},
    ]:
        kwargs = {"name": "Nieuw", "items": [("a", 1)], **bad}
        with pytest.raises(ValidationError):
            services.checklist_template_save(actor=admin, **kwargs)
    with pytest.raises(PermissionDenied):
        services.checklist_template_save(actor=qrt_user, name="X", items=[("a", 1)])
    # editing drops an item: it is deactivated, old scores keep it
    services.checklist_template_save(
        actor=admin,
        template=t,
        name="Cijfers",
        scale="numeric",
        numeric_min=1,
        numeric_max=10,
        items=[("Verlichting", 1)],
    )
    assert list(t.items.filter(is_active=True).values_list("label", flat=True)) == ["Verlichting"]
    assert walk.scores.count() == 1


@pytest.mark.django_db
def test_followup_state_machine_appends_history(qrt_user, other_org_user, template):
    walk = services.walk_create(actor=qrt_user, template=template, date=timezone.localdate(), route="r")
    action = services.followup_create(actor=qrt_user, walk=walk, service="Openbaar Domein", description="Lamp kapot")
    services.followup_transition(actor=qrt_user, action=action, to_status="in_progress")
    services.followup_transition(actor=qrt_user, action=action, to_status="done")
    with pytest.raises(ValidationError):
        services.followup_transition(actor=qrt_user, action=action, to_status="in_progress")
    with pytest.raises(PermissionDenied):
        services.followup_transition(actor=other_org_user, action=action, to_status="open")
    action.refresh_from_db()
    assert action.status == FollowUpAction.Status.DONE
    assert [h.to_status for h in action.history.all()] == ["open", "in_progress", "done"]
    with pytest.raises(ValidationError):
        services.followup_create(actor=qrt_user, walk=walk, service="", description="x")


@pytest.mark.django_db
def test_walk_trend_selector(qrt_user, template):
    area = place_services.area_save(actor=None, code="z", name="Z", geometry=demo_zone_geojson()["geometry"])
    item = template.items.first()
    for days, value in [(30, "D"), (20, "B"), (10, "A")]:
        w = services.walk_create(
            actor=qrt_user, template=template, date=timezone.localdate() - dt.timedelta(days=days), area=area
        )
        services.walk_score_add(actor=qrt_user, walk=w, item=item, value=value)
    services.walk_create(actor=qrt_user, template=template, date=timezone.localdate(), area=area)  # unscored
    trend = selectors.area_trend(user=qrt_user, area_id=area.pk)
    assert [float(w.score) for w in trend] == [0.0, 50.0, 75.0]
    assert Walk.objects.count() == 4


# --- behangtafel -------------------------------------------------------------------


@pytest.mark.django_db
def test_behangtafel_session_proposals_summary(qrt_user, other_org_user):
    theme = ProposalTheme.objects.create(name="Groen")
    area = place_services.area_save(actor=None, code="z", name="Z", geometry=demo_zone_geojson()["geometry"])
    s = services.behangtafel_session_create(
        actor=qrt_user, date=timezone.localdate(), place="Plein", area=area, residents_count=9
    )
    p1 = services.proposal_add(actor=qrt_user, session=s, text="Meer bomen", theme=theme, support_count=5)
    services.proposal_add(actor=qrt_user, session=s, text="Bankjes", theme=theme)
    services.proposal_set_status(actor=qrt_user, proposal=p1, status="done")
    summary = selectors.behangtafel_summary(user=qrt_user)
    assert summary == [
        {"area_id": area.pk, "area__name": "Z", "n": 1, "residents": 9, "proposals": 2, "followed_up": 1}
    ]
    assert selectors.behangtafel_summary(user=other_org_user) == []
    with pytest.raises(PermissionDenied):
        services.proposal_add(actor=other_org_user, session=s, text="x", theme=theme)
    with pytest.raises(ValidationError):
        services.proposal_add(actor=qrt_user, session=s, text=" ", theme=theme)
    with pytest.raises(ValidationError):
        services.proposal_set_status(actor=qrt_user, proposal=p1, status="weg")
    with pytest.raises(ValidationError):
        services.behangtafel_session_create(actor=qrt_user, date=timezone.localdate(), place="")
    with pytest.raises(PermissionDenied):
        services.behangtafel_session_create(actor=UserFactory(), date=timezone.localdate(), place="p")


def test_crow_scale_default_in_reference():
    from schakel.neighbourhoods import scoring

    assert scoring.CROW_CHOICES == ["A+", "A", "B", "C", "D"]
    assert ChecklistTemplate.Scale.CROW == "crow"


@pytest.mark.django_db
def test_proposal_theme_save_rules(qrt_user):
    admin = UserFactory(perms=["neighbourhoods.change_proposaltheme"])
    theme = services.proposal_theme_save(actor=admin, name="Groen", order=2)
    with pytest.raises(ValidationError):
        services.proposal_theme_save(actor=admin, name="groen")
    with pytest.raises(ValidationError):
        services.proposal_theme_save(actor=admin, name="  ")
    with pytest.raises(PermissionDenied):
        services.proposal_theme_save(actor=qrt_user, name="Andere")
    services.proposal_theme_save(actor=admin, theme=theme, name="Groen en water", is_active=False)
    theme.refresh_from_db()
    assert theme.name == "Groen en water" and not theme.is_active
