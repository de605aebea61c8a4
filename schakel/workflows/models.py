"""Versioned BPMN process definitions, running instances, work items, reminders."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from schakel.core.models import AppendOnlyModel, TimeStampedModel


class ProcessDefinition(TimeStampedModel):
    """One version of a BPMN process. Versions are never edited: a change is a
    new row with ``version + 1``; instances keep the version they started on."""

    key = models.SlugField(_("proces-id"), max_length=100)
    version = models.PositiveIntegerField(_("versie"))
    name = models.CharField(_("naam"), max_length=200)
    xml = models.TextField(_("BPMN-XML"))
    meta = models.JSONField(_("beschrijving"), default=dict, editable=False)
    is_active = models.BooleanField(_("actief"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["key", "-version"]
        verbose_name = _("procesdefinitie")
        verbose_name_plural = _("procesdefinities")
        constraints = [models.UniqueConstraint(fields=["key", "version"], name="workflows_def_key_version")]
        permissions = [("manage_processes", _("Kan BPMN-processen opladen en wijzigen"))]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class LaneTeam(TimeStampedModel):
    """A lane of a process (by process key, so new versions keep it) -> the unit
    whose queue receives that lane's user tasks."""

    process_key = models.SlugField(_("proces-id"), max_length=100)
    lane = models.CharField(_("baan (lane)"), max_length=200)
    team = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("team"))

    class Meta:
        ordering = ["process_key", "lane"]
        verbose_name = _("baan-teamkoppeling")
        verbose_name_plural = _("baan-teamkoppelingen")
        constraints = [models.UniqueConstraint(fields=["process_key", "lane"], name="workflows_lane_unique")]

    def __str__(self) -> str:
        return f"{self.process_key}/{self.lane}"


class ProcessInstance(TimeStampedModel):
    class Status(models.TextChoices):
        RUNNING = "running", _("lopend")
        COMPLETED = "completed", _("afgerond")

    definition = models.ForeignKey(ProcessDefinition, on_delete=models.PROTECT, related_name="instances")
    # The record the process is about, e.g. ("signals.signal", "42"): a plain
    # reference so this app needs no knowledge of its clients.
    subject_type = models.CharField(max_length=80)
    subject_id = models.CharField(max_length=64)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    state = models.TextField(_("toestand (SpiffWorkflow)"), editable=False)
    data = models.JSONField(default=dict, editable=False)
    path = models.JSONField(_("afgelegd pad"), default=list, editable=False)
    current = models.JSONField(_("huidige taken"), default=list, editable=False)
    team_overrides = models.JSONField(default=dict, editable=False)
    fired_timers = models.JSONField(default=list, editable=False)
    next_timer_at = models.DateTimeField(null=True, blank=True, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("lopend proces")
        verbose_name_plural = _("lopende processen")
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="workflows_inst_subject")]

    def __str__(self) -> str:
        return f"{self.definition.key} #{self.pk}"


class WorkItem(TimeStampedModel):
    """A user task waiting in a team's queue."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("afgewerkt")
        CANCELLED = "cancelled", _("vervallen")

    instance = models.ForeignKey(ProcessInstance, on_delete=models.CASCADE, related_name="work_items")
    task_id = models.CharField(max_length=64)
    bpmn_id = models.CharField(max_length=100)
    name = models.CharField(max_length=200)
    lane = models.CharField(max_length=200, blank=True)
    team = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    due_at = models.DateTimeField(null=True, blank=True)
    choice = models.CharField(max_length=100, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("werkitem")
        verbose_name_plural = _("werkitems")
        indexes = [models.Index(fields=["team", "status", "due_at"], name="workflows_item_queue")]
        permissions = [("work_on_items", _("Kan taken uit de wachtrij van het eigen team afwerken"))]

    def __str__(self) -> str:
        return self.name


class Reminder(AppendOnlyModel):
    """A timer event fired: a deadline reminder for the task it is attached to."""

    instance = models.ForeignKey(ProcessInstance, on_delete=models.CASCADE, related_name="reminders")
    work_item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders")
    timer_id = models.CharField(max_length=100)
    label = models.CharField(max_length=200, blank=True)
    fired_at = models.DateTimeField()

    class Meta:
        ordering = ["-fired_at"]
        verbose_name = _("herinnering")
        verbose_name_plural = _("herinneringen")
