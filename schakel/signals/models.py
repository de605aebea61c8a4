"""Signals: what people in the field report, its category, routing, history,
attachments, partner invitations and proofs of deletion."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from schakel.core.models import AppendOnlyModel, TimeStampedModel


class Category(TimeStampedModel):
    """Two-level, editable list: a top level (e.g. "Jongeren in risico") and its
    subcategories. Deadlines and retention are set per category; a
    subcategory without its own value uses its parent's."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("hoofdcategorie"),
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("naam"), max_length=160)
    description = models.TextField(_("voorbeelden"), blank=True)
    is_youth = models.BooleanField(
        _("jongerensignaal"), default=False, help_text=_("Minimale gegevens; alleen zichtbaar voor het OSP.")
    )
    triage_days = models.PositiveIntegerField(_("termijn voor triage (dagen)"), null=True, blank=True)
    retention_months_no_followup = models.PositiveIntegerField(
        _("bewaartermijn na afsluiten zonder opvolging (maanden)"), null=True, blank=True
    )
    retention_months = models.PositiveIntegerField(_("bewaartermijn na afhandeling (maanden)"), null=True, blank=True)
    order = models.PositiveIntegerField(_("volgorde"), default=0)
    active = models.BooleanField(_("actief"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("categorie")
        verbose_name_plural = _("categorieën")

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id and self.parent else self.name

    def setting(self, field: str, default: int) -> int:
        value = getattr(self, field)
        if value is None and self.parent_id:
            value = getattr(self.parent, field)
        return default if value is None else value

    @property
    def youth(self) -> bool:
        return self.is_youth or bool(self.parent_id and self.parent.is_youth)


class RoutingRule(TimeStampedModel):
    """Ordered rules: the first active rule whose category (or its parent) and
    area match the signal decides the team that triages it. Empty = any."""

    order = models.PositiveIntegerField(_("volgorde"), default=100)
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("categorie")
    )
    area = models.ForeignKey(
        "places.Area", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("gebied")
    )
    team = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("team"))
    active = models.BooleanField(_("actief"), default=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("routeringsregel")
        verbose_name_plural = _("routeringsregels")

    def __str__(self) -> str:
        return f"{self.order}: {self.category or '*'} × {self.area or '*'} → {self.team}"


class Invitation(TimeStampedModel):
    """An invitation link for an external professional or a business: no
    account, a token that expires and a rate limit. Only the SHA-256 of the
    token is stored."""

    class Channel(models.TextChoices):
        PARTNER = "partner", _("Partner (professional)")
        SECTOR = "sector", _("Economische sector")

    label = models.CharField(_("omschrijving"), max_length=160)
    organisation_name = models.CharField(_("organisatie van de melder"), max_length=160)
    channel = models.CharField(_("kanaal"), max_length=20, choices=Channel.choices, default=Channel.PARTNER)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("geldig tot"))
    max_per_hour = models.PositiveIntegerField(_("maximum meldingen per uur"), default=5)
    revoked = models.BooleanField(_("ingetrokken"), default=False)
    contact = models.CharField(
        _("contact voor de melder"),
        max_length=200,
        blank=True,
        help_text=_("Telefoon of e-mail van de dienst die melders bereiken als melden via de link niet lukt."),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("uitnodiging")
        verbose_name_plural = _("uitnodigingen")

    def __str__(self) -> str:
        return self.label


class FeedbackReview(models.TextChoices):
    PENDING = "pending", _("Wacht op nakijken")
    APPROVED = "approved", _("Goedgekeurd")
    REJECTED = "rejected", _("Geweigerd")


class Signal(TimeStampedModel):
    class Channel(models.TextChoices):
        STAFF = "staff", _("Medewerker")
        PARTNER = "partner", _("Partner (professional)")
        SECTOR = "sector", _("Economische sector")
        API = "api", _("Koppeling (API)")

    class Status(models.TextChoices):
        TRIAGE = "triage", _("In triage")
        ROUTED = "routed", _("Doorverwezen")
        FOLLOW_UP = "follow_up", _("In opvolging")
        CLOSED_NO_FOLLOWUP = "closed_no_followup", _("Afgesloten zonder opvolging")
        CLOSED = "closed", _("Afgehandeld")

    class Confidentiality(models.TextChoices):
        NORMAL = "normal", _("Normaal")
        CONFIDENTIAL = "confidential", _("Vertrouwelijk")
        SECRET = "secret", _("Strikt vertrouwelijk")

    channel = models.CharField(_("kanaal"), max_length=20, choices=Channel.choices, default=Channel.STAFF)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("melder"),
    )
    invitation = models.ForeignKey(Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="signals")
    reporter_organisation = models.CharField(_("organisatie van de melder"), max_length=160, blank=True)
    reporter_function = models.CharField(_("functie van de melder"), max_length=160, blank=True)
    reporter_contact = models.CharField(_("contactgegevens van de melder"), max_length=200, blank=True)
    observed_at = models.DateTimeField(_("vastgesteld op"))
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="signals", verbose_name=_("categorie")
    )
    address = models.ForeignKey(
        "places.Address", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("adres")
    )
    area = models.ForeignKey(
        "places.Area", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("gebied")
    )
    location_text = models.CharField(_("plaats (omschrijving)"), max_length=200, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    x = models.FloatField(null=True, blank=True)
    y = models.FloatField(null=True, blank=True)
    cell = models.BigIntegerField(null=True, blank=True)
    description = models.TextField(_("omschrijving"))
    subjects_text = models.TextField(_("betrokken personen of ondernemingen"), blank=True)
    youth_identifier = models.CharField(_("jongere (voornaam of initialen, geboortejaar)"), max_length=80, blank=True)
    confidentiality = models.CharField(
        _("vertrouwelijkheid"), max_length=20, choices=Confidentiality.choices, default=Confidentiality.NORMAL
    )
    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default=Status.TRIAGE)
    team = models.ForeignKey(
        "accounts.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    triage_due_at = models.DateTimeField(_("triage uiterlijk"), null=True, blank=True)
    # Denormalised from the process so the queue is one indexed query.
    current_task = models.CharField(_("huidige stap"), max_length=200, blank=True)
    task_due_at = models.DateTimeField(_("stap uiterlijk"), null=True, blank=True)
    triaged_at = models.DateTimeField(_("getrieerd op"), null=True, blank=True)
    closed_at = models.DateTimeField(_("afgesloten op"), null=True, blank=True)
    feedback = models.CharField(_("terugkoppeling aan de melder"), max_length=300, blank=True)
    # A handler's written feedback is proposed first; the reporter reads it
    # (in ``feedback``) only after someone else with ``review_feedback``
    # approved it. The history (SignalEvent) keeps the original and any edit.
    feedback_review = models.CharField(
        _("nakijken van de terugkoppeling"), max_length=20, choices=FeedbackReview.choices, blank=True, default=""
    )
    feedback_proposed = models.CharField(_("voorgestelde terugkoppeling"), max_length=300, blank=True)
    feedback_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Status lookup for a partner without an account: HMAC of the code shown
    # once after the partner form (services.lookup_hash); empty = no lookup.
    lookup_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    # Set by the deadline reminder (``signals_reminders``); the queue marks a
    # signal as reminded while this is not older than the current step's deadline.
    reminded_at = models.DateTimeField(_("herinnering verstuurd op"), null=True, blank=True)
    instance = models.ForeignKey(
        "workflows.ProcessInstance", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    youth_instance = models.ForeignKey(
        "workflows.ProcessInstance", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("signaal")
        verbose_name_plural = _("signalen")
        indexes = [
            # The team queue: only signals with an open step (a small share).
            models.Index(
                fields=["team", "task_due_at", "category"],
                name="signals_queue_open",
                condition=~models.Q(current_task=""),
            ),
            models.Index(fields=["category", "created_at"], name="signals_cat_created"),
            models.Index(fields=["cell"], name="signals_cell"),
            models.Index(fields=["reporter", "created_at"], name="signals_reporter"),
            # The review list: only the few texts waiting for a reviewer.
            models.Index(
                fields=["feedback_review"],
                name="signals_feedback_pending",
                condition=models.Q(feedback_review="pending"),
            ),
        ]
        permissions = [
            ("triage_signal", _("Kan signalen van het eigen team trieren")),
            ("view_youth_signal", _("Kan jongerensignalen inzien (OSP)")),
            ("view_all_signals", _("Kan alle signalen (behalve jongerensignalen) inzien")),
            ("export_signal", _("Kan signalen exporteren")),
            ("manage_signal_settings", _("Kan categorieën en routeringsregels beheren")),
            ("manage_invitation", _("Kan uitnodigingslinks voor partners beheren")),
            ("review_feedback", _("Kan terugkoppelingen aan melders nakijken en goedkeuren")),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"S-{self.pk:06d}" if self.pk else "S-nieuw"

    @property
    def is_youth(self) -> bool:
        """A youth signal: a youth category, or any signal the triage sent
        into the youth early-detection process (ADR 0302, amendment 1). From
        then on it is the OSP's alone, like a youth-category signal."""
        return bool(self.youth_instance_id) or self.category.youth

    @property
    def reporter_stage(self) -> str:
        """What a reporter may know: "received", "in_progress" or "closed"; a
        youth signal only "received" or "closed" (ADR 0302 and its amendment
        2): whether the OSP follows a young person up is not the reporter's to
        know. The partners' status lookup and the API's receipt tell this."""
        if self.closed_at is not None or self.status in (self.Status.CLOSED, self.Status.CLOSED_NO_FOLLOWUP):
            return "closed"
        if self.is_youth or self.status == self.Status.TRIAGE:
            return "received"
        return "in_progress"

    @property
    def reporter_status(self) -> str:
        """The status as a reporter with an account reads it ("Mijn
        meldingen", the signal's status page, the start page): the full status
        of an ordinary signal, only received or closed for a youth signal."""
        if not self.is_youth:
            return self.get_status_display()
        return _("Afgesloten") if self.reporter_stage == "closed" else _("Ontvangen")


class SignalAccess(models.Model):
    """Teams that had the signal in their queue keep access to it."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="access")
    team = models.ForeignKey("accounts.Unit", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["signal", "team"], name="signals_access_unique")]
        indexes = [models.Index(fields=["team", "signal"], name="signals_access_team")]

    def __str__(self) -> str:
        return f"{self.signal_id}:{self.team_id}"


class SignalEvent(AppendOnlyModel):
    """Appended history: status changes, assignments, notes, feedback."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Status")
        ASSIGNMENT = "assignment", _("Toewijzing")
        NOTE = "note", _("Notitie")
        TASK = "task", _("Processtap")
        FEEDBACK = "feedback", _("Terugkoppeling aan de melder")
        FEEDBACK_APPROVED = "feedback_approved", _("Terugkoppeling goedgekeurd")
        FEEDBACK_REJECTED = "feedback_rejected", _("Terugkoppeling geweigerd")

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=30, blank=True)
    team = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    text = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # An assignment to a team of another organisation is a disclosure: the
    # legal ground the user chose for it (schakel.legal).
    legal_ground = models.ForeignKey(
        "legal.LegalGround",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rechtsgrond"),
    )

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("signaalgebeurtenis")
        verbose_name_plural = _("signaalgebeurtenissen")

    @property
    def status_label(self) -> str:
        return str(dict(Signal.Status.choices).get(self.status, self.status))


class LookupAttempt(models.Model):
    """One status lookup on the public page (reference + code), for its rate
    limit only: counted per client and per reference over the last hour, like
    the partner form's hourly limit. No content, no IP address: ``client`` is
    a keyed hash of it. Rows older than a day are removed by the lookup itself."""

    at = models.DateTimeField()
    client = models.CharField(max_length=64)
    signal_number = models.PositiveBigIntegerField(null=True)
    ok = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["client", "at"], name="signals_lookup_client"),
            models.Index(fields=["signal_number", "at"], name="signals_lookup_signal"),
            models.Index(fields=["at"], name="signals_lookup_at"),
        ]
        verbose_name = _("opvraging met opvolgcode")
        verbose_name_plural = _("opvragingen met opvolgcode")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'refused'}"


