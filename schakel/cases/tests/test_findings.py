"""Findings of the hallway test on the cases module (M1, M2, M8, m6, m7, m12)."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from schakel.cases import selectors, services
from schakel.cases.models import ActionItem, Case, CaseRetentionRule, CaseStatusChange, CaseSubject
from schakel.cases.seeding import load_reference
from schakel.subjects.models import Subject

pytestmark = pytest.mark.django_db


# --- M1: one name field, unique ids, a role that fits the kind ---------------------------


def test_subject_form_has_one_name_field_and_unique_ids(client, enforcer, obh_case):
    client.force_login(enforcer)
    html = client.get(reverse("cases:subject_add", args=[obh_case.pk])).content.decode()
    assert html.count('name="name"') == 1
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]
    # Every group says which kind it belongs to, so the script can show only that one.
    assert 'data-kinds="person"' in html and 'data-kinds="vehicle"' in html
    assert 'data-kinds="enterprise"' in html and 'data-kinds="establishment"' in html


def test_subject_form_defaults_fit_the_case_type(client, enforcer, outreach, obh_case, ground):
    client.force_login(enforcer)
    html = client.get(reverse("cases:subject_add", args=[obh_case.pk])).content.decode()
    assert re.search(r'<option value="enterprise" selected>Onderneming</option>', html)
    role = re.search(r'<select name="role".*?</select>', html, re.S).group(0)
    assert '<option value="enterprise" selected>' in role
    youth = services.case_open(actor=outreach, case_type="youth", title="Jongere in de wijk", legal_ground=ground)
    client.force_login(outreach)
    html = client.get(reverse("cases:subject_add", args=[youth.pk])).content.decode()
    role = re.search(r'<select name="role".*?</select>', html, re.S).group(0)
    assert '<option value="young_person" selected>' in role


@pytest.mark.parametrize(
    ("kind", "role", "extra"),
    [
        ("enterprise", "enterprise", {"kbo_number": ""}),
        ("establishment", "premises", {"address_text": "Bruul 10, 2800 Mechelen"}),
    ],
)
def test_enterprise_and_premises_are_added_with_the_one_name(client, enforcer, obh_case, kind, role, extra):
    client.force_login(enforcer)
    response = client.post(
        reverse("cases:subject_add", args=[obh_case.pk]),
        {"kind": kind, "role": role, "name": "Nachtwinkel De Maan", **extra},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    row = obh_case.case_subjects.select_related("subject").get()
    assert (row.subject.kind, row.role) == (kind, role)


def test_a_role_that_does_not_fit_the_kind_is_refused_and_the_input_kept(client, enforcer, obh_case):
    client.force_login(enforcer)
    response = client.post(
        reverse("cases:subject_add", args=[obh_case.pk]),
        {"kind": "enterprise", "role": "young_person", "name": "Garage Zuid", "legal_form": "BV"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "De rol ‘Jongere’ past niet bij een subject van de soort ‘Onderneming’." in html
    assert 'value="Garage Zuid"' in html and 'value="BV"' in html
    assert not obh_case.case_subjects.exists() and not Subject.objects.exists()


def test_service_refuses_a_role_that_does_not_fit(enforcer, obh_case):
    from schakel.subjects import services as subject_services

    car = subject_services.vehicle_create(actor=enforcer, plate="1-ABC-123")
    with pytest.raises(ValidationError) as exc:
        services.case_subject_add(actor=enforcer, case=obh_case, subject=car, role="operator")
    assert "role" in exc.value.error_dict
    for kind, roles in CaseSubject.ROLES_BY_KIND.items():
        assert kind in Subject.Kind.values and set(roles) <= set(CaseSubject.Role.values)


# --- M2 and m6: the action form keeps what was typed; no deadline before the meeting --------


@pytest.fixture
def item(enforcer, analyst, obh_case):
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


def _action_post(client, item, **overrides):
    data = {
        "title": "Controle arbeidsinspectie",
        "track": "social",
        "owner_organisation": item.case.owner.organisation_id,
        "owner_user": "",
        "due_date": "31-11-2026",
        **overrides,
    }
    return client.post(reverse("cases:action_add", args=[item.meeting_id, item.pk]), data)


def _field_block(html, name):
    """The ``div.field`` of one field: its label, errors and input."""
    start = html.index(f'for="id_{name}"')
    return html[html.rindex('<div class="field', 0, start) : html.index("</div>", start)]


def test_invalid_action_deadline_keeps_every_value_and_shows_the_error_at_the_field(client, enforcer, item):
    client.force_login(enforcer)
    response = _action_post(client, item)
    html = response.content.decode()
    assert response.status_code == 200
    assert not ActionItem.objects.exists()
    assert 'value="Controle arbeidsinspectie"' in html
    assert '<option value="social" selected>' in html
    assert f'<option value="{item.case.owner.organisation_id}" selected>' in html
    assert 'value="31-11-2026"' in html
    assert "Voer een geldige datum in." in _field_block(html, "due_date")
    # The form posts to an anchor, so the browser lands on the form and its errors.
    assert 'action="' + reverse("cases:action_add", args=[item.meeting_id, item.pk]) + '#action-form"' in html


def test_action_deadline_before_the_meeting_is_refused(client, enforcer, item):
    client.force_login(enforcer)
    day = timezone.localdate(item.meeting.starts_at)
    response = _action_post(client, item, due_date="2020-01-01")
    html = response.content.decode()
    assert response.status_code == 200 and not ActionItem.objects.exists()
    assert f"De deadline ligt vóór de datum van het overleg ({day:%d-%m-%Y}). Kies die dag of later." in (
        _field_block(html, "due_date")
    )
    assert 'value="2020-01-01"' in html
    response = _action_post(client, item, due_date=day.isoformat())
    assert response.status_code == 302
    assert ActionItem.objects.get().due_date == day


def test_action_deadline_service_rule_without_meeting(enforcer, obh_case):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.action_item_create(
            actor=enforcer,
            case=obh_case,
            title="Brief",
            track="administrative",
            owner_organisation=enforcer.organisation,
            due_date=yesterday,
        )
    assert "due_date" in exc.value.error_dict


def test_empty_decision_is_shown_at_its_field(client, enforcer, item):
    client.force_login(enforcer)
    response = client.post(reverse("cases:decision_add", args=[item.meeting_id, item.pk]), {"text": "  "})
    assert response.status_code == 200
    assert "Beschrijf de beslissing." in _field_block(response.content.decode(), "text")


# --- m7: native pickers that accept what the widget sends -----------------------------------


def test_date_fields_are_native_pickers(client, enforcer, item, obh_case):
    client.force_login(enforcer)
    html = client.get(reverse("cases:meeting_item", args=[item.meeting_id, item.pk])).content.decode()
    day = timezone.localdate(item.meeting.starts_at)
    assert f'type="date" name="due_date" min="{day.isoformat()}"' in html
    html = client.get(reverse("cases:meeting_create")).content.decode()
    assert html.count('type="datetime-local"') == 2 and "dd-mm-jjjj" not in html
    html = client.get(reverse("cases:subject_add", args=[obh_case.pk])).content.decode()
    assert 'type="date" name="birth_date"' in html


def test_meeting_form_accepts_what_the_picker_sends_and_keeps_it(client, enforcer, analyst):
    client.force_login(enforcer)
    start = (timezone.localtime() + dt.timedelta(days=10)).replace(hour=14, minute=0)
    data = {
        "meeting_type": "obh",
        "title": "OBH januari",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": "nonsense",
    }
    response = client.post(reverse("cases:meeting_create"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'value="{data["starts_at"]}"' in html
    data["ends_at"] = (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("cases:meeting_create"), data)
    assert response.status_code == 302
    from schakel.cases.models import Meeting

    assert timezone.localtime(Meeting.objects.get().starts_at).strftime("%Y-%m-%dT%H:%M") == data["starts_at"]


# --- M8: closing needs a reason and a confirmation, and says that retention starts ---------


def test_closing_asks_for_confirmation_first(client, enforcer, obh_case):
    load_reference(lambda m: None)
    rule = CaseRetentionRule.objects.get(case_type="obh")
    client.force_login(enforcer)
    url = reverse("cases:status", args=[obh_case.pk])
    response = client.post(url, {"to_status": "afgesloten", "note": "Uitbater vertrokken"})
    html = response.content.decode()
    assert response.status_code == 200
    obh_case.refresh_from_db()
    assert obh_case.status == "aangemeld" and obh_case.closed_at is None
    assert "Na het afsluiten begint de bewaartermijn te lopen." in html
    assert f"{rule.months_after_close} maanden" in html
    assert "Uitbater vertrokken" in html  # the note typed on the case page is kept
    assert 'name="confirm" value="1"' in html


def test_closing_without_a_reason_is_refused_at_the_field(client, enforcer, obh_case):
    client.force_login(enforcer)
    url = reverse("cases:status", args=[obh_case.pk])
    response = client.post(url, {"to_status": "afgesloten", "note": "", "confirm": "1"})
    assert response.status_code == 200
    assert "Geef een toelichting: waarom wordt de casus afgesloten?" in _field_block(response.content.decode(), "note")
    obh_case.refresh_from_db()
    assert obh_case.status == "aangemeld"


def test_confirmed_closing_with_reason_closes_and_records_the_reason(client, enforcer, obh_case):
    client.force_login(enforcer)
    url = reverse("cases:status", args=[obh_case.pk])
    response = client.post(url, {"to_status": "afgesloten", "note": "Zaak gesloten door uitbater.", "confirm": "1"})
    assert response.status_code == 302
    obh_case.refresh_from_db()
    assert obh_case.status == "afgesloten" and obh_case.closed_at is not None
    assert CaseStatusChange.objects.filter(case=obh_case).last().note == "Zaak gesloten door uitbater."


def test_service_refuses_closing_without_reason(enforcer, obh_case):
    with pytest.raises(ValidationError) as exc:
        services.case_status_change(actor=enforcer, case=obh_case, to_status="afgesloten", note="  ")
    assert "note" in exc.value.error_dict
    services.case_status_change(actor=enforcer, case=obh_case, to_status="besproken")  # other steps: no note needed


def test_other_status_steps_stay_one_click(client, enforcer, obh_case):
    client.force_login(enforcer)
    response = client.post(reverse("cases:status", args=[obh_case.pk]), {"to_status": "besproken"})
    assert response.status_code == 302
    assert Case.objects.get(pk=obh_case.pk).status == "besproken"


# --- m12: Dutch reference prefixes, also found by search --------------------------------


def test_youth_reference_is_dutch_and_searchable(client, outreach, ground):
    youth = services.case_open(actor=outreach, case_type="youth", title="Jongere in de wijk", legal_ground=ground)
    other = services.case_open(actor=outreach, case_type="youth", title="Andere jongere", legal_ground=ground)
    assert youth.reference == f"JEUGD-{youth.pk}"
    client.force_login(outreach)
    html = client.get(reverse("cases:detail", args=[youth.pk])).content.decode()
    assert f"JEUGD-{youth.pk}" in html and "YOUTH" not in html
    for query in (f"JEUGD-{youth.pk}", f"jeugd {youth.pk}", f"YOUTH-{youth.pk}"):
        found = list(selectors.cases_list(user=outreach, query=query))
        assert found == [youth], query
    assert other not in selectors.cases_list(user=outreach, query=f"OBH-{youth.pk}")


def test_every_case_type_has_a_dutch_reference_prefix():
    assert [Case(case_type=t, pk=7).reference for t in ("obh", "youth", "other")] == ["OBH-7", "JEUGD-7", "OVERLEG-7"]


# --- m17: the disclosure shows exactly what is recorded before saving ---------------------


def _disclose_data(police, ground, **extra):
    return {"recipient_organisation": police.pk, "legal_ground": ground.pk, "purpose": "Controle sociale inspectie"}


@pytest.fixture
def shop_case(enforcer, obh_case):
    from schakel.subjects import services as subject_services

    shop = subject_services.enterprise_create(actor=enforcer, name="Nachtwinkel De Maan")
    services.case_subject_add(actor=enforcer, case=obh_case, subject=shop, role="enterprise")
    return obh_case


def test_disclosure_shows_a_preview_and_records_nothing_yet(client, enforcer, shop_case, police, ground):
    from schakel.audit.models import AuditEvent

    client.force_login(enforcer)
    url = reverse("cases:disclose", args=[shop_case.pk])
    response = client.post(url, _disclose_data(police, ground))
    html = response.content.decode()
    text, digest = selectors.case_summary(case=shop_case)
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(kind="disclosure").exists()
    assert (
        "Nachtwinkel De Maan (Onderneming, Onderneming)" in text
        and f"Samenvatting van casus {shop_case.reference}" in text
    )
    assert "Nachtwinkel De Maan (Onderneming, Onderneming)" in html and digest in html
    assert 'name="confirm" value="1"' in html and f'name="sha256" value="{digest}"' in html

    response = client.post(url, {**_disclose_data(police, ground), "confirm": "1", "sha256": digest})
    assert response.status_code == 302
    event = AuditEvent.objects.get(kind="disclosure")
    assert event.summary == f"case summary sha256:{digest}" and event.recipient_organisation == police

    download = client.get(reverse("cases:disclose_text", args=[shop_case.pk]), {"sha256": digest})
    assert download.status_code == 200 and download.content.decode() == text


def test_disclosure_is_refused_when_the_case_changed_after_the_preview(client, enforcer, shop_case, police, ground):
    from schakel.audit.models import AuditEvent
    from schakel.subjects import services as subject_services

    client.force_login(enforcer)
    _text, old = selectors.case_summary(case=shop_case)
    car = subject_services.vehicle_create(actor=enforcer, plate="1-XYZ-987")
    services.case_subject_add(actor=enforcer, case=shop_case, subject=car, role="vehicle")
    url = reverse("cases:disclose", args=[shop_case.pk])
    response = client.post(url, {**_disclose_data(police, ground), "confirm": "1", "sha256": old})
    html = response.content.decode()
    assert response.status_code == 200 and not AuditEvent.objects.filter(kind="disclosure").exists()
    assert "De casus is gewijzigd sinds u de samenvatting bekeek." in html and "1XYZ987 (Voertuig, Voertuig)" in html
    # Nothing was recorded for that fingerprint, so there is no file either.
    assert client.get(reverse("cases:disclose_text", args=[shop_case.pk]), {"sha256": old}).status_code == 404


def test_disclosure_errors_show_on_the_form_before_any_preview(client, enforcer, shop_case, ground):
    client.force_login(enforcer)
    url = reverse("cases:disclose", args=[shop_case.pk])
    data = {"recipient_organisation": enforcer.organisation_id, "legal_ground": ground.pk, "purpose": "Controle"}
    html = client.post(url, data).content.decode()
    assert "Dit is uw eigen organisatie: geen verstrekking." in html and "Controleer wat u verstrekt" not in html
    # "Gegevens wijzigen" on the preview goes back to the form with the values kept.
    html = client.post(url, {**data, "purpose": "Controle sociale inspectie", "edit": "1"}).content.decode()
    assert 'value="Controle sociale inspectie"' in html and "Controleer wat u verstrekt" not in html


def test_summary_hides_protected_young_people_and_free_text(outreach, ground):
    from schakel.subjects import services as subject_services

    case = services.case_open(actor=outreach, case_type="youth", title="Jongere in de wijk", legal_ground=ground)
    young = subject_services.person_create(
        actor=outreach, first_name="Kobe", last_name="Geheim", birth_date=dt.date(2011, 3, 3), is_minor=True
    )
    services.case_subject_add(actor=outreach, case=case, subject=young, role="young_person")
    services.identity_reveal(actor=outreach, case=case, subject=young, reason="Nodig voor het huisbezoek")
    text, _digest = selectors.case_summary(case=case)
    assert "Geheim" not in text and young.person.pseudonym in text and "Exitplan" in text
