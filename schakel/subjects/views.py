"""The registry pages: search, detail, register and edit subjects.

Every page works on the subjects the user may see (``selectors.
registry_visible_to``: subjects in his own cases, and those he registered
that are in no case yet). A single subject goes through
``selectors.subject_get_for`` (404 for missing and not-visible alike).
Matches outside that set become hits for their case owners and change
nothing on the page (hit/no-hit, ADR 0401)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from schakel.audit import services as audit
from schakel.core.forms import apply_validation_error, posted
from schakel.legal.decorators import code_accepted_required

from . import forms, selectors, services
from .models import Subject

KIND_SLUGS = {
    "persoon": Subject.Kind.PERSON,
    "onderneming": Subject.Kind.ENTERPRISE,
    "inrichting": Subject.Kind.ESTABLISHMENT,
    "voertuig": Subject.Kind.VEHICLE,
}


@login_required
@permission_required(selectors.REGISTRY_PERMISSION, raise_exception=True)
@code_accepted_required
@require_GET
def search(request):
    form = forms.SearchForm(request.GET or None)
    outcome = selectors.SearchOutcome()
    query, kind = "", ""
    if form.is_valid():
        query, kind = form.cleaned_data["q"].strip(), form.cleaned_data["kind"]
        if query:
            outcome = services.registry_search(actor=request.user, query=query, kind=kind)
    return render(
        request,
        "subjects/search.html",
        {
            "form": form,
            "query": query,
            "outcome": outcome,
            "kind_slugs": KIND_SLUGS,
            "can_add": request.user.has_perm("subjects.add_subject"),
        },
    )


@login_required
@permission_required(selectors.REGISTRY_PERMISSION, raise_exception=True)
@code_accepted_required
@require_GET
def detail(request, pk: int):
    subject = selectors.subject_get_for(user=request.user, pk=pk)
    audit.record_access(
        actor=request.user, obj=subject, purpose="subject registry: detail page", action="subjects.subject_viewed"
    )
    return render(
        request,
        "subjects/detail.html",
        {
            "subject": subject,
            "detail": subject.detail,
            "cases": selectors.subject_cases(user=request.user, subject=subject),
            "links": selectors.subject_links(user=request.user, subject=subject),
            "revisions": list(selectors.subject_revisions(subject=subject)[:20]),
            "can_change": request.user.has_perm("subjects.change_subject") and not subject.pseudonymised,
        },
    )


@login_required
@permission_required("subjects.add_subject", raise_exception=True)
@code_accepted_required
@require_http_methods(["GET", "POST"])
def create(request, kind: str):
    kind_value = KIND_SLUGS.get(kind)
    if kind_value is None:
        raise Http404
    form = forms.FORMS[kind_value](posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            subject = services.subject_register(actor=request.user, kind=kind_value, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied:
            form.add_error(None, _("U mag geen subjecten registreren."))
        else:
            messages.success(request, _("Het subject is geregistreerd."))
            if request.user.has_perm(selectors.REGISTRY_PERMISSION):
                return redirect("subjects:detail", pk=subject.pk)
            return redirect("subjects:search")
    return render(
        request,
        "subjects/form.html",
        {"form": form, "kind": kind_value, "title": _("Nieuw: %(kind)s") % {"kind": Subject.Kind(kind_value).label}},
    )


@login_required
@permission_required("subjects.change_subject", raise_exception=True)
@code_accepted_required
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    subject = selectors.subject_get_for(user=request.user, pk=pk)
    if subject.pseudonymised:
        # Editing would show the name; the identity is revealed inside a case.
        messages.error(
            request,
            _("De identiteit van deze persoon is afgeschermd. Maak ze eerst zichtbaar in de casus, met een reden."),
        )
        return redirect("subjects:detail", pk=subject.pk)
    form_class = forms.FORMS[subject.kind]
    form = form_class(posted(request), initial=forms.initial_for(subject))
    if request.method == "POST" and form.is_valid():
        try:
            services.subject_update(actor=request.user, subject=subject, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("De gegevens zijn bijgewerkt."))
            return redirect("subjects:detail", pk=subject.pk)
    return render(
        request,
        "subjects/form.html",
        {
            "form": form,
            "subject": subject,
            "kind": subject.kind,
            "title": _("%(label)s wijzigen") % {"label": subject.label},
        },
    )


@login_required
@require_GET
def address_options(request):
    """The address autocomplete of the establishment form: the places app's
    search and options template, for those who register or edit subjects
    (they need not hold the places role that opens its own endpoint)."""
    from schakel.places import selectors as places

    if not (request.user.has_perm("subjects.add_subject") or request.user.has_perm("subjects.change_subject")):
        raise PermissionDenied
    query = request.GET.get("q") or request.GET.get("address") or ""
    return render(request, "places/address_options.html", {"results": places.address_search(query=query, limit=10)})
