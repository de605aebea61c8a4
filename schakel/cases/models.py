"""Case consultations: closed circles around a case (OBH premises/business,
youth case approach, other), their members, subjects, status history,
identity reveals, hits, meetings with minutes, decisions and action items,
the plan of approach and the youth exit plan.

Only active members of a case see its content. Membership is per person and
always names the legal ground that allows it. Everything that happens to a
case (status, reveals, decisions) is appended, never edited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from schakel.core.models import AppendOnlyModel, TimeStampedModel


class CaseType(models.TextChoices):
    OBH = "obh", _("OBH – pand of onderneming")
    YOUTH = "youth", _("Casusaanpak jongere")
    OTHER = "other", _("Ander casusoverleg")


# The permission a user needs to be a member of (and so see) a case of a type.
PARTICIPATE_PERMISSION = {
    CaseType.OBH: "cases.participate_obh",
    CaseType.YOUTH: "cases.participate_youth",
    CaseType.OTHER: "cases.participate_other",
}


class CaseStatus(models.TextChoices):
    REGISTERED = "aangemeld", _("Aangemeld")
    DISCUSSED = "besproken", _("Besproken")
    PLAN = "plan", _("Plan van aanpak")
    EXECUTION = "uitvoering", _("Uitvoering")
    FOLLOW_UP = "opvolging", _("Opvolging")
    CLOSED = "afgesloten", _("Afgesloten")


# The prefix of a case's reference ("JEUGD-3"). Fixed Dutch identifiers, not
# translated: the reference is quoted in minutes, PDFs and by phone with the
# parket, so it must read the same in every language of the interface.
REFERENCE_PREFIX: dict[str, str] = {
    CaseType.OBH: "OBH",
    CaseType.YOUTH: "JEUGD",
    CaseType.OTHER: "OVERLEG",
}


# The status flow as a transition table: from -> allowed next states.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    CaseStatus.REGISTERED: (CaseStatus.DISCUSSED, CaseStatus.CLOSED),
    CaseStatus.DISCUSSED: (CaseStatus.PLAN, CaseStatus.CLOSED),
    CaseStatus.PLAN: (CaseStatus.EXECUTION, CaseStatus.DISCUSSED, CaseStatus.CLOSED),
    CaseStatus.EXECUTION: (CaseStatus.FOLLOW_UP, CaseStatus.PLAN, CaseStatus.CLOSED),
    CaseStatus.FOLLOW_UP: (CaseStatus.CLOSED, CaseStatus.EXECUTION),
    CaseStatus.CLOSED: (CaseStatus.FOLLOW_UP,),
}


class Track(models.TextChoices):
    ADMINISTRATIVE = "administrative", _("Bestuurlijk")
    CRIMINAL = "criminal", _("Strafrechtelijk")
    SOCIAL = "social", _("Sociaal")


class Case(TimeStampedModel):
    case_type = models.CharField(_("soort"), max_length=10, choices=CaseType.choices)
    title = models.CharField(_("neutrale titel"), max_length=120, help_text=_("Zonder namen van personen."))
    status = models.CharField(_("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.REGISTERED)
    legal_ground = models.ForeignKey(
        "legal.LegalGround", on_delete=models.PROTECT, related_name="+", verbose_name=_("rechtsgrond")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("eigenaar")
    )
    registered_at = models.DateTimeField(_("aangemeld op"))
    plan_at = models.DateTimeField(_("plan van aanpak op"), null=True, blank=True)
    closed_at = models.DateTimeField(_("afgesloten op"), null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-registered_at", "-id"]
        verbose_name = _("casus")
        verbose_name_plural = _("casussen")
        indexes = [models.Index(fields=["case_type", "status"], name="case_type_status_idx")]
        permissions = [
            ("link_signal", _("Kan signalen aan een casus koppelen")),
            ("participate_obh", _("Kan lid zijn van OBH-casussen")),
            ("participate_youth", _("Kan lid zijn van jongerencasussen")),
            ("participate_other", _("Kan lid zijn van andere casussen")),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"{REFERENCE_PREFIX.get(self.case_type, self.case_type.upper())}-{self.pk}"


class CaseStatusChange(AppendOnlyModel):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=CaseStatus.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]


class CaseMember(TimeStampedModel):
    class Role(models.TextChoices):
        OWNER = "owner", _("Eigenaar / regisseur")
        PARTNER = "partner", _("Partner")
        ADVISOR = "advisor", _("Adviseur")
        MINUTES = "minutes", _("Verslaggever")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_memberships")
    role = models.CharField(_("rol in de casus"), max_length=10, choices=Role.choices)
    legal_ground = models.ForeignKey(
        "legal.LegalGround", on_delete=models.PROTECT, related_name="+", verbose_name=_("rechtsgrond")
    )
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user"], condition=models.Q(removed_at__isnull=True), name="case_member_active_once"
            )
        ]
        indexes = [models.Index(fields=["user", "case"], name="case_member_user_idx")]


class CaseSubject(TimeStampedModel):
    class Role(models.TextChoices):
        YOUNG_PERSON = "young_person", _("Jongere")
        OPERATOR = "operator", _("Uitbater")
        OWNER = "owner", _("Eigenaar")
        PREMISES = "premises", _("Pand / inrichting")
        ENTERPRISE = "enterprise", _("Onderneming")
        RELATIVE = "relative", _("Familielid")
        INVOLVED = "involved", _("Betrokkene")
        VEHICLE = "vehicle", _("Voertuig")

    # The roles that fit a subject of each kind (subjects.Subject.Kind); the
    # first one is what the form proposes for that kind.
    ROLES_BY_KIND: dict[str, tuple[str, ...]] = {
        "person": ("involved", "young_person", "operator", "owner", "relative"),
        "enterprise": ("enterprise", "operator", "owner", "involved"),
        "establishment": ("premises", "involved"),
        "vehicle": ("vehicle", "involved"),
    }

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="case_subjects")
    subject = models.ForeignKey("subjects.Subject", on_delete=models.PROTECT, related_name="case_links")
    role = models.CharField(_("rol"), max_length=15, choices=Role.choices)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "subject"], name="case_subject_once")]


class IdentityReveal(AppendOnlyModel):
    """A member revealed a young person's identity inside a case (reasoned)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reveals")
    subject = models.ForeignKey("subjects.Subject", on_delete=models.PROTECT, related_name="+")
    revealed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revealed_at = models.DateTimeField()
    reason = models.CharField(max_length=500)


