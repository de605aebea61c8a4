"""Scheduled commands and whether they run (ADR 0010).

Retention, deadline reminders, the audit-chain check and the computed
indicators run from cron (README, "Scheduled jobs"). When cron stops, nothing
in the application would show it: a retention period silently stops being
enforced. Each such command records its runs (:func:`recorded`), and the
administrator and the DPO see, on their start page and on
``/geplande-taken/``, every task that is late, failed or never ran.

``TASKS`` mirrors the README's cron table: the command, what it is for, how
often it should run and after how long without a successful run it counts as
late. A test checks that every task is a real command that records its runs.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.management.base import CommandError
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import home
from .models import ScheduledRun

VIEW = "core.view_scheduledrun"
KEEP = timedelta(days=90)  # runs older than this are pruned when the task runs again


@dataclass(frozen=True)
class Task:
    command: str
    label: str  # lazy translation
    every: str  # lazy translation: how often cron runs it
    late_after: timedelta  # without a successful run for this long, the task is late


_FIVE_MINUTES = gettext_lazy("elke 5 minuten")
_DAILY = gettext_lazy("dagelijks")

TASKS: tuple[Task, ...] = (
    Task(
        "run_deferred_jobs", gettext_lazy("Uitgesteld werk afwerken (hit/no-hit)"), _FIVE_MINUTES, timedelta(minutes=30)
    ),
    Task(
        "signals_reminders",
        gettext_lazy("Termijnen en herinneringen van signalen (BPMN-timers)"),
        _FIVE_MINUTES,
        timedelta(minutes=30),
    ),
    Task("audit_verify", gettext_lazy("Audittrail controleren"), _DAILY, timedelta(hours=26)),
    Task("indicators_compute", gettext_lazy("Berekende indicatoren bijwerken"), _DAILY, timedelta(hours=26)),
    Task("signals_retention", gettext_lazy("Bewaartermijnen van signalen toepassen"), _DAILY, timedelta(hours=26)),
    Task("cases_retention", gettext_lazy("Bewaartermijnen van casussen toepassen"), _DAILY, timedelta(hours=26)),
    Task(
        "neighbourhoods_retention",
        gettext_lazy("Bewaartermijnen van de wijkwerking toepassen"),
        _DAILY,
        timedelta(hours=26),
    ),
)
BY_COMMAND = {t.command: t for t in TASKS}


# --- recording --------------------------------------------------------------


def _record(task: str, *, started: datetime, ok: bool, summary: str, error: str = "") -> None:
    now = timezone.now()
    ScheduledRun.objects.create(
        task=task, started_at=started, finished_at=now, ok=ok, summary=summary[:300], error=error[:300]
    )
    # Operational metadata, not history with a legal weight: pruned without proof.
    old = ScheduledRun.objects.filter(task=task, finished_at__lt=now - KEEP)
    old._raw_delete(old.db)


def recorded(handle):
    """Decorator for a command's ``handle``: records the run when it ends,
    successful or not. A ``--dry-run`` enforces nothing and is not recorded."""

    @functools.wraps(handle)
    def wrapper(self, *args, **options):
        if options.get("dry_run"):
            return handle(self, *args, **options)
        task = type(self).__module__.rsplit(".", 1)[-1]
        started = timezone.now()
        printed: list[str] = []
        write = self.stdout.write

        def tee(msg="", *a, **k):
            printed.append(str(msg).strip())
            return write(msg, *a, **k)

        self.stdout.write = tee
        try:
            result = handle(self, *args, **options)
        except BaseException as exc:
            # Our own CommandError texts are counts and ids; any other
            # exception's message might hold data, so only its class is kept.
            error = f"{type(exc).__name__}: {exc}" if isinstance(exc, CommandError) else type(exc).__name__
            _record(task, started=started, ok=False, summary="; ".join(printed), error=error)
            raise
        finally:
            self.stdout.write = write
        _record(task, started=started, ok=True, summary="; ".join(printed))
        return result

    return wrapper


# --- reading ----------------------------------------------------------------


@dataclass(frozen=True)
class TaskStatus:
    task: Task
    last_at: datetime | None  # the last run, successful or not
    last_ok_at: datetime | None
    last_error: str
    late: bool

    @property
    def never(self) -> bool:
        return self.last_at is None

    @property
    def failed(self) -> bool:
        return self.last_at is not None and (self.last_ok_at is None or self.last_ok_at < self.last_at)

    @property
    def needs_attention(self) -> bool:
        return self.late or self.failed


def overview(*, now: datetime | None = None) -> list[TaskStatus]:
    """Every task's state, in two queries at most."""
    now = now or timezone.now()
    names = [t.command for t in TASKS]
    stats = {
        row["task"]: row
        for row in ScheduledRun.objects.filter(task__in=names)
        .values("task")
        .annotate(last_at=Max("finished_at"), last_ok_at=Max("finished_at", filter=Q(ok=True)))
        .order_by()
    }
    failed_at = {
        name: row["last_at"]
        for name, row in stats.items()
        if row["last_ok_at"] is None or row["last_ok_at"] < row["last_at"]
    }
    errors = {}
    if failed_at:
        q = Q()
        for name, at in failed_at.items():
            q |= Q(task=name, finished_at=at)
        errors = dict(ScheduledRun.objects.filter(q, ok=False).values_list("task", "error"))
    result = []
    for task in TASKS:
        row = stats.get(task.command, {})
        last_ok = row.get("last_ok_at")
        result.append(
            TaskStatus(
                task=task,
                last_at=row.get("last_at"),
                last_ok_at=last_ok,
                last_error=errors.get(task.command, ""),
                late=last_ok is None or now - last_ok > task.late_after,
            )
        )
    return result


