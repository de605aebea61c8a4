"""Base models shared by every app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Adds creation and modification times; every domain model inherits it."""

    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True, editable=False)

    class Meta:
        abstract = True


class AppendOnlyQuerySet(models.QuerySet):
    """History rows are appended, never edited: bulk update/delete are refused."""

    def update(self, **kwargs):
        raise TypeError(f"{self.model.__name__} rows are append-only and cannot be updated.")

    def delete(self):
        raise TypeError(f"{self.model.__name__} rows are append-only and cannot be deleted.")


class AppendOnlyModel(models.Model):
    """Abstract base for history tables (status changes, measurements, events).

    ``save()`` only inserts; an instance that already exists cannot be saved
    again, and ``delete()`` is refused. Retention jobs that must remove rows use
    ``_raw_delete`` on purpose, through their own service, and leave a proof.
    """

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} rows are append-only and cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} rows are append-only and cannot be deleted.")


class SeedGrant(models.Model):
    """A permission that the seed once granted to a role.

    The seed grants each (role, permission) pair only once: if an administrator
    later removes it from the role, a re-seed does not put it back.
    """

    group = models.ForeignKey("auth.Group", on_delete=models.CASCADE, related_name="+")
    permission = models.ForeignKey("auth.Permission", on_delete=models.CASCADE, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["group", "permission"], name="seed_grant_unique")]

    def __str__(self) -> str:
        return f"{self.group_id}:{self.permission_id}"


class DeferredJob(models.Model):
    """Work a request leaves for after its response (ADR 0007, amendment 1),
    written in the request's own transaction so that it survives a worker
    that dies after answering, and vanishes with a request that rolls back.

    A row exists only while its work has not run: the runner deletes it in
    the same transaction as the work. ``payload`` holds ids and codes only,
    never names or other personal data."""

    name = models.CharField(max_length=80)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("uitgestelde taak")
        verbose_name_plural = _("uitgestelde taken")
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return f"{self.name} #{self.pk}"


class ScheduledRun(AppendOnlyModel):
    """One finished run of a scheduled command (cron or a systemd timer), so
    that the administrator and the DPO see whether retention, reminders and
    the audit check really run (core/scheduled.py). Written once, when the
    command ends; a run that dies without ending leaves no row and shows up
    as late. ``summary`` is what the command printed (counts, no personal
    data); ``error`` is the exception's class, plus the message only for our
    own ``CommandError`` texts."""

    task = models.CharField(max_length=60)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    ok = models.BooleanField()
    summary = models.CharField(max_length=300, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("uitvoering van een geplande taak")
        verbose_name_plural = _("uitvoeringen van geplande taken")
        ordering = ("-finished_at", "-id")
        default_permissions = ("view",)  # only the commands write; nobody edits a run
        indexes = [models.Index(fields=["task", "finished_at"], name="core_scheduled_task_at")]

    def __str__(self) -> str:
        return f"{self.task} {self.finished_at:%Y-%m-%d %H:%M}"

    @property
    def seconds(self) -> float:
        return round((self.finished_at - self.started_at).total_seconds(), 1)