class Hit(TimeStampedModel):
    """A subject in ``case`` matched something entered by someone who is not
    a member. Only the case owner sees it; the trigger learns nothing."""

    class Status(models.TextChoices):
        NEW = "new", _("Nieuw")
        CONTACTED = "contacted", _("Contact opgenomen")
        DISMISSED = "dismissed", _("Geen opvolging")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="hits")
    matched_subject = models.ForeignKey("subjects.Subject", on_delete=models.PROTECT, related_name="+")
    # None for a signal sent by an external partner through an invitation link.
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    trigger_kind = models.CharField(max_length=30)  # "case_subject", "signal", "case_title"
    # For a signal: its reference (S-000123), so the owner can ask its team; no content.
    trigger_reference = models.CharField(max_length=30, blank=True)
    reason = models.CharField(max_length=20)  # "identifier" or "name"
    score = models.DecimalField(max_digits=5, decimal_places=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)

    class Meta:
        ordering = ["-created_at", "-id"]


class Notification(TimeStampedModel):
    """A message to one user about one case (reveal, hit). No personal data in ``text``."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notifications")
    kind = models.CharField(max_length=20)
    text = models.CharField(max_length=300)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class Meeting(TimeStampedModel):
    class Type(models.TextChoices):
        OBH = "obh", _("OBH – overleg bestuurlijke handhaving")
        OSP = "osp", _("OSP – overleg sociale preventie")
        YOUTH = "youth", _("Casusoverleg jongeren")

    meeting_type = models.CharField(_("soort overleg"), max_length=10, choices=Type.choices)
    title = models.CharField(_("titel"), max_length=200)
    starts_at = models.DateTimeField(_("begin"))
    ends_at = models.DateTimeField(_("einde"))
    location = models.CharField(_("plaats"), max_length=200, blank=True)
    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="case_meetings", blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("overleg")
        verbose_name_plural = _("overleggen")


class AgendaItem(TimeStampedModel):
    """A case on a meeting's agenda, with its minutes. The minutes carry a
    version number for optimistic concurrency: a save names the version it
    started from and is refused when someone saved in between."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="items")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveIntegerField(default=0)
    minutes = models.TextField(_("verslag"), blank=True)
    minutes_version = models.PositiveIntegerField(default=0)
    minutes_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    minutes_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "case"], name="agenda_case_once")]


class MinutesRevision(AppendOnlyModel):
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="revisions")
    version = models.PositiveIntegerField()
    text = models.TextField()
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    saved_at = models.DateTimeField()

    class Meta:
        ordering = ["item", "version"]


class Decision(AppendOnlyModel):
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="decisions")
    text = models.CharField(_("beslissing"), max_length=1000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "id"]


class ActionItem(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("Lopend")
        DONE = "done", _("Uitgevoerd")
        CANCELLED = "cancelled", _("Geannuleerd")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="action_items")
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, null=True, blank=True, related_name="actions")
    title = models.CharField(_("actie"), max_length=300)
    track = models.CharField(_("spoor"), max_length=20, choices=Track.choices)
    owner_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisatie")
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verantwoordelijke"),
    )
    due_date = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["due_date", "id"]


