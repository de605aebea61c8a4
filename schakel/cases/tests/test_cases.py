import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from schakel.audit.models import AuditEvent
from schakel.cases import selectors, services
from schakel.cases.models import Case, CaseMember, CaseStatusChange, IdentityReveal, Notification
from schakel.core.testing import assert_constant_queries
from schakel.subjects import services as subject_services

from .conftest import OBH_PERMS, YOUTH_PERMS

pytestmark = pytest.mark.django_db


def scrub(content: bytes) -> str:
    """A page without its per-request tokens (CSRF, CSP nonce)."""
    import re

    text = content.decode()
    text = re.sub(r'nonce="[^"]*"', "", text)
    text = re.sub(r'"X-CSRFToken": "[^"]*"', "", text)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)


def test_case_open_makes_owner_a_member_and_audits(enforcer, ground):
    case = services.case_open(actor=enforcer, case_type="obh", title="Carwash", legal_ground=ground)
    member = CaseMember.objects.get(case=case)
    assert (member.user, member.role, member.legal_ground) == (enforcer, "owner", ground)
    assert CaseStatusChange.objects.get(case=case).to_status == "aangemeld"
    assert AuditEvent.objects.filter(action="cases.case_opened", object_id=str(case.pk)).exists()


def test_case_open_needs_participation_permission_of_the_type(outreach, ground):
    with pytest.raises(PermissionDenied):
        services.case_open(actor=outreach, case_type="obh", title="Nachtwinkel", legal_ground=ground)
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"title": "", "case_type": "obh"},
        {"title": "Pand", "case_type": "xyz"},
        {"title": "Pand", "case_type": "obh", "legal_ground": None},
    ],
)
def test_case_open_bad_input_saves_nothing(enforcer, ground, kwargs):
    kwargs = {"legal_ground": ground, **kwargs}
    with pytest.raises(ValidationError):
        services.case_open(actor=enforcer, **kwargs)
    assert not Case.objects.exists() and not CaseMember.objects.exists()


def test_member_without_legal_ground_is_refused(obh_case, enforcer, analyst):
    with pytest.raises(ValidationError) as exc:
        services.case_member_add(actor=enforcer, case=obh_case, user=analyst, role="partner", legal_ground=None)
    assert "rechtsgrond" in str(exc.value)
    assert obh_case.members.count() == 1


def test_only_the_owner_manages_the_circle(obh_case, enforcer, analyst, make_user, ground):
    services.case_member_add(actor=enforcer, case=obh_case, user=analyst, role="partner", legal_ground=ground)
    third = make_user(OBH_PERMS)
    with pytest.raises(PermissionDenied):
        services.case_member_add(actor=analyst, case=obh_case, user=third, role="partner", legal_ground=ground)


def test_outreach_worker_cannot_be_member_of_obh_case(obh_case, enforcer, outreach, ground):
    with pytest.raises(ValidationError):
        services.case_member_add(actor=enforcer, case=obh_case, user=outreach, role="partner", legal_ground=ground)
    assert not obh_case.members.filter(user=outreach).exists()


def test_member_of_other_organisation_is_a_disclosure(obh_case, enforcer, analyst, ground):
    services.case_member_add(actor=enforcer, case=obh_case, user=analyst, role="partner", legal_ground=ground)
    event = AuditEvent.objects.get(kind="disclosure", object_id=str(obh_case.pk))
    assert event.recipient_organisation_id == analyst.organisation_id
    assert "458ter" in event.legal_ground


def test_status_follows_the_transition_table(obh_case, enforcer):
    with pytest.raises(ValidationError):
        services.case_status_change(actor=enforcer, case=obh_case, to_status="uitvoering")
    services.case_status_change(actor=enforcer, case=obh_case, to_status="besproken")
    case = services.case_status_change(actor=enforcer, case=obh_case, to_status="plan")
    assert case.plan_at is not None and case.status == "plan"
    assert list(case.status_changes.values_list("to_status", flat=True)) == ["aangemeld", "besproken", "plan"]


def test_status_change_by_non_member_is_refused(obh_case, analyst):
    with pytest.raises(PermissionDenied):
        services.case_status_change(actor=analyst, case=obh_case, to_status="besproken")


def test_case_get_for_same_404_for_missing_and_not_member_and_audits(obh_case, analyst):
    with pytest.raises(Http404):
        selectors.case_get_for(user=analyst, pk=obh_case.pk)
    with pytest.raises(Http404):
        selectors.case_get_for(user=analyst, pk=obh_case.pk + 1000)
    refused = AuditEvent.objects.filter(action="cases.case_access_refused", actor=analyst)
    assert set(refused.values_list("object_id", flat=True)) == {str(obh_case.pk), str(obh_case.pk + 1000)}


