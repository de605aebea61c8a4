"""Hit/no-hit through the whole request path: a search that matches a subject
in a case the searcher cannot see writes its hit only after the response has
been sent (core.after_response, ADR 0007), from a job row written with the
request (core.deferred) that survives a worker dying after its answer. The answer, built and complete,
has not waited for the hit: its content and its timing cannot tell."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.core.management import call_command
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from schakel.audit.models import AuditEvent
from schakel.cases.models import Hit, Notification
from schakel.core import after_response
from schakel.core.models import DeferredJob
from schakel.subjects import services

pytestmark = pytest.mark.django_db


def _handler() -> BaseHandler:
    handler = BaseHandler()
    handler.load_middleware()
    return handler


def _closed(response) -> None:
    """What the WSGI server does once the body is sent (the test's database
    connection stays open, as with the test client)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def _search_as(client, user, q):
    client.force_login(user)
    request = RequestFactory().get(reverse("subjects:search"), {"q": q}, HTTP_ACCEPT_LANGUAGE="nl")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = client.session.session_key
    return _handler().get_response(request)


@pytest.fixture
def secret(owner, make_case, put):
    case = make_case(owner, title="Pand Verborgenstraat")
    person = services.person_create(
        actor=owner, first_name="Youssef", last_name="Benali", birth_date=dt.date(1991, 2, 3), national_number=""
    )
    put(owner, case, person, "operator")
    case.person = person
    return case


def test_the_hit_of_a_search_is_written_after_the_response_is_sent(client, owner, outsider, secret):
    response = _search_as(client, outsider, "Yusuf Ben Ali")
    assert response.status_code == 200
    assert "Benali" not in response.content.decode()
    # The response is complete; nothing of the hit exists yet.
    assert not Hit.objects.exists()
    assert not Notification.objects.filter(kind="hit").exists()

    _closed(response)
    hit = Hit.objects.get()
    assert (hit.case, hit.matched_subject_id, hit.triggered_by, hit.trigger_kind) == (
        secret,
        secret.person.pk,
        outsider,
        "search",
    )
    assert Notification.objects.filter(recipient=owner, kind="hit").count() == 1
    # The audit event of the hit carries the request it came from.
    event = AuditEvent.objects.get(action="cases.hit_raised")
    assert event.request_id == response["X-Request-ID"]


def test_a_search_without_a_hidden_match_queues_the_same_and_writes_nothing(client, outsider, secret):
    response = _search_as(client, outsider, "Pieter Verhoeven")
    assert response.status_code == 200
    _closed(response)
    assert not Hit.objects.exists()


def test_a_search_always_writes_its_job_with_the_response_hit_or_not(client, outsider, secret):
    """The job row is written whether or not anything will match (the same
    work either way), and is gone once it has run."""
    for q in ("Pieter Verhoeven", "Yusuf Ben Ali"):
        response = _search_as(client, outsider, q)
        assert DeferredJob.objects.filter(name="cases.raise_hits").count() == 1
        _closed(response)
        assert not DeferredJob.objects.exists()
    assert Hit.objects.count() == 1


def test_the_hit_of_a_worker_that_died_after_answering_is_raised_by_the_command(client, owner, outsider, secret):
    response = _search_as(client, outsider, "Yusuf Ben Ali")
    assert response.status_code == 200
    after_response._finishing.queues = []  # the worker is killed before it closes the response
    assert not Hit.objects.exists()
    DeferredJob.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))
    call_command("run_deferred_jobs", stdout=io.StringIO())
    hit = Hit.objects.get()
    assert (hit.case, hit.triggered_by, hit.trigger_kind) == (secret, outsider, "search")
    assert Notification.objects.filter(recipient=owner, kind="hit").count() == 1
    # Still attributed to the request that asked.
    assert AuditEvent.objects.get(action="cases.hit_raised").request_id == response["X-Request-ID"]


def _post_as(client, user, path, data):
    from django.middleware.csrf import get_token

    client.force_login(user)
    request = RequestFactory().post(path, data, HTTP_ACCEPT_LANGUAGE="nl")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = client.session.session_key
    request._dont_enforce_csrf_checks = True
    get_token(request)
    return _handler().get_response(request)


def test_registering_a_subject_matches_only_after_the_response(client, owner, outsider, secret, monkeypatch):
    """Security review: the matching itself (its time grows with the number
    of similar subjects anywhere, hidden circles included) runs after the
    response, not only the writing of the hit."""
    from schakel.subjects import selectors

    calls = []
    real = selectors.matches_for
    monkeypatch.setattr(selectors, "matches_for", lambda subject: calls.append(subject.pk) or real(subject))
    response = _post_as(
        client,
        outsider,
        reverse("subjects:create", args=["persoon"]),
        {"first_name": "Youssef", "last_name": "Benali", "birth_date": "03-02-1991"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert calls == [] and not Hit.objects.exists()
    assert DeferredJob.objects.filter(name="subjects.raise_hits_for_subject").count() == 1
    _closed(response)
    assert len(calls) == 1
    hit = Hit.objects.get()
    assert (hit.case, hit.triggered_by, hit.trigger_kind) == (secret, outsider, "subject")
