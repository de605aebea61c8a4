"""The DPO page (audit:event_list): permission, organisation scope, filters,
invalid input, time display, keyset paging, constant query count."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.urls import reverse

from schakel.audit import selectors
from schakel.audit import services as audit
from schakel.audit.models import AuditEvent
from schakel.core.testing import OrganisationFactory, UserFactory, assert_constant_queries

pytestmark = pytest.mark.django_db

URL = reverse("audit:event_list")


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


def ids_on_page(response) -> list[int]:
    return [e.id for e in response.context["page"].events]


def at(when: dt.datetime):
    return mock.patch("django.utils.timezone.now", return_value=when)


def test_anonymous_goes_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_user_without_permission_is_refused(client, city):
    client.force_login(UserFactory(organisation=city, perms=["accounts.view_user"]))
    assert client.get(URL).status_code == 403


def test_dpo_sees_own_organisation_and_events_without_organisation(dpo_client, city, police):
    colleague = UserFactory(organisation=city)
    officer = UserFactory(organisation=police)
    own = audit.record_write(actor=colleague, action="test.city_write", obj=("test.thing", 1))
    other = audit.record_write(actor=officer, action="test.police_write", obj=("test.thing", 2))
    unknown = audit.record_auth(action="auth.login_failed", attempted_login="nobody@example.test")
    response = dpo_client.get(URL)
    assert response.status_code == 200
    shown = ids_on_page(response)
    assert shown == [unknown.id, own.id]  # newest first
    assert other.id not in shown
    assert b"test.police_write" not in response.content


def test_view_all_organisations_permission_sees_every_event(client, city, police):
    officer = UserFactory(organisation=police)
    other = audit.record_write(actor=officer, action="test.police_write", obj=("test.thing", 2))
    client.force_login(UserFactory(organisation=city, perms=["audit.view_auditevent", "audit.view_all_organisations"]))
    response = client.get(URL)
    assert other.id in ids_on_page(response)
    # ... and may filter on the other organisation.
    response = client.get(URL, {"organisation": police.pk})
    assert ids_on_page(response) == [other.id]


def test_dpo_cannot_filter_on_another_organisation(dpo_client, police):
    audit.record_write(actor=UserFactory(organisation=police), action="test.police_write")
    response = dpo_client.get(URL, {"organisation": police.pk})
    assert response.status_code == 200
    assert response.context["page"] is None
    assert "Onbekende organisatie." in response.content.decode()
    assert b"test.police_write" not in response.content


def test_filters(dpo_client, city):
    alice = UserFactory(organisation=city, email="alice@stad.test")
    bob = UserFactory(organisation=city, email="bob@stad.test")
    w = audit.record_write(actor=alice, action="plan.action_created", obj=("plan.action", 7))
    a = audit.record_access(actor=bob, obj=("subjects.subject", 42), purpose="triage")
    d = audit.record_disclosure(
        actor=bob, obj=("subjects.subject", 42), recipient_organisation=city, legal_ground="art. 6.1.e AVG"
    )
    cases = [
        ({"kind": "access"}, [a.id]),
        ({"kind": "write", "action": "ACTION_CREATED"}, [w.id]),
        ({"action": "disclosed"}, [d.id]),
        ({"actor": "BOB@"}, [d.id, a.id]),
        ({"organisation": city.pk, "actor": "alice"}, [w.id]),
        ({"object_type": "Subjects.Subject"}, [d.id, a.id]),
        ({"object_type": "subjects.subject", "object_id": "42", "kind": "disclosure"}, [d.id]),
        ({"object_id": "4"}, []),  # exact id, not "contains"
    ]
    for params, expected in cases:
        response = dpo_client.get(URL, params)
        assert response.status_code == 200, params
        assert ids_on_page(response) == expected, params


def test_period_filter_uses_brussels_calendar_days(dpo_client, dpo):
    # 23:30 UTC on 1 March is 00:30 on 2 March in Brussels (UTC+1).
    with at(dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)):
        late = audit.record_write(actor=dpo, action="test.late")
    with at(dt.datetime(2026, 3, 1, 22, 30, tzinfo=dt.UTC)):
        early = audit.record_write(actor=dpo, action="test.early")
    with at(dt.datetime(2026, 3, 3, 12, 0, tzinfo=dt.UTC)):
        later = audit.record_write(actor=dpo, action="test.later")
    assert ids_on_page(dpo_client.get(URL, {"date_from": "2026-03-02", "date_to": "2026-03-02"})) == [late.id]
    assert ids_on_page(dpo_client.get(URL, {"date_to": "01-03-2026"})) == [early.id]  # dd-mm-jjjj accepted too
    assert ids_on_page(dpo_client.get(URL, {"date_from": "2026-03-02"})) == [later.id, late.id]


def test_time_is_shown_as_dd_mm_yyyy_in_brussels(dpo_client, dpo):
    with at(dt.datetime(2026, 7, 14, 22, 5, 9, tzinfo=dt.UTC)):  # summer time: UTC+2
        audit.record_write(actor=dpo, action="test.summer")
    html = dpo_client.get(URL).content.decode()
    assert "15-07-2026 00:05:09" in html
    assert 'datetime="2026-07-14T22:05:09' in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "31-02-2026"}, "Geef een geldige datum (dd-mm-jjjj)."),
        ({"date_to": "morgen"}, "Geef een geldige datum (dd-mm-jjjj)."),
        ({"kind": "hack"}, "Onbekende soort gebeurtenis."),
        ({"organisation": "x"}, "Onbekende organisatie."),
        ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, "De einddatum ligt vóór de begindatum."),
        ({"action": "x" * 81}, "niet meer dan 80 tekens"),
    ],
)
def test_invalid_filters_show_a_dutch_message(dpo_client, dpo, params, message):
    audit.record_write(actor=dpo, action="test.visible")
    response = dpo_client.get(URL, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Controleer de filters" in html
    assert response.context["page"] is None
    assert "test.visible" not in html


def test_junk_page_cursors_fall_back_to_the_first_page(dpo_client, dpo):
    event = audit.record_write(actor=dpo, action="test.x")
    for cursor in ({"before": "abc"}, {"after": "-1"}, {"before": "9" * 40}):
        response = dpo_client.get(URL, cursor)
        assert response.status_code == 200
        assert ids_on_page(response) == [event.id]


def test_keyset_paging(dpo_client, dpo, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 5)
    events = [audit.record_write(actor=dpo, action="test.paged", obj=("test.thing", i)) for i in range(12)]
    newest_first = [e.id for e in reversed(events)]
    first = dpo_client.get(URL, {"action": "paged"})
    assert ids_on_page(first) == newest_first[:5]
    page = first.context["page"]
    assert page.newer_than is None and page.older_than == newest_first[4]
    html = first.content.decode()
    assert f"action=paged&amp;before={newest_first[4]}" in html  # the link keeps the filter
    second = dpo_client.get(URL, {"action": "paged", "before": page.older_than})
    assert ids_on_page(second) == newest_first[5:10]
    third = dpo_client.get(URL, {"action": "paged", "before": second.context["page"].older_than})
    assert ids_on_page(third) == newest_first[10:]
    assert third.context["page"].older_than is None
    back = dpo_client.get(URL, {"action": "paged", "after": third.context["page"].newer_than})
    assert ids_on_page(back) == newest_first[5:10]
    back_again = dpo_client.get(URL, {"action": "paged", "after": back.context["page"].newer_than})
    assert ids_on_page(back_again) == newest_first[:5]
    assert back_again.context["page"].newer_than is None


def test_page_shows_at_most_50_events(dpo_client, dpo):
    for i in range(53):
        audit.record_write(actor=dpo, action="test.many", obj=("test.thing", i))
    response = dpo_client.get(URL)
    assert len(response.context["page"].events) == 50
    assert response.context["page"].older_than is not None


def test_constant_query_count(dpo_client, dpo, city, police):
    other_org = OrganisationFactory()
    colleague = UserFactory(organisation=city)

    def make_rows(n):
        for i in range(n):
            audit.record_disclosure(
                actor=colleague,
                obj=("test.thing", i),
                recipient_organisation=other_org if i % 2 else police,
                legal_ground="art. 6.1.e AVG",
                purpose="overleg",
            )

    def fetch():
        response = dpo_client.get(URL)
        assert response.status_code == 200

    assert_constant_queries(make_rows, fetch)


def test_menu_entry_only_for_users_with_the_permission(client, dpo, city):
    client.force_login(dpo)
    home = client.get(reverse("core:home")).content.decode()
    assert re.search(rf'href="{URL}"[^>]*>Audittrail<', home)
    client.force_login(UserFactory(organisation=city))
    assert f'href="{URL}"' not in client.get(reverse("core:home")).content.decode()


def test_page_has_labelled_filters_and_a_table_caption(dpo_client):
    html = dpo_client.get(URL).content.decode()
    for name in ("date_from", "date_to", "kind", "action", "actor", "organisation", "object_type", "object_id"):
        assert f'for="id_{name}"' in html, name
    assert "<caption>" in html and 'class="table-wrap"' in html and 'class="filters' in html
    assert "style=" not in html and "<script>" not in html


def test_event_count_is_unchanged_by_viewing(dpo_client, dpo):
    audit.record_write(actor=dpo, action="test.x")
    dpo_client.get(URL)
    assert AuditEvent.objects.count() == 1
