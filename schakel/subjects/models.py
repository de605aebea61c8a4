"""The subject registry: persons, enterprises, establishments, vehicles and
the typed links between them.

A ``Subject`` row is the common part (kind, normal form of the name for
matching, merge pointer); each kind adds its own table through multi-table
inheritance so a case can link to any kind with one foreign key. Subjects
hold personal data but carry no visibility of their own: a user sees a
subject only through a case circle he belongs to (see ``cases.selectors``).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from schakel.core.models import AppendOnlyModel, TimeStampedModel

PSEUDONYM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def new_pseudonym() -> str:
    return "J-" + "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(6))


class Subject(TimeStampedModel):
    class Kind(models.TextChoices):
        PERSON = "person", _("Persoon")
        ENTERPRISE = "enterprise", _("Onderneming")
        ESTABLISHMENT = "establishment", _("Inrichting / pand")
        VEHICLE = "vehicle", _("Voertuig")

    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices, editable=False)
    # Normal form for matching (see matching.py); never shown.
    match_key = models.CharField(max_length=300, blank=True, editable=False)
    # Exact identifier in canonical form: NRN digits, KBO digits or plate.
    identifier = models.CharField(max_length=20, blank=True, db_index=True, editable=False)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from", editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjecten")
        permissions = [("merge_subject", _("Kan dubbele subjecten samenvoegen"))]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def detail(self):
        """The kind-specific row (Person, Enterprise, ...)."""
        return getattr(self, self.kind)


class SubjectNameKey(models.Model):
    """Blocking keys of a subject's name (matching.blocking_keys)."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="name_keys")
    key = models.CharField(max_length=8)

    class Meta:
        indexes = [models.Index(fields=["key", "subject"], name="subject_name_key_idx")]

    def __str__(self) -> str:
        return self.key


class SubjectNamePair(models.Model):
    """Pair keys of a subject's name (matching.pair_keys): one row per key of
    one token combined with a key of another token, so the rule "agrees on
    two tokens" is one lookup of the primary key index ``(key, subject)``
    (ADR 0402, amendment 2). The composite primary key is that covering
    index: no id column, no second index on the key."""

    pk = models.CompositePrimaryKey("key", "subject")
    key = models.CharField(max_length=16)
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="name_pairs")

    def __str__(self) -> str:
        return self.key


class Person(Subject):
    first_name = models.CharField(_("voornaam"), max_length=100)
    last_name = models.CharField(_("familienaam"), max_length=100)
    birth_date = models.DateField(_("geboortedatum"), null=True, blank=True)
    national_number = models.CharField(_("rijksregisternummer"), max_length=15, blank=True)
    is_minor = models.BooleanField(_("minderjarig"), default=False)
    pseudonym = models.CharField(_("pseudoniem"), max_length=12, unique=True, default=new_pseudonym, editable=False)

    class Meta:
        verbose_name = _("persoon")
        verbose_name_plural = _("personen")

    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Enterprise(Subject):
    kbo_number = models.CharField(_("KBO-ondernemingsnummer"), max_length=12, blank=True)
    name = models.CharField(_("naam"), max_length=200)
    legal_form = models.CharField(_("rechtsvorm"), max_length=50, blank=True)
    nace_code = models.CharField(_("NACE-code"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("onderneming")
        verbose_name_plural = _("ondernemingen")


class Establishment(Subject):
    name = models.CharField(_("naam"), max_length=200)
    # The address of the register when there is one; the free text keeps
    # addresses outside the register (another municipality, a description)
    # and the label as it was typed.
    address = models.ForeignKey(
        "places.Address",
        verbose_name=_("adres in het adressenregister"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    address_text = models.CharField(_("adres"), max_length=300, blank=True)
    sector = models.CharField(_("sector"), max_length=100, blank=True)
    permits = models.TextField(_("vergunningen"), blank=True)

    class Meta:
        verbose_name = _("inrichting")
        verbose_name_plural = _("inrichtingen")

    @property
    def address_retired(self) -> bool:
        """True when the linked register address has been retired (places
        keeps retired rows flagged instead of deleting them)."""
        address = self.address
        if address is None:
            return False
        return bool(getattr(address, "is_retired", False) or getattr(address, "retired_at", None))


class Vehicle(Subject):
    plate = models.CharField(_("nummerplaat"), max_length=15)
    description = models.CharField(_("omschrijving"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("voertuig")
        verbose_name_plural = _("voertuigen")


class SubjectLink(TimeStampedModel):
    class Type(models.TextChoices):
        OWNS = "owns", _("is eigenaar van")
        MANAGES = "manages", _("beheert / baat uit")
        WORKS_AT = "works_at", _("werkt bij")
        LIVES_AT = "lives_at", _("woont op")
        USES = "uses", _("gebruikt")
        FAMILY_OF = "family_of", _("is familie van")
        ASSOCIATED_WITH = "associated_with", _("is verbonden met")

    source_subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="links_out")
    target_subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="links_in")
    link_type = models.CharField(_("soort band"), max_length=20, choices=Type.choices)
    source = models.CharField(_("bron"), max_length=200, help_text=_("Waar komt dit gegeven vandaan?"))
    valid_from = models.DateField(_("vanaf"), null=True, blank=True)
    valid_until = models.DateField(_("tot"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("band")
        verbose_name_plural = _("banden")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(source_subject=models.F("target_subject")), name="subject_link_not_self"
            )
        ]


class SubjectMerge(AppendOnlyModel):
    """Proof of a merge: the duplicate keeps existing (``merged_into`` points
    to the survivor); this row keeps who merged, when, and what the duplicate
    held, so a wrong merge can be traced and undone by hand."""

    survivor = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="merges_absorbed")
    duplicate = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="merges_into")
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField()
    reason = models.CharField(max_length=500)
    snapshot = models.JSONField(default=dict)


class SubjectRevision(AppendOnlyModel):
    """One edit of a subject: who changed it, when, and what it held before
    (the subject row itself shows the current state)."""

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="revisions")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()
    changed_fields = models.JSONField(default=list)
    before = models.JSONField(default=dict)

    class Meta:
        ordering = ["-changed_at", "-id"]
