from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import Area


class AddressField(forms.CharField):
    """An address of the register typed as free text with autocomplete (a
    datalist filled by htmx from ``search_url_name``), resolved to one
    ``places.Address`` on submit. Every app that points at an address uses it."""

    def __init__(
        self,
        *,
        list_id: str = "address-options",
        search_url_name: str = "places:address_search",
        unknown_message=None,
        **kwargs,
    ):
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)
        self.unknown_message = unknown_message or _("Onbekend adres: kies een adres uit de voorgestelde lijst.")
        self.widget.attrs.update(
            {
                "list": list_id,
                "autocomplete": "off",
                "hx-get": reverse_lazy(search_url_name),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": f"#{list_id}",
                "hx-swap": "innerHTML",
            }
        )

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        address = selectors.address_resolve(label=value)
        if address is None:
            raise forms.ValidationError(self.unknown_message)
        return address


class AreaImportForm(forms.Form):
    file = forms.FileField(
        label=_("GeoJSON-bestand"),
        help_text=_("Een FeatureCollection met polygonen in WGS84; elke feature heeft een eigenschap 'name'."),
    )
    kind = forms.ChoiceField(label=_("Soort"), choices=Area.Kind.choices)

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("Het bestand is te groot (maximaal 5 MB)."))
        return f
