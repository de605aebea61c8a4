"""core.deferred: durable work after the response. The job row is written in
the request's transaction, runs after the response is closed and is deleted
with its work; a rolled-back request leaves nothing; a failed or orphaned job
waits for ``run_deferred_jobs``."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.core.signals import request_finished
from django.db import close_old_connections, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from schakel.core import after_response, deferred, request_context
from schakel.core.middleware import RequestContextMiddleware
from schakel.core.models import DeferredJob

pytestmark = pytest.mark.django_db

ran: list = []
broken = {"on": False}


@deferred.job("tests.record")
def _record(*, value):
    if broken["on"]:
        raise RuntimeError("kapot")
    ctx = request_context.current()
    ran.append((value, ctx.request_id if ctx else None, DeferredJob.objects.count()))


@pytest.fixture(autouse=True)
def _reset():
    ran.clear()
    broken["on"] = False
    yield
    after_response._finishing.queues = []


def _closed(response) -> None:
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def _request(view, request_id="req-deferred-01"):
    return RequestContextMiddleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID=request_id))


def test_outside_a_request_the_job_runs_at_once_and_leaves_no_row():
    deferred.defer("tests.record", value=1)
    assert ran == [(1, None, 0)]  # the row was deleted in the job's own transaction
    assert not DeferredJob.objects.exists()


def test_in_a_request_the_row_waits_for_the_response_then_runs_with_its_context():
    def view(request):
        deferred.defer("tests.record", value="a")
        return HttpResponse("ok")

    response = _request(view)
    row = DeferredJob.objects.get()
    assert (row.name, row.payload, row.request_id, row.attempts) == (
        "tests.record",
        {"value": "a"},
        "req-deferred-01",
        0,
    )
    assert ran == []
    _closed(response)
    assert ran == [("a", "req-deferred-01", 0)]
    assert not DeferredJob.objects.exists()


def test_a_rolled_back_request_leaves_no_job_and_runs_nothing():
    def view(request):
        try:
            with transaction.atomic():
                deferred.defer("tests.record", value="never")
                raise ValueError("the service failed")
        except ValueError:
            return HttpResponse("error", status=400)

    _closed(_request(view))
    assert ran == []
    assert not DeferredJob.objects.exists()


def test_a_job_whose_worker_died_runs_from_the_command():
    def view(request):
        deferred.defer("tests.record", value="orphan")
        return HttpResponse("ok")

    _request(view)  # answered; the worker dies before closing the response
    after_response._finishing.queues = []
    out = io.StringIO()
    call_command("run_deferred_jobs", stdout=out)  # too young: still the worker's
    assert ran == [] and DeferredJob.objects.count() == 1
    DeferredJob.objects.update(created_at=timezone.now() - dt.timedelta(minutes=5))
    call_command("run_deferred_jobs", stdout=out)
    assert ran == [("orphan", "req-deferred-01", 0)]
    assert not DeferredJob.objects.exists()
    assert "ran 1, failed 0" in out.getvalue()


def test_a_failing_job_keeps_its_row_and_error_and_is_given_up_after_the_limit():
    broken["on"] = True
    deferred.defer("tests.record", value="x")
    row = DeferredJob.objects.get()
    assert row.attempts == 1
    # The type and the place, never the message: it may carry data.
    assert row.last_error.startswith("RuntimeError in schakel/core/tests/test_deferred.py:")
    assert "kapot" not in row.last_error
    for attempt in range(2, deferred.MAX_ATTEMPTS + 1):
        counts = deferred.run_waiting(grace=dt.timedelta(0))
        assert counts["failed"] == 1
        assert DeferredJob.objects.get().attempts == attempt
    with pytest.raises(CommandError, match="failed 5 times"):
        call_command("run_deferred_jobs", "--grace", "0", stdout=io.StringIO())
    assert DeferredJob.objects.get().attempts == deferred.MAX_ATTEMPTS  # not tried again
    broken["on"] = False
    assert deferred.run_waiting(grace=dt.timedelta(0), max_attempts=10)["ran"] == 1
    assert ran == [("x", None, 0)]
    assert not DeferredJob.objects.exists()


def test_a_job_runs_once_when_two_runners_reach_it():
    def view(request):
        deferred.defer("tests.record", value="once")
        return HttpResponse("ok")

    response = _request(view)
    job_id = DeferredJob.objects.get().pk
    assert deferred.run(job_id) == "ran"
    _closed(response)  # the worker's own run finds the row gone
    assert deferred.run(job_id) == "gone"
    assert ran == [("once", "req-deferred-01", 0)]


def test_an_unknown_job_is_refused_when_written():
    with pytest.raises(LookupError):
        deferred.defer("tests.no_such_job", value=1)
    assert not DeferredJob.objects.exists()


def test_a_fresh_process_finds_every_job_of_the_apps():
    """``run_deferred_jobs`` from cron has imported no services module yet:
    the jobs registered there must still be found."""
    import os
    import subprocess
    import sys

    from django.conf import settings

    code = (
        "from schakel.core import deferred\n"
        "for name in ('subjects.raise_hits_for_subject', 'cases.raise_hits', 'cases.signal_hits'):\n"
        "    deferred.registered(name)\n"
        "print('ok')\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    out = subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "shell", "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=settings.BASE_DIR,
        env=env,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().endswith("ok")
