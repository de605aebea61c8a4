"""Forms of the registry pages. Validation of numbers lives in the services
(one place, the same Dutch messages from every entry point); these forms
only parse the input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from schakel.places.forms import AddressField

from .models import Subject

DATE_INPUTS = ["%d-%m-%Y", "%Y-%m-%d"]


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Naam, rijksregisternummer, KBO-nummer, nummerplaat of pseudoniem"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(label=_("Soort"), choices=[("", _("Alle"))] + list(Subject.Kind.choices), required=False)


class RegisterAddressField(AddressField):
    """An address of the register, typed with the autocomplete of the places
    app (its search and options, served by ``subjects:address_options``; a
    datalist filled by htmx) and resolved to one ``places.Address``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("search_url_name", "subjects:address_options")
        kwargs.setdefault(
            "unknown_message",
            _("Onbekend adres: kies een adres uit de voorgestelde lijst, of vul het vrije adresveld in."),
        )
        super().__init__(**kwargs)


class PersonForm(forms.Form):
    first_name = forms.CharField(label=_("Voornaam"), max_length=100)
    last_name = forms.CharField(label=_("Familienaam"), max_length=100)
    birth_date = forms.DateField(
        label=_("Geboortedatum"), required=False, input_formats=DATE_INPUTS, help_text=_("dd-mm-jjjj")
    )
    national_number = forms.CharField(
        label=_("Rijksregisternummer"), max_length=20, required=False, help_text=_("bv. 85.07.30-033.28")
    )
    is_minor = forms.BooleanField(
        label=_("Minderjarig"), required=False, help_text=_("Volgt uit de geboortedatum wanneer die gekend is.")
    )


class EnterpriseForm(forms.Form):
    name = forms.CharField(label=_("Naam"), max_length=200)
    kbo_number = forms.CharField(
        label=_("KBO-ondernemingsnummer"), max_length=20, required=False, help_text=_("bv. 0403.170.701")
    )
    legal_form = forms.CharField(label=_("Rechtsvorm"), max_length=50, required=False)
    nace_code = forms.CharField(label=_("NACE-code"), max_length=10, required=False, help_text=_("bv. 56.301"))


class EstablishmentForm(forms.Form):
    name = forms.CharField(label=_("Naam"), max_length=200)
    address = RegisterAddressField(
        label=_("Adres in het adressenregister"),
        required=False,
        help_text=_("Typ straat en huisnummer en kies uit de lijst."),
    )
    address_text = forms.CharField(
        label=_("Ander adres"),
        max_length=300,
        required=False,
        help_text=_("Alleen voor een adres dat niet in het register staat (bv. een andere gemeente)."),
    )
    sector = forms.CharField(label=_("Sector"), max_length=100, required=False)
    permits = forms.CharField(label=_("Vergunningen"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        address = data.get("address")
        text = (data.get("address_text") or "").strip()
        if address is not None and text and text != address.label:
            # The register address wins; the free text is only for addresses outside it.
            self.add_error("address_text", _("Kies één adres: uit het register of een ander adres, niet beide."))
        return data


class VehicleForm(forms.Form):
    plate = forms.CharField(label=_("Nummerplaat"), max_length=15, help_text=_("bv. 1-ABC-123"))
    description = forms.CharField(label=_("Omschrijving"), max_length=200, required=False)


FORMS = {
    Subject.Kind.PERSON: PersonForm,
    Subject.Kind.ENTERPRISE: EnterpriseForm,
    Subject.Kind.ESTABLISHMENT: EstablishmentForm,
    Subject.Kind.VEHICLE: VehicleForm,
}


def initial_for(subject) -> dict:
    """Current values of a subject for its edit form."""
    detail = subject.detail
    initial = {name: getattr(detail, name) for name in FORMS[subject.kind].base_fields if name != "address"}
    if subject.kind == Subject.Kind.ESTABLISHMENT:
        initial["address"] = detail.address.label if detail.address_id else ""
        if detail.address_id and detail.address_text == detail.address.label:
            initial["address_text"] = ""
    return initial
