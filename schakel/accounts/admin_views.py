"""User administration for the functional administrator of each organisation."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.models import Group
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from . import selectors, services
from .models import Organisation, Unit, User


class UserForm(forms.Form):
    email = forms.EmailField(label=_l("E-mailadres"), max_length=254)
    first_name = forms.CharField(label=_l("Voornaam"), max_length=100)
    last_name = forms.CharField(label=_l("Familienaam"), max_length=100)
    organisation = forms.ModelChoiceField(label=_l("Organisatie"), queryset=Organisation.objects.none())
    units = forms.ModelMultipleChoiceField(label=_l("Diensten"), queryset=Unit.objects.none(), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    groups = forms.ModelMultipleChoiceField(label=_l("Rollen"), queryset=Group.objects.order_by("name"),
                                            required=False, widget=forms.CheckboxSelectMultiple)
    phone = forms.CharField(label=_l("Telefoon"), max_length=30, required=False)
    function_title = forms.CharField(label=_l("Functie"), max_length=150, required=False)
    is_active = forms.BooleanField(label=_l("Actief"), required=False, initial=True)

    def __init__(self, *args, actor, instance: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance = instance
        orgs = selectors.organisations_manageable_by(user=actor)
        self.fields["organisation"].queryset = orgs
        self.fields["units"].queryset = Unit.objects.filter(organisation__in=orgs).select_related("organisation")
        if len(orgs) == 1:
            self.fields["organisation"].initial = orgs[0]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        qs = User.objects.filter(email__iexact=email)
        if self.instance is not None:
            qs = qs.exclude(pk=self.instance.pk)
        if qs.exists():
            raise forms.ValidationError(_("Er bestaat al een gebruiker met dit e-mailadres."))
        return email

    def clean(self):
        data = super().clean()
        org = data.get("organisation")
        for unit in data.get("units") or []:
            if org is not None and unit.organisation_id != org.pk:
                self.add_error("units", _("Dienst %(unit)s hoort niet bij de gekozen organisatie.") % {"unit": unit.name})
        return data


@login_required
@permission_required("accounts.view_user", raise_exception=True)
def user_list(request):
    query = request.GET.get("q", "").strip()[:100]
    users = selectors.users_visible_to(user=request.user, query=query)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page, "q": query,
                                                       "can_add": request.user.has_perm("accounts.add_user")})


@login_required
@permission_required("accounts.add_user", raise_exception=True)
def user_create(request):
    form = UserForm(request.POST if request.method == "POST" else None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = services.user_create(
            actor=request.user, email=data["email"], first_name=data["first_name"], last_name=data["last_name"],
            organisation=data["organisation"], units=data["units"], groups=data["groups"],
            phone=data["phone"], function_title=data["function_title"],
        )
        messages.success(request, _("Gebruiker %(name)s is aangemaakt. Stuur een link om een wachtwoord te kiezen via ‘Wachtwoord vergeten’.") % {"name": user.get_full_name()})
        return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "title": _("Nieuwe gebruiker")})


@login_required
@permission_required("accounts.change_user", raise_exception=True)
def user_edit(request, pk: int):
    target = selectors.user_get_for(user=request.user, pk=pk)
    initial = {
        "email": target.email, "first_name": target.first_name, "last_name": target.last_name,
        "organisation": target.organisation, "units": list(target.units.all()), "groups": list(target.groups.all()),
        "phone": target.phone, "function_title": target.function_title, "is_active": target.is_active,
    }
    form = UserForm(request.POST if request.method == "POST" else None, actor=request.user, instance=target, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.user_update(actor=request.user, user=target, **form.cleaned_data)
        messages.success(request, _("De gegevens zijn opgeslagen."))
        return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "title": target.get_full_name(), "target": target})
