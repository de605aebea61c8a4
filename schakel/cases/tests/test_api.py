"""The cases REST API: the same circle rules, code gate and audit as the pages."""

import datetime as dt

import pytest
from django.urls import reverse

from schakel.audit.models import AuditEvent
from schakel.cases import services
from schakel.cases.models import Case, CaseMember
from schakel.core.testing import assert_constant_queries
from schakel.subjects import services as subject_services

from .conftest import OBH_PERMS, YOUTH_PERMS

pytestmark = pytest.mark.django_db

LIST = "api:case_list"


def _detail(pk):
    return reverse("api:case_detail", args=[pk])


def test_list_holds_only_my_cases_and_counts_only_them(client, enforcer, analyst, outreach, ground):
    mine = services.case_open(actor=analyst, case_type="obh", title="Politiedossier", legal_ground=ground)
    services.case_open(actor=enforcer, case_type="obh", title="Stadsdossier", legal_ground=ground)
    shared = services.case_open(actor=enforcer, case_type="obh", title="Gedeeld dossier", legal_ground=ground)
    services.case_member_add(actor=enforcer, case=shared, user=analyst, role="partner", legal_ground=ground)
    services.case_open(actor=outreach, case_type="youth", title="Jongere", legal_ground=ground)
    client.force_login(analyst)
    body = client.get(reverse(LIST)).json()
    assert body["count"] == 2
    assert {r["id"] for r in body["results"]} == {mine.pk, shared.pk}
    assert {r["reference"] for r in body["results"]} == {mine.reference, shared.reference}
    assert body["results"][0]["url"] == _detail(body["results"][0]["id"])
    # Searching for another circle's title finds and counts nothing.
    assert client.get(reverse(LIST), {"q": "Stadsdossier"}).json()["count"] == 0


def test_list_filters_and_rejects_unknown_values(client, enforcer, ground):
    a = services.case_open(actor=enforcer, case_type="obh", title="Pand A", legal_ground=ground)
    services.case_open(actor=enforcer, case_type="obh", title="Pand B", legal_ground=ground)
    services.case_status_change(actor=enforcer, case=a, to_status="besproken")
    client.force_login(enforcer)
    rows = client.get(reverse(LIST), {"status": "besproken"}).json()["results"]
    assert [r["id"] for r in rows] == [a.pk]
    assert client.get(reverse(LIST), {"type": "youth"}).json()["count"] == 0
    assert client.get(reverse(LIST), {"type": "obh"}).json()["count"] == 2
    bad = client.get(reverse(LIST), {"status": "zomaar"})
    assert bad.status_code == 400 and "status" in bad.json()


def test_list_is_paged_with_constant_queries(client, enforcer, ground):
    client.force_login(enforcer)

    def make_rows(n):
        for i in range(n):
            case = services.case_open(actor=enforcer, case_type="obh", title=f"Pand {i}", legal_ground=ground)
            p = subject_services.enterprise_create(actor=enforcer, name=f"Zaak {i}")
            services.case_subject_add(actor=enforcer, case=case, subject=p, role="enterprise")

    assert_constant_queries(make_rows, lambda: client.get(reverse(LIST)).json())
    body = client.get(reverse(LIST)).json()
    assert body["count"] == 30 and len(body["results"]) == 30 and all(r["n_subjects"] == 1 for r in body["results"])


def test_list_needs_the_case_permission_and_a_login(client, make_user):
    assert client.get(reverse(LIST)).status_code == 403
    client.force_login(make_user(["subjects.add_subject"]))
    assert client.get(reverse(LIST)).status_code == 403


def test_detail_is_an_access_event_and_404_for_outsiders(client, obh_case, enforcer, analyst):
    client.force_login(enforcer)
    response = client.get(_detail(obh_case.pk))
    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["my_role"], body["legal_ground"]) == (obh_case.title, "owner", "art-458ter-sw")
    assert body["history"][0]["to"] == "aangemeld" and "besproken" in body["next_statuses"]
    assert AuditEvent.objects.filter(
        action="cases.case_opened_view", object_id=str(obh_case.pk), actor=enforcer, kind="access"
    ).exists()

    client.force_login(analyst)
    refused = client.get(_detail(obh_case.pk))
    missing = client.get(_detail(obh_case.pk + 1000))
    assert refused.status_code == missing.status_code == 404
    assert refused.content == missing.content
    refusals = AuditEvent.objects.filter(action="cases.case_access_refused", actor=analyst)
    assert set(refusals.values_list("object_id", flat=True)) == {str(obh_case.pk), str(obh_case.pk + 1000)}
    assert not AuditEvent.objects.filter(action="cases.case_opened_view", actor=analyst).exists()


def test_losing_the_role_hides_the_case_again(client, obh_case, enforcer):
    client.force_login(enforcer)
    assert client.get(_detail(obh_case.pk)).status_code == 200
    enforcer.user_permissions.remove(*enforcer.user_permissions.filter(codename="participate_obh"))
    enforcer = type(enforcer).objects.get(pk=enforcer.pk)  # drop the permission cache
    client.force_login(enforcer)
    assert client.get(_detail(obh_case.pk)).status_code == 404
    assert client.get(reverse(LIST)).json()["count"] == 0


