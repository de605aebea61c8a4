"""Forms: input parsing only; the rules live in services.py."""

from __future__ import annotations

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schakel.places import selectors as places
from schakel.places.forms import AddressField as PlaceAddressField
from schakel.places.models import Area

from . import scoring
from .models import ChecklistTemplate, Incident, Proposal, ProposalTheme, QrtActivity

DATE_INPUTS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]
DATETIME_INPUTS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M", "%d/%m/%Y %H:%M"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class AddressField(PlaceAddressField):
    """The register address of an incident or QRT activity."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Adres"))
        kwargs.setdefault("help_text", _("Typ straat en huisnummer en kies uit de lijst."))
        super().__init__(**kwargs)


class PointMixin(forms.Form):
    lat = forms.FloatField(label=_("Breedtegraad"), required=False, widget=forms.NumberInput(attrs={"step": "any"}))
    lon = forms.FloatField(label=_("Lengtegraad"), required=False, widget=forms.NumberInput(attrs={"step": "any"}))


class IncidentForm(PointMixin):
    kind = forms.ChoiceField(label=_("Soort incident"), choices=Incident.Kind.choices)
    occurred_at = forms.DateTimeField(
        label=_("Datum en uur"),
        input_formats=DATETIME_INPUTS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    address = AddressField(required=False)
    location_label = forms.CharField(
        label=_("Locatieomschrijving"), max_length=200, required=False, help_text=_("Bv. de straatnaam; geen namen.")
    )
    radius_m = forms.IntegerField(label=_("Straal impactcirkel (m)"), initial=250, min_value=25, max_value=2000)
    public_summary = forms.CharField(
        label=_("Publieke samenvatting"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wat bewoners mogen weten (feiten van politie en parket)."),
    )
    damage = forms.CharField(
        label=_("Schade"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    police_reference = forms.CharField(label=_("PV-nummer"), max_length=60, required=False)
    internal_notes = forms.CharField(
        label=_("Interne notities"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, can_read_internal: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_read_internal:
            del self.fields["internal_notes"]
            del self.fields["police_reference"]


class IncidentChoiceField(forms.ModelChoiceField):
    """Incidents by date and time first: two incidents in one street must be
    told apart ("05-12-2026 22:30 · Explosie / IED – Kalverenstraat")."""

    def label_from_instance(self, obj):
        return f"{timezone.localtime(obj.occurred_at):%d-%m-%Y %H:%M} · {obj}"


class QrtActivityForm(PointMixin):
    kind = forms.ChoiceField(label=_("Soort activiteit"), choices=QrtActivity.Kind.choices, widget=forms.RadioSelect)
    date = forms.DateField(label=_("Datum"), input_formats=DATE_INPUTS, widget=DateInput())
    duration_minutes = forms.IntegerField(
        label=_("Duur (minuten)"), min_value=1, max_value=1440, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    address = AddressField(required=False)
    area = forms.ModelChoiceField(label=_("Gebied"), queryset=Area.objects.none(), required=False)
    incident = IncidentChoiceField(
        label=_("Gekoppeld incident"),
        queryset=Incident.objects.none(),
        required=False,
        help_text=_("Nieuwste eerst, met datum en uur."),
    )
    residents_reached = forms.IntegerField(
        label=_("Bereikte bewoners"),
        min_value=0,
        max_value=100000,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    notes = forms.CharField(
        label=_("Notities"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Geen namen of andere persoonsgegevens van bewoners."),
    )
    prevpol_referral = forms.BooleanField(label=_("Agenderen op het PREV-POL-overleg"), required=False)
    # One-time token of a new activity's form (see services.qrt_activity_create).
    form_token = forms.UUIDField(required=False, widget=forms.HiddenInput)
    confirm_duplicate = forms.BooleanField(
        label=_("Toch opslaan: dit is een tweede, aparte activiteit"), required=False
    )

    def __init__(self, *args, incidents=None, one_time: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = places.areas_all()
        self.fields["incident"].queryset = incidents if incidents is not None else Incident.objects.none()
        self.fields["date"].initial = timezone.localdate()
        if one_time:
            self.fields["form_token"].initial = uuid.uuid4
        else:
            del self.fields["form_token"]
            del self.fields["confirm_duplicate"]


class QrtFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Soort"), choices=[("", _("Alle"))] + list(QrtActivity.Kind.choices), required=False
    )
    area = forms.ModelChoiceField(
        label=_("Gebied"), queryset=Area.objects.none(), required=False, empty_label=_("Alle")
    )
    start = forms.DateField(label=_("Van"), required=False, input_formats=DATE_INPUTS, widget=DateInput())
    end = forms.DateField(label=_("Tot en met"), required=False, input_formats=DATE_INPUTS, widget=DateInput())
    prevpol = forms.BooleanField(label=_("Enkel PREV-POL"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = places.areas_all()


class ChecklistTemplateForm(forms.Form):
    name = forms.CharField(label=_("Naam"), max_length=160)
    description = forms.CharField(label=_("Omschrijving"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    scale = forms.ChoiceField(label=_("Schaal"), choices=ChecklistTemplate.Scale.choices)
    numeric_min = forms.IntegerField(label=_("Minimum (numerieke schaal)"), initial=1, min_value=0, max_value=100)
    numeric_max = forms.IntegerField(label=_("Maximum (numerieke schaal)"), initial=5, min_value=1, max_value=100)
    items = forms.CharField(
        label=_("Items"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Eén item per regel; optioneel een gewicht na een puntkomma, bv. 'Zwerfvuil; 2'."),
    )

    def clean_items(self):
        rows = []
        for n, line in enumerate(self.cleaned_data["items"].splitlines(), start=1):
            if not line.strip():
                continue
            label, _sep, weight = line.partition(";")
            try:
                w = int(weight.strip() or 1)
            except ValueError as exc:
                raise forms.ValidationError(_("Regel %(n)s: het gewicht moet een getal zijn.") % {"n": n}) from exc
            rows.append((label.strip(), w))
        return rows


class WalkForm(forms.Form):
    template = forms.ModelChoiceField(label=_("Sjabloon"), queryset=ChecklistTemplate.objects.none())
    area = forms.ModelChoiceField(label=_("Gebied"), queryset=Area.objects.none(), required=False)
    route = forms.CharField(label=_("Route"), max_length=300, required=False)
    date = forms.DateField(label=_("Datum"), input_formats=DATE_INPUTS, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = ChecklistTemplate.objects.filter(is_active=True)
        self.fields["area"].queryset = places.areas_all()
        self.fields["date"].initial = timezone.localdate()


class ScoreForm(PointMixin):
    item = forms.ChoiceField(label=_("Item"))
    value = forms.CharField(label=_("Score"), max_length=4)
    remark = forms.CharField(
        label=_("Opmerking"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    photo = forms.FileField(
        label=_("Foto"),
        required=False,
        help_text=_("JPEG, PNG of WebP, maximaal 8 MB; locatiegegevens worden verwijderd."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp", "capture": "environment"}),
    )

    def __init__(self, *args, template: ChecklistTemplate, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [(str(i.pk), i.label) for i in items]
        if template.scale == ChecklistTemplate.Scale.CROW:
            self.fields["value"] = forms.ChoiceField(
                label=_("Score"), choices=[(c, c) for c in scoring.CROW_CHOICES], widget=forms.RadioSelect
            )
        else:
            self.fields["value"] = forms.IntegerField(
                label=_("Score (%(min)s–%(max)s)") % {"min": template.numeric_min, "max": template.numeric_max},
                min_value=template.numeric_min,
                max_value=template.numeric_max,
            )


class FollowUpForm(forms.Form):
    service = forms.CharField(label=_("Stadsdienst"), max_length=160)
    description = forms.CharField(label=_("Actie"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    score = forms.ChoiceField(label=_("Naar aanleiding van"), required=False)

    def __init__(self, *args, scores=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["score"].choices = [("", "—")] + [
            (str(s.pk), f"{s.item.label}: {s.value}") for s in scores if s.withdrawn_at is None
        ]


class WithdrawScoreForm(forms.Form):
    score = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Waarom is deze score fout?"),
        max_length=300,
        error_messages={"required": _("Geef de reden waarom deze score fout is.")},
        help_text=_("Bv. verkeerd item of verkeerde score gekozen. De score blijft zichtbaar, doorgestreept."),
    )


class SessionForm(forms.Form):
    date = forms.DateField(label=_("Datum"), input_formats=DATE_INPUTS, widget=DateInput())
    place = forms.CharField(label=_("Plaats"), max_length=200)
    area = forms.ModelChoiceField(label=_("Gebied"), queryset=Area.objects.none(), required=False)
    residents_count = forms.IntegerField(label=_("Aantal bewoners"), min_value=0, max_value=10000, initial=0)
    notes = forms.CharField(
        label=_("Verslag"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = places.areas_all()
        self.fields["date"].initial = timezone.localdate()


class ProposalForm(forms.Form):
    text = forms.CharField(label=_("Voorstel"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    theme = forms.ModelChoiceField(label=_("Thema"), queryset=ProposalTheme.objects.filter(is_active=True))
    support_count = forms.IntegerField(label=_("Steunbetuigingen"), min_value=0, max_value=10000, initial=0)


class ProposalStatusForm(forms.Form):
    proposal = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Opvolging"), choices=Proposal.Status.choices)


class ThemeForm(forms.Form):
    name = forms.CharField(label=_("Thema"), max_length=120)
    order = forms.IntegerField(label=_("Volgorde"), min_value=0, max_value=999, initial=0)
    is_active = forms.BooleanField(label=_("Actief"), required=False, initial=True)


class RetentionRuleForm(forms.Form):
    months = forms.IntegerField(label=_("Bewaartermijn (maanden)"), min_value=1, max_value=240)
    is_active = forms.BooleanField(label=_("Actief (de opdracht wist na deze termijn)"), required=False)
