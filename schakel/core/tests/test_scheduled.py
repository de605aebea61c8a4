"""Scheduled commands record their runs; late, failed and never-run tasks
show on the administrator's and the DPO's start page (core/scheduled.py)."""

import importlib
import io
from datetime import timedelta

import pytest
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError
from django.utils import timezone

from schakel.core import scheduled
from schakel.core.models import ScheduledRun
from schakel.core.testing import assert_constant_queries, home_panels, persona_user

pytestmark = pytest.mark.django_db

# Arguments a command needs to run in a test.
ARGS = {"signals_reminders": ["--base-url", "https://schakel.test"]}


def _run(task, *, ago, ok=True, error=""):
    at = timezone.now() - ago
    return ScheduledRun.objects.create(task=task, started_at=at, finished_at=at, ok=ok, error=error)


def _all_on_time(*, but=()):
    for task in scheduled.TASKS:
        if task.command not in but:
            _run(task.command, ago=timedelta(minutes=1))


@pytest.mark.parametrize("task", scheduled.TASKS, ids=lambda t: t.command)
def test_every_task_is_a_command_that_records_its_runs(seeded, task):
    assert task.command in get_commands()
    module = importlib.import_module(f"{get_commands()[task.command]}.management.commands.{task.command}")
    assert getattr(module.Command.handle, "__wrapped__", None), f"{task.command}.handle is not @recorded"
    call_command(task.command, *ARGS.get(task.command, []), stdout=io.StringIO())
    run = ScheduledRun.objects.get(task=task.command)
    assert run.ok and run.error == ""
    assert run.started_at <= run.finished_at
    assert run.summary  # what the command printed: counts only


def test_a_dry_run_is_not_a_run(seeded):
    call_command("signals_retention", "--dry-run", stdout=io.StringIO())
    assert not ScheduledRun.objects.exists()


def test_a_failed_run_is_recorded_and_the_error_raised(seeded, monkeypatch):
    from schakel.audit.management.commands import audit_verify

    class Broken:
        ok = False
        first_broken_id = None
        reason = "hash mismatch"
        checked = 7

    monkeypatch.setattr(audit_verify, "verify_chain", lambda **kw: Broken())
    with pytest.raises(CommandError):
        call_command("audit_verify", stdout=io.StringIO())
    run = ScheduledRun.objects.get(task="audit_verify")
    assert not run.ok
    assert run.error.startswith("CommandError: audit chain BROKEN")
    status = {s.task.command: s for s in scheduled.overview()}["audit_verify"]
    assert status.failed and status.needs_attention


def test_other_exceptions_keep_only_their_class(seeded, monkeypatch):
    from schakel.signals import services

    def boom(**kw):
        raise ValueError("Jan Janssens (fictief) woont in de Bruul 10")

    monkeypatch.setattr(services, "retention_run", boom)
    with pytest.raises(ValueError):
        call_command("signals_retention", stdout=io.StringIO())
    run = ScheduledRun.objects.get(task="signals_retention")
    assert run.error == "ValueError"


def test_late_after_its_own_interval():
    _run("signals_reminders", ago=timedelta(minutes=29))
    _run("signals_retention", ago=timedelta(hours=25))
    _run("cases_retention", ago=timedelta(hours=27))
    _run("run_deferred_jobs", ago=timedelta(minutes=31))
    status = {s.task.command: s for s in scheduled.overview()}
    assert not status["signals_reminders"].late
    assert not status["signals_retention"].late
    assert status["cases_retention"].late
    assert status["run_deferred_jobs"].late
    assert status["audit_verify"].never and status["audit_verify"].late


def test_a_success_after_a_failure_clears_it():
    _run("audit_verify", ago=timedelta(hours=2), ok=False, error="CommandError: x")
    assert {s.task.command: s for s in scheduled.overview()}["audit_verify"].failed
    _run("audit_verify", ago=timedelta(hours=1))
    status = {s.task.command: s for s in scheduled.overview()}["audit_verify"]
    assert not status.failed and not status.needs_attention


def test_old_runs_are_pruned_when_the_task_runs_again():
    old = _run("signals_retention", ago=scheduled.KEEP + timedelta(days=1))
    other = _run("cases_retention", ago=scheduled.KEEP + timedelta(days=1))
    scheduled._record("signals_retention", started=timezone.now(), ok=True, summary="deleted 0 signals")
    assert not ScheduledRun.objects.filter(pk=old.pk).exists()
    assert ScheduledRun.objects.filter(pk=other.pk).exists()  # another task's rows stay until it runs


def test_the_panel_lists_what_needs_attention_for_the_administrator_and_the_dpo(client, seeded):
    _all_on_time(but={"cases_retention", "audit_verify"})
    _run("cases_retention", ago=timedelta(days=3))
    _run("audit_verify", ago=timedelta(seconds=5), ok=False, error="CommandError: audit chain BROKEN")
    for persona in ("beheerder", "dpo"):
        panels, html = home_panels(client, persona_user(persona))
        rows = panels["scheduled_tasks"].rows
        assert [r.label for r in rows] == ["Audittrail controleren", "Bewaartermijnen van casussen toepassen"]
        assert "mislukt" in rows[0].detail
        assert "te laat" in rows[1].detail
        assert "Geplande taken die aandacht vragen" in html


def test_no_panel_when_everything_runs_on_time_or_without_the_permission(client, seeded):
    panels, _ = home_panels(client, persona_user("coordinator"))
    assert "scheduled_tasks" not in panels  # nothing ever ran, but not theirs to see
    _all_on_time()
    panels, _ = home_panels(client, persona_user("beheerder"))
    assert "scheduled_tasks" not in panels


def test_never_run_tasks_show_in_a_fresh_installation(client, seeded):
    # Nothing ever ran: one line that says so, not one per task.
    panels, _ = home_panels(client, persona_user("dpo"))
    [row] = panels["scheduled_tasks"].rows
    assert row.label == "Nog geen enkele geplande taak uitgevoerd"
    # Once one ran, the others are listed one by one.
    _run("signals_reminders", ago=timedelta(minutes=1))
    panels, _ = home_panels(client, persona_user("dpo"))
    assert len(panels["scheduled_tasks"].rows) == len(scheduled.TASKS) - 1
    assert all("nog nooit uitgevoerd" in r.detail for r in panels["scheduled_tasks"].rows)


def test_the_page_shows_every_task_and_the_last_runs(client, seeded):
    _run("signals_retention", ago=timedelta(hours=1))
    _run("audit_verify", ago=timedelta(hours=1), ok=False, error="CommandError: audit chain BROKEN")
    client.force_login(persona_user("dpo"))
    html = client.get("/geplande-taken/").content.decode()
    for task in scheduled.TASKS:
        assert task.command in html
    assert "audit chain BROKEN" in html
    assert "op tijd" in html and "nog nooit uitgevoerd" in html


def test_page_and_panel_queries_do_not_grow_with_the_runs(client, seeded):
    client.force_login(persona_user("beheerder"))

    def make(n):
        for i in range(n):
            task = scheduled.TASKS[i % len(scheduled.TASKS)].command
            _run(task, ago=timedelta(days=2, minutes=i), ok=bool(i % 2), error="" if i % 2 else "ValueError")

    assert_constant_queries(make, lambda: client.get("/geplande-taken/"))
    assert_constant_queries(make, lambda: client.get("/"))
