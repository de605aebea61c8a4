"""Session idle expiry and the MFA gate."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

IDLE_KEY = "schakel_last_seen"
# The last-seen time is stored at most once a minute: storing it on every
# request made every page an UPDATE and a COMMIT of the session row. A
# session may so end up to this many seconds before the idle limit.
IDLE_RESOLUTION = 60

# Paths a signed-in user without verified MFA may still open.
_MFA_OPEN_PREFIXES = ("/static/", "/i18n/", "/gezondheid/")


class IdleTimeoutMiddleware:
    """Signs out a session that has been idle longer than SESSION_IDLE_MINUTES
    (to the minute: see ``IDLE_RESOLUTION``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(IDLE_KEY)
            if last is not None and now - int(last) > settings.SESSION_IDLE_MINUTES * 60:
                from .services import session_expired

                session_expired(user=request.user)
                logout(request)
                messages.info(request, _("U bent afgemeld omdat u een tijd niet actief was."))
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
            if last is None or now - int(last) >= IDLE_RESOLUTION:
                request.session[IDLE_KEY] = now
        return self.get_response(request)


def mfa_required_for(user) -> bool:
    """Every account needs a verified second factor, except demo accounts while
    the demo flag is on."""
    if not user.is_authenticated:
        return False
    return not (settings.MFA_EXEMPT_DEMO_ACCOUNTS and user.is_demo)


class MFARequiredMiddleware:
    """A signed-in user whose session is not OTP-verified can reach only the MFA
    pages (enrol or verify) and logout."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if mfa_required_for(user) and not user.is_verified():
            allowed = (
                reverse("accounts:mfa_verify"),
                reverse("accounts:mfa_enrol"),
                reverse("accounts:logout"),
            )
            if not (request.path in allowed or request.path.startswith(_MFA_OPEN_PREFIXES)):
                from django_otp import user_has_device

                target = "accounts:mfa_verify" if user_has_device(user, confirmed=True) else "accounts:mfa_enrol"
                return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)