class DeadlineReminder(AppendOnlyModel):
    """A deadline reminder e-mailed to the team of an overdue step. One per
    (work item, deadline): the unique constraint makes the command idempotent."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="deadline_reminders")
    work_item = models.ForeignKey("workflows.WorkItem", on_delete=models.CASCADE, related_name="+")
    due_at = models.DateTimeField()
    team = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recipients = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("termijnherinnering")
        verbose_name_plural = _("termijnherinneringen")
        constraints = [
            models.UniqueConstraint(fields=["work_item", "due_at"], name="signals_reminder_once_per_deadline")
        ]


def attachment_path(instance, filename):
    return f"signals/{instance.signal_id}/{instance.sha256[:16]}"


class Attachment(TimeStampedModel):
    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("bijlage")
        verbose_name_plural = _("bijlagen")


class DeletionProof(AppendOnlyModel):
    """What is left after retention deleted a signal: no content, only that it
    existed, under which rule it was deleted and when."""

    signal_reference = models.CharField(max_length=20)
    category_code = models.CharField(max_length=60)
    created_month = models.CharField(max_length=7)
    closed_at = models.DateTimeField(null=True)
    status = models.CharField(max_length=30)
    rule = models.CharField(max_length=200)
    content_sha256 = models.CharField(max_length=64)
    deleted_at = models.DateTimeField()

    class Meta:
        ordering = ["-deleted_at"]
        verbose_name = _("bewijs van verwijdering")
        verbose_name_plural = _("bewijzen van verwijdering")
