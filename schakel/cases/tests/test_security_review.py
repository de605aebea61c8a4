"""Security review findings in cases (the cases app belongs to another
helper: these tests are marked xfail and describe the fix)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from schakel.audit.models import AuditEvent
from schakel.cases import selectors, services
from schakel.subjects import services as subject_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(enforcer, analyst, obh_case):
    person = subject_services.person_create(actor=enforcer, first_name="Rik", last_name="Vermeulen-Audit")
    services.case_subject_add(actor=enforcer, case=obh_case, subject=person, role="involved")
    start = timezone.now() + dt.timedelta(days=2)
    meeting = services.meeting_create(
        actor=enforcer,
        meeting_type="obh",
        title="OBH december",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        location="Stadhuis",
        participants=[analyst],
    )
    return services.meeting_item_add(actor=enforcer, meeting=meeting, case=obh_case)


def _views(case):
    return AuditEvent.objects.filter(action="cases.meeting_item_viewed", object_id=str(case.pk)).count()


# C1: a refused decision or action re-renders the meeting item (subjects,
# minutes); that read is audited like the item page itself.
@pytest.mark.parametrize("route, data", [("cases:decision_add", {"text": "  "}), ("cases:action_add", {})])
def test_a_refused_decision_or_action_shows_the_item_and_audits_that_read(client, enforcer, item, route, data):
    client.force_login(enforcer)
    before = _views(item.case)
    response = client.post(reverse(route, args=[item.meeting_id, item.pk]), data)
    assert response.status_code in (200, 400)
    assert "Vermeulen-Audit" in response.content.decode()  # personal data on the page
    assert _views(item.case) == before + 1


def test_every_rendering_of_the_item_page_is_one_access_event(client, enforcer, item):
    client.force_login(enforcer)
    url = reverse("cases:meeting_item", args=[item.meeting_id, item.pk])
    before = _views(item.case)
    assert client.get(url).status_code == 200
    assert _views(item.case) == before + 1  # the normal GET: once, not twice
    # Saved minutes redirect (no page, no read); the page after it is one read.
    response = client.post(url, {"minutes": "Eerste verslag", "version": item.minutes_version})
    assert response.status_code == 302 and _views(item.case) == before + 1
    # A stale version: the page again with the conflict, one read.
    response = client.post(url, {"minutes": "Tweede verslag", "version": item.minutes_version})
    assert response.status_code == 409 and "Vermeulen-Audit" in response.content.decode()
    assert _views(item.case) == before + 2


# C2: the case summary download (subject names) and its preview page are never
# kept by the browser's or a proxy's cache, like walk photos and the audit CSV.
def test_the_case_summary_download_is_not_cached(client, enforcer, item, police, ground):
    client.force_login(enforcer)
    digest = services.case_summary_disclose(
        actor=enforcer, case=item.case, recipient_organisation=police, legal_ground=ground, purpose="Controle"
    )
    response = client.get(reverse("cases:disclose_text", args=[item.case.pk]), {"sha256": digest})
    assert response.status_code == 200 and "Vermeulen-Audit" in response.content.decode()
    assert "no-store" in response.get("Cache-Control", "")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_disclosure_preview_page_is_not_cached(client, enforcer, item, police, ground):
    client.force_login(enforcer)
    data = {"recipient_organisation": police.pk, "legal_ground": ground.pk, "purpose": "Controle sociale inspectie"}
    response = client.post(reverse("cases:disclose", args=[item.case.pk]), data)
    assert response.status_code == 200 and "Vermeulen-Audit" in response.content.decode()
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


# C3: the summary file meant for the recipient is handed out only for a
# disclosure that was recorded (recipient, legal ground, purpose in the log).
def test_the_summary_file_is_only_handed_out_for_a_recorded_disclosure(client, enforcer, item):
    client.force_login(enforcer)
    case = item.case
    response = client.get(reverse("cases:disclose_text", args=[case.pk]))
    disclosed = AuditEvent.objects.filter(kind="disclosure", object_id=str(case.pk)).exists()
    # Either the file is refused, or its download is itself the recorded disclosure.
    assert response.status_code in (404, 409) or disclosed


def _download(client, case, sha):
    return client.get(reverse("cases:disclose_text", args=[case.pk]), {"sha256": sha})


def _disclose(actor, case, police, ground):
    return services.case_summary_disclose(
        actor=actor, case=case, recipient_organisation=police, legal_ground=ground, purpose="Controle"
    )


def _downloads(case):
    return AuditEvent.objects.filter(
        action="cases.case_opened_view", object_id=str(case.pk), summary__startswith="summary download"
    ).count()


def test_only_a_disclosure_this_user_recorded_unlocks_the_file(client, enforcer, analyst, item, police, city, ground):
    case = item.case
    services.case_member_add(actor=enforcer, case=case, user=analyst, role="partner", legal_ground=ground)
    _text, digest = selectors.case_summary(case=case)
    client.force_login(enforcer)
    # The current fingerprint, but nothing recorded (the member-add disclosure is another one).
    assert AuditEvent.objects.filter(kind="disclosure", object_id=str(case.pk)).exists()
    assert _download(client, case, digest).status_code == 404
    assert _download(client, case, "").status_code == 404
    assert _download(client, case, digest.upper()).status_code == 404
    # Recorded by another member: not this user's disclosure.
    assert _disclose(analyst, case, city, ground) == digest
    assert _download(client, case, digest).status_code == 404
    assert client.get(reverse("cases:disclosed", args=[case.pk]), {"sha256": digest}).status_code == 404
    assert _downloads(case) == 0
    # Recorded by this user: the file, each download an access event.
    _disclose(enforcer, case, police, ground)
    for n in (1, 2):
        response = _download(client, case, digest)
        assert response.status_code == 200 and "Vermeulen-Audit" in response.content.decode()
        assert _downloads(case) == n
    # The disclosure does not unlock another case's file.
    other = services.case_open(actor=enforcer, case_type="obh", title="Ander pand", legal_ground=ground)
    assert _download(client, other, digest).status_code == 404


def test_the_file_is_not_handed_out_once_the_case_changed(client, enforcer, item, police, ground):
    case = item.case
    client.force_login(enforcer)
    digest = _disclose(enforcer, case, police, ground)
    person = subject_services.person_create(actor=enforcer, first_name="Els", last_name="Nieuw-Subject")
    services.case_subject_add(actor=enforcer, case=case, subject=person, role="involved")
    response = _download(client, case, digest)
    html = response.content.decode()
    assert response.status_code == 409 and response["Content-Type"].startswith("text/html")
    assert "De casus is gewijzigd sinds deze verstrekking: deze samenvatting kan niet meer" in html
    assert "Vermeulen-Audit" not in html and "Nieuw-Subject" not in html and "attachment" not in str(response.headers)
    assert _downloads(case) == 0
    page = client.get(reverse("cases:disclosed", args=[case.pk]), {"sha256": digest}).content.decode()
    assert "De casus is gewijzigd sinds deze verstrekking: deze samenvatting kan niet meer" in page
    assert reverse("cases:disclose_text", args=[case.pk]) not in page


def test_registering_the_disclosure_leads_to_the_download(client, enforcer, item, police, ground):
    case = item.case
    client.force_login(enforcer)
    url = reverse("cases:disclose", args=[case.pk])
    data = {"recipient_organisation": police.pk, "legal_ground": ground.pk, "purpose": "Controle sociale inspectie"}
    preview = client.post(url, data).content.decode()
    text, digest = selectors.case_summary(case=case)
    # The preview explains the order and offers no file yet.
    assert reverse("cases:disclose_text", args=[case.pk]) not in preview
    assert "Daarna downloadt u de samenvatting op de volgende pagina" in preview
    response = client.post(url, {**data, "confirm": "1", "sha256": digest})
    done = reverse("cases:disclosed", args=[case.pk])
    assert response.status_code == 302 and response["Location"] == f"{done}?sha256={digest}"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert "Verstrekking geregistreerd" in html and police.name in html and "Controle sociale inspectie" in html
    assert f"{reverse('cases:disclose_text', args=[case.pk])}?sha256={digest}" in html
    # The page names what was recorded, not the subjects.
    assert "Vermeulen-Audit" not in html
    assert _download(client, case, digest).content.decode() == text
