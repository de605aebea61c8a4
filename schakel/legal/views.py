from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods

from schakel.core.forms import posted

from . import selectors, services
from .models import CodeAcceptance, LegalGround, LegalInstrument


class CodePublishForm(forms.Form):
    title = forms.CharField(label=_l("Titel"), max_length=200)
    text = forms.CharField(label=_l("Tekst"), widget=forms.Textarea(attrs={"rows": 14}))


def _safe_next(request) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
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
        posted(request),
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


class LegalGroundForm(forms.Form):
    code = forms.SlugField(label=_l("Code"), max_length=60)
    name = forms.CharField(label=_l("Naam"), max_length=200)
    kind = forms.ChoiceField(label=_l("Soort"), choices=LegalGround.Kind.choices)
    reference = forms.CharField(label=_l("Referentie"), max_length=300, required=False)
    description = forms.CharField(label=_l("Omschrijving"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    active = forms.BooleanField(label=_l("Actief"), required=False, initial=True)


class LegalInstrumentForm(forms.Form):
    code = forms.SlugField(label=_l("Code"), max_length=60)
    name = forms.CharField(label=_l("Naam"), max_length=200)
    track = forms.ChoiceField(label=_l("Spoor"), choices=LegalInstrument.Track.choices)
    reference = forms.CharField(label=_l("Wettelijke basis"), max_length=300, required=False)
    description = forms.CharField(label=_l("Omschrijving"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    active = forms.BooleanField(label=_l("Actief"), required=False, initial=True)


def _edit(request, *, model, form_class, service, pk, kwarg, title):
    instance = get_object_or_404(model, pk=pk) if pk else None
    initial = {f: getattr(instance, f) for f in form_class.base_fields} if instance else None
    form = form_class(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            service(actor=request.user, **{kwarg: instance}, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Bewaard."))
            return redirect("legal:overview")
    return render(request, "legal/edit.html", {"form": form, "title": title})


@login_required
@permission_required("legal.change_legalground", raise_exception=True)
@require_http_methods(["GET", "POST"])
def ground_edit(request, pk: int | None = None):
    return _edit(
        request,
        model=LegalGround,
        form_class=LegalGroundForm,
        service=services.legal_ground_save,
        pk=pk,
        kwarg="ground",
        title=_("Rechtsgrond"),
    )


@login_required
@permission_required("legal.change_legalinstrument", raise_exception=True)
@require_http_methods(["GET", "POST"])
def instrument_edit(request, pk: int | None = None):
    return _edit(
        request,
        model=LegalInstrument,
        form_class=LegalInstrumentForm,
        service=services.legal_instrument_save,
        pk=pk,
        kwarg="instrument",
        title=_("Juridisch instrument"),
    )