def test_guessing_a_case_id_looks_exactly_like_a_missing_case(client, obh_case, analyst):
    client.force_login(analyst)
    existing = client.get(reverse("cases:detail", args=[obh_case.pk]))
    missing = client.get(reverse("cases:detail", args=[obh_case.pk + 1000]))
    assert existing.status_code == missing.status_code == 404
    existing_url = reverse("cases:detail", args=[obh_case.pk])
    missing_url = reverse("cases:detail", args=[obh_case.pk + 1000])
    assert scrub(existing.content).replace(existing_url, "URL") == scrub(missing.content).replace(missing_url, "URL")


def test_outreach_worker_sees_nothing_of_an_obh_case(client, obh_case, outreach):
    client.force_login(outreach)
    listing = client.get(reverse("cases:list"), {"q": "verdachte"})
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Pand met verdachte activiteit" not in html and obh_case.reference not in html
    assert "Geen casussen." in html
    assert client.get(reverse("cases:detail", args=[obh_case.pk])).status_code == 404
    assert client.get(reverse("cases:network", args=[obh_case.pk])).status_code == 404
    assert client.get(reverse("cases:plan", args=[obh_case.pk])).status_code == 404
    assert selectors.cases_list(user=outreach, query="verdachte").count() == 0


def test_losing_the_role_hides_the_case_even_for_a_member(obh_case, enforcer, analyst, ground):
    services.case_member_add(actor=enforcer, case=obh_case, user=analyst, role="partner", legal_ground=ground)
    assert selectors.cases_visible_to(user=analyst).count() == 1
    analyst.user_permissions.remove(*analyst.user_permissions.filter(codename="participate_obh"))
    analyst = type(analyst).objects.get(pk=analyst.pk)  # drop the permission cache
    assert selectors.cases_visible_to(user=analyst).count() == 0


def test_code_must_be_accepted_before_opening_a_case(client, make_user, ground):
    from schakel.legal.models import CodeAcceptance

    user = make_user(OBH_PERMS, accept=False)
    case = services.case_open(actor=user, case_type="obh", title="Pand", legal_ground=ground)
    client.force_login(user)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("legal:code"))
    assert not AuditEvent.objects.filter(action="cases.case_opened_view").exists()
    client.post(reverse("legal:code"), {"next": reverse("cases:detail", args=[case.pk])})
    assert CodeAcceptance.objects.filter(user=user).exists()
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    assert AuditEvent.objects.filter(action="cases.case_opened_view", actor=user).exists()


# --- youth: pseudonyms and reveals -------------------------------------------------


@pytest.fixture
def youth_case(outreach, ground):
    import datetime as dt

    case = services.case_open(actor=outreach, case_type="youth", title="Jongere in risico", legal_ground=ground)
    young = subject_services.person_create(
        actor=outreach, first_name="Zarkowia", last_name="Quennebeek", birth_date=dt.date(2011, 2, 3)
    )
    services.case_subject_add(actor=outreach, case=case, subject=young, role="young_person")
    case.young = young
    return case


def test_city_outreach_worker_sees_the_young_person_by_pseudonym_only(client, youth_case, outreach):
    client.force_login(outreach)
    html = client.get(reverse("cases:detail", args=[youth_case.pk])).content.decode()
    assert youth_case.young.person.pseudonym in html
    assert "Zarkowia" not in html and "Quennebeek" not in html and "03-02-2011" not in html


def test_city_enforcement_officer_cannot_reach_a_youth_case(client, youth_case, enforcer):
    client.force_login(enforcer)
    assert client.get(reverse("cases:detail", args=[youth_case.pk])).status_code == 404
    assert "Quennebeek" not in client.get(reverse("cases:list")).content.decode()


def test_reveal_without_reason_is_refused_and_changes_nothing(client, youth_case, outreach):
    client.force_login(outreach)
    url = reverse("cases:reveal", args=[youth_case.pk, youth_case.young.pk])
    response = client.post(url, {"reason": "kort"}, follow=True)
    assert "minstens 10 tekens" in response.content.decode()
    assert not IdentityReveal.objects.exists()
    assert not AuditEvent.objects.filter(action="cases.identity_revealed").exists()


