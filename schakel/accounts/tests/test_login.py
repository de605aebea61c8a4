from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from schakel.audit.models import AuditEvent
from schakel.core.testing import DEMO_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")


def post_login(client, email, password=DEMO_PASSWORD, **extra):
    return client.post(LOGIN, {"email": email, "password": password, **extra})


def actions():
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def test_login_page_renders_in_dutch(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert "Aanmelden bij Schakel" in response.content.decode()


def test_successful_login_is_audited_and_redirects_home(client):
    user = UserFactory(email="anna@example.test")
    response = post_login(client, "Anna@Example.test")
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    event = AuditEvent.objects.get(action="auth.login_succeeded")
    assert event.actor == user and event.organisation_id == user.organisation_id
    assert event.ip == "127.0.0.1" and event.request_id


def test_password_is_hashed_with_argon2(settings):
    from schakel import settings as project_settings

    # The suite uses a fast hasher (conftest); the project's own setting is Argon2.
    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = UserFactory()
    assert user.password.startswith("argon2")


def test_wrong_password_gives_dutch_message_and_failure_event(client):
    UserFactory(email="anna@example.test")
    response = post_login(client, "anna@example.test", "verkeerd")
    assert response.status_code == 200
    assert "Het e-mailadres of het wachtwoord is niet juist." in response.content.decode()
    assert actions() == ["auth.login_failed"]


def test_unknown_account_gives_the_same_message(client):
    response = post_login(client, "niemand@example.test", "x")
    assert "Het e-mailadres of het wachtwoord is niet juist." in response.content.decode()
    event = AuditEvent.objects.get()
    assert event.actor is None and event.actor_label == "niemand@example.test"


def test_inactive_user_cannot_log_in(client):
    UserFactory(email="weg@example.test", is_active=False)
    response = post_login(client, "weg@example.test")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_MINUTES=15)
def test_lockout_after_repeated_failures_refuses_even_the_right_password(client):
    user = UserFactory(email="anna@example.test")
    for _ in range(3):
        response = post_login(client, "anna@example.test", "verkeerd")
    assert "tijdelijk geblokkeerd" in response.content.decode()
    user.refresh_from_db()
    assert user.is_locked()
    response = post_login(client, "anna@example.test")
    assert "tijdelijk geblokkeerd" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert actions()[-1] == "auth.login_refused_locked"


@override_settings(LOGIN_MAX_FAILURES=3)
def test_lock_expires(client):
    user = UserFactory(email="anna@example.test")
    user.locked_until = timezone.now() - timedelta(seconds=1)
    user.save()
    assert post_login(client, "anna@example.test").status_code == 302


def test_ip_throttle_across_accounts(client, monkeypatch):
    from schakel.accounts import selectors

    monkeypatch.setattr(selectors, "IP_THROTTLE_FAILURES", 4)
    for i in range(4):
        post_login(client, f"gok{i}@example.test", "x")
    UserFactory(email="anna@example.test")
    response = post_login(client, "anna@example.test")
    assert "Te veel mislukte aanmeldpogingen" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "data",
    [
        {"email": "a" * 300 + "@example.test", "password": "x"},
        {"email": "geen-mailadres", "password": "x"},
        {"email": "anna@example.test", "password": "x" * 5000},
        {},
    ],
)
def test_bad_login_input_is_a_form_error_not_a_500(client, data):
    response = client.post(LOGIN, data)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode() or "niet juist" in response.content.decode()


def test_open_redirect_is_refused(client):
    UserFactory(email="anna@example.test")
    response = post_login(client, "anna@example.test", next="https://evil.example/")
    assert response["Location"] == reverse("core:home")


