import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from schakel.audit.models import AuditEvent
from schakel.core.testing import UserFactory
from schakel.legal import selectors, services
from schakel.legal.models import CodeAcceptance, CodeVersion, LegalGround, LegalInstrument


@pytest.fixture
def reference(db):
    from schakel.legal.seeding import load_reference

    load_reference(lambda m: None)


@pytest.mark.django_db
def test_seed_has_belgian_defaults_and_is_idempotent(reference):
    from schakel.legal.seeding import load_reference

    codes = set(LegalGround.objects.values_list("code", flat=True))
    assert {
        "art-458ter-sw",
        "protocol-obh-mechelen",
        "wet-15-januari-2024",
        "toestemming",
        "wettelijke-opdracht",
    } <= codes
    assert LegalGround.objects.get(code="art-458ter-sw").reference  # the authorisation reference
    assert LegalInstrument.objects.filter(code="ngw-134quater", track="administrative").exists()
    assert LegalInstrument.objects.filter(code="drugwet-9bis").exists()
    counts = (LegalGround.objects.count(), LegalInstrument.objects.count(), CodeVersion.objects.count())
    load_reference(lambda m: None)
    assert counts == (LegalGround.objects.count(), LegalInstrument.objects.count(), CodeVersion.objects.count())


@pytest.mark.django_db
def test_accept_current_code_then_new_version_requires_again(reference):
    user = UserFactory()
    admin = UserFactory(perms=["legal.add_codeversion"])
    assert not selectors.code_accepted_current(user=user)
    services.code_accept(actor=user, version=selectors.code_current())
    assert selectors.code_accepted_current(user=user)
    assert AuditEvent.objects.filter(action="legal.code_accepted", actor=user).count() == 1
    # accepting twice keeps one row
    services.code_accept(actor=user, version=selectors.code_current())
    assert CodeAcceptance.objects.filter(user=user).count() == 1
    services.code_version_publish(actor=admin, title="Code", text="Nieuwe tekst")
    assert not selectors.code_accepted_current(user=user)


@pytest.mark.django_db
def test_accepting_an_old_version_is_refused(reference):
    user = UserFactory()
    admin = UserFactory(perms=["legal.add_codeversion"])
    old = selectors.code_current()
    services.code_version_publish(actor=admin, title="Code", text="v2")
    with pytest.raises(ValidationError):
        services.code_accept(actor=user, version=old)
    assert not CodeAcceptance.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_publish_needs_permission_and_text(reference):
    with pytest.raises(PermissionDenied):
        services.code_version_publish(actor=UserFactory(), title="x", text="y")
    admin = UserFactory(perms=["legal.add_codeversion"])
    with pytest.raises(ValidationError):
        services.code_version_publish(actor=admin, title="x", text="   ")
    assert CodeVersion.objects.count() == 1


@pytest.mark.django_db
def test_legal_ground_save_rules(reference):
    admin = UserFactory(perms=["legal.change_legalground"])
    with pytest.raises(PermissionDenied):
        services.legal_ground_save(actor=UserFactory(), code="x", name="X", kind="consent")
    with pytest.raises(ValidationError):
        services.legal_ground_save(actor=admin, code="toestemming", name="Dubbel", kind="consent")
    with pytest.raises(ValidationError):
        services.legal_ground_save(actor=admin, code="nieuw", name="Nieuw", kind="onbekend")
    ground = services.legal_ground_save(actor=admin, code="nieuw", name="Nieuw", kind="law", reference="Decreet")
    assert ground.pk and AuditEvent.objects.filter(action="legal.legal_ground_saved").exists()


@pytest.mark.django_db
def test_legal_instrument_save_rules(reference):
    admin = UserFactory(perms=["legal.change_legalinstrument"])
    with pytest.raises(PermissionDenied):
        services.legal_instrument_save(actor=UserFactory(), code="x", name="X", track="social")
    with pytest.raises(ValidationError):
        services.legal_instrument_save(actor=admin, code="x", name="X", track="nope")
    inst = services.legal_instrument_save(actor=admin, code="x", name="X", track="social")
    assert inst.track == "social"


@pytest.mark.django_db
def test_code_page_accept_redirects_to_safe_next(reference, client):
    user = UserFactory()
    client.force_login(user)
    resp = client.post(reverse("legal:code"), {"next": "/casussen/"})
    assert resp.status_code == 302 and resp["Location"] == "/casussen/"
    assert selectors.code_accepted_current(user=user)
    other = UserFactory()
    client.force_login(other)
    resp = client.post(reverse("legal:code"), {"next": "https://evil.example/"})
    assert resp["Location"] == reverse("legal:code")


@pytest.mark.django_db
def test_overview_lists_reference_data(reference, client):
    client.force_login(UserFactory(perms=["legal.view_legalground"]))
    resp = client.get(reverse("legal:overview"))
    assert resp.status_code == 200
    assert "458ter" in resp.content.decode()
    assert "134quater" in resp.content.decode()
    client.force_login(UserFactory())
    assert client.get(reverse("legal:overview")).status_code == 403


@pytest.mark.django_db
def test_administrator_edits_reference_data_through_pages(reference, client):
    admin = UserFactory(perms=["legal.view_legalground", "legal.change_legalground", "legal.change_legalinstrument"])
    client.force_login(admin)
    ground = LegalGround.objects.get(code="toestemming")
    url = reverse("legal:ground_edit", args=[ground.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"code": "wettelijke-opdracht", "name": "X", "kind": "consent", "active": "on"})
    assert bad.status_code == 200 and "bestaat al" in bad.content.decode()
    client.post(url, {"code": "toestemming", "name": "Toestemming (AVG)", "kind": "consent", "active": ""})
    ground.refresh_from_db()
    assert ground.name == "Toestemming (AVG)" and not ground.active
    resp = client.post(
        reverse("legal:instrument_create"), {"code": "sluiting-x", "name": "Sluiting X", "track": "administrative"}
    )
    assert resp.status_code == 302 and LegalInstrument.objects.filter(code="sluiting-x").exists()
    client.force_login(UserFactory(perms=["legal.view_legalground"]))
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_code_page_on_https_refuses_a_plain_http_next_on_the_same_host(reference, client):
    client.force_login(UserFactory())
    resp = client.post(reverse("legal:code"), {"next": "http://testserver/casussen/"}, secure=True)
    assert resp["Location"] == reverse("legal:code")
