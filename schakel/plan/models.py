"""The action plan as data: plan, strategic and operational objectives, actions
with appended progress updates, the core group and working groups with their
members and meetings, funding lines, indicators and append-only measurements."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schakel.accounts.models import Organisation
from schakel.core.models import AppendOnlyModel, TimeStampedModel


class ActionPlan(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "ontwerp", _("Ontwerp")
        ACTIVE = "actief", _("Actief")
        CLOSED = "afgesloten", _("Afgesloten")

    code = models.SlugField(_("code"), max_length=80, unique=True)
    title = models.CharField(_("titel"), max_length=250)
    city = models.CharField(_("stad of gemeente"), max_length=120)
    description = models.TextField(_("omschrijving"), blank=True)
    period_start = models.DateField(_("begin"))
    period_end = models.DateField(_("einde"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    backbone = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("backbone-organisatie")
    )
    partners = models.ManyToManyField(Organisation, related_name="action_plans", verbose_name=_("partners"))

    class Meta:
        ordering = ["-period_start", "code"]
        verbose_name = _("actieplan")
        verbose_name_plural = _("actieplannen")
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="plan_period_order")
        ]
        permissions = [
            ("manage_plan", _("Kan het hele actieplan beheren")),
            ("view_followup", _("Kan de opvolging (dashboard en rapporten) bekijken")),
            ("compute_indicators", _("Kan berekende indicatoren laten berekenen")),
        ]

    def __str__(self) -> str:
        return self.title


class StrategicObjective(TimeStampedModel):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="strategic_objectives")
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("titel"), max_length=250)
    text = models.TextField(_("tekst"))
    order = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        ordering = ["plan", "order", "code"]
        verbose_name = _("strategische doelstelling")
        verbose_name_plural = _("strategische doelstellingen")
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="sd_code_unique_per_plan")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class ObjectiveStatus(models.TextChoices):
    NOT_STARTED = "niet_gestart", _("Niet gestart")
    RUNNING = "lopend", _("Lopend")
    ACHIEVED = "behaald", _("Behaald")
    AT_RISK = "risico", _("Risico")
    CANCELLED = "geschrapt", _("Geschrapt")


class OperationalObjective(TimeStampedModel):
    Status = ObjectiveStatus

    strategic_objective = models.ForeignKey(
        StrategicObjective, on_delete=models.CASCADE, related_name="operational_objectives"
    )
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("titel"), max_length=400)
    text = models.TextField(_("tekst"))
    order = models.PositiveSmallIntegerField(_("volgorde"), default=0)
    lead_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("trekker")
    )
    lead_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verantwoordelijke"),
    )
    lead_function = models.CharField(_("functie verantwoordelijke"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    start = models.DateField(_("begin"), null=True, blank=True)
    end = models.DateField(_("einde"), null=True, blank=True)

    class Meta:
        ordering = ["strategic_objective__order", "order", "code"]
        verbose_name = _("operationele doelstelling")
        verbose_name_plural = _("operationele doelstellingen")
        constraints = [
            models.UniqueConstraint(fields=["strategic_objective", "code"], name="od_code_unique_per_sd"),
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="od_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Action(TimeStampedModel):
    class Status(models.TextChoices):
        PLANNED = "gepland", _("Gepland")
        RUNNING = "lopend", _("Lopend")
        DELAYED = "vertraagd", _("Vertraagd")
        DONE = "afgerond", _("Afgerond")
        CANCELLED = "geschrapt", _("Geschrapt")

    # The state machine: status -> statuses it may move to.
    TRANSITIONS: dict[str, set[str]] = {
        "gepland": {"lopend", "vertraagd", "afgerond", "geschrapt"},
        "lopend": {"vertraagd", "afgerond", "geschrapt"},
        "vertraagd": {"lopend", "afgerond", "geschrapt"},
        "afgerond": set(),
        "geschrapt": set(),
    }
    OPEN = ("gepland", "lopend", "vertraagd")

    objective = models.ForeignKey(OperationalObjective, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("titel"), max_length=300)
    description = models.TextField(_("omschrijving"), blank=True)
    owner_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("eigenaar (organisatie)")
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("eigenaar (persoon)"),
    )
    owner_function = models.CharField(_("functie eigenaar"), max_length=200, blank=True)
    due_date = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    progress = models.PositiveSmallIntegerField(
        _("voortgang (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    completed_on = models.DateField(_("afgerond op"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo"), default=False)

    class Meta:
        ordering = ["objective__strategic_objective__order", "objective__order", "due_date", "id"]
        verbose_name = _("actie")
        verbose_name_plural = _("acties")
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="action_progress_max_100")]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status in self.OPEN and self.due_date is not None and self.due_date < today


class ActionUpdate(AppendOnlyModel):
    """A progress update: appended, never edited."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    at = models.DateTimeField(_("tijdstip"), default=timezone.now)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=Action.Status.choices)
    progress = models.PositiveSmallIntegerField(_("voortgang (%)"))
    note = models.TextField(_("toelichting"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("voortgangsupdate")
        verbose_name_plural = _("voortgangsupdates")


class PlanGroup(TimeStampedModel):
    """The strategic core group (kerngroep) or an operational working group."""

    class Kind(models.TextChoices):
        CORE = "kerngroep", _("Strategische kerngroep")
        WORKING = "werkgroep", _("Werkgroep")

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="groups")
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("naam"), max_length=200)
    strategic_objective = models.OneToOneField(
        StrategicObjective,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="working_group",
        verbose_name=_("strategische doelstelling"),
    )

    class Meta:
        ordering = ["plan", "kind", "strategic_objective__order", "name"]
        verbose_name = _("groep")
        verbose_name_plural = _("groepen")
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="group_name_unique_per_plan")]

    def __str__(self) -> str:
        return self.name


