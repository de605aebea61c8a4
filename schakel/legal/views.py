from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods

from . import selectors, services
from .models import CodeAcceptance


class CodePublishForm(forms.Form):
    title = forms.CharField(label=_l("Titel"), max_length=200)
    text = forms.CharField(label=_l("Tekst"), widget=forms.Textarea(attrs={"rows": 14}))


def _safe_next(request) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return None


@login_required
@require_http_methods(["GET", "POST"])
def code(request):
    """The current deontological code; a POST accepts it."""
    current = selectors.code_current()
    accepted = selectors.code_accepted_current(user=request.user)
    if request.method == "POST" and current is not None:
        try:
            services.code_accept(actor=request.user, version=current)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("legal:code")
        messages.success(request, _("U hebt de deontologische code aanvaard."))
        return redirect(_safe_next(request) or "legal:code")
    acceptance = None
    if current is not None:
        acceptance = CodeAcceptance.objects.filter(user=request.user, version=current).first()
    return render(
        request,
        "legal/code.html",
        {"current": current, "accepted": accepted, "acceptance": acceptance, "next": _safe_next(request) or ""},
    )


@login_required
@permission_required("legal.add_codeversion", raise_exception=True)
@require_http_methods(["GET", "POST"])
def code_publish(request):
    current = selectors.code_current()
    form = CodePublishForm(
        request.POST if request.method == "POST" else None,
        initial={"title": current.title, "text": current.text} if current else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = services.code_version_publish(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Versie %(n)s is gepubliceerd; iedereen moet ze opnieuw aanvaarden.") % {"n": version.number}
            )
            return redirect("legal:code")
    return render(request, "legal/code_publish.html", {"form": form})


@login_required
@permission_required("legal.view_legalground", raise_exception=True)
def overview(request):
    """Legal grounds, protocol agreements and legal instruments on one page."""
    return render(
        request,
        "legal/overview.html",
        {
            "grounds": selectors.legal_grounds_active(),
            "protocols": selectors.protocols_list(),
            "instruments": selectors.instruments_active(),
        },
    )
