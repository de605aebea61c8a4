"""The start-page panel "Uw meldingen" (signals/home.py): the reporter's own
signals, status only, read through ``selectors.my_signals`` — the same as the
"Mijn meldingen" page shows, never the team, the current step, its deadline
or a feedback text that still waits for review."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from schakel.core import home
from schakel.core.testing import UserFactory, assert_constant_queries, persona_user
from schakel.signals import services
from schakel.signals.models import FeedbackReview, Signal
from schakel.signals.testing import complete_open_step as _step

pytestmark = pytest.mark.django_db

TEXT = "Bedankt. We hebben de uitbater van het pand aangesproken (fictief)."
FLAG = "terugkoppeling ontvangen"


def _home(client, user):
    client.force_login(user)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    panels = {p.key: p for p in response.context["panels"]}
    html = response.content.decode()
    section = re.search(r'<section[^>]*id="panel-signals_mine".*?</section>', html, re.S)
    return panels.get("signals_mine"), (section.group(0) if section else ""), html


def _routed(make_signal):
    signal = make_signal(category="pand-kenmerken")
    for choice in ("relevant", "verder", "obh"):
        signal = _step(signal, "triage", choice)
    return signal


def test_only_the_users_own_signals_newest_first(client, make_signal):
    frontlijn = persona_user("frontlijn")
    colleague = UserFactory(organisation=frontlijn.organisation, perms=["signals.add_signal"])
    theirs = make_signal(actor=colleague, description="Van een collega (fictief).")
    mine = [make_signal(description=f"Melding {i} (fictief).") for i in range(home.ROWS + 1)]
    panel, section, _html = _home(client, frontlijn)
    assert panel is not None and panel.title == "Uw meldingen"
    refs = [row.label.split(" · ")[0] for row in panel.rows]
    # At most ROWS rows, the newest first; all still open.
    assert refs == [s.reference for s in reversed(mine)][: home.ROWS]
    assert panel.total == home.ROWS + 1 and panel.overdue == 0
    assert theirs.reference not in section
    assert panel.more_url == reverse("signals:mine") and "Naar mijn meldingen" in section
    # Each row shows the reference, the category and the status label, and
    # opens the reporter's status page.
    row = panel.rows[0]
    assert row.label == f"{mine[-1].reference} · {mine[-1].category}"
    assert row.detail == mine[-1].get_status_display()
    assert row.url == reverse("signals:detail", args=[mine[-1].pk])
    assert client.get(row.url).status_code == 200
    # The colleague sees their own one only.
    panel, section, _html = _home(client, colleague)
    assert [row.label.split(" · ")[0] for row in panel.rows] == [theirs.reference]
    assert mine[0].reference not in section


def test_absent_for_someone_who_never_reported(client, make_signal):
    frontlijn = persona_user("frontlijn")
    assert not Signal.objects.filter(reporter=frontlijn).exists()
    panel, section, _html = _home(client, frontlijn)
    assert panel is None and section == ""
    make_signal()
    panel, _section, _html = _home(client, frontlijn)
    assert panel is not None and panel.total == 1


def test_a_routed_signal_shows_its_status_only(client, make_signal):
    signal = _routed(make_signal)
    # The OBH step has no deadline of its own; give it one to be sure none shows.
    Signal.objects.filter(pk=signal.pk).update(task_due_at=timezone.now() + timedelta(days=3))
    signal.refresh_from_db()
    assert signal.status == Signal.Status.ROUTED
    assert signal.team is not None and signal.current_task and signal.task_due_at
    panel, section, html = _home(client, persona_user("frontlijn"))
    assert [row.detail for row in panel.rows] == ["Doorverwezen"]
    assert all(row.due is None and row.at is None and not row.overdue for row in panel.rows)
    due = timezone.localtime(signal.task_due_at).strftime("%d-%m-%Y")
    for hidden in (signal.team.name, signal.current_task, due, "termijn", signal.description):
        assert hidden not in section, hidden
    assert signal.team.name not in html and signal.current_task not in html


def test_approved_feedback_is_flagged_a_proposal_is_not(client, make_signal):
    frontlijn = persona_user("frontlijn")
    # Closed by the OBH team with a written text: it waits for review, the
    # reporter reads the fixed sentence meanwhile (as on "Mijn meldingen").
    closed = _step(_routed(make_signal), "handhaving", feedback=TEXT)
    assert closed.feedback_review == FeedbackReview.PENDING and closed.feedback != TEXT
    # A proposal on a signal without any feedback for the reporter yet.
    waiting = make_signal(description="Nog niets terug (fictief).")
    Signal.objects.filter(pk=waiting.pk).update(
        feedback="", feedback_proposed=TEXT, feedback_review=FeedbackReview.PENDING
    )
    panel, section, _html = _home(client, frontlijn)
    details = {row.label.split(" · ")[0]: row.detail for row in panel.rows}
    assert details[waiting.reference] == waiting.get_status_display()  # not flagged
    assert details[closed.reference] == f"Afgehandeld · {FLAG}"  # the fixed sentence
    assert TEXT not in section
    assert panel.total == 1  # only the open one

    # Approved by someone else: flagged; the text itself is on the status page.
    services.feedback_approve(actor=persona_user("triage"), signal=closed)
    Signal.objects.filter(pk=waiting.pk).update(feedback=TEXT, feedback_review=FeedbackReview.APPROVED)
    panel, section, _html = _home(client, frontlijn)
    details = {row.label.split(" · ")[0]: row.detail for row in panel.rows}
    assert details[waiting.reference] == f"{waiting.get_status_display()} · {FLAG}"
    assert details[closed.reference] == f"Afgehandeld · {FLAG}"
    assert TEXT not in section
    assert TEXT in client.get(reverse("signals:detail", args=[closed.pk])).content.decode()


def test_a_youth_signal_shows_what_mijn_meldingen_shows(client, make_signal):
    signal = make_signal(category="jongeren", youth_identifier="B., 2010")
    assert signal.is_youth
    frontlijn = persona_user("frontlijn")
    panel, section, _html = _home(client, frontlijn)
    [row] = panel.rows
    assert row.label == f"{signal.reference} · {signal.category}"
    # Only received or closed, as "Mijn meldingen" and the status lookup (ADR 0302, amendment 2).
    assert row.detail == "Ontvangen"
    mine = client.get(reverse("signals:mine")).content.decode()
    assert "Ontvangen" in mine and str(signal.category) in mine
    for hidden in ("B., 2010", signal.description) + ((signal.team.name,) if signal.team else ()):
        assert hidden not in section


def test_home_queries_do_not_grow_with_the_reports(client, make_signal):
    client.force_login(persona_user("frontlijn"))

    def make(n):
        for i in range(n):
            # Youth signals too: their status reads the category and its parent.
            make_signal(**({"category": "jongeren", "youth_identifier": "B., 2010"} if i % 2 else {}))

    assert_constant_queries(make, lambda: client.get(reverse("core:home")), small=2, large=12)


def _status_everywhere(client, signal):
    """The status the reporter reads on the start page, on Mijn meldingen and on the signal's page."""
    panel, _section, _html = _home(client, persona_user("frontlijn"))
    [row] = [r for r in panel.rows if r.label.startswith(signal.reference)]
    mine = client.get(reverse("signals:mine")).content.decode()
    page = client.get(reverse("signals:detail", args=[signal.pk])).content.decode()
    return row.detail.split(" · ")[0], mine, page


