"""Dutch error pages, CSRF failures and tampered session cookies: never a 500."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from schakel.audit.models import AuditEvent
from schakel.core.testing import DEMO_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")
HOME = reverse("core:home")
TEST_URLS = "schakel.core.tests.urls_errors"


def _html(response) -> str:
    return response.content.decode()


def test_debug_is_off_in_tests():
    # The error pages below are only used with DEBUG off; make sure we test that situation.
    assert settings.DEBUG is False


def test_unknown_url_renders_dutch_404(client):
    response = client.get("/bestaat-echt-niet/")
    html = _html(response)
    assert response.status_code == 404
    assert '<html lang="nl">' in html
    assert "Pagina niet gevonden" in html
    assert "Deze pagina bestaat niet, of u hebt er geen toegang toe." in html
    assert 'href="#main"' in html  # the full base layout, not Django's bare page


@pytest.mark.urls(TEST_URLS)
def test_http404_from_a_view_renders_dutch_404_without_leaking_the_message(client):
    response = client.get("/__test__/404/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in _html(response)
    assert "geheim-object-42" not in _html(response)


@pytest.mark.urls(TEST_URLS)
def test_permission_denied_renders_dutch_403(client):
    response = client.get("/__test__/403/")
    html = _html(response)
    assert response.status_code == 403
    assert "Geen toegang" in html and "U hebt geen toegang tot deze pagina." in html
    assert '<html lang="nl">' in html


def test_403_from_a_real_route_is_dutch(persona_client):
    # The QRT worker may not administer users: the permission check answers 403.
    response = persona_client("qrt").get(reverse("accounts:user_list"))
    assert response.status_code == 403
    assert "Geen toegang" in _html(response)


@pytest.mark.urls(TEST_URLS)
def test_unhandled_exception_renders_error_500_template(client):
    client.raise_request_exception = False
    response = client.get("/__test__/500/")
    html = _html(response)
    assert response.status_code == 500
    assert "error_500.html" in [t.name for t in response.templates]
    assert "Er ging iets mis" in html
    assert "Er is niets half opgeslagen." in html
    assert response["X-Request-ID"] in html  # the reference a user can quote to the administrator
    assert "Jan Janssens" not in html and "RuntimeError" not in html


@pytest.mark.urls(TEST_URLS)
def test_500_page_is_served_with_csp(client):
    client.raise_request_exception = False
    response = client.get("/__test__/500/")
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_login_post_without_csrf_token_gives_dutch_form_expired_page():
    UserFactory(email="anna@example.test")
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"email": "anna@example.test", "password": DEMO_PASSWORD})
    html = _html(response)
    assert response.status_code == 403
    assert "Formulier verlopen" in html
    assert "er is niets opgeslagen" in html
    assert not AuditEvent.objects.filter(action__startswith="auth.login").exists()
    assert "_auth_user_id" not in client.session


def test_login_post_with_wrong_csrf_token_gives_the_same_page():
    UserFactory(email="anna@example.test")
    client = Client(enforce_csrf_checks=True)
    client.get(LOGIN)  # sets the CSRF cookie
    response = client.post(
        LOGIN, {"email": "anna@example.test", "password": DEMO_PASSWORD, "csrfmiddlewaretoken": "x" * 64}
    )
    assert response.status_code == 403 and "Formulier verlopen" in _html(response)


def test_login_with_a_valid_csrf_token_still_works():
    # Guards the two tests above: the 403 comes from the missing token, not from something else.
    UserFactory(email="anna@example.test")
    client = Client(enforce_csrf_checks=True)
    client.get(LOGIN)
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(
        LOGIN, {"email": "anna@example.test", "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302 and response["Location"] == HOME


@pytest.mark.parametrize(
    "tamper",
    [
        lambda v: v[:-1] + ("a" if v[-1] != "a" else "b"),
        lambda v: "",
        lambda v: "x" * 4000,
        lambda v: "'; DROP TABLE django_session; --",
        lambda v: "%00%ff\u00e9",
    ],
    ids=["one-char", "empty", "huge", "sql", "garbage"],
)
def test_tampered_session_cookie_means_not_logged_in(client, tamper):
    user = UserFactory(email="anna@example.test")
    client.force_login(user)
    assert client.get(HOME).status_code == 200
    name = settings.SESSION_COOKIE_NAME
    client.cookies[name] = tamper(client.cookies[name].value)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    # The login page itself still renders for that visitor.
    assert client.get(LOGIN).status_code == 200
