from __future__ import annotations

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from schakel.core.forms import posted
from schakel.core.middleware import client_ip

from . import selectors, services
from .forms import LoginForm, TokenForm
from .middleware import mfa_required_for


def _next_url(request, default="core:home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@never_cache
def login_view(request):
    if request.user.is_authenticated and not mfa_required_for(request.user):
        return redirect(_next_url(request))
    form = LoginForm(posted(request))
    if request.method == "POST" and form.is_valid():
        if selectors.ip_is_throttled(ip=client_ip(request)):
            form.add_error(
                None, _("Te veel mislukte aanmeldpogingen vanaf dit netwerk. Probeer het over enkele minuten opnieuw.")
            )
        else:
            result = services.login_attempt(
                request=request, email=form.cleaned_data["email"], password=form.cleaned_data["password"]
            )
            if result.user is not None:
                auth_login(request, result.user)
                return redirect(_next_url(request))
            if result.error == "locked":
                form.add_error(
                    None,
                    _(
                        "Deze account is tijdelijk geblokkeerd na te veel mislukte pogingen. "
                        "Probeer het over %(minutes)s minuten opnieuw of vraag uw beheerder om hulp."
                    )
                    % {"minutes": settings.LOGIN_LOCKOUT_MINUTES},
                )
            else:
                form.add_error(None, _("Het e-mailadres of het wachtwoord is niet juist."))
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request, "")})


@require_POST
def logout_view(request):
    services.logout_record(user=request.user)
    auth_logout(request)
    messages.success(request, _("U bent afgemeld."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10, border=2)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode("utf-8")


@login_required
@never_cache
def mfa_enrol(request):
    device = services.mfa_device_for_enrolment(user=request.user)
    form = TokenForm(posted(request))
    if request.method == "POST" and form.is_valid():
        if services.mfa_confirm_enrolment(user=request.user, device=device, token=form.cleaned_data["token"]):
            otp_login(request, device)
            messages.success(request, _("Tweestapsverificatie is ingesteld."))
            return redirect(_next_url(request))
        form.add_error(
            "token", _("Deze code is niet juist of al gebruikt. Wacht op een nieuwe code en probeer opnieuw.")
        )
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return render(
        request,
        "accounts/mfa_enrol.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "secret": secret,
            "next": _next_url(request, ""),
        },
    )


@login_required
@never_cache
def mfa_verify(request):
    form = TokenForm(posted(request))
    if request.method == "POST" and form.is_valid():
        device = services.mfa_verify(user=request.user, token=form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error(
            "token", _("Deze code is niet juist of al gebruikt. Wacht op een nieuwe code en probeer opnieuw.")
        )
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": _next_url(request, "")})


@login_required
def my_account(request):
    return render(
        request,
        "accounts/my_account.html",
        {
            "roles": request.user.groups.order_by("name"),
            "units": request.user.units.select_related("organisation"),
            "recent_logins": selectors.recent_logins(user=request.user),
            "mfa_required": mfa_required_for(request.user),
        },
    )
