from __future__ import annotations

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schakel.places import selectors as places
from schakel.places.forms import AddressField as PlaceAddressField

from .models import Category, Invitation, RoutingRule, Signal
from .selectors import categories_for_select, in_tree_order


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


# "Kalverenstraat 5 bus 2, 2800 Mechelen" -> street and number | postcode | town.
_ADDRESS_TAIL = re.compile(
    r"^(?P<main>.*?\d+[A-Za-z]?(?:\s*(?:bus|b)\s*\S+)?)\s*,?\s*(?P<postcode>\d{4})?\s*(?P<town>[^\d,]*)$",
    re.IGNORECASE,
)


def address_lookup(text: str):
    """(address, suggestions) for what the user typed. Accepts the register's
    label ("Kalverenstraat 5, 2800"), any letter case, and a trailing postcode
    and town ("kalverenstraat 5 2800 Mechelen"). Without a single match, up to
    five addresses that start like the input, to suggest."""
    text = " ".join((text or "").split())
    address = places.address_resolve(label=text)
    if address is not None:
        return address, []
    m = _ADDRESS_TAIL.match(text)
    main = m.group("main").strip(" ,") if m else text.split(",", 1)[0]
    if m and m.group("postcode"):
        address = places.address_resolve(label=f"{main}, {m.group('postcode')}")
    if address is None and main != text:
        address = places.address_resolve(label=main)
    if address is not None:
        return address, []
    suggestions = places.address_search(query=main, limit=5)
    if not suggestions:
        # "Kalverenstraat 500": no such number; offer the street's first numbers.
        street = re.sub(r"[\s,]+\d+[A-Za-z]?(?:\s*(?:bus|b)\s*\S+)?$", "", main, flags=re.IGNORECASE)
        if street and street != main:
            suggestions = places.address_search(query=street, limit=5)
    return None, suggestions


class SignalAddressField(PlaceAddressField):
    """The register address, with the suggestion list of places.AddressField.
    Forgiving about letter case, postcode and town; when nothing matches, the
    error names the closest addresses."""

    def clean(self, value):
        value = forms.CharField.clean(self, value)
        if not value:
            return None
        address, suggestions = address_lookup(value)
        if address is not None:
            return address
        if suggestions:
            raise forms.ValidationError(
                _(
                    "Dit adres werd niet gevonden. Bedoelt u: %(list)s? Neem het juiste adres over of laat het veld leeg."
                )
                % {"list": "; ".join(a.label for a in suggestions)}
            )
        raise forms.ValidationError(
            _(
                "Dit adres staat niet in het adressenregister. Kijk straat en huisnummer na, of laat het veld leeg "
                "en beschrijf de plaats in het veld hieronder."
            )
        )


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
    address = SignalAddressField(
        search_url_name="signals:address_search",
        label=_("Adres"),
        required=False,
        help_text=_("Typ straat en huisnummer en kies uit de lijst, bv. Kalverenstraat 5."),
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
        # A partner has no account: the address search (a signed-in page) is
        # not offered; the typed address is still checked and suggested.
        for attr in ("list", "hx-get", "hx-trigger", "hx-target", "hx-swap"):
            self.fields["address"].widget.attrs.pop(attr, None)
        self.fields["address"].help_text = _("Straat en huisnummer, bv. Kalverenstraat 5.")


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
    contact = forms.CharField(
        label=_("Contact voor de melders"),
        max_length=200,
        required=False,
        help_text=_("Telefoon of e-mail van de preventiedienst. De melders zien dit als melden via de link niet lukt."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.conf import settings

        self.fields["contact"].initial = getattr(settings, "SIGNALS_FALLBACK_CONTACT", "")


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
        field_classes = {"category": CategoryChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The same tree order as the settings table and the intake form.
        self.fields["category"].queryset = in_tree_order(Category.objects.all())


class FeedbackApproveForm(forms.Form):
    text = forms.CharField(
        label=_("Tekst voor de melder"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 300}),
        help_text=_("U mag de tekst aanpassen; de oorspronkelijke tekst blijft in het verloop."),
    )


class FeedbackRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden van weigering"), max_length=500, widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500})
    )


class FeedbackReproposeForm(forms.Form):
    text = forms.CharField(
        label=_("Nieuwe tekst voor de melder"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 300}),
        help_text=_(
            "Een collega met de triagerol kijkt ook deze tekst na. Noem geen personen en schrijf niets over de verdere aanpak."
        ),
    )


class StatusLookupForm(forms.Form):
    reference = forms.CharField(label=_("Referentie"), max_length=20, help_text=_("Bijvoorbeeld S-000123."))
    code = forms.CharField(label=_("Opvolgcode"), max_length=40, widget=forms.TextInput(attrs={"autocomplete": "off"}))