class GroupMember(TimeStampedModel):
    """A member: a user, or a function with its organisation when the person has no account."""

    group = models.ForeignKey(PlanGroup, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="plan_memberships"
    )
    function = models.CharField(_("functie"), max_length=200)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    is_lead = models.BooleanField(_("verantwoordelijke"), default=False)
    order = models.PositiveSmallIntegerField(default=0)
    is_demo = models.BooleanField(_("demo"), default=False)

    class Meta:
        ordering = ["group", "order", "id"]
        verbose_name = _("groepslid")
        verbose_name_plural = _("groepsleden")

    def __str__(self) -> str:
        return f"{self.function} ({self.organisation})"


class Meeting(TimeStampedModel):
    group = models.ForeignKey(PlanGroup, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField(_("datum"))
    location = models.CharField(_("plaats"), max_length=200, blank=True)
    attendees = models.TextField(_("aanwezigen (functies)"), blank=True)
    decisions = models.TextField(_("beslissingen"), blank=True)
    report_discussed = models.CharField(_("besproken rapport"), max_length=250, blank=True)
    is_demo = models.BooleanField(_("demo"), default=False)

    class Meta:
        ordering = ["group", "-date"]
        verbose_name = _("vergadering")
        verbose_name_plural = _("vergaderingen")

    def __str__(self) -> str:
        return f"{self.group} {self.date:%d-%m-%Y}"


class FundingLine(TimeStampedModel):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="funding_lines")
    source = models.CharField(_("bron"), max_length=200)
    decree_reference = models.CharField(_("besluit"), max_length=200, blank=True)
    amount_eur = models.DecimalField(_("bedrag (euro)"), max_digits=12, decimal_places=2, null=True, blank=True)
    fte = models.DecimalField(_("VTE"), max_digits=5, decimal_places=2, null=True, blank=True)
    period_start = models.DateField(_("begin"), null=True, blank=True)
    period_end = models.DateField(_("einde"), null=True, blank=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    purpose = models.TextField(_("doel"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order", "id"]
        verbose_name = _("financieringslijn")
        verbose_name_plural = _("financieringslijnen")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="funding_period_order",
            ),
            models.CheckConstraint(
                condition=Q(amount_eur__isnull=True) | Q(amount_eur__gte=0), name="funding_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.source


class Indicator(TimeStampedModel):
    class Level(models.TextChoices):
        INPUT = "input", _("Input")
        ACTIVITY = "activiteit", _("Activiteit")
        OUTPUT = "output", _("Output")
        OUTCOME = "outcome", _("Outcome")
        IMPACT = "impact", _("Impact")

    class RbaQuestion(models.TextChoices):
        HOW_MUCH = "hoeveel", _("Hoeveel hebben we gedaan?")
        HOW_WELL = "hoe_goed", _("Hoe goed hebben we het gedaan?")
        BETTER_OFF = "beter_af", _("Is iemand beter af?")

    class Kind(models.TextChoices):
        POPULATION = "populatie", _("Populatie-indicator")
        PERFORMANCE = "prestatie", _("Prestatie-indicator")

    class Direction(models.TextChoices):
        UP = "hoger", _("Hoger is beter")
        DOWN = "lager", _("Lager is beter")

    class Frequency(models.TextChoices):
        MONTHLY = "maandelijks", _("Maandelijks")
        QUARTERLY = "kwartaal", _("Per kwartaal")
        YEARLY = "jaarlijks", _("Jaarlijks")
        ONCE = "eenmalig", _("Eenmalig")

    class Source(models.TextChoices):
        MANUAL = "manueel", _("Manueel")
        COMPUTED = "berekend", _("Berekend")

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("naam"), max_length=300)
    definition = models.TextField(_("definitie"), blank=True)
    strategic_objective = models.ForeignKey(
        StrategicObjective, on_delete=models.CASCADE, related_name="indicators", null=True, blank=True
    )
    operational_objective = models.ForeignKey(
        OperationalObjective, on_delete=models.CASCADE, related_name="indicators", null=True, blank=True
    )
    level = models.CharField(_("niveau"), max_length=20, choices=Level.choices)
    rba_question = models.CharField(_("RBA-vraag"), max_length=20, choices=RbaQuestion.choices)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    unit = models.CharField(_("eenheid"), max_length=30)
    direction = models.CharField(_("richting"), max_length=10, choices=Direction.choices)
    baseline_value = models.DecimalField(_("nulmeting"), max_digits=14, decimal_places=3, null=True, blank=True)
    baseline_date = models.DateField(_("datum nulmeting"), null=True, blank=True)
    baseline_source = models.CharField(_("bron nulmeting"), max_length=250, blank=True)
    target_value = models.DecimalField(_("streefwaarde"), max_digits=14, decimal_places=3, null=True, blank=True)
    target_date = models.DateField(_("streefdatum"), null=True, blank=True)
    frequency = models.CharField(_("frequentie"), max_length=20, choices=Frequency.choices)
    source = models.CharField(_("bron"), max_length=20, choices=Source.choices, default=Source.MANUAL)
    computed_key = models.CharField(_("berekende query"), max_length=120, blank=True)
    computed_params = models.JSONField(_("parameters"), default=dict, blank=True)
    is_demo = models.BooleanField(_("demo"), default=False)

    class Meta:
        ordering = ["plan", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicatoren")
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="indicator_code_unique_per_plan"),
            models.CheckConstraint(
                condition=Q(source="manueel") | ~Q(computed_key=""), name="computed_indicator_has_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_percentage(self) -> bool:
        return self.unit.strip() == "%"

    @property
    def objective(self):
        return self.operational_objective or self.strategic_objective

    def is_on_target(self, value: Decimal | None) -> bool | None:
        """None when there is no value or no target."""
        if value is None or self.target_value is None:
            return None
        if self.direction == self.Direction.UP:
            return value >= self.target_value
        return value <= self.target_value


class Measurement(AppendOnlyModel):
    """One value of an indicator for a period. Append-only: a correction is a
    new row that points to the row it corrects; the corrected row stays."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    period_start = models.DateField(_("periode van"))
    period_end = models.DateField(_("periode tot"))
    value = models.DecimalField(_("waarde"), max_digits=14, decimal_places=3)
    note = models.TextField(_("toelichting"), blank=True)
    source = models.CharField(_("bron"), max_length=250, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(_("ingevoerd op"), default=timezone.now)
    corrects = models.OneToOneField(
        "self",
        # RESTRICT, not PROTECT: a corrected row cannot be removed on its own,
        # but deleting a whole plan (cascade) removes both rows.
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="corrected_by",
        verbose_name=_("corrigeert"),
    )
    is_demo = models.BooleanField(_("demo"), default=False)

    class Meta:
        ordering = ["indicator", "period_start", "id"]
        verbose_name = _("meting")
        verbose_name_plural = _("metingen")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="measurement_period_order"
            )
        ]
        indexes = [models.Index(fields=["indicator", "period_start"])]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period_start:%d-%m-%Y}: {self.value}"
