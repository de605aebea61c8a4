"""core.after_response: work queued during a request runs only once the
response is closed (sent), with the request's context, and never fails the
request."""

from __future__ import annotations

import logging

from django.core.signals import request_finished
from django.db import close_old_connections
from django.http import HttpResponse
from django.test import RequestFactory

from schakel.core import request_context
from schakel.core.after_response import after_response
from schakel.core.middleware import RequestContextMiddleware


def _closed(response) -> None:
    """Close as a WSGI server does after sending, without Django closing the
    test's database connection (as the test client does)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def test_outside_a_request_the_work_runs_at_once():
    ran = []
    after_response(ran.append, 1)
    assert ran == [1]


def test_work_queued_in_a_request_runs_after_the_response_is_closed_with_its_context():
    ran = []

    def view(request):
        after_response(lambda: ran.append(("job", request_context.current().request_id)))
        ran.append("view")
        return HttpResponse("ok")

    request = RequestFactory().get("/", HTTP_X_REQUEST_ID="req-after-0001")
    response = RequestContextMiddleware(view)(request)
    assert ran == ["view"]  # the answer is complete, the job has not run
    assert request_context.current() is None
    _closed(response)
    assert ran == ["view", ("job", "req-after-0001")]
    _closed(response)  # a second close runs nothing twice
    assert ran == ["view", ("job", "req-after-0001")]


def test_a_failing_job_is_logged_and_the_next_jobs_still_run(caplog):
    ran = []

    def boom():
        raise RuntimeError("kapot")

    def view(request):
        after_response(boom)
        after_response(ran.append, "second")
        return HttpResponse("ok")

    response = RequestContextMiddleware(view)(RequestFactory().get("/"))
    assert response.status_code == 200
    with caplog.at_level(logging.ERROR, logger="schakel.core.after_response"):
        _closed(response)
    assert ran == ["second"]
    assert "work after the response failed" in caplog.text


def test_work_queued_by_a_job_runs_at_once():
    ran = []

    def view(request):
        after_response(lambda: after_response(ran.append, "nested"))
        return HttpResponse("ok")

    response = RequestContextMiddleware(view)(RequestFactory().get("/"))
    _closed(response)
    assert ran == ["nested"]
