"""Linked signals: a member who may see a signal links it to his case with a
note; the circle gains no access to the signal; unlinking is appended; a new
signal's "subjects mentioned" raises hits for owners of cases its reporter
cannot see, and tells the reporter nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from schakel.audit.models import AuditEvent
from schakel.cases import selectors, services
from schakel.cases.models import CaseSignalLink, Hit, Notification
from schakel.core.testing import assert_constant_queries
from schakel.subjects import services as subject_services

from .conftest import OBH_PERMS

pytestmark = pytest.mark.django_db

SIGNAL_PERMS = [*OBH_PERMS, "cases.link_signal", "signals.add_signal", "signals.view_all_signals"]


@pytest.fixture
def categories(db):
    from schakel.signals.models import Category

    return {
        "normal": Category.objects.create(code="t-pand", name="Pand met kenmerken"),
        "youth": Category.objects.create(code="t-jong", name="Jongere in risico", is_youth=True),
    }


@pytest.fixture
def make_signal(categories):
    from schakel.signals.models import Signal

    def _make(*, reporter=None, kind="normal", subjects_text="", description="Afgeplakte ramen, nachtelijk licht."):
        return Signal.objects.create(
            reporter=reporter,
            category=categories[kind],
            observed_at=timezone.now() - dt.timedelta(days=1),
            description=description,
            subjects_text=subjects_text,
        )

    return _make


@pytest.fixture
def linker(make_user, city):
    """A city enforcer who sees all (non-youth) signals and may link them."""
    return make_user(SIGNAL_PERMS, org=city)


@pytest.fixture
def linker_case(linker, ground):
    return services.case_open(actor=linker, case_type="obh", title="Pand met afgeplakte ramen", legal_ground=ground)


def test_member_links_a_visible_signal_with_a_note_and_it_is_audited(linker, linker_case, make_signal):
    signal = make_signal(reporter=linker)
    row = services.case_signal_link(actor=linker, case=linker_case, signal=signal, note="Zelfde pand als de casus.")
    assert (row.action, row.signal_reference, row.note) == ("linked", signal.reference, "Zelfde pand als de casus.")
    assert selectors.linked_signal_ids(case=linker_case) == {signal.pk}
    assert AuditEvent.objects.filter(
        action="cases.signal_linked", object_id=str(linker_case.pk), summary=f"signal {signal.pk}"
    ).exists()
    with pytest.raises(ValidationError):
        services.case_signal_link(actor=linker, case=linker_case, signal=signal)
    assert CaseSignalLink.objects.count() == 1


def test_linking_needs_sight_of_the_signal_membership_and_permission(
    linker, linker_case, make_signal, make_user, city, ground
):
    signal = make_signal()
    # A member of the circle without any signals permission cannot link it.
    partner = make_user([*OBH_PERMS, "cases.link_signal"], org=city)
    services.case_member_add(actor=linker, case=linker_case, user=partner, role="partner", legal_ground=ground)
    with pytest.raises(PermissionDenied):
        services.case_signal_link(actor=partner, case=linker_case, signal=signal)
    # Someone who sees the signal but is not in the circle cannot either.
    outsider = make_user(SIGNAL_PERMS, org=city)
    with pytest.raises(PermissionDenied):
        services.case_signal_link(actor=outsider, case=linker_case, signal=signal)
    # An advisor (no change role) cannot, even with the permission.
    advisor = make_user(SIGNAL_PERMS, org=city)
    services.case_member_add(actor=linker, case=linker_case, user=advisor, role="advisor", legal_ground=ground)
    with pytest.raises(PermissionDenied):
        services.case_signal_link(actor=advisor, case=linker_case, signal=signal)
    # Without cases.link_signal: refused.
    plain = make_user([*OBH_PERMS, "signals.view_all_signals"], org=city)
    services.case_member_add(actor=linker, case=linker_case, user=plain, role="partner", legal_ground=ground)
    with pytest.raises(PermissionDenied):
        services.case_signal_link(actor=plain, case=linker_case, signal=signal)
    assert not CaseSignalLink.objects.exists()


def test_a_youth_signal_is_not_linked_to_an_obh_case(linker, linker_case, make_signal):
    from django.contrib.auth.models import Permission

    from schakel.core.testing import UnitFactory
    from schakel.signals import selectors as signal_selectors
    from schakel.signals.models import SignalAccess

    # He triages youth signals of his team (as the OSP would): he sees this one.
    unit = UnitFactory(organisation=linker.organisation)
    linker.units.add(unit)
    linker.user_permissions.add(*Permission.objects.filter(codename__in=["view_youth_signal", "triage_signal"]))
    linker = type(linker).objects.get(pk=linker.pk)
    youth = make_signal(kind="youth")
    SignalAccess.objects.create(signal=youth, team=unit)
    assert signal_selectors.signals_visible_to(linker).filter(pk=youth.pk).exists()
    with pytest.raises(ValidationError):
        services.case_signal_link(actor=linker, case=linker_case, signal=youth)
    assert not CaseSignalLink.objects.exists()


def test_the_circle_gains_no_access_to_the_signal(client, linker, linker_case, make_signal, make_user, city, ground):
    signal = make_signal(description="Geheime beschrijving van het signaal")
    services.case_signal_link(actor=linker, case=linker_case, signal=signal, note="Past bij de casus.")
    partner = make_user(OBH_PERMS, org=city)  # a member without signals permissions
    services.case_member_add(actor=linker, case=linker_case, user=partner, role="partner", legal_ground=ground)

    client.force_login(partner)
    page = client.get(reverse("cases:detail", args=[linker_case.pk])).content.decode()
    assert signal.reference in page and "Past bij de casus." in page and "geen inzage in dit signaal" in page
    assert reverse("signals:detail", args=[signal.pk]) not in page
    assert "Pand met kenmerken" not in page  # the category is signal content
    # The signals app still refuses him.
    assert client.get(reverse("signals:detail", args=[signal.pk])).status_code == 404

    client.force_login(linker)
    page = client.get(reverse("cases:detail", args=[linker_case.pk])).content.decode()
    assert reverse("signals:detail", args=[signal.pk]) in page and "Pand met kenmerken" in page


def test_non_members_see_nothing_of_the_links(client, linker, linker_case, make_signal, make_user, city):
    signal = make_signal()
    services.case_signal_link(actor=linker, case=linker_case, signal=signal, note="Notitie van de kring.")
    outsider = make_user(SIGNAL_PERMS, org=city)
    client.force_login(outsider)
    assert client.get(reverse("cases:detail", args=[linker_case.pk])).status_code == 404
    # The signal page is the signals app's and shows no case.
    page = client.get(reverse("signals:detail", args=[signal.pk])).content.decode()
    assert linker_case.title not in page and "Notitie van de kring." not in page


def test_unlink_appends_history_and_the_link_can_come_back(linker, linker_case, make_signal):
    signal = make_signal()
    services.case_signal_link(actor=linker, case=linker_case, signal=signal, note="eerst")
    services.case_signal_unlink(actor=linker, case=linker_case, signal_id=signal.pk, note="hoort er niet bij")
    assert selectors.linked_signal_ids(case=linker_case) == set()
    assert list(CaseSignalLink.objects.values_list("action", flat=True)) == ["linked", "unlinked"]
    with pytest.raises(ValidationError):
        services.case_signal_unlink(actor=linker, case=linker_case, signal_id=signal.pk)
    services.case_signal_link(actor=linker, case=linker_case, signal=signal, note="toch")
    assert selectors.linked_signal_ids(case=linker_case) == {signal.pk}
    assert CaseSignalLink.objects.count() == 3
    assert AuditEvent.objects.filter(action="cases.signal_unlinked").count() == 1
    with pytest.raises(TypeError):
        CaseSignalLink.objects.first().delete()


def test_link_and_unlink_pages(client, linker, linker_case, make_signal):
    signal = make_signal()
    client.force_login(linker)
    url = reverse("cases:signal_link", args=[linker_case.pk])
    assert client.get(url).status_code == 200
    garbage = client.post(url, {"signal": "abc", "note": ""})
    assert "Geef het nummer van het signaal, bv. S-000123." in garbage.content.decode()
    missing = client.post(url, {"signal": "S-999999", "note": ""})
    hidden_signal = make_signal(kind="youth")  # exists, but the linker may not see youth signals
    hidden = client.post(url, {"signal": hidden_signal.reference, "note": ""})
    for response in (missing, hidden):
        assert response.status_code == 200
        assert "Er is geen signaal met dit nummer dat u mag inzien." in response.content.decode()
    assert not CaseSignalLink.objects.exists()
    response = client.post(url, {"signal": signal.reference, "note": "Zelfde adres."})
    assert response.status_code == 302 and selectors.linked_signal_ids(case=linker_case) == {signal.pk}
    response = client.post(reverse("cases:signal_unlink", args=[linker_case.pk, signal.pk]))
    assert response.status_code == 302 and selectors.linked_signal_ids(case=linker_case) == set()
    # Unlinking what is not linked: 404.
    assert client.post(reverse("cases:signal_unlink", args=[linker_case.pk, signal.pk])).status_code == 404


def test_a_signal_deleted_by_its_retention_stays_as_a_reference(linker, linker_case, make_signal):
    from schakel.signals import services as signal_services
    from schakel.signals.models import DeletionProof, Signal

    signal = make_signal()
    services.case_signal_link(actor=linker, case=linker_case, signal=signal, note="Oud signaal.")
    Signal.objects.filter(pk=signal.pk).update(
        status=Signal.Status.CLOSED_NO_FOLLOWUP, closed_at=timezone.now() - dt.timedelta(days=800)
    )
    assert signal_services.retention_run() == 1  # the case link does not block the signals app's retention
    assert DeletionProof.objects.filter(signal_reference=signal.reference).exists()
    (row,) = selectors.case_signals(case=linker_case, viewer=linker)
    assert (row.signal_reference, row.deleted, row.visible, row.note) == (signal.reference, True, False, "Oud signaal.")


def test_case_page_queries_do_not_grow_with_linked_signals(client, linker, linker_case, make_signal):
    client.force_login(linker)

    def make_rows(n):
        for _ in range(n):
            services.case_signal_link(actor=linker, case=linker_case, signal=make_signal(), note="n")

    assert_constant_queries(make_rows, lambda: client.get(reverse("cases:detail", args=[linker_case.pk])))


# --- hit/no-hit on new signals ------------------------------------------------------


@pytest.fixture
def secret_case(enforcer, ground):
    case = services.case_open(actor=enforcer, case_type="obh", title="Shishabar aan de vaart", legal_ground=ground)
    person = subject_services.person_create(
        actor=enforcer, first_name="Mohamed", last_name="El Amrani", birth_date=dt.date(1990, 4, 4)
    )
    shop = subject_services.enterprise_create(actor=enforcer, name="Geheime Shisha", kbo_number="0403.170.701")
    services.case_subject_add(actor=enforcer, case=case, subject=person, role="operator")
    services.case_subject_add(actor=enforcer, case=case, subject=shop, role="enterprise")
    case.person, case.shop = person, shop
    return case


def test_a_new_signal_mentioning_a_case_subject_gives_the_owner_a_hit(
    secret_case, enforcer, make_user, city, make_signal, django_capture_on_commit_callbacks
):
    reporter = make_user(["signals.add_signal"], org=city)
    with django_capture_on_commit_callbacks(execute=True):
        signal = make_signal(reporter=reporter, subjects_text="uitbater: Muhammad Amrani; zaak BV 0403 170 701")
    hits = {(h.matched_subject_id, h.reason) for h in Hit.objects.filter(case=secret_case)}
    assert hits == {(secret_case.person.pk, "name"), (secret_case.shop.pk, "identifier")}
    hit = Hit.objects.filter(case=secret_case).first()
    assert (hit.triggered_by, hit.trigger_kind, hit.trigger_reference) == (reporter, "signal", signal.reference)
    assert Notification.objects.filter(recipient=enforcer, kind="hit").count() == 2
    # The reporter learns nothing: no hit, no notification, no case.
    assert not Notification.objects.filter(recipient=reporter).exists()
    assert selectors.hits_for_owner(user=reporter).count() == 0


def test_no_hit_for_unrelated_names_or_for_a_member_reporting(
    secret_case, enforcer, make_signal, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_signal(subjects_text="Pieter Verhoeven, Anna De Smet")
        make_signal(reporter=enforcer, subjects_text="Mohamed El Amrani")  # he is in the circle
    assert not Hit.objects.exists()


def test_a_partner_signal_without_account_still_raises_the_hit(
    client, secret_case, enforcer, make_signal, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signal = make_signal(reporter=None, subjects_text="El Amrani Mohamed (uitbater)")
    hit = Hit.objects.get()
    assert (hit.case, hit.triggered_by, hit.trigger_reference) == (secret_case, None, signal.reference)
    client.force_login(enforcer)
    page = client.get(reverse("cases:hit_list")).content.decode()
    assert signal.reference in page and "Mohamed El Amrani" in page


def test_a_rolled_back_signal_raises_nothing(secret_case, make_signal, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                make_signal(subjects_text="Mohamed El Amrani")
                raise RuntimeError("report failed")
        except RuntimeError:
            pass
    assert callbacks == [] and not Hit.objects.exists()


def test_signal_hits_through_the_signals_service(
    secret_case, make_user, city, django_capture_on_commit_callbacks, settings
):
    """The real intake path (signals.services.signal_create) triggers the receiver."""
    from schakel.signals import seeding as signal_seeding
    from schakel.signals import services as signal_services
    from schakel.signals.models import Category
    from schakel.workflows.testing import seed_minimal

    seed_minimal()
    signal_seeding.load_reference(lambda m: None)
    reporter = make_user(["signals.add_signal"], org=city)
    category = Category.objects.filter(is_youth=False, parent__isnull=False, parent__is_youth=False).first()
    with django_capture_on_commit_callbacks(execute=True):
        signal = signal_services.signal_create(
            actor=reporter,
            category=category,
            description="Drukte aan een shishabar.",
            observed_at=timezone.now() - dt.timedelta(hours=1),
            subjects_text="Mohamed El-Amrani",
        )
    hit = Hit.objects.get()
    assert (hit.case, hit.trigger_reference, hit.triggered_by) == (secret_case, signal.reference, reporter)