class Intervention(TimeStampedModel):
    """One line of the plan of approach: a measure on a track with its legal instrument."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Gepland")
        RUNNING = "running", _("Lopend")
        DONE = "done", _("Uitgevoerd")
        DROPPED = "dropped", _("Niet uitgevoerd")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="interventions")
    track = models.CharField(_("spoor"), max_length=20, choices=Track.choices)
    instrument = models.ForeignKey(
        "legal.LegalInstrument", on_delete=models.PROTECT, related_name="+", verbose_name=_("juridisch instrument")
    )
    description = models.CharField(_("omschrijving"), max_length=500)
    responsible_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("verantwoordelijke partner")
    )
    due_date = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["track", "id"]


# Status flow of an intervention: from -> allowed next states.
INTERVENTION_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "planned": ("running", "dropped"),
    "running": ("done", "dropped"),
    "done": ("running",),
    "dropped": ("planned",),
}


class InterventionStatusChange(AppendOnlyModel):
    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=Intervention.Status.choices)
    to_status = models.CharField(max_length=10, choices=Intervention.Status.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]


class LifeDomain(models.TextChoices):
    NETWORK = "network", _("Prosociaal netwerk")
    CARE = "care", _("Zorg en welzijn")
    LEISURE = "leisure", _("Vrije tijd")
    EDUCATION = "education", _("Onderwijs")
    WORK = "work", _("Bonafide werk")
    HOUSING = "housing", _("Wonen")
    FINANCES = "finances", _("Financiën")


class ExitGoal(TimeStampedModel):
    """A goal of a young person's exit plan in one life domain."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        REACHED = "reached", _("Bereikt")
        NOT_REACHED = "not_reached", _("Niet bereikt")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="exit_goals")
    domain = models.CharField(_("levensdomein"), max_length=12, choices=LifeDomain.choices)
    goal = models.CharField(_("doel"), max_length=500)
    responsible_partner = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("verantwoordelijke partner")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["domain", "id"]


# Status flow of an exit-plan goal: from -> allowed next states.
EXIT_GOAL_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "open": ("reached", "not_reached"),
    "reached": ("open",),
    "not_reached": ("open",),
}


class ExitGoalStatusChange(AppendOnlyModel):
    goal = models.ForeignKey(ExitGoal, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=ExitGoal.Status.choices)
    to_status = models.CharField(max_length=12, choices=ExitGoal.Status.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]


class TwoPhaseFile(TimeStampedModel):
    """The prosecutor's two-phase list: judicial files police and prosecutor
    select as fit for an administrative approach. Visible to them only."""

    class Phase(models.TextChoices):
        PROPOSED = "proposed", _("Voorgesteld")
        SELECTED = "selected", _("Geschikt voor bestuurlijke aanpak")
        REJECTED = "rejected", _("Niet geschikt")
        TRANSFERRED = "transferred", _("Overgedragen aan OBH")

    judicial_reference = models.CharField(_("notitienummer / PV"), max_length=60)
    summary = models.CharField(_("korte omschrijving"), max_length=500)
    phase = models.CharField(_("fase"), max_length=12, choices=Phase.choices, default=Phase.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("dossier tweefasenstrategie")
        verbose_name_plural = _("dossiers tweefasenstrategie")


class CaseSignalLink(AppendOnlyModel):
    """History of the signals linked to a case: each link and each unlink is a
    row. A signal is linked while its latest row says "linked".

    The signal is referenced without a database constraint and without any
    effect on deletion: the signals app's retention deletes signals on its own
    schedule, and the case keeps the reference (``signal_reference``) and the
    note. Linking gives the circle no access to the signal: each member sees
    its content only if the signals app lets him (``signals_visible_to``)."""

    class Action(models.TextChoices):
        LINKED = "linked", _("Gekoppeld")
        UNLINKED = "unlinked", _("Ontkoppeld")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="signal_links")
    signal = models.ForeignKey(
        "signals.Signal", on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    signal_reference = models.CharField(max_length=20)
    action = models.CharField(max_length=10, choices=Action.choices)
    note = models.CharField(_("toelichting"), max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "signal"], name="case_signal_link_idx")]


class CaseRetentionRule(TimeStampedModel):
    """Editable reference data: how long a closed case of a type is kept
    before ``manage.py cases_retention`` deletes it (with a proof)."""

    case_type = models.CharField(_("soort casus"), max_length=10, choices=CaseType.choices, unique=True)
    months_after_close = models.PositiveIntegerField(_("bewaartermijn na afsluiten (maanden)"))
    legal_basis = models.CharField(_("grondslag van de termijn"), max_length=300)

    class Meta:
        ordering = ["case_type"]
        verbose_name = _("bewaartermijn casus")
        verbose_name_plural = _("bewaartermijnen casussen")

    def __str__(self) -> str:
        return f"{self.get_case_type_display()}: {self.months_after_close}"


class CaseDeletionProof(AppendOnlyModel):
    """What is left of a case after retention: no content and no names, only
    that it existed, its type, when it ran, under which rule it was deleted,
    a hash of its content and how many rows went."""

    case_reference = models.CharField(max_length=30)
    case_type = models.CharField(max_length=10, choices=CaseType.choices)
    registered_month = models.CharField(max_length=7)
    closed_at = models.DateTimeField(null=True)
    rule = models.CharField(max_length=200)
    content_sha256 = models.CharField(max_length=64)
    counts = models.JSONField(default=dict)
    deleted_at = models.DateTimeField()

    class Meta:
        ordering = ["-deleted_at", "-id"]
        verbose_name = _("bewijs van verwijdering (casus)")
        verbose_name_plural = _("bewijzen van verwijdering (casussen)")
