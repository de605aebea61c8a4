"""CSV export of audit events: UTF-8 with BOM and ';' (Belgian Excel),
streamed row by row, with spreadsheet formula injection neutralised."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from schakel.core import exports

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
        _("actor"),
        _("organisatie"),
        _("objecttype"),
        _("object-id"),
        _("samenvatting"),
        _("doel"),
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
        event.actor_label,
        event.organisation.name if event.organisation_id else "",
        event.object_type,
        event.object_id,
        event.summary,
        event.purpose,
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