def test_reveal_with_reason_is_logged_notified_and_personal(client, youth_case, outreach, make_user, ground):
    prosecutor = make_user(YOUTH_PERMS)
    services.case_member_add(actor=outreach, case=youth_case, user=prosecutor, role="partner", legal_ground=ground)
    client.force_login(prosecutor)
    url = reverse("cases:reveal", args=[youth_case.pk, youth_case.young.pk])
    client.post(url, {"reason": "Nodig voor de vordering bij de jeugdrechter"})
    event = AuditEvent.objects.get(action="cases.identity_revealed")
    assert event.kind == "access" and event.actor == prosecutor and "jeugdrechter" in event.purpose
    assert Notification.objects.filter(recipient=outreach, case=youth_case, kind="reveal").exists()
    assert "Quennebeek" in client.get(reverse("cases:detail", args=[youth_case.pk])).content.decode()
    # The reveal is personal: the owner still sees the pseudonym.
    client.force_login(outreach)
    assert "Quennebeek" not in client.get(reverse("cases:detail", args=[youth_case.pk])).content.decode()


def test_reveal_by_non_member_is_refused(youth_case, make_user):
    stranger = make_user(YOUTH_PERMS)
    with pytest.raises(PermissionDenied):
        services.identity_reveal(
            actor=stranger, case=youth_case, subject=youth_case.young, reason="Nieuwsgierig naar wie"
        )


# --- disclosure ---------------------------------------------------------------------


def test_summary_disclosure_records_recipient_and_ground(obh_case, enforcer, police, ground):
    services.case_summary_disclose(
        actor=enforcer, case=obh_case, recipient_organisation=police, legal_ground=ground, purpose="Voorbereiding OBH"
    )
    event = AuditEvent.objects.get(kind="disclosure")
    assert event.recipient_organisation == police and event.purpose == "Voorbereiding OBH"


def test_summary_disclosure_bad_input(obh_case, enforcer, police, ground, analyst):
    with pytest.raises(ValidationError):
        services.case_summary_disclose(
            actor=enforcer, case=obh_case, recipient_organisation=police, legal_ground=None, purpose="Doel x"
        )
    with pytest.raises(ValidationError):
        services.case_summary_disclose(
            actor=enforcer,
            case=obh_case,
            recipient_organisation=enforcer.organisation,
            legal_ground=ground,
            purpose="Doel x",
        )
    with pytest.raises(PermissionDenied):
        services.case_summary_disclose(
            actor=analyst, case=obh_case, recipient_organisation=police, legal_ground=ground, purpose="Doel x"
        )
    assert not AuditEvent.objects.filter(kind="disclosure").exists()


# --- pages ----------------------------------------------------------------------------


def test_case_list_query_count_is_constant(client, enforcer, ground):
    client.force_login(enforcer)

    def make_rows(n):
        for i in range(n):
            case = services.case_open(actor=enforcer, case_type="obh", title=f"Pand {i}", legal_ground=ground)
            s = subject_services.vehicle_create(actor=enforcer, plate=f"1-ABC-{i:03d}{n}")
            services.case_subject_add(actor=enforcer, case=case, subject=s, role="vehicle")

    assert_constant_queries(make_rows, lambda: client.get(reverse("cases:list")))


def test_case_detail_query_count_is_constant(client, obh_case, enforcer, make_user, ground):
    client.force_login(enforcer)

    def make_rows(n):
        for _ in range(n):
            services.case_member_add(
                actor=enforcer, case=obh_case, user=make_user(OBH_PERMS), role="partner", legal_ground=ground
            )
            p = subject_services.person_create(
                actor=enforcer, first_name="Testa", last_name=f"Persoon{CaseMember.objects.count()}"
            )
            services.case_subject_add(actor=enforcer, case=obh_case, subject=p, role="involved")

    assert_constant_queries(make_rows, lambda: client.get(reverse("cases:detail", args=[obh_case.pk])))


def test_create_case_through_the_page(client, enforcer, ground):
    client.force_login(enforcer)
    response = client.post(reverse("cases:create"), {"case_type": "obh", "title": "", "legal_ground": ground.pk})
    assert response.status_code == 200 and not Case.objects.exists()
    response = client.post(
        reverse("cases:create"), {"case_type": "obh", "title": "Garage zonder vergunning", "legal_ground": ground.pk}
    )
    case = Case.objects.get()
    assert response["Location"] == reverse("cases:detail", args=[case.pk])


def test_subject_page_rejects_invalid_national_number(client, obh_case, enforcer):
    client.force_login(enforcer)
    response = client.post(
        reverse("cases:subject_add", args=[obh_case.pk]),
        {
            "kind": "person",
            "role": "operator",
            "first_name": "Jan",
            "last_name": "Test",
            "national_number": "85073003361",
        },
    )
    assert response.status_code == 200
    assert "geen geldig rijksregisternummer" in response.content.decode()
    assert obh_case.case_subjects.count() == 0