def test_code_gate_answers_403_with_a_message_before_any_lookup(client, obh_case, enforcer, make_user):
    from schakel.legal.services import code_version_publish

    publisher = make_user(["legal.add_codeversion"])
    code_version_publish(actor=publisher, title="Code v2", text="Nieuwe afspraken.")
    client.force_login(enforcer)
    own = client.get(_detail(obh_case.pk))
    missing = client.get(_detail(obh_case.pk + 1000))
    assert own.status_code == missing.status_code == 403
    assert own.content == missing.content
    assert "deontologische code" in own.json()["detail"]
    for name in ("api:case_members", "api:case_subjects"):
        assert client.get(reverse(name, args=[obh_case.pk])).status_code == 403
    created = client.post(
        reverse(LIST), {"case_type": "obh", "title": "Nieuw pand", "legal_ground": "art-458ter-sw"}, "application/json"
    )
    assert created.status_code == 403 and "deontologische code" in created.json()["detail"]
    assert Case.objects.count() == 1
    # The list page has no gate either: it shows titles only.
    assert client.get(reverse(LIST)).status_code == 200


def test_members_and_subjects_of_a_case(client, obh_case, enforcer, analyst, ground):
    services.case_member_add(actor=enforcer, case=obh_case, user=analyst, role="advisor", legal_ground=ground)
    shop = subject_services.enterprise_create(actor=enforcer, name="Nachtwinkel Test", kbo_number="0403.170.701")
    services.case_subject_add(actor=enforcer, case=obh_case, subject=shop, role="enterprise")
    client.force_login(analyst)
    members = client.get(reverse("api:case_members", args=[obh_case.pk])).json()
    assert [(m["role"], m["legal_ground"]) for m in members] == [("owner", "art-458ter-sw"), ("advisor", ground.code)]
    subjects = client.get(reverse("api:case_subjects", args=[obh_case.pk])).json()
    assert subjects == [
        {
            "subject_id": shop.pk,
            "kind": "enterprise",
            "role": "enterprise",
            "label": "Nachtwinkel Test – KBO 0403.170.701",
            "pseudonymised": False,
        }
    ]
    purposes = set(AuditEvent.objects.filter(actor=analyst, kind="access").values_list("purpose", flat=True))
    assert purposes == {"case circle (API)", "case subjects (API)"}


def test_young_person_by_pseudonym_until_this_member_reveals(client, outreach, make_user, city, ground):
    case = services.case_open(actor=outreach, case_type="youth", title="Jongere in beeld", legal_ground=ground)
    colleague = make_user(YOUTH_PERMS, org=city)
    services.case_member_add(actor=outreach, case=case, user=colleague, role="partner", legal_ground=ground)
    young = subject_services.person_create(
        actor=outreach, first_name="Testje", last_name="Jongmans", birth_date=dt.date(2011, 2, 3)
    )
    services.case_subject_add(actor=outreach, case=case, subject=young, role="young_person")
    url = reverse("api:case_subjects", args=[case.pk])
    client.force_login(colleague)
    row = client.get(url).json()[0]
    assert (row["label"], row["pseudonymised"]) == (young.pseudonym, True)
    assert "Jongmans" not in client.get(url).content.decode() and "2011" not in client.get(url).content.decode()
    services.identity_reveal(actor=colleague, case=case, subject=young, reason="Afstemming met school nodig")
    row = client.get(url).json()[0]
    assert (row["label"], row["pseudonymised"]) == ("Testje Jongmans (03-02-2011)", False)
    # The reveal is personal: the owner still sees the pseudonym.
    client.force_login(outreach)
    assert client.get(url).json()[0]["label"] == young.pseudonym


def test_create_uses_the_page_service_and_validation(client, enforcer, ground):
    client.force_login(enforcer)
    response = client.post(
        reverse(LIST),
        {"case_type": "obh", "title": "Garage met veel verkeer", "legal_ground": ground.code},
        "application/json",
    )
    assert response.status_code == 201, response.content
    case = Case.objects.get(pk=response.json()["id"])
    assert (case.owner, case.legal_ground, response.json()["my_role"]) == (enforcer, ground, "owner")
    assert CaseMember.objects.get(case=case).role == "owner"
    assert AuditEvent.objects.filter(action="cases.case_opened", object_id=str(case.pk)).exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"case_type": "youth", "title": "Jongere", "legal_ground": "art-458ter-sw"}, "case_type"),
        ({"case_type": "obh", "title": "", "legal_ground": "art-458ter-sw"}, "title"),
        ({"case_type": "obh", "title": "Pand", "legal_ground": "bestaat-niet"}, "legal_ground"),
        ({"case_type": "obh", "title": "Pand"}, "legal_ground"),
        ({"case_type": "obh", "title": "ab", "legal_ground": "art-458ter-sw"}, "title"),
    ],
)
def test_create_bad_input_is_400_with_the_form_message_and_saves_nothing(client, enforcer, ground, body, field):
    client.force_login(enforcer)
    response = client.post(reverse(LIST), body, "application/json")
    assert response.status_code == 400 and field in response.json(), response.content
    assert not Case.objects.exists()


def test_create_needs_add_case(client, make_user, ground):
    client.force_login(make_user([p for p in OBH_PERMS if p != "cases.add_case"]))
    response = client.post(
        reverse(LIST), {"case_type": "obh", "title": "Pand", "legal_ground": ground.code}, "application/json"
    )
    assert response.status_code == 403
    assert not Case.objects.exists()


def test_schema_describes_the_case_endpoints(client, enforcer):
    client.force_login(enforcer)
    schema = client.get(reverse("api:schema")).content.decode()
    for path in ("/api/v1/cases/cases/", "/api/v1/cases/cases/{id}/", "/api/v1/cases/cases/{id}/subjects/"):
        assert path in schema
