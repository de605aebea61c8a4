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


class LaneTeamForm(forms.Form):
    lane = forms.ChoiceField(label=_("Baan"))
    team = forms.ModelChoiceField(label=_("Team"), queryset=None)

    def __init__(self, *args, lanes=(), **kwargs):
        from schakel.accounts.models import Unit

        super().__init__(*args, **kwargs)
        self.fields["lane"].choices = [(lane, lane) for lane in lanes]
        self.fields["team"].queryset = Unit.objects.filter(active=True).select_related("organisation")