def test_a_youth_signal_followed_up_by_the_osp_shows_only_received_then_closed(client, make_signal):
    from schakel.signals.models import Signal

    signal = make_signal(category="jongeren", youth_identifier="K., 2011")
    # The OSP's process moves it on; the reporter must not learn the decision.
    Signal.objects.filter(pk=signal.pk).update(status=Signal.Status.FOLLOW_UP)
    signal.refresh_from_db()
    status, mine, page = _status_everywhere(client, signal)
    assert status == "Ontvangen"
    for html in (mine, page):
        assert "Ontvangen" in html
        assert "In opvolging" not in html
    Signal.objects.filter(pk=signal.pk).update(status=Signal.Status.CLOSED_NO_FOLLOWUP, closed_at=timezone.now())
    signal.refresh_from_db()
    status, mine, page = _status_everywhere(client, signal)
    assert status == "Afgesloten"
    for html in (mine, page):
        assert "Afgesloten zonder opvolging" not in html


def test_an_ordinary_signal_keeps_its_full_status_for_the_reporter(client, make_signal):
    from schakel.signals.models import Signal

    signal = make_signal()
    Signal.objects.filter(pk=signal.pk).update(status=Signal.Status.CLOSED_NO_FOLLOWUP, closed_at=timezone.now())
    signal.refresh_from_db()
    status, mine, page = _status_everywhere(client, signal)
    assert status == "Afgesloten zonder opvolging"
    assert "Afgesloten zonder opvolging" in mine and "Afgesloten zonder opvolging" in page
