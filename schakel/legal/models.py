"""The legal frame as data: legal grounds, protocol agreements, the
deontological code (versioned, with acceptances) and the list of legal
instruments used in plans of approach. Every row is editable reference data,
seeded with the Belgian defaults of the domain brief §3."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from schakel.core.models import AppendOnlyModel, TimeStampedModel


class LegalGround(TimeStampedModel):
    class Kind(models.TextChoices):
        CASE_CONSULTATION = "458ter", _("Casusoverleg (art. 458ter Sw.)")
        PROTOCOL = "protocol", _("Protocolakkoord")
        LAW = "law", _("Wet of decreet")
        CONSENT = "consent", _("Toestemming")
        LEGAL_TASK = "legal_task", _("Wettelijke opdracht")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("naam"), max_length=200)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    reference = models.CharField(
        _("referentie"),
        max_length=300,
        blank=True,
        help_text=_("Bv. de referentie van de machtiging van de procureur."),
    )
    description = models.TextField(_("omschrijving"), blank=True)
    active = models.BooleanField(_("actief"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("rechtsgrond")
        verbose_name_plural = _("rechtsgronden")

    def __str__(self) -> str:
        return f"{self.name} ({self.reference})" if self.reference else self.name


class ProtocolAgreement(TimeStampedModel):
    """A protocol under art. 20 law 30 July 2018 / art. 8 Flemish e-govdecreet."""

    title = models.CharField(_("titel"), max_length=200)
    parties = models.ManyToManyField("accounts.Organisation", related_name="+", verbose_name=_("partijen"))
    purposes = models.TextField(_("doeleinden"))
    data_categories = models.TextField(_("categorieën van gegevens"))
    recipients = models.TextField(_("ontvangers"))
    legal_basis = models.ForeignKey(
        LegalGround, on_delete=models.PROTECT, related_name="protocols", verbose_name=_("rechtsgrond")
    )
    periodicity = models.CharField(_("periodiciteit"), max_length=200, blank=True)
    valid_from = models.DateField(_("geldig vanaf"))
    valid_until = models.DateField(_("geldig tot"), null=True, blank=True)
    publication_url = models.URLField(_("publicatielink"), blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("protocolakkoord")
        verbose_name_plural = _("protocolakkoorden")

    def __str__(self) -> str:
        return self.title


class CodeVersion(AppendOnlyModel):
    """One published version of the deontological code (OD3.5). Versions are
    appended; the current one is the highest number."""

    number = models.PositiveIntegerField(_("versie"), unique=True)
    title = models.CharField(_("titel"), max_length=200)
    text = models.TextField(_("tekst"))
    published_at = models.DateTimeField(_("gepubliceerd op"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        verbose_name = _("versie deontologische code")
        verbose_name_plural = _("versies deontologische code")

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"


class CodeAcceptance(AppendOnlyModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="code_acceptances")
    version = models.ForeignKey(CodeVersion, on_delete=models.PROTECT, related_name="acceptances")
    accepted_at = models.DateTimeField(_("aanvaard op"))

    class Meta:
        ordering = ["-accepted_at"]
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="code_acceptance_once")]
        verbose_name = _("aanvaarding deontologische code")
        verbose_name_plural = _("aanvaardingen deontologische code")


class LegalInstrument(TimeStampedModel):
    """A measure a partner can take in a plan of approach (closure, GAS, ...)."""

    class Track(models.TextChoices):
        ADMINISTRATIVE = "administrative", _("Bestuurlijk")
        CRIMINAL = "criminal", _("Strafrechtelijk")
        SOCIAL = "social", _("Sociaal")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("naam"), max_length=200)
    track = models.CharField(_("spoor"), max_length=20, choices=Track.choices)
    reference = models.CharField(_("wettelijke basis"), max_length=300, blank=True)
    description = models.TextField(_("omschrijving"), blank=True)
    active = models.BooleanField(_("actief"), default=True)

    class Meta:
        ordering = ["track", "name"]
        verbose_name = _("juridisch instrument")
        verbose_name_plural = _("juridische instrumenten")

    def __str__(self) -> str:
        return self.name
