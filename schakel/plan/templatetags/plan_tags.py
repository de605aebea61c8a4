from decimal import Decimal

from django import template
from django.utils.formats import number_format

from schakel.plan import computed

register = template.Library()


@register.filter
def num(value):
    """A measured value without trailing zeros, in the locale's notation (63,8)."""
    if value is None or value == "":
        return "—"
    value = Decimal(value).normalize()
    places = max(0, -value.as_tuple().exponent)
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


@register.filter
def source_label(source):
    """A measurement's source in words ("Berekend: aandeel acties op schema")."""
    return computed.source_label(source or "")


@register.filter
def computed_label(key):
    """The Dutch label of a computed query key."""
    return computed.label_for(key or "")
