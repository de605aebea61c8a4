"""CSV export of audit events: UTF-8 with BOM and ';' (Belgian Excel),
streamed row by row, with spreadsheet formula injection neutralised.

The stored codes (action, object type, purpose) stay in their own columns,
exactly as in the hash chain, so searches and scripts keep working; each is
followed by a column with its readable label in the reader's language."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from schakel.core import exports

from .labels import action_label, object_type_label, purpose_label
from .models import AuditEvent
from .selectors import BRUSSELS

BOM = "\ufeff"


def safe_cell(value) -> str:
    """Text for one CSV cell, guarded against formula injection."""
    return str(exports.safe_cell(value))


def header() -> list[str]:
    return [
        "id",
        _("tijdstip"),
        _("soort"),
        _("actie"),
        _("actie (omschrijving)"),
        _("actor"),
        _("organisatie"),
        _("objecttype"),
        _("objecttype (omschrijving)"),
        _("object-id"),
        _("samenvatting"),
        _("doel"),
        _("doel (omschrijving)"),
        _("rechtsgrond"),
        _("ontvangende organisatie"),
        _("IP-adres"),
        _("request-id"),
        "hash",
    ]


def row(event: AuditEvent) -> list:
    return [
        event.id,
        event.at.astimezone(BRUSSELS).isoformat(),
        event.kind,
        event.action,
        action_label(event.action),
        event.actor_label,
        event.organisation.name if event.organisation_id else "",
        event.object_type,
        object_type_label(event.object_type),
        event.object_id,
        event.summary,
        event.purpose,
        purpose_label(event.purpose),
        event.legal_ground,
        event.recipient_organisation.name if event.recipient_organisation_id else "",
        event.ip or "",
        event.request_id,
        event.hash,
    ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    yield BOM + writer.writerow([safe_cell(c) for c in header()])
    for event in events:
        yield writer.writerow([safe_cell(c) for c in row(event)])
