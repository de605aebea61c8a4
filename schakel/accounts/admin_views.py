"""User administration for the functional administrator of each organisation."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.models import Group
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from schakel.core.forms import posted

from . import selectors, services
from .models import Organisation, Unit, User


class UserForm(forms.Form):
    email = forms.EmailField(label=_l("E-mailadres"), max_length=254)
    first_name = forms.CharField(label=_l("Voornaam"), max_length=100)
    last_name = forms.CharField(label=_l("Familienaam"), max_length=100)
    organisation = forms.ModelChoiceField(label=_l("Organisatie"), queryset=Organisation.objects.none())
    units = forms.ModelMultipleChoiceField(
        label=_l("Diensten"), queryset=Unit.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    groups = forms.ModelMultipleChoiceField(
        label=_l("Rollen"), queryset=Group.objects.order_by("name"), required=False, widget=forms.CheckboxSelectMultiple
    )
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
                self.add_error(
                    "units", _("Dienst %(unit)s hoort niet bij de gekozen organisatie.") % {"unit": unit.name}
                )
        return data


@login_required
@permission_required("accounts.view_user", raise_exception=True)
def user_list(request):
    query = request.GET.get("q", "").strip()[:100]
    users = selectors.users_visible_to(user=request.user, query=query)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/user_list.html",
        {"page": page, "q": query, "can_add": request.user.has_perm("accounts.add_user")},
    )


@login_required
@permission_required("accounts.add_user", raise_exception=True)
def user_create(request):
    form = UserForm(posted(request), actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = services.user_create(
            actor=request.user,
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            organisation=data["organisation"],
            units=data["units"],
            groups=data["groups"],
            phone=data["phone"],
            function_title=data["function_title"],
        )
        messages.success(
            request,
            _("Gebruiker %(name)s is aangemaakt. Stuur een link om een wachtwoord te kiezen via ‘Wachtwoord vergeten’.")
            % {"name": user.get_full_name()},
        )
        return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "title": _("Nieuwe gebruiker")})


@login_required
@permission_required("accounts.change_user", raise_exception=True)
def user_edit(request, pk: int):
    target = selectors.user_get_for(user=request.user, pk=pk)
    initial = {
        "email": target.email,
        "first_name": target.first_name,
        "last_name": target.last_name,
        "organisation": target.organisation,
        "units": list(target.units.all()),
        "groups": list(target.groups.all()),
        "phone": target.phone,
        "function_title": target.function_title,
        "is_active": target.is_active,
    }
    form = UserForm(posted(request), actor=request.user, instance=target, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.user_update(actor=request.user, user=target, **form.cleaned_data)
        messages.success(request, _("De gegevens zijn opgeslagen."))
        return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "title": target.get_full_name(), "target": target})


# --- organisations -------------------------------------------------------------


class OrganisationForm(forms.Form):
    code = forms.SlugField(label=_l("Code"), max_length=50)
    name = forms.CharField(label=_l("Naam"), max_length=200)
    kind = forms.ChoiceField(label=_l("Soort"), choices=Organisation.Kind.choices)
    kbo_number = forms.CharField(
        label=_l("KBO-ondernemingsnummer"),
        max_length=16,
        required=False,
        help_text=_l("Tien cijfers, bijvoorbeeld 0207.437.468."),
    )
    active = forms.BooleanField(label=_l("Actief"), required=False, initial=True)


@login_required
@permission_required("accounts.view_organisation", raise_exception=True)
def organisation_list(request):
    organisations = Organisation.objects.order_by("name")
    return render(
        request,
        "accounts/organisation_list.html",
        {
            "organisations": organisations,
            "can_add": request.user.has_perm("accounts.add_organisation"),
            "can_change": request.user.has_perm("accounts.change_organisation"),
        },
    )


def _organisation_form(request, organisation):
    from django.core.exceptions import ValidationError

    initial = {}
    if organisation is not None:
        initial = {f: getattr(organisation, f) for f in ("code", "name", "kind", "kbo_number", "active")}
    form = OrganisationForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_save(actor=request.user, organisation=organisation, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("De organisatie is opgeslagen."))
            return redirect("accounts:organisation_list")
    title = organisation.name if organisation else _("Nieuwe organisatie")
    return render(
        request, "accounts/simple_form.html", {"form": form, "title": title, "cancel_url": "accounts:organisation_list"}
    )


@login_required
@permission_required("accounts.add_organisation", raise_exception=True)
def organisation_create(request):
    return _organisation_form(request, None)


@login_required
@permission_required("accounts.change_organisation", raise_exception=True)
def organisation_edit(request, pk: int):
    from django.shortcuts import get_object_or_404

    return _organisation_form(request, get_object_or_404(Organisation, pk=pk))


# --- roles -----------------------------------------------------------------------


@login_required
@permission_required("auth.view_group", raise_exception=True)
def role_list(request):
    roles = Group.objects.order_by("name").prefetch_related("permissions__content_type")
    return render(
        request, "accounts/role_list.html", {"roles": roles, "can_change": request.user.has_perm("auth.change_group")}
    )


@login_required
@permission_required("auth.change_group", raise_exception=True)
def role_edit(request, pk: int):
    from django.contrib.auth.models import Permission
    from django.shortcuts import get_object_or_404

    role = get_object_or_404(Group, pk=pk)
    # Only the project's own permissions are offered, grouped by app.
    choices = (
        Permission.objects.filter(content_type__app_label__in=_schakel_app_labels())
        .select_related("content_type")
        .order_by("content_type__app_label", "codename")
    )

    class RoleForm(forms.Form):
        permissions = forms.ModelMultipleChoiceField(
            label=_l("Rechten"), queryset=choices, required=False, widget=forms.CheckboxSelectMultiple
        )

    form = RoleForm(posted(request), initial={"permissions": list(role.permissions.all())})
    if request.method == "POST" and form.is_valid():
        from django.core.exceptions import PermissionDenied

        try:
            services.role_set_permissions(actor=request.user, role=role, permissions=form.cleaned_data["permissions"])
        except PermissionDenied:
            form.add_error(None, _("U kunt geen rechten toekennen die u zelf niet hebt."))
        else:
            messages.success(request, _("De rol is opgeslagen."))
            return redirect("accounts:role_list")
    return render(
        request, "accounts/simple_form.html", {"form": form, "title": role.name, "cancel_url": "accounts:role_list"}
    )


def _schakel_app_labels():
    from schakel.core.seeding import schakel_apps

    return [cfg.label for cfg in schakel_apps()] + ["auth"]