def recent_runs(limit: int = 50):
    return ScheduledRun.objects.filter(task__in=list(BY_COMMAND)).order_by("-finished_at", "-id")[:limit]


# --- start page ---------------------------------------------------------------


@home.register("scheduled_tasks", order=90)
def scheduled_panel(user, *, today):
    """Tasks that are late, failed or never ran; no panel when all run on time."""
    if not user.has_perm(VIEW):
        return None
    statuses = overview()
    attention = [s for s in statuses if s.needs_attention]
    if not attention:
        return None
    if all(s.never for s in statuses):
        # A fresh installation (or the demo): one line, not one per task.
        return home.Panel(
            key="scheduled_tasks",
            title=_("Geplande taken die aandacht vragen"),
            rows=[
                home.Row(
                    label=_("Nog geen enkele geplande taak uitgevoerd"),
                    url=reverse("core:scheduled"),
                    detail=_(
                        "Laat cron of een systemd-timer ze uitvoeren, zoals de installatiehandleiding beschrijft."
                    ),
                )
            ],
            more_url=reverse("core:scheduled"),
            more_label=_("Naar de geplande taken"),
        )
    rows = []
    for s in attention:
        if s.never:
            detail = _("nog nooit uitgevoerd (verwacht: %(every)s)") % {"every": s.task.every}
        elif s.failed:
            detail = _("laatste poging mislukt op %(at)s") % {"at": _local(s.last_at)}
        else:
            detail = _("te laat: laatst gelukt op %(at)s (verwacht: %(every)s)") % {
                "at": _local(s.last_ok_at),
                "every": s.task.every,
            }
        rows.append(home.Row(label=str(s.task.label), url=reverse("core:scheduled"), detail=detail))
    return home.Panel(
        key="scheduled_tasks",
        title=_("Geplande taken die aandacht vragen"),
        rows=rows,
        more_url=reverse("core:scheduled"),
        more_label=_("Naar de geplande taken"),
    )


def _local(at: datetime) -> str:
    return timezone.localtime(at).strftime("%d-%m-%Y %H:%M")
