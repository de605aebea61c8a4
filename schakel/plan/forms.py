from django import forms
from django.utils.translation import gettext_lazy as _

from schakel.accounts.models import Organisation

from .models import Action, ObjectiveStatus


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MeasurementForm(forms.Form):
    period_start = forms.DateField(label=_("Periode van"), widget=DateInput())
    period_end = forms.DateField(label=_("Periode tot en met"), widget=DateInput())
    value = forms.CharField(label=_("Waarde"), max_length=30, help_text=_("Een getal; een komma mag."))
    source = forms.CharField(label=_("Bron"), max_length=250, required=False)
    note = forms.CharField(label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CorrectionForm(forms.Form):
    value = forms.CharField(label=_("Juiste waarde"), max_length=30)
    note = forms.CharField(label=_("Reden van de correctie"), widget=forms.Textarea(attrs={"rows": 2}))


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Action.Status.choices)
    progress = forms.IntegerField(label=_("Voortgang (%)"), min_value=0, max_value=100)
    note = forms.CharField(label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ActionCreateForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=300)
    owner_organisation = forms.ModelChoiceField(label=_("Eigenaar (organisatie)"), queryset=Organisation.objects.none())
    owner_function = forms.CharField(label=_("Functie eigenaar"), max_length=200, required=False)
    due_date = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Organisation.objects.filter(active=True)
        if plan is not None:
            qs = plan.partners.all()
        self.fields["owner_organisation"].queryset = qs


class ObjectiveStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status van de doelstelling"), choices=ObjectiveStatus.choices)


class ComputeForm(forms.Form):
    period = forms.RegexField(
        label=_("Maand (jjjj-mm)"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        error_messages={"invalid": _("Geef een maand als jjjj-mm, bijvoorbeeld 2026-03.")},
    )


class TargetForm(forms.Form):
    target_value = forms.CharField(
        label=_("Streefwaarde"), max_length=30, required=False, help_text=_("Leeg laten om de streefwaarde te wissen.")
    )
    target_date = forms.DateField(label=_("Streefdatum"), required=False, widget=DateInput())


class MeetingForm(forms.Form):
    date = forms.DateField(label=_("Datum"), widget=DateInput())
    location = forms.CharField(label=_("Plaats"), max_length=200, required=False)
    attendees = forms.CharField(
        label=_("Aanwezigen (functies)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    report_discussed = forms.CharField(label=_("Besproken rapport"), max_length=250, required=False)
    decisions = forms.CharField(label=_("Beslissingen"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class GroupMemberForm(forms.Form):
    function = forms.CharField(label=_("Functie"), max_length=200)
    organisation = forms.ModelChoiceField(label=_("Organisatie"), queryset=Organisation.objects.order_by("name"))
    user = forms.ModelChoiceField(
        label=_("Account (optioneel)"),
        queryset=None,
        required=False,
        help_text=_(
            "Een account van dezelfde organisatie; het mag dan de acties en metingen van de werkgroep bijwerken."
        ),
    )
    is_lead = forms.BooleanField(label=_("Verantwoordelijke van de groep"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .selectors import seat_accounts

        self.fields["user"].queryset = seat_accounts().select_related("organisation")
        self.fields["user"].label_from_instance = lambda u: f"{u.get_full_name() or u.email} ({u.organisation})"
