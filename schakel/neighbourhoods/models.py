"""Incidents and their impact circle, the QRT activity log, wijkschouwingen
(checklists, walks, scores, follow-up actions) and behangtafel sessions."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from schakel.core.models import AppendOnlyModel, TimeStampedModel


class Owned(TimeStampedModel):
    """A record owned by the organisation of the user who created it."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_demo = models.BooleanField(_("fictief demogegeven"), default=False)

    class Meta:
        abstract = True


class Incident(Owned):
    class Kind(models.TextChoices):
        EXPLOSION = "explosion", _("Explosie / IED")
        SHOOTING = "shooting", _("Schietincident")
        ARSON = "arson", _("Brandstichting")
        THREAT = "threat", _("Bedreiging of intimidatie")
        OTHER = "other", _("Ander incident")

    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("datum en uur"))
    address = models.ForeignKey(
        "places.Address", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("adres")
    )
    location_label = models.CharField(_("locatie"), max_length=200)
    lat = models.FloatField(_("breedtegraad"))
    lon = models.FloatField(_("lengtegraad"))
    x = models.FloatField()
    y = models.FloatField()
    radius_m = models.PositiveIntegerField(
        _("straal impactcirkel (m)"), default=250, validators=[MinValueValidator(25), MaxValueValidator(2000)]
    )
    public_summary = models.TextField(_("publieke samenvatting"), max_length=2000)
    internal_notes = models.TextField(_("interne notities"), blank=True, max_length=5000)
    police_reference = models.CharField(_("PV-nummer"), max_length=60, blank=True)
    damage = models.TextField(_("schade"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidenten")
        ordering = ["-occurred_at", "-pk"]
        permissions = [
            ("view_incident_internal_notes", _("Kan interne notities en PV-nummer van incidenten lezen")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.location_label}"


class QrtActivity(Owned):
    class Kind(models.TextChoices):
        PRESENCE = "presence", _("Aanwezigheidsronde")
        RESIDENT_CONTACT = "resident_contact", _("Bewonerscontact")
        KEY_FIGURE = "key_figure", _("Contact sleutelfiguur")
        CLEAN_UP = "clean_up", _("Opruimactie")
        REPAIR = "repair", _("Herstel van schade")
        INFORMING = "informing", _("Bewoners informeren")
        VOLUNTEERS = "volunteers", _("Vrijwilligers werven")
        PHOTO = "photo", _("Fotoreportage")
        REFERRAL = "referral", _("Doorverwijzing naar stadsdienst")
        NUISANCE = "nuisance", _("Overlast vastgesteld")

    kind = models.CharField(_("soort activiteit"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("datum"))
    duration_minutes = models.PositiveIntegerField(
        _("duur (minuten)"), validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    address = models.ForeignKey(
        "places.Address", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("adres")
    )
    area = models.ForeignKey(
        "places.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("gebied")
    )
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, null=True, blank=True, related_name="activities", verbose_name=_("incident")
    )
    residents_reached = models.PositiveIntegerField(_("bereikte bewoners"), default=0)
    notes = models.TextField(_("notities"), blank=True, max_length=3000)
    prevpol_referral = models.BooleanField(_("agenderen op PREV-POL-overleg"), default=False)
    # The one-time token of the form that created the activity: a form sent
    # again (the Back button, a second tap) finds its activity instead of
    # creating a duplicate.
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("QRT-activiteit")
        verbose_name_plural = _("QRT-activiteiten")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["date", "kind"], name="nbh_qrt_date_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d-%m-%Y}"


# --- Wijkschouw ----------------------------------------------------------


class ChecklistTemplate(TimeStampedModel):
    class Scale(models.TextChoices):
        CROW = "crow", _("CROW-schaal (A+ / A / B / C / D)")
        NUMERIC = "numeric", _("Numerieke schaal")

    name = models.CharField(_("naam"), max_length=160, unique=True)
    description = models.TextField(_("omschrijving"), blank=True)
    scale = models.CharField(_("schaal"), max_length=10, choices=Scale.choices, default=Scale.CROW)
    numeric_min = models.PositiveSmallIntegerField(_("minimum"), default=1)
    numeric_max = models.PositiveSmallIntegerField(_("maximum"), default=5)
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        verbose_name = _("schouwsjabloon")
        verbose_name_plural = _("schouwsjablonen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("volgorde"), default=0)
    label = models.CharField(_("item"), max_length=200)
    weight = models.PositiveSmallIntegerField(_("gewicht"), default=1, validators=[MinValueValidator(1)])
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        verbose_name = _("schouwitem")
        verbose_name_plural = _("schouwitems")
        ordering = ["template", "order", "pk"]

    def __str__(self) -> str:
        return self.label


class Walk(Owned):
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.PROTECT, related_name="walks", verbose_name=_("sjabloon")
    )
    area = models.ForeignKey(
        "places.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("gebied")
    )
    route = models.CharField(_("route"), max_length=300, blank=True)
    date = models.DateField(_("datum"))
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("team"))
    # 0-100, recomputed by the services whenever a score changes (see scoring.py).
    score = models.DecimalField(_("gebiedsscore"), max_digits=5, decimal_places=1, null=True, blank=True)

    class Meta:
        verbose_name = _("wijkschouw")
        verbose_name_plural = _("wijkschouwingen")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.area or self.route} {self.date:%d-%m-%Y}"


class WalkScore(TimeStampedModel):
    walk = models.ForeignKey(Walk, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("item"))
    value = models.CharField(_("score"), max_length=4)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    photo = models.ImageField(_("foto"), upload_to="wijkschouw/%Y/%m/", blank=True)
    remark = models.TextField(_("opmerking"), blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A mistaken score is withdrawn, never edited or deleted: the row stays
    # (shown struck through with the reason) and no longer counts in the
    # walk's score. Set once, by services.walk_score_withdraw.
    withdrawn_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_reason = models.CharField(_("reden van intrekking"), max_length=300, blank=True)

    # What retention (rule walk_withdrawn_reasons) leaves in withdrawn_reason
    # once the free text is erased: stored as is, shown translated.
    REASON_ERASED = "verwijderd na bewaartermijn"

    class Meta:
        verbose_name = _("schouwscore")
        verbose_name_plural = _("schouwscores")
        ordering = ["item__order", "pk"]
        permissions = [
            ("withdraw_any_walkscore", _("Kan elke schouwscore van de organisatie als foutief intrekken")),
        ]

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def withdrawn_reason_erased(self) -> bool:
        return self.withdrawn_reason == self.REASON_ERASED


class FollowUpAction(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        IN_PROGRESS = "in_progress", _("in behandeling")
        DONE = "done", _("uitgevoerd")
        REJECTED = "rejected", _("niet uitvoerbaar")

    TRANSITIONS = {
        Status.OPEN: {Status.IN_PROGRESS, Status.DONE, Status.REJECTED},
        Status.IN_PROGRESS: {Status.DONE, Status.REJECTED, Status.OPEN},
        Status.DONE: {Status.OPEN},
        Status.REJECTED: {Status.OPEN},
    }

    walk = models.ForeignKey(Walk, on_delete=models.CASCADE, related_name="actions")
    score = models.ForeignKey(WalkScore, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions")
    service = models.CharField(_("stadsdienst"), max_length=160)
    description = models.TextField(_("omschrijving"), max_length=2000)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)

    class Meta:
        verbose_name = _("opvolgactie")
        verbose_name_plural = _("opvolgacties")
        ordering = ["status", "-pk"]


class FollowUpStatusChange(AppendOnlyModel):
    action = models.ForeignKey(FollowUpAction, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]


# --- Behangtafel ---------------------------------------------------------


class ProposalTheme(models.Model):
    name = models.CharField(_("thema"), max_length=120, unique=True)
    order = models.PositiveSmallIntegerField(_("volgorde"), default=0)
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        verbose_name = _("thema")
        verbose_name_plural = _("thema's")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class BehangtafelSession(Owned):
    date = models.DateField(_("datum"))
    place = models.CharField(_("plaats"), max_length=200)
    area = models.ForeignKey(
        "places.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("gebied")
    )
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("team"))
    residents_count = models.PositiveIntegerField(_("aantal bewoners"), default=0)
    notes = models.TextField(_("verslag"), blank=True, max_length=3000)

    class Meta:
        verbose_name = _("behangtafelsessie")
        verbose_name_plural = _("behangtafelsessies")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.place} {self.date:%d-%m-%Y}"


class Proposal(TimeStampedModel):
    class Status(models.TextChoices):
        NEW = "new", _("nieuw")
        IN_PROGRESS = "in_progress", _("in opvolging")
        DONE = "done", _("gerealiseerd")
        NOT_FEASIBLE = "not_feasible", _("niet haalbaar")

    session = models.ForeignKey(BehangtafelSession, on_delete=models.CASCADE, related_name="proposals")
    text = models.TextField(_("voorstel"), max_length=1000)
    theme = models.ForeignKey(ProposalTheme, on_delete=models.PROTECT, related_name="+", verbose_name=_("thema"))
    support_count = models.PositiveIntegerField(_("aantal steunbetuigingen"), default=0)
    status = models.CharField(_("opvolging"), max_length=20, choices=Status.choices, default=Status.NEW)

    class Meta:
        verbose_name = _("voorstel")
        verbose_name_plural = _("voorstellen")
        ordering = ["-support_count", "pk"]


# --- History of incidents and QRT activities -----------------------------


class Revision(AppendOnlyModel):
    """One create or edit of a record, appended by the service that wrote it.

    ``changes`` maps a field name to ``[old, new]`` (values as stored, dates in
    ISO form, foreign keys as their label). Changes of fields that only some
    readers may see go to ``restricted_changes`` so that a selector can leave
    them out as a whole."""

    class Action(models.TextChoices):
        CREATED = "created", _("aangemaakt")
        CHANGED = "changed", _("gewijzigd")
        RETENTION = "retention", _("gewist na bewaartermijn")

    at = models.DateTimeField(_("tijdstip"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    action = models.CharField(_("handeling"), max_length=20, choices=Action.choices)
    changes = models.JSONField(_("wijzigingen"), default=dict)
    restricted_changes = models.JSONField(_("wijzigingen in afgeschermde velden"), default=dict)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]


class IncidentRevision(Revision):
    """History of an incident; internal notes and police reference changes are
    restricted (``view_incident_internal_notes``)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="revisions")

    class Meta(Revision.Meta):
        verbose_name = _("incidentversie")
        verbose_name_plural = _("incidentversies")


class QrtActivityRevision(Revision):
    activity = models.ForeignKey(QrtActivity, on_delete=models.CASCADE, related_name="revisions")

    class Meta(Revision.Meta):
        verbose_name = _("versie QRT-activiteit")
        verbose_name_plural = _("versies QRT-activiteit")


# --- Retention -------------------------------------------------------------


class RetentionRule(models.Model):
    """How long personal data in neighbourhood records is kept (reference
    data, edited by the functional administrator). The command
    ``neighbourhoods_retention`` erases what is older and keeps a proof."""

    class Code(models.TextChoices):
        QRT_NOTES = "qrt_notes", _("QRT-activiteiten: notities, en adres van bewoners- en sleutelfigurencontacten")
        BEHANGTAFEL_NOTES = "behangtafel_notes", _("Behangtafelsessies: verslag")
        WALK_PHOTOS = "walk_photos", _("Wijkschouw: foto's en opmerkingen bij scores")
        WALK_WITHDRAWN_REASONS = "walk_withdrawn_reasons", _("Wijkschouw: reden van intrekking van scores")
        INCIDENT_INTERNAL = "incident_internal", _("Incidenten: interne notities en PV-nummer")

    code = models.CharField(_("gegevens"), max_length=30, choices=Code.choices, unique=True)
    months = models.PositiveIntegerField(
        _("bewaartermijn (maanden)"), validators=[MinValueValidator(1), MaxValueValidator(240)]
    )
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        verbose_name = _("bewaartermijn")
        verbose_name_plural = _("bewaartermijnen")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.get_code_display()}: {self.months}"


class RetentionProof(AppendOnlyModel):
    """What is left after retention erased personal data from a record: which
    record, under which rule, a hash of what was erased, never the content."""

    rule = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.PositiveBigIntegerField()
    record_month = models.CharField(max_length=7)
    fields = models.CharField(max_length=200)
    content_sha256 = models.CharField(max_length=64)
    done_at = models.DateTimeField()

    class Meta:
        ordering = ["-done_at", "-pk"]
        verbose_name = _("bewijs van wissing")
        verbose_name_plural = _("bewijzen van wissing")
