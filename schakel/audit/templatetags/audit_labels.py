"""Display filters for the audit trail: readable Dutch labels next to the codes."""

from django import template

from schakel.audit import labels

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    return labels.action_label(code)


@register.filter
def object_type_label(object_type: str) -> str:
    return labels.object_type_label(object_type)


@register.filter
def purpose_label(purpose: str) -> str:
    return labels.purpose_label(purpose)


@register.filter
def summary_label(summary: str) -> str:
    return labels.summary_label(summary)
