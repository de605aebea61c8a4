"""CSV export (audit:event_export) and the request context on events."""

import csv
import io

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from schakel.audit import services as audit
from schakel.audit.export import safe_cell
from schakel.audit.models import AuditEvent
from schakel.audit.selectors import BRUSSELS
from schakel.core.testing import OrganisationFactory, UserFactory, assert_constant_queries

pytestmark = pytest.mark.django_db

URL = reverse("audit:event_export")
COLUMNS = 18


@pytest.fixture
def city():
    return OrganisationFactory(code="stad-test", name="Stad Test")


@pytest.fixture
def police():
    return OrganisationFactory(code="pz-test", name="PZ Test")


@pytest.fixture
def dpo(city):
    return UserFactory(organisation=city, email="dpo@stad.test", perms=["audit.view_auditevent"])


@pytest.fixture
def dpo_client(client, dpo):
    client.force_login(dpo)
    return client


def body(response) -> str:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode("utf-8")


def parse(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_export_is_utf8_bom_semicolon_csv_with_all_columns(dpo_client, dpo, city, police):
    event = audit.record_disclosure(
        actor=dpo,
        obj=("subjects.subject", 42),
        recipient_organisation=police,
        legal_ground="art. 6.1.e AVG; protocol 2026/3",
        purpose='overleg "LIEC"',
        summary="gedeeld met é, ü en ;",
    )
    response = dpo_client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audittrail-')
    assert response["Cache-Control"] == "no-store"
    rows = parse(body(response))
    assert rows[0] == [
        "id",
        "tijdstip",
        "soort",
        "actie",
        "actie (omschrijving)",
        "actor",
        "organisatie",
        "objecttype",
        "objecttype (omschrijving)",
        "object-id",
        "samenvatting",
        "doel",
        "doel (omschrijving)",
        "rechtsgrond",
        "ontvangende organisatie",
        "IP-adres",
        "request-id",
        "hash",
    ]
    data = {int(r[0]): r for r in rows[1:]}
    assert all(len(r) == COLUMNS for r in rows)
    row = data[event.id]
    assert row[1] == event.at.astimezone(BRUSSELS).isoformat()
    assert row[2:11] == [
        "disclosure",
        "subjects.subject.disclosed",
        "Subject verstrekt aan andere organisatie",
        "dpo@stad.test",
        "Stad Test",
        "subjects.subject",
        "Subject",
        "42",
        "gedeeld met é, ü en ;",
    ]
    # Free text typed as purpose has no translation: the label column repeats it.
    assert row[11:15] == ['overleg "LIEC"', 'overleg "LIEC"', "art. 6.1.e AVG; protocol 2026/3", "PZ Test"]
    assert row[17] == event.hash


def test_export_is_recorded_as_an_access_event_with_the_request_id(dpo_client, dpo):
    response = dpo_client.get(URL, {"kind": "write", "actor": "secret@person.test"}, REMOTE_ADDR="203.0.113.7")
    body(response)
    event = AuditEvent.objects.get(action="audit.events_exported")
    assert event.kind == AuditEvent.Kind.ACCESS
    assert event.purpose == "audit export"
    assert event.actor_id == dpo.pk
    assert event.request_id == response["X-Request-ID"]
    assert event.ip == "203.0.113.7"
    assert "kind" in event.summary and "actor" in event.summary
    assert "secret@person.test" not in event.summary  # filter values may be personal data
    assert audit.verify_chain().ok


def test_incoming_request_id_is_kept_on_the_event(dpo_client):
    body(dpo_client.get(URL, HTTP_X_REQUEST_ID="proxy-req-0001abcd"))
    event = AuditEvent.objects.get(action="audit.events_exported")
    assert event.request_id == "proxy-req-0001abcd"


def test_malformed_incoming_request_id_is_replaced(dpo_client):
    response = dpo_client.get(URL, HTTP_X_REQUEST_ID="<script>")
    body(response)
    event = AuditEvent.objects.get(action="audit.events_exported")
    assert event.request_id == response["X-Request-ID"] != "<script>"


def test_export_applies_scope_and_filters(dpo_client, city, police):
    colleague = UserFactory(organisation=city)
    own = audit.record_write(actor=colleague, action="test.city_write")
    other = audit.record_write(actor=UserFactory(organisation=police), action="test.police_write")
    audit.record_access(actor=colleague, obj=("test.thing", 1), purpose="p")
    ids = [int(r[0]) for r in parse(body(dpo_client.get(URL, {"kind": "write"})))[1:]]
    assert ids == [own.id]
    all_ids = [int(r[0]) for r in parse(body(dpo_client.get(URL)))[1:]]
    assert other.id not in all_ids
    assert all_ids == sorted(all_ids, reverse=True)  # newest first


def test_export_with_invalid_filters_goes_back_to_the_page(dpo_client):
    response = dpo_client.get(URL, {"date_from": "32-13-2026", "kind": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("audit:event_list") + "?")
    page = dpo_client.get(response["Location"])
    assert "Geef een geldige datum (dd-mm-jjjj)." in page.content.decode()
    assert not AuditEvent.objects.filter(action="audit.events_exported").exists()


def test_export_refused_without_permission(client, city):
    client.force_login(UserFactory(organisation=city))
    assert client.get(URL).status_code == 403
    assert not AuditEvent.objects.filter(action="audit.events_exported").exists()


def test_post_is_not_allowed(dpo_client):
    assert dpo_client.post(URL).status_code == 405


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("normal = fine", "normal = fine"),
        ("", ""),
        (None, ""),
        (12, "12"),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_formula_injection_is_neutralised_in_the_file(dpo_client, dpo):
    audit.record_write(actor=dpo, action="=cmd|' /C calc'!A0", summary="@SUM(1+1)*cmd")
    audit.record_auth(action="auth.login_failed", attempted_login="+31 6 1234")
    rows = parse(body(dpo_client.get(URL)))
    cells = [c for r in rows[1:] for c in r]
    assert "'=cmd|' /C calc'!A0" in cells
    assert "'@SUM(1+1)*cmd" in cells
    assert "'+31 6 1234" in cells
    assert not any(c[:1] in ("=", "+", "-", "@", "\t", "\r") for c in cells)


def test_export_query_count_is_constant(dpo_client, dpo, police):
    def make_rows(n):
        for i in range(n):
            audit.record_disclosure(
                actor=dpo, obj=("test.thing", i), recipient_organisation=police, legal_ground="art. 6"
            )

    def fetch():
        body(dpo_client.get(URL))

    assert_constant_queries(make_rows, fetch)
