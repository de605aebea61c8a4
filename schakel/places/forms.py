from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Area


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