def test_logout_is_post_only_and_audited(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.logout", actor=user).exists()


@override_settings(SESSION_IDLE_MINUTES=30)
def test_idle_session_expires(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("core:home")).status_code == 200
    session = client.session
    session["schakel_last_seen"] = int(timezone.now().timestamp()) - 31 * 60
    session.save()
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert AuditEvent.objects.filter(action="auth.session_expired", actor=user).exists()
    assert client.get(reverse("core:home")).status_code == 302


def test_tampered_session_cookie_means_signed_out(client):
    client.force_login(UserFactory())
    client.cookies["sessionid"] = "tampered" + client.cookies["sessionid"].value[8:]
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_my_account_shows_organisation_roles_and_recent_logins(client, seeded):
    post_login(client, "coordinator@demo.schakel.test")
    body = client.get(reverse("accounts:my_account")).content.decode()
    assert "Stad Mechelen" in body
    assert "Coördinator preventie en veiligheid" in body
    assert "geslaagd" in body


# --- MFA -------------------------------------------------------------------


def current_code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


@override_settings(MFA_EXEMPT_DEMO_ACCOUNTS=False, OTP_TOTP_THROTTLE_FACTOR=0)
def test_mfa_enrolment_then_verification_and_replay_refused(client):
    user = UserFactory(email="anna@example.test", is_demo=False)
    response = post_login(client, "anna@example.test")
    # Without a device the user is sent to enrolment, and nothing else opens.
    assert client.get(reverse("core:home"))["Location"].startswith(reverse("accounts:mfa_enrol"))
    page = client.get(reverse("accounts:mfa_enrol"))
    assert page.status_code == 200 and b"<svg" in page.content
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(
        reverse("accounts:mfa_enrol"), {"token": "000000" if current_code(device) != "000000" else "111111"}
    )
    assert "niet juist" in response.content.decode()
    response = client.post(reverse("accounts:mfa_enrol"), {"token": current_code(device)})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    assert "auth.mfa_enrolled" in actions()

    # New session: verification needed, and the code already used is refused (replay).
    client.post(reverse("accounts:logout"))
    post_login(client, "anna@example.test")
    assert client.get(reverse("core:home"))["Location"].startswith(reverse("accounts:mfa_verify"))
    replay = client.post(reverse("accounts:mfa_verify"), {"token": current_code(device)})
    assert replay.status_code == 200 and "niet juist of al gebruikt" in replay.content.decode()
    assert client.get(reverse("core:home")).status_code == 302
    device.refresh_from_db()
    fresh = current_code(device, offset=1)
    ok = client.post(reverse("accounts:mfa_verify"), {"token": fresh})
    assert ok.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    assert "auth.mfa_failed" in actions() and "auth.mfa_verified" in actions()


@override_settings(MFA_EXEMPT_DEMO_ACCOUNTS=False)
@pytest.mark.parametrize("token", ["12345", "abcdef", "1234567", ""])
def test_malformed_token_is_a_form_error(client, token):
    UserFactory(email="anna@example.test", is_demo=False)
    post_login(client, "anna@example.test")
    response = client.post(reverse("accounts:mfa_enrol"), {"token": token})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


def test_demo_accounts_skip_mfa_only_in_demo_mode(client):
    user = UserFactory(email="demo@example.test", is_demo=True)
    with override_settings(MFA_EXEMPT_DEMO_ACCOUNTS=True):
        client.force_login(user)
        assert client.get(reverse("core:home")).status_code == 200
    with override_settings(MFA_EXEMPT_DEMO_ACCOUNTS=False):
        assert client.get(reverse("core:home")).status_code == 302


def test_password_reset_sends_mail_and_sets_new_password(client, mailoutbox=None):
    from django.core import mail

    user = UserFactory(email="anna@example.test")
    response = client.post(reverse("accounts:password_reset"), {"email": "anna@example.test"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/wachtwoord-herstellen/" in line)
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    new = "Een-nieuw-sterk-wachtwoord-42"
    response = client.post(response.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    # Unknown addresses get the same answer and no mail.
    client.post(reverse("accounts:password_reset"), {"email": "niemand@example.test"})
    assert len(mail.outbox) == 1


@override_settings(SESSION_IDLE_MINUTES=30)
def test_activity_is_stored_once_a_minute_and_keeps_the_session_alive(client):
    """A page within the minute does not write the session row (no UPDATE,
    no COMMIT per page); activity after it does, and keeps the user in."""
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from schakel.accounts.middleware import IDLE_KEY

    user = UserFactory()
    client.force_login(user)
    client.get(reverse("core:home"))
    stored = client.session[IDLE_KEY]
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("core:home"))
    table = Session._meta.db_table
    assert not [q for q in queries if q["sql"].startswith("UPDATE") and table in q["sql"]]

    # 29 minutes idle, then a page: still signed in, and the time is stored.
    session = client.session
    session[IDLE_KEY] = stored - 29 * 60
    session.save()
    assert client.get(reverse("core:home")).status_code == 200
    assert client.session[IDLE_KEY] >= stored
    # So 29 more minutes later the session is still alive.
    session = client.session
    session[IDLE_KEY] = client.session[IDLE_KEY] - 29 * 60
    session.save()
    assert client.get(reverse("core:home")).status_code == 200
