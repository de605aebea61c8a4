"""Review of a handler's written feedback (four eyes): proposed on the
closing step, read by the reporter only after someone else with
``signals.review_feedback`` approved it (optionally edited) — or never, when
rejected with a reason. History is appended; every decision is audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from schakel.audit.models import AuditEvent
from schakel.core.testing import UserFactory, assert_constant_queries, persona_user
from schakel.signals import selectors, services
from schakel.signals.models import FeedbackReview, Signal, SignalEvent
from schakel.signals.testing import complete_open_step as _step

pytestmark = pytest.mark.django_db

FIXED = "Bedankt voor uw melding. Ze werd ontvangen en behandeld."
TEXT = "Bedankt. We hebben de uitbater van het pand aangesproken."


@pytest.fixture
def closed_by_obh(make_signal):
    """Routed by triage to the OBH team, closed there with a written feedback."""
    signal = make_signal(category="pand-kenmerken")
    for choice in ("relevant", "verder", "obh"):
        signal = _step(signal, "triage", choice)
    return _step(signal, "handhaving", feedback=TEXT)


def _second_triage_officer():
    from schakel.accounts.models import Unit

    triage = persona_user("triage")
    user = UserFactory(organisation=triage.organisation, roles=["Intake- en triagemedewerker"])
    user.units.set(Unit.objects.filter(code="preventie-veiligheid"))
    return user


def test_feedback_is_proposed_and_the_reporter_reads_it_only_after_approval(client, closed_by_obh):
    signal = closed_by_obh
    assert signal.closed_at is not None and signal.feedback_review == FeedbackReview.PENDING
    assert signal.feedback_proposed == TEXT and signal.feedback_proposed_by == persona_user("handhaving")
    assert signal.feedback != TEXT  # the reporter still reads the fixed sentence
    client.force_login(persona_user("frontlijn"))
    assert TEXT not in client.get(reverse("signals:mine")).content.decode()
    assert TEXT not in client.get(reverse("signals:detail", args=[signal.pk])).content.decode()

    # The triage officer (who did not write it) sees it waiting and approves it with an edit.
    client.force_login(persona_user("triage"))
    html = client.get(reverse("signals:feedback_reviews")).content.decode()
    assert signal.reference in html and TEXT in html
    html = client.get(reverse("signals:detail", args=[signal.pk])).content.decode()
    assert "Wacht op nakijken" in html and "Goedkeuren" in html
    edited = "Bedankt voor uw melding. Ze werd opgevolgd."
    response = client.post(reverse("signals:feedback_approve", args=[signal.pk]), {"text": edited})
    assert response.status_code == 302
    signal.refresh_from_db()
    assert signal.feedback == edited and signal.feedback_review == FeedbackReview.APPROVED
    # Appended history: the original proposal stays, the approved edit follows.
    kinds = list(signal.events.filter(kind__startswith="feedback").values_list("kind", "text", "actor__email"))
    assert kinds == [
        ("feedback", TEXT, "handhaving@demo.schakel.test"),
        ("feedback_approved", edited, "triage@demo.schakel.test"),
    ]
    event = AuditEvent.objects.get(action="signals.feedback_approved", object_id=str(signal.pk))
    assert event.actor == persona_user("triage") and event.summary == "approved with edits"
    assert signal.reference not in client.get(reverse("signals:feedback_reviews")).content.decode()

    client.force_login(persona_user("frontlijn"))
    assert edited in client.get(reverse("signals:mine")).content.decode()
    assert TEXT not in client.get(reverse("signals:detail", args=[signal.pk])).content.decode()


def test_the_author_never_reviews_own_text(client, make_signal):
    signal = make_signal()
    signal = _step(signal, "triage", "afsluiten", note="Buiten scope.", feedback=TEXT)
    assert signal.feedback_review == FeedbackReview.PENDING and signal.feedback == FIXED
    triage = persona_user("triage")
    with pytest.raises(PermissionDenied):
        services.feedback_approve(actor=triage, signal=signal)
    with pytest.raises(PermissionDenied):
        services.feedback_reject(actor=triage, signal=signal, reason="Eigen tekst")
    client.force_login(triage)
    html = client.get(reverse("signals:detail", args=[signal.pk])).content.decode()
    assert "U schreef deze terugkoppeling zelf" in html and "Goedkeuren" not in html
    client.post(reverse("signals:feedback_approve", args=[signal.pk]), {"text": TEXT})
    signal.refresh_from_db()
    assert signal.feedback_review == FeedbackReview.PENDING and signal.feedback == FIXED
    # A colleague with the triage role does it.
    colleague = _second_triage_officer()
    services.feedback_approve(actor=colleague, signal=signal)
    signal.refresh_from_db()
    assert signal.feedback == TEXT and signal.feedback_review == FeedbackReview.APPROVED
    assert AuditEvent.objects.get(action="signals.feedback_approved").summary == "approved unchanged"


def test_rejection_needs_a_reason_and_keeps_the_fixed_sentence(client, closed_by_obh):
    signal = closed_by_obh
    client.force_login(persona_user("triage"))
    url = reverse("signals:feedback_reject", args=[signal.pk])
    client.post(url, {"reason": ""})
    signal.refresh_from_db()
    assert signal.feedback_review == FeedbackReview.PENDING
    response = client.post(url, {"reason": "Zegt te veel over de aanpak."}, follow=True)
    assert "De terugkoppeling is geweigerd" in response.content.decode()
    signal.refresh_from_db()
    assert signal.feedback_review == FeedbackReview.REJECTED and signal.feedback != TEXT
    assert signal.events.get(kind=SignalEvent.Kind.FEEDBACK_REJECTED).text == "Zegt te veel over de aanpak."
    assert AuditEvent.objects.filter(action="signals.feedback_rejected", object_id=str(signal.pk)).exists()
    # Decided once: a later approval is refused.
    with pytest.raises(ValidationError):
        services.feedback_approve(actor=persona_user("triage"), signal=signal)


def test_only_reviewers_who_see_the_signal(client, closed_by_obh):
    signal = closed_by_obh
    # The OBH officer sees the signal but has no review permission.
    with pytest.raises(PermissionDenied):
        services.feedback_approve(actor=persona_user("coordinator"), signal=signal)
    client.force_login(persona_user("handhaving"))
    assert client.post(reverse("signals:feedback_approve", args=[signal.pk]), {"text": "x"}).status_code == 403
    assert client.get(reverse("signals:feedback_reviews")).status_code == 403
    # A reviewer of another team never had the signal: 404, and it is not listed.
    from schakel.accounts.models import Unit

    stranger = UserFactory(roles=["Intake- en triagemedewerker"])
    stranger.units.set(Unit.objects.filter(code="liec"))
    assert not selectors.feedback_pending_for(stranger).exists()
    client.force_login(stranger)
    assert client.post(reverse("signals:feedback_approve", args=[signal.pk]), {"text": "x"}).status_code == 404
    signal.refresh_from_db()
    assert signal.feedback_review == FeedbackReview.PENDING


def test_review_list_query_count(client, make_signal):
    from schakel.accounts.models import Unit
    from schakel.signals.models import Category, SignalAccess

    team = Unit.objects.get(code="preventie-veiligheid")
    category = Category.objects.get(code="overlast")
    authors = [persona_user("handhaving"), persona_user("liec")]

    def make_rows(n):
        for i in range(n):
            signal = Signal.objects.create(
                category=category,
                description="x",
                observed_at=timezone.now(),
                status=Signal.Status.CLOSED,
                closed_at=timezone.now(),
                feedback_review=FeedbackReview.PENDING,
                feedback_proposed=f"Tekst {i}",
                feedback_proposed_by=authors[i % 2],
            )
            SignalAccess.objects.create(signal=signal, team=team)

    client.force_login(persona_user("triage"))
    url = reverse("signals:feedback_reviews")
    assert_constant_queries(make_rows, lambda: client.get(url), small=3, large=30)
    html = client.get(url).content.decode()
    assert "30 terugkoppelingen wachten op nakijken" in html


def test_the_author_proposes_a_new_text_after_a_rejection(client, closed_by_obh):
    signal = closed_by_obh
    services.feedback_reject(actor=persona_user("triage"), signal=signal, reason="Zegt te veel over de aanpak.")
    handhaving = persona_user("handhaving")
    client.force_login(handhaving)
    html = client.get(reverse("signals:detail", args=[signal.pk])).content.decode()
    assert "Geweigerd met als reden: Zegt te veel over de aanpak." in html
    assert "Nieuwe tekst voorstellen" in html
    url = reverse("signals:feedback_repropose", args=[signal.pk])
    # An empty text is refused and changes nothing.
    client.post(url, {"text": ""})
    signal.refresh_from_db()
    assert signal.feedback_review == FeedbackReview.REJECTED
    new = "Bedankt voor uw melding. Ze werd bekeken."
    response = client.post(url, {"text": new}, follow=True)
    assert "De nieuwe tekst is voorgesteld" in response.content.decode()
    signal.refresh_from_db()
    assert (signal.feedback_review, signal.feedback_proposed, signal.feedback_proposed_by) == (
        FeedbackReview.PENDING,
        new,
        handhaving,
    )
    assert signal.feedback == FIXED  # still only the fixed sentence for the reporter
    kinds = list(signal.events.order_by("pk").values_list("kind", flat=True))
    assert kinds[-3:] == [SignalEvent.Kind.FEEDBACK, SignalEvent.Kind.FEEDBACK_REJECTED, SignalEvent.Kind.FEEDBACK]
    # Reviewed again, by someone else.
    services.feedback_approve(actor=persona_user("triage"), signal=signal)
    signal.refresh_from_db()
    assert signal.feedback == new


def test_only_the_author_of_a_rejected_text_proposes_again(client, closed_by_obh):
    signal = closed_by_obh
    # Not while it is pending.
    with pytest.raises(ValidationError):
        services.feedback_repropose(actor=persona_user("handhaving"), signal=signal, text="Andere tekst")
    services.feedback_reject(actor=persona_user("triage"), signal=signal, reason="Te veel detail.")
    # Not the reviewer, nor someone else who sees the signal.
    with pytest.raises(PermissionDenied):
        services.feedback_repropose(actor=persona_user("triage"), signal=signal, text="Andere tekst")
    client.force_login(persona_user("triage"))
    assert "Nieuwe tekst voorstellen" not in client.get(reverse("signals:detail", args=[signal.pk])).content.decode()
    client.post(reverse("signals:feedback_repropose", args=[signal.pk]), {"text": "Andere tekst"})
    # Someone who does not see the signal gets 404.
    client.force_login(persona_user("osp"))
    assert client.post(reverse("signals:feedback_repropose", args=[signal.pk]), {"text": "x"}).status_code == 404
    signal.refresh_from_db()
    assert signal.feedback_review == FeedbackReview.REJECTED and signal.feedback_proposed == TEXT
