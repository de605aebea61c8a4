from django import forms
from django.utils.translation import gettext_lazy as _


class DefinitionUploadForm(forms.Form):
    file = forms.FileField(label=_("BPMN-bestand"), help_text=_("Een .bpmn-bestand (BPMN 2.0 XML), maximaal 512 kB."))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > 512 * 1024:
            raise forms.ValidationError(_("Het bestand is groter dan 512 kB."))
        return f.read()


class ModelerForm(forms.Form):
    xml = forms.CharField(widget=forms.HiddenInput, max_length=512 * 1024)
