"""The append-only, hash-chained event log.

Every event stores the hash of the event before it; the hash of an event
covers its own content and that previous hash. Altering or removing one row
breaks the chain from that row on, which ``manage.py audit_verify`` reports.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from schakel.core.models import AppendOnlyModel

GENESIS_HASH = "0" * 64


class AuditEvent(AppendOnlyModel):
    class Kind(models.TextChoices):
        AUTH = "auth", _("Aanmelding")
        WRITE = "write", _("Wijziging")
        ACCESS = "access", _("Inzage persoonsgegevens")
        DISCLOSURE = "disclosure", _("Verstrekking aan andere organisatie")
        ADMIN = "admin", _("Beheer")

    at = models.DateTimeField(_("tijdstip"), db_index=True)
    kind = models.CharField(_("soort"), max_length=16, choices=Kind.choices, db_index=True)
    action = models.CharField(_("actie"), max_length=80, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Denormalised so the log reads the same after a user moves or is removed.
    actor_label = models.CharField(_("actor"), max_length=254, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_type = models.CharField(_("objecttype"), max_length=80, blank=True, db_index=True)
    object_id = models.CharField(_("object-id"), max_length=64, blank=True, db_index=True)
    summary = models.CharField(_("samenvatting"), max_length=500, blank=True)
    purpose = models.CharField(_("doel"), max_length=300, blank=True)
    legal_ground = models.CharField(_("rechtsgrond"), max_length=300, blank=True)
    recipient_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ontvangende organisatie"),
    )
    ip = models.GenericIPAddressField(_("IP-adres"), null=True, blank=True)
    request_id = models.CharField(_("request-id"), max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-id"]
        default_permissions = ("view",)
        permissions = [
            ("view_all_organisations", _("Kan auditgebeurtenissen van alle organisaties bekijken")),
        ]
        verbose_name = _("auditgebeurtenis")
        verbose_name_plural = _("auditgebeurtenissen")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action}"

    def canonical(self) -> str:
        """The exact text that is hashed; stable across database engines."""
        payload = {
            "at": self.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "kind": self.kind,
            "action": self.action,
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "organisation": self.organisation_id,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "summary": self.summary,
            "purpose": self.purpose,
            "legal_ground": self.legal_ground,
            "recipient_organisation": self.recipient_organisation_id,
            "ip": self.ip,
            "request_id": self.request_id,
            "prev_hash": self.prev_hash,
        }
        return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical().encode("utf-8")).hexdigest()


class ChainHead(models.Model):
    """One row, locked while an event is appended, so that concurrent writers
    on PostgreSQL link to the right predecessor. SQLite serialises writers."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"chain head after {self.count} events"
