"""The two-phase list opens the OBH case when a file is transferred; case
titles must be neutral (no name of a person the actor knows from his cases)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from schakel.accounts.models import Organisation
from schakel.cases import selectors, services
from schakel.cases.models import Case, CaseStatusChange, Hit, TwoPhaseFile
from schakel.legal.models import LegalGround
from schakel.subjects import services as subject_services

from .conftest import OBH_PERMS

pytestmark = pytest.mark.django_db

TWO_PHASE = ["cases.view_twophasefile", "cases.add_twophasefile", "cases.change_twophasefile"]


@pytest.fixture
def officer(make_user, police):
    return make_user([*OBH_PERMS, *TWO_PHASE], org=police)


@pytest.fixture
def prosecutor(make_user):
    return make_user([*OBH_PERMS, *TWO_PHASE], kind=Organisation.Kind.PROSECUTOR)


@pytest.fixture
def file_row(officer, prosecutor):
    row = services.twophase_propose(
        actor=officer, judicial_reference="ME.12.L1.001234/26", summary="Drugshandel vanuit een handelspand"
    )
    return services.twophase_decide(actor=prosecutor, row=row, phase="selected")


def test_transfer_opens_the_obh_case_with_the_deciding_members(file_row, officer, prosecutor, make_user, police):
    other_officer = make_user([*OBH_PERMS, *TWO_PHASE], org=police)
    row = services.twophase_decide(actor=other_officer, row=file_row, phase="transferred")
    case = row.case
    assert (row.phase, case.case_type, case.owner) == ("transferred", "obh", other_officer)
    assert case.title == "Tweefasendossier ME.12.L1.001234/26"
    assert case.legal_ground.code == "art-458ter-sw"
    members = {m.user: m.role for m in selectors.case_members(case=case)}
    assert members == {other_officer: "owner", officer: "partner", prosecutor: "partner"}
    assert CaseStatusChange.objects.get(case=case).note == "Overgedragen vanuit de tweefasenlijst."
    # Linked back, and the proposer now sees the case.
    assert TwoPhaseFile.objects.get(pk=row.pk).case_id == case.pk
    assert selectors.cases_visible_to(user=officer).filter(pk=case.pk).exists()
    with pytest.raises(ValidationError):
        services.twophase_decide(actor=prosecutor, row=row, phase="selected")
    assert Case.objects.count() == 1


def test_transfer_with_a_chosen_legal_ground(file_row, prosecutor):
    protocol = LegalGround.objects.exclude(code="art-458ter-sw").filter(active=True).first()
    row = services.twophase_decide(actor=prosecutor, row=file_row, phase="transferred", legal_ground=protocol)
    assert row.case.legal_ground == protocol
    assert {m.user for m in selectors.case_members(case=row.case)} == {prosecutor, file_row.proposed_by}


def test_transfer_by_someone_who_may_not_open_obh_cases_changes_nothing(file_row, make_user):
    may_not = make_user(TWO_PHASE, kind=Organisation.Kind.PROSECUTOR)
    with pytest.raises(PermissionDenied):
        services.twophase_decide(actor=may_not, row=file_row, phase="transferred")
    file_row.refresh_from_db()
    assert file_row.phase == "selected" and file_row.case_id is None and not Case.objects.exists()


def test_transfer_from_the_page_goes_to_the_new_case(client, file_row, prosecutor, officer):
    client.force_login(prosecutor)
    ground = LegalGround.objects.get(code="art-458ter-sw")
    page = client.get(reverse("cases:twophase_list")).content.decode()
    assert "Naar OBH: casus openen" in page
    response = client.post(
        reverse("cases:twophase_decide", args=[file_row.pk]), {"phase": "transferred", "legal_ground": ground.pk}
    )
    case = TwoPhaseFile.objects.get(pk=file_row.pk).case
    assert response.status_code == 302 and response["Location"] == reverse("cases:detail", args=[case.pk])
    page = client.get(reverse("cases:twophase_list")).content.decode()
    assert reverse("cases:detail", args=[case.pk]) in page


# --- neutral titles ---------------------------------------------------------------------


@pytest.fixture
def known_person(obh_case, enforcer):
    person = subject_services.person_create(
        actor=enforcer, first_name="Mohamed", last_name="El Amrani", birth_date=dt.date(1990, 4, 4)
    )
    services.case_subject_add(actor=enforcer, case=obh_case, subject=person, role="operator")
    return person


@pytest.mark.parametrize(
    "title",
    [
        "Nachtwinkel van Mohamed El Amrani",
        "Winkel Amrani aan de vaart",
        "Shishabar Elamrani",  # glued particle
        "Café van Muhammad Amrani",  # spelling variant
        "El-Amrani, Mohamed – carwash",
    ],
)
def test_a_title_with_the_name_of_a_known_person_is_refused(known_person, enforcer, ground, title):
    with pytest.raises(ValidationError) as exc:
        services.case_open(actor=enforcer, case_type="obh", title=title, legal_ground=ground)
    assert "neutraal" in str(exc.value) and "zonder namen" in str(exc.value)
    assert Case.objects.count() == 1  # only the fixture's case


@pytest.mark.parametrize(
    "title", ["Nachtwinkel met opvallend weinig klanten", "Carwash aan de Amerikalei", "Shishabar met drukte 's nachts"]
)
def test_a_neutral_title_passes(known_person, enforcer, ground, title):
    case = services.case_open(actor=enforcer, case_type="obh", title=title, legal_ground=ground)
    assert case.title == title


def test_the_form_shows_the_message_and_saves_nothing(client, known_person, enforcer, ground):
    client.force_login(enforcer)
    response = client.post(
        reverse("cases:create"), {"case_type": "obh", "title": "Pand van El Amrani", "legal_ground": ground.pk}
    )
    assert response.status_code == 200
    assert "Een casustitel moet neutraal zijn" in response.content.decode()
    assert Case.objects.count() == 1


def test_a_name_from_another_circle_is_not_refused_but_raises_a_silent_hit(
    known_person, obh_case, enforcer, analyst, ground
):
    """Refusing would tell the analyst that the person is registered in a
    circle he is not in; the owner of that circle gets a hit instead."""
    case = services.case_open(actor=analyst, case_type="obh", title="Pand van Mohamed El Amrani", legal_ground=ground)
    assert case.owner == analyst
    hit = Hit.objects.get()
    assert (hit.case, hit.matched_subject_id, hit.triggered_by, hit.trigger_kind) == (
        obh_case,
        known_person.pk,
        analyst,
        "case_title",
    )
    assert selectors.hits_for_owner(user=analyst).count() == 0
