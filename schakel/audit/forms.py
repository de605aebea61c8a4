from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent
from .selectors import EventFilters, organisations_for_filter

DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class EventFilterForm(forms.Form):
    """The filters of the DPO page and the CSV export (GET parameters)."""

    date_from = forms.DateField(
        label=_("Van"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=DateInput(),
        error_messages={"invalid": _("Geef een geldige datum (dd-mm-jjjj).")},
    )
    date_to = forms.DateField(
        label=_("Tot en met"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=DateInput(),
        error_messages={"invalid": _("Geef een geldige datum (dd-mm-jjjj).")},
    )
    kind = forms.ChoiceField(
        label=_("Soort"),
        required=False,
        choices=[("", _("Alle soorten")), *AuditEvent.Kind.choices],
        error_messages={"invalid_choice": _("Onbekende soort gebeurtenis.")},
    )
    action = forms.CharField(
        label=_("Actie bevat"),
        required=False,
        max_length=80,
        help_text=_("Een code (bv. cases.case_opened) of woorden uit de omschrijving (bv. ingezien)."),
    )
    actor = forms.CharField(label=_("E-mailadres actor"), required=False, max_length=254)
    organisation = forms.ModelChoiceField(
        label=_("Organisatie"),
        required=False,
        queryset=None,
        empty_label=_("Alle organisaties"),
        error_messages={"invalid_choice": _("Onbekende organisatie.")},
    )
    object_type = forms.CharField(label=_("Objecttype"), required=False, max_length=80)
    object_id = forms.CharField(label=_("Object-id"), required=False, max_length=64)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_for_filter(user=user)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("De einddatum ligt vóór de begindatum."))
        for name in ("action", "actor", "object_type", "object_id"):
            if name in data:
                data[name] = data[name].strip()
        return data

    def filters(self) -> EventFilters:
        """Only call after is_valid()."""
        d = self.cleaned_data
        return EventFilters(
            date_from=d.get("date_from"),
            date_to=d.get("date_to"),
            kind=d.get("kind") or "",
            action=d.get("action") or "",
            actor=d.get("actor") or "",
            organisation=d.get("organisation"),
            object_type=d.get("object_type") or "",
            object_id=d.get("object_id") or "",
        )
