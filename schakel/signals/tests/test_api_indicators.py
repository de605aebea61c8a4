from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from schakel.core.testing import assert_constant_queries, persona_user
from schakel.plan.computed import get
from schakel.signals.models import Signal
from schakel.workflows.models import WorkItem

pytestmark = pytest.mark.django_db


def test_api_create_starts_the_process(client, sig_seeded):
    client.force_login(persona_user("frontlijn"))
    response = client.post(
        reverse("api:signal_list"),
        {"category": "graffiti", "observed_at": timezone.now().isoformat(), "description": "Tags op de brug."},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    signal = Signal.objects.get(pk=response.json()["id"])
    assert signal.channel == "api" and signal.current_task
    # A reporter who does not handle the signal gets a receipt, as on the status
    # page: not the team, the step or its deadline.
    assert response.json() == {
        "id": signal.pk,
        "reference": signal.reference,
        "created_at": response.json()["created_at"],
        "observed_at": response.json()["observed_at"],
        "category": "graffiti",
        "stage": "received",
    }


def test_api_create_answers_in_full_to_who_handles_the_signal(client, sig_seeded):
    client.force_login(persona_user("coordinator"))  # sees every non-youth signal
    body = {"category": "graffiti", "observed_at": timezone.now().isoformat(), "description": "Tags op de brug."}
    data = client.post(reverse("api:signal_list"), body, content_type="application/json").json()
    assert data["team"] and data["current_task"] and data["status"] == "triage"
    # A youth signal: the coordinator does not see it in full, so a receipt with
    # only "received" (ADR 0302).
    body = {**body, "category": "jongeren", "youth_identifier": "B., 2010"}
    response = client.post(reverse("api:signal_list"), body, content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["stage"] == "received" and "team" not in data and "current_task" not in data


def test_api_create_bad_input_and_forbidden(client, sig_seeded):
    client.force_login(persona_user("frontlijn"))
    response = client.post(
        reverse("api:signal_list"),
        {"category": "graffiti", "observed_at": (timezone.now() + timedelta(days=5)).isoformat(), "description": "x"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "observed_at" in response.json()
    response = client.post(reverse("api:signal_list"), {"category": "bestaat-niet"}, content_type="application/json")
    assert response.status_code == 400
    client.force_login(persona_user("dpo"))
    response = client.post(
        reverse("api:signal_list"),
        {"category": "graffiti", "observed_at": timezone.now().isoformat(), "description": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Signal.objects.exists()


def test_api_list_only_visible_and_constant_queries(client, make_signal):
    make_signal(category="meerdere-gsms", youth_identifier="C., 2010")
    client.force_login(persona_user("triage"))
    assert_constant_queries(
        lambda n: [make_signal() for _ in range(n)], lambda: client.get(reverse("api:signal_list")), small=2, large=6
    )
    rows = client.get(reverse("api:signal_list")).json()["results"]
    assert len(rows) == 6 and all(r["category"] == "overlast" for r in rows)


def _triage(signal, persona="triage"):
    item = WorkItem.objects.get(instance=signal.instance, status="open")
    from schakel.signals import services

    services.signal_task_complete(
        actor=persona_user(persona), signal=signal, item_pk=item.pk, choice="afsluiten", note="n"
    )


def test_indicators(make_signal):
    today = timezone.localdate()
    start, end = today.replace(day=1), today + timedelta(days=1)
    a = make_signal()
    make_signal(category="graffiti")
    make_signal(category="meerdere-gsms", actor="extern", youth_identifier="D., 2011")
    assert get("signals.received").evaluate(start=start, end=end) == 3
    assert get("signals.received").evaluate(start=start, end=end, params={"category": "buurt"}) == 2
    assert get("signals.per_channel").evaluate(start=start, end=end, params={"channel": "staff"}) == 3
    assert get("signals.per_channel").evaluate(start=start, end=end, params={"channel": "nope"}) is None
    assert get("signals.median_hours_to_triage").evaluate(start=start, end=end) is None
    assert get("signals.triaged_in_time_pct").evaluate(start=start, end=end) is None
    _triage(a)
    assert get("signals.median_hours_to_triage").evaluate(start=start, end=end) < Decimal("0.1")
    assert get("signals.triaged_in_time_pct").evaluate(start=start, end=end) == 100
    assert get("signals.received").evaluate(start=date(2000, 1, 1), end=date(2000, 1, 31)) == 0


def test_retention_command(make_signal):
    out = StringIO()
    call_command("signals_retention", "--dry-run", stdout=out)
    assert "would delete 0" in out.getvalue()
