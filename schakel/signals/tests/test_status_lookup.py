"""Status lookup for a partner without an account: a code shown once after
the partner form (only a keyed hash stored), a public page that tells that
one signal's stage and the approved feedback — nothing else — with one
neutral answer for a wrong reference or code, a rate limit, and an audit
event for every lookup."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from schakel.audit.models import AuditEvent
from schakel.core.testing import UserFactory, persona_user
from schakel.signals import services
from schakel.signals.models import Category, FeedbackReview, LookupAttempt, Signal
from schakel.signals.testing import complete_open_step as _step

pytestmark = pytest.mark.django_db

CODE_RE = re.compile(r'id="lookup-code">([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})<')
TEXT = "Bedankt. Het pand werd gecontroleerd."
NEUTRAL = "Deze combinatie van referentie en opvolgcode kennen we niet."


@pytest.fixture
def token(sig_seeded):
    _inv, token = services.invitation_create(
        actor=persona_user("triage"), label="Handelaars", organisation_name="Winkel", max_per_hour=20
    )
    return token


def _submit(token, category="pand-kenmerken", **kw):
    return services.partner_signal_submit_with_lookup(
        token=token,
        category=Category.objects.get(code=category),
        description="Afgeplakte ramen en constant licht.",
        observed_at=timezone.now() - timedelta(hours=3),
        reporter_function="uitbater",
        **kw,
    )


def _lookup(client, reference, code, **extra):
    return client.post(reverse("signals:status_lookup"), {"reference": reference, "code": code}, **extra)


def test_partner_gets_a_code_once_and_sees_only_the_stage(client, token):
    url = reverse("signals:partner", args=[token])
    data = {
        "category": Category.objects.get(code="pand-kenmerken").pk,
        "observed_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "description": "Afgeplakte ramen en constant licht.",
        "reporter_function": "uitbater",
    }
    response = client.post(url, data)
    html = response.content.decode()
    code = CODE_RE.search(html).group(1)
    signal = Signal.objects.get()
    assert signal.reference in html
    # Only a keyed hash is stored, bound to this signal.
    assert len(signal.lookup_hash) == 64 and code.replace("-", "") not in signal.lookup_hash
    assert signal.lookup_hash == services.lookup_hash(signal.pk, code)
    assert signal.lookup_hash != services.lookup_hash(signal.pk + 1, code)

    response = _lookup(client, signal.reference, code)
    html = response.content.decode()
    assert response.status_code == 200 and "Ontvangen" in html
    for secret in ("Afgeplakte", "uitbater", signal.team.name, signal.category.name, "Winkel"):
        assert secret not in html
    # Typed loosely: lower case, without dashes, the number without "S-".
    assert "Ontvangen" in _lookup(client, str(signal.pk), code.replace("-", "").lower()).content.decode()
    event = AuditEvent.objects.filter(action="signals.status_lookup").last()
    assert event.object_id == str(signal.pk) and event.actor is None and event.summary == "received"
    assert event.purpose == services.LOOKUP_PURPOSE


def _body(response):
    """The page without what differs per request or echoes the input: CSRF
    tokens and the typed values of the fields."""
    html = re.sub(r"[A-Za-z0-9]{64}", "", response.content.decode())
    return re.sub(r' value="[^"]*"', "", html)


def test_wrong_code_unknown_reference_and_no_code_answer_alike(client, token, make_signal):
    signal, code = _submit(token)
    staff_signal = make_signal()  # no lookup code at all
    wrong = _lookup(client, signal.reference, "AAAA-BBBB-CCCC")
    unknown = _lookup(client, "S-999999", code)
    no_code = _lookup(client, staff_signal.reference, code)
    garbage = _lookup(client, "hallo", code)
    assert {r.status_code for r in (wrong, unknown, no_code, garbage)} == {400}
    assert _body(wrong) == _body(unknown) == _body(no_code) == _body(garbage)
    assert NEUTRAL in _body(wrong)
    refused = AuditEvent.objects.filter(action="signals.status_lookup_refused").order_by("pk")
    assert [e.object_id for e in refused] == [str(signal.pk), "999999", str(staff_signal.pk), "?"]
    assert all(e.summary == "wrong reference or code" for e in refused)


def test_unknown_reference_does_the_same_work(token, monkeypatch):
    import hmac

    from schakel.core.testing import count_queries

    signal, code = _submit(token)
    calls = []
    real = hmac.compare_digest
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: calls.append((len(a), len(b))) or real(a, b))
    queries = []
    for reference in (signal.reference, "S-999999", "onzin"):
        with count_queries() as ctx, pytest.raises(services.LookupRefused):
            services.signal_status_lookup(reference=reference, code="WRONG", client="192.0.2.1")
        queries.append(len(ctx))
    assert calls == [(64, 64)] * 3
    assert queries[0] == queries[1] == queries[2]


def test_stages_and_feedback_only_after_approval(client, token):
    signal, code = _submit(token)
    for choice in ("relevant", "verder", "obh"):
        signal = _step(signal, "triage", choice)
    assert "In behandeling" in _lookup(client, signal.reference, code).content.decode()
    # The handler may write feedback for a partner who holds a code.
    client.force_login(persona_user("handhaving"))
    assert 'name="feedback"' in client.get(reverse("signals:detail", args=[signal.pk])).content.decode()
    client.logout()
    signal = _step(signal, "handhaving", feedback=TEXT)
    html = _lookup(client, signal.reference, code).content.decode()
    assert "Afgesloten" in html and TEXT not in html and "Terugkoppeling" not in html
    services.feedback_approve(actor=persona_user("triage"), signal=signal)
    html = _lookup(client, signal.reference, code).content.decode()
    assert "Afgesloten" in html and TEXT in html


def test_youth_signal_shows_only_received_or_closed_and_never_feedback(client, token):
    signal, code = _submit(token, category="problemen-school", youth_identifier="K., 2011")
    for choice in ("relevant", "verder", "osp"):
        signal = _step(signal, "osp", choice)
    assert signal.status == Signal.Status.FOLLOW_UP
    html = _lookup(client, signal.reference, code).content.decode()
    assert "Ontvangen" in html and "In behandeling" not in html
    # Even a feedback text that somehow got approved is never shown for youth.
    Signal.objects.filter(pk=signal.pk).update(
        feedback="Geheime tekst", feedback_review=FeedbackReview.APPROVED, closed_at=timezone.now()
    )
    html = _lookup(client, signal.reference, code).content.decode()
    assert "Afgesloten" in html and "Geheime tekst" not in html


def test_rate_limit_per_client_and_per_reference(client, token):
    signal, code = _submit(token)
    for _ in range(services.LOOKUP_MAX_FAILURES_PER_CLIENT):
        assert _lookup(client, signal.reference, "FOUT").status_code == 400
    # Now even the right code is refused from this client, with the same neutral words.
    response = _lookup(client, signal.reference, code)
    assert response.status_code == 429 and "Te veel mislukte pogingen" in response.content.decode()
    assert "Ontvangen" not in response.content.decode()
    assert AuditEvent.objects.filter(action="signals.status_lookup_refused", summary="rate limited").count() == 1
    # Another client is not affected ...
    assert _lookup(client, signal.reference, code, REMOTE_ADDR="198.51.100.7").status_code == 200
    # Once the reference itself had too many refusals (a guesser on many
    # addresses), every wrong code gets 429 from any address ...
    for i in range(services.LOOKUP_MAX_FAILURES_PER_REFERENCE - services.LOOKUP_MAX_FAILURES_PER_CLIENT):
        _lookup(client, signal.reference, "FOUT", REMOTE_ADDR=f"203.0.113.{i + 1}")
    assert _lookup(client, signal.reference, "FOUT2", REMOTE_ADDR="198.51.100.9").status_code == 429
    # ... but the partner with the right code still reads the status: a
    # stranger cannot lock them out of their own signal.
    response = _lookup(client, signal.reference, code, REMOTE_ADDR="198.51.100.8")
    assert response.status_code == 200 and "Ontvangen" in response.content.decode()
    # An hour later it works again; old rows are cleaned up.
    later = timezone.now() + timedelta(hours=1, minutes=2)
    result = services.signal_status_lookup(reference=signal.reference, code=code, client="127.0.0.1", now=later)
    assert result["stage"] == "received"
    assert LookupAttempt.objects.filter(ok=False).count() == services.LOOKUP_MAX_FAILURES_PER_REFERENCE + 1
    services.signal_status_lookup(reference=signal.reference, code=code, client="x", now=later + timedelta(days=2))
    assert LookupAttempt.objects.count() == 1


def test_a_signed_in_user_gets_nothing_more(client, token):
    signal, code = _submit(token)
    client.force_login(UserFactory())
    html = _lookup(client, signal.reference, code).content.decode()
    assert "Ontvangen" in html and "Afgeplakte" not in html


def test_ordinary_signal_in_the_youth_process_is_told_like_a_youth_signal(client, token):
    """Routed by triage to the OSP, the signal is about a young person: no "in behandeling"."""
    signal, code = _submit(token, category="overlast")
    for choice in ("relevant", "verder", "osp"):
        signal = _step(signal, "triage", choice)
    assert signal.youth_instance_id and signal.status == Signal.Status.FOLLOW_UP
    html = _lookup(client, signal.reference, code).content.decode()
    assert "Ontvangen" in html and "In behandeling" not in html
