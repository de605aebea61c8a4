from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from schakel.accounts.models import Organisation, User
from schakel.legal.models import LegalGround
from schakel.subjects.models import Subject, SubjectLink

from .models import CaseMember, CaseStatus, CaseSubject, CaseType

DATE_INPUTS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]
DATETIME_INPUTS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M", "%d/%m/%Y %H:%M"]


class DateInput(forms.DateInput):
    """A native date picker (as in the other modules); it sends YYYY-MM-DD."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    """A native date-and-time picker; it sends YYYY-MM-DDTHH:MM."""

    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _grounds():
    return LegalGround.objects.filter(active=True).order_by("name")


class CaseOpenForm(forms.Form):
    case_type = forms.ChoiceField(label=_("Soort casus"), choices=CaseType.choices)
    title = forms.CharField(
        label=_("Neutrale titel"), max_length=120, help_text=_("Zonder namen, bv. ‘Nachtwinkel met weinig klanten’.")
    )
    legal_ground = forms.ModelChoiceField(label=_("Rechtsgrond"), queryset=LegalGround.objects.none())

    def __init__(self, *args, allowed_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_type"].choices = [c for c in CaseType.choices if c[0] in allowed_types]
        self.fields["legal_ground"].queryset = _grounds()


class MemberAddForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Persoon"), queryset=User.objects.none())
    role = forms.ChoiceField(
        label=_("Rol in de casus"), choices=[c for c in CaseMember.Role.choices if c[0] != "owner"]
    )
    legal_ground = forms.ModelChoiceField(label=_("Rechtsgrond"), queryset=LegalGround.objects.none(), required=False)

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates if candidates is not None else User.objects.none()
        self.fields["user"].label_from_instance = lambda u: f"{u.get_full_name()} – {u.organisation.name}"
        self.fields["legal_ground"].queryset = _grounds()


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("Nieuwe status"), choices=CaseStatus.choices)
    note = forms.CharField(label=_("Toelichting"), max_length=500, required=False)


class CaseCloseForm(forms.Form):
    """The confirmation step of closing a case: the reason is required."""

    note = forms.CharField(
        label=_("Toelichting"),
        max_length=500,
        min_length=5,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Waarom wordt de casus afgesloten? Deze tekst blijft in de geschiedenis van de casus."),
        error_messages={
            "required": _("Geef een toelichting: waarom wordt de casus afgesloten?"),
            "min_length": _("Geef een toelichting: waarom wordt de casus afgesloten?"),
        },
    )


class SubjectAddForm(forms.Form):
    """One form for the four kinds of subject. The template groups the fields
    per kind (``KIND_FIELDS``); cases.js shows only the group of the chosen
    kind and proposes the role that fits it. Without JavaScript every group is
    shown and the server reads only the fields of the chosen kind."""

    KIND_FIELDS = {
        "person": ("first_name", "last_name", "birth_date", "national_number", "is_minor"),
        "enterprise": ("kbo_number", "legal_form", "nace_code"),
        "establishment": ("address_text", "sector", "permits"),
        "vehicle": ("plate", "description"),
    }

    kind = forms.ChoiceField(label=_("Soort"), choices=Subject.Kind.choices)
    role = forms.ChoiceField(label=_("Rol in de casus"), choices=CaseSubject.Role.choices)
    first_name = forms.CharField(label=_("Voornaam"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Familienaam"), max_length=100, required=False)
    birth_date = forms.DateField(
        label=_("Geboortedatum"), required=False, input_formats=DATE_INPUTS, widget=DateInput()
    )
    national_number = forms.CharField(label=_("Rijksregisternummer"), max_length=20, required=False)
    is_minor = forms.BooleanField(label=_("Minderjarig"), required=False)
    name = forms.CharField(label=_("Naam (onderneming of inrichting)"), max_length=200, required=False)
    kbo_number = forms.CharField(label=_("KBO-ondernemingsnummer"), max_length=20, required=False)
    legal_form = forms.CharField(label=_("Rechtsvorm"), max_length=50, required=False)
    nace_code = forms.CharField(label=_("NACE-code"), max_length=10, required=False)
    address_text = forms.CharField(label=_("Adres"), max_length=300, required=False)
    sector = forms.CharField(label=_("Sector"), max_length=100, required=False)
    permits = forms.CharField(label=_("Vergunningen"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    plate = forms.CharField(label=_("Nummerplaat"), max_length=15, required=False)
    description = forms.CharField(label=_("Omschrijving voertuig"), max_length=200, required=False)

    def __init__(self, *args, case_type: str = "", **kwargs):
        import json

        super().__init__(*args, **kwargs)
        defaults = self.role_defaults(case_type)
        kind = Subject.Kind.ENTERPRISE if case_type == "obh" else Subject.Kind.PERSON
        self.fields["kind"].initial = kind
        self.fields["role"].initial = defaults[kind]
        self.fields["kind"].widget.attrs["data-subject-kind"] = ""
        self.fields["role"].widget.attrs["data-role-defaults"] = json.dumps(defaults)

    @staticmethod
    def role_defaults(case_type: str) -> dict[str, str]:
        """The role proposed for each kind: in a youth case a person is the
        young person; elsewhere the first role that fits the kind."""
        defaults = {kind: roles[0] for kind, roles in CaseSubject.ROLES_BY_KIND.items()}
        if case_type == "youth":
            defaults["person"] = CaseSubject.Role.YOUNG_PERSON.value
        return defaults


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("Reden"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class DiscloseForm(forms.Form):
    recipient_organisation = forms.ModelChoiceField(
        label=_("Ontvangende organisatie"), queryset=Organisation.objects.none()
    )
    legal_ground = forms.ModelChoiceField(label=_("Rechtsgrond"), queryset=LegalGround.objects.none())
    purpose = forms.CharField(label=_("Doel"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient_organisation"].queryset = Organisation.objects.filter(active=True).order_by("name")
        self.fields["legal_ground"].queryset = _grounds()


class LinkForm(forms.Form):
    source_subject = forms.TypedChoiceField(label=_("Van"), coerce=int)
    link_type = forms.ChoiceField(label=_("Soort band"), choices=SubjectLink.Type.choices)
    target_subject = forms.TypedChoiceField(label=_("Naar"), coerce=int)
    source = forms.CharField(label=_("Bron"), max_length=200)
    valid_from = forms.DateField(label=_("Vanaf"), required=False, input_formats=DATE_INPUTS, widget=DateInput())
    valid_until = forms.DateField(label=_("Tot"), required=False, input_formats=DATE_INPUTS, widget=DateInput())

    def __init__(self, *args, subject_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_subject"].choices = subject_choices
        self.fields["target_subject"].choices = subject_choices


class MeetingForm(forms.Form):
    meeting_type = forms.ChoiceField(label=_("Soort overleg"), choices=())
    title = forms.CharField(label=_("Titel"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Begin"), input_formats=DATETIME_INPUTS, widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Einde"), input_formats=DATETIME_INPUTS, widget=DateTimeInput())
    location = forms.CharField(label=_("Plaats"), max_length=200, required=False)
    participants = forms.ModelMultipleChoiceField(
        label=_("Deelnemers"), queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        from .models import Meeting

        super().__init__(*args, **kwargs)
        self.fields["meeting_type"].choices = Meeting.Type.choices
        self.fields["participants"].queryset = (
            User.objects.filter(is_active=True)
            .filter(models_q(codename="view_meeting"))
            .select_related("organisation")
            .distinct()
            .order_by("last_name")
        )
        self.fields["participants"].label_from_instance = lambda u: f"{u.get_full_name()} – {u.organisation.name}"


def models_q(*, codename: str):
    from django.db.models import Q

    return Q(user_permissions__codename=codename, user_permissions__content_type__app_label="cases") | Q(
        groups__permissions__codename=codename, groups__permissions__content_type__app_label="cases"
    )


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Verslag"), required=False, widget=forms.Textarea(attrs={"rows": 10, "class": "minutes-text"})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=_("Beslissing"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Beschrijf de beslissing.")},
    )


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Actie"), max_length=300)
    track = forms.ChoiceField(label=_("Spoor"), choices=())
    owner_organisation = forms.ModelChoiceField(label=_("Organisatie"), queryset=Organisation.objects.none())
    owner_user = forms.ModelChoiceField(label=_("Verantwoordelijke"), queryset=User.objects.none(), required=False)
    due_date = forms.DateField(label=_("Deadline"), required=False, input_formats=DATE_INPUTS, widget=DateInput())

    def __init__(self, *args, members=None, **kwargs):
        from .models import Track

        super().__init__(*args, **kwargs)
        self.fields["track"].choices = Track.choices
        self.fields["owner_organisation"].queryset = Organisation.objects.filter(active=True).order_by("name")
        self.fields["owner_user"].queryset = members if members is not None else User.objects.none()
        self.fields["owner_user"].label_from_instance = lambda u: u.get_full_name()


class InterventionForm(forms.Form):
    track = forms.ChoiceField(label=_("Spoor"), choices=())
    instrument = forms.ModelChoiceField(label=_("Juridisch instrument"), queryset=None)
    description = forms.CharField(label=_("Omschrijving"), max_length=500)
    responsible_organisation = forms.ModelChoiceField(
        label=_("Verantwoordelijke partner"), queryset=Organisation.objects.none()
    )
    due_date = forms.DateField(label=_("Deadline"), required=False, input_formats=DATE_INPUTS, widget=DateInput())

    def __init__(self, *args, **kwargs):
        from schakel.legal.models import LegalInstrument

        from .models import Track

        super().__init__(*args, **kwargs)
        self.fields["track"].choices = Track.choices
        self.fields["instrument"].queryset = LegalInstrument.objects.filter(active=True).order_by("track", "name")
        self.fields["responsible_organisation"].queryset = Organisation.objects.filter(active=True).order_by("name")


class ExitGoalForm(forms.Form):
    domain = forms.ChoiceField(label=_("Levensdomein"), choices=())
    goal = forms.CharField(label=_("Doel"), max_length=500)
    responsible_partner = forms.ModelChoiceField(
        label=_("Verantwoordelijke partner"), queryset=Organisation.objects.none()
    )

    def __init__(self, *args, **kwargs):
        from .models import LifeDomain

        super().__init__(*args, **kwargs)
        self.fields["domain"].choices = LifeDomain.choices
        self.fields["responsible_partner"].queryset = Organisation.objects.filter(active=True).order_by("name")


class TwoPhaseForm(forms.Form):
    judicial_reference = forms.CharField(label=_("Notitienummer / PV"), max_length=60)
    summary = forms.CharField(label=_("Korte omschrijving (zonder namen)"), max_length=500)


class SignalLinkForm(forms.Form):
    signal = forms.CharField(
        label=_("Signaal"), max_length=20, help_text=_("Het nummer van het signaal, bv. S-000123 of 123.")
    )
    note = forms.CharField(
        label=_("Toelichting (waarom hoort dit signaal bij de casus?)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_signal(self):
        import re

        digits = re.sub(r"^\s*[Ss]-?", "", self.cleaned_data["signal"]).strip()
        if not digits.isdigit() or int(digits) == 0:
            raise forms.ValidationError(_("Geef het nummer van het signaal, bv. S-000123."))
        return int(digits)


class StatusStepForm(forms.Form):
    to_status = forms.CharField(max_length=12)
    note = forms.CharField(max_length=500, required=False)


class RetentionRuleForm(forms.Form):
    months_after_close = forms.IntegerField(label=_("Bewaartermijn na afsluiten (maanden)"), min_value=1, max_value=600)
    legal_basis = forms.CharField(label=_("Grondslag van de termijn"), max_length=300)


class CaseFromSignalForm(CaseOpenForm):
    """Open a case from a signal's case-approach step. The case type follows
    from the step (the view sets it); the title is a neutral suggestion the
    user may change; the legal ground is always the user's own choice."""

    link_note = forms.CharField(
        label=_("Toelichting bij de koppeling (optioneel)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["case_type"]
        self.fields["legal_ground"].empty_label = _("— kies —")
        self.fields["legal_ground"].error_messages["required"] = _("Kies de rechtsgrond die dit toelaat.")
        self.fields["title"].error_messages["required"] = _("Geef een neutrale titel van 3 tot 120 tekens.")
