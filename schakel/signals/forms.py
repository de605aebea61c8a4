from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schakel.places import selectors as places

from .models import Category, Invitation, RoutingRule, Signal
from .selectors import categories_for_select


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)]


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class SignalForm(forms.Form):
    """Fields shared by the staff intake form and the partner form. The
    service does the real checks; this form only converts input."""

    category = CategoryChoiceField(label=_("Categorie"), queryset=Category.objects.none(), empty_label=_("— kies —"))
    observed_at = forms.DateTimeField(
        label=_("Wanneer vastgesteld"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d-%m-%Y %H:%M", "%Y-%m-%d %H:%M"],
    )
    address = forms.CharField(
        label=_("Adres"), required=False, max_length=200, help_text=_("Straat en huisnummer, bv. Bruul 10")
    )
    location_text = forms.CharField(label=_("Plaats (omschrijving)"), required=False, max_length=200)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    description = forms.CharField(
        label=_("Wat hebt u vastgesteld?"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    youth_identifier = forms.CharField(
        label=_("Jongere: voornaam of initialen en geboortejaar"),
        required=False,
        max_length=80,
        help_text=_("Alleen bij een jongerensignaal, en niet meer dan dit."),
    )
    subjects_text = forms.CharField(
        label=_("Betrokken personen of ondernemingen"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Niet invullen bij een jongerensignaal."),
    )
    attachments = MultipleFileField(
        label=_("Bijlagen"), required=False, help_text=_("PDF, PNG of JPEG, maximaal 5 bestanden van 5 MB.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories_for_select()
        if not self.is_bound:
            self.initial.setdefault("observed_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))

    def clean_address(self):
        label = self.cleaned_data.get("address", "")
        if not label:
            return None
        address = places.address_resolve(label=label)
        if address is None:
            raise forms.ValidationError(
                _("Dit adres werd niet gevonden. Kies een adres uit de lijst of laat het leeg.")
            )
        return address


class IntakeForm(SignalForm):
    confidentiality = forms.ChoiceField(
        label=_("Vertrouwelijkheid"), choices=Signal.Confidentiality.choices, initial=Signal.Confidentiality.NORMAL
    )


class PartnerForm(SignalForm):
    reporter_function = forms.CharField(label=_("Uw functie"), max_length=160)
    reporter_contact = forms.CharField(label=_("Hoe kunnen we u bereiken? (optioneel)"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["lat"], self.fields["lon"]


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Notitie"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class QueueFilterForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Categorie"), required=False, queryset=Category.objects.none(), empty_label=_("alle")
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("alle")), *Signal.Status.choices])
    overdue = forms.BooleanField(label=_("Alleen over termijn"), required=False)

    def __init__(self, *args, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        field.queryset = Category.objects.filter(parent__isnull=True, active=True)
        if categories is not None:
            # The caller already read the (small) category table: offer the
            # same choices without another query (validation still checks
            # the submitted id against the queryset).
            field.choices = [("", field.empty_label)] + [
                (c.pk, c.name) for c in categories if c.parent_id is None and c.active
            ]


class InvitationForm(forms.Form):
    label = forms.CharField(label=_("Omschrijving"), max_length=160)
    organisation_name = forms.CharField(label=_("Organisatie van de melder(s)"), max_length=160)
    channel = forms.ChoiceField(label=_("Kanaal"), choices=Invitation.Channel.choices)
    days_valid = forms.IntegerField(label=_("Geldig (dagen)"), min_value=1, max_value=365, initial=30)
    max_per_hour = forms.IntegerField(label=_("Maximum meldingen per uur"), min_value=1, max_value=100, initial=5)


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = [
            "name",
            "description",
            "is_youth",
            "triage_days",
            "retention_months_no_followup",
            "retention_months",
            "order",
            "active",
        ]


class RoutingRuleForm(forms.ModelForm):
    class Meta:
        model = RoutingRule
        fields = ["order", "category", "area", "team", "active"]
