"""User administration for the functional administrator of each organisation."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.models import Group
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
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
    # Parsed against every role so that a refused one gets a clear message (not
    # "geen geldige keuze"); only the roles the actor may grant are shown.
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
        # Which roles this actor may grant to this user (ADR 0008).
        self.role_refusals = dict(selectors.roles_for_assignment(user=actor, target=instance))
        self.held_roles = set(instance.groups.all()) if instance is not None else set()
        self.grantable_roles = [r for r, reason in self.role_refusals.items() if reason is None]
        # Roles the user holds but the actor may not take away: shown, kept.
        self.fixed_roles = [(r, reason) for r, reason in self.role_refusals.items() if reason and r in self.held_roles]
        self.fields["groups"].widget.choices = [(r.pk, r.name) for r in self.grantable_roles]
        if not self.grantable_roles:
            self.fields["groups"].help_text = _("U kunt geen rollen toekennen aan deze gebruiker.")
        else:
            self.fields["groups"].help_text = _(
                "U ziet alleen de rollen die u mag toekennen. Andere rollen kent een beheerder met meer rechten toe."
            )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        qs = User.objects.filter(email__iexact=email)
        if self.instance is not None:
            qs = qs.exclude(pk=self.instance.pk)
        if qs.exists():
            raise forms.ValidationError(_("Er bestaat al een gebruiker met dit e-mailadres."))
        return email

    def clean_groups(self):
        """The roles ticked, checked against the rule, plus the held roles the
        actor may not change (they are not shown, so never posted)."""
        chosen = set(self.cleaned_data["groups"])
        for role in sorted(chosen - self.held_roles, key=lambda r: r.name):
            reason = self.role_refusals.get(role)
            if reason:
                raise forms.ValidationError(
                    _("U kunt de rol %(role)s niet toekennen: %(reason)s") % {"role": role.name, "reason": reason}
                )
        return sorted(chosen | {r for r, _reason in self.fixed_roles}, key=lambda r: r.name)

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
    # ?toegang=ongebruikt: the accounts of the start page's access review
    # (home.py), oldest first, so the administrator can work through them.
    access = request.GET.get("toegang", "")
    if access == selectors.UNUSED:
        users = selectors.unused_accounts(users, now=timezone.now())
    else:
        access = ""
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/user_list.html",
        {
            "page": page,
            "q": query,
            "access": access,
            "access_choices": [(selectors.UNUSED, _("Ongebruikte accounts"))],
            "dormant_days": selectors.DORMANT_AFTER.days,
            "never_days": selectors.NEVER_SIGNED_IN_AFTER.days,
            "can_add": request.user.has_perm("accounts.add_user"),
        },
    )


@login_required
@permission_required("accounts.add_user", raise_exception=True)
def user_create(request):
    form = UserForm(posted(request), actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
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
        except services.RoleNotGrantable as exc:
            _role_refused(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Gebruiker %(name)s is aangemaakt. Stuur een link om een wachtwoord te kiezen via ‘Wachtwoord vergeten’."
                )
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
        try:
            services.user_update(actor=request.user, user=target, **form.cleaned_data)
        except services.RoleNotGrantable as exc:
            _role_refused(form, exc)
        except services.AccountProtected as exc:
            form.add_error(None, _("U kunt deze wijziging niet opslaan: %(reason)s") % {"reason": exc.reason})
        else:
            messages.success(request, _("De gegevens zijn opgeslagen."))
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "title": target.get_full_name(), "target": target})


def _role_refused(form, exc) -> None:
    # The rule changed between showing and saving the form (or the post was
    # forged): a form error that keeps every input, never a bare 403.
    form.add_error(
        "groups", _("U kunt de rol %(role)s niet toekennen: %(reason)s") % {"role": exc.role.name, "reason": exc.reason}
    )


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
    from . import role_editor
    from .permissions import role_grant_refusal, role_is_assignable, role_is_privileged

    roles = Group.objects.order_by("name").select_related("setting").prefetch_related("permissions__content_type")
    rows = [
        {
            "role": role,
            "summary": role_editor.role_summary(role),
            "count": len(role.permissions.all()),
            "privileged": role_is_privileged(role),
            "assignable": role_is_assignable(role),
            "read_only": bool(role_grant_refusal(request.user, role)),  # ADR 0008 amendment 2
        }
        for role in roles
    ]
    return render(
        request, "accounts/role_list.html", {"rows": rows, "can_change": request.user.has_perm("auth.change_group")}
    )


class RoleForm(forms.Form):
    # Rendered by hand in sections (role_editor.build_sections); the field
    # validates the posted ids against what the editor may offer.
    permissions = forms.ModelMultipleChoiceField(label=_l("Rechten"), queryset=Group.objects.none(), required=False)
    assignable = forms.BooleanField(label=_l("Functioneel beheerders mogen deze rol toekennen"), required=False)

    def __init__(self, *args, permissions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["permissions"].queryset = permissions


@login_required
@permission_required("auth.change_group", raise_exception=True)
def role_edit(request, pk: int):
    """The role editor (finding M5): permissions by module with Dutch labels;
    technical ones hidden and kept; what the actor may not change is shown
    greyed out and kept as it is."""
    from django.contrib.auth.models import Permission
    from django.shortcuts import get_object_or_404

    from . import role_editor
    from .permissions import role_grant_refusal, role_is_assignable, role_is_privileged

    role = get_object_or_404(Group.objects.prefetch_related("permissions__content_type"), pk=pk)
    actor = request.user
    offered = role_editor.editable_permissions()
    perms = list(offered)
    held_ids = {p.pk for p in role.permissions.all()}
    show_all = request.GET.get("alle") == "1"
    privileged = role_is_privileged(role)
    can_release = actor.has_perm("accounts.assign_privileged_role") and not privileged
    read_only = role_grant_refusal(actor, role)  # why this actor may not change the role, or None
    form = RoleForm(
        posted(request),
        permissions=offered,
        initial={"permissions": list(held_ids), "assignable": role_is_assignable(role)},
    )
    if request.method == "POST" and form.is_valid():
        posted_ids = {p.pk for p in form.cleaned_data["permissions"]}
        # Greyed-out boxes are not posted: what the actor may not change stays,
        # and so do technical permissions the editor does not show.
        kept = {p.pk for p in perms if p.pk in held_ids and role_editor.permission_locked(actor, p, held=True)}
        kept |= held_ids - {p.pk for p in perms}
        final = Permission.objects.filter(pk__in=posted_ids | kept).select_related("content_type")
        try:
            services.role_set_permissions(actor=actor, role=role, permissions=final)
            if can_release:
                services.role_set_assignable(actor=actor, role=role, assignable=form.cleaned_data["assignable"])
        except services.RoleNotEditable as exc:
            form.add_error(None, _("U kunt deze rol niet wijzigen: %(reason)s") % {"reason": exc.reason})
        except services.PermissionsNotGrantable as exc:
            form.add_error(
                "permissions",
                _(
                    "U kunt deze rechten niet toekennen of weghalen: %(perms)s. U hebt ze zelf niet, of het zijn beheerrechten."
                )
                % {"perms": ", ".join(sorted(role_editor.permission_label(p) for p in exc.permissions))},
            )
        else:
            messages.success(request, _("De rol is opgeslagen."))
            return redirect("accounts:role_list")
    if form.is_bound:
        checked_ids = {int(v) for v in form["permissions"].value() or [] if str(v).isdigit()}
    else:
        checked_ids = held_ids
    sections = role_editor.build_sections(
        actor=actor,
        perms=perms,
        held_ids=held_ids | checked_ids,
        checked_ids=checked_ids,
        show_ids=None if show_all else role_editor.permissions_in_use(),
    )
    return render(
        request,
        "accounts/role_form.html",
        {
            "form": form,
            "role": role,
            "sections": sections,
            "show_all": show_all,
            "privileged": privileged,
            "can_release": can_release,
            "read_only": read_only,
            "assignable": form["assignable"].value() if form.is_bound else role_is_assignable(role),
        },
    )
