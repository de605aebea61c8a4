"""The signal page names the case the signal is linked to, as a link, only
for a user who may see that case (cases app's access check)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from schakel.core.testing import persona_user
from schakel.signals import selectors
from schakel.workflows.models import WorkItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def obh_signal(make_signal):
    """A city signal routed by triage to the OBH team, with an OBH case opened from it."""
    from schakel.cases import seeding as case_seeding
    from schakel.legal.models import CodeAcceptance, CodeVersion

    case_seeding.load_reference(lambda m: None)
    version = CodeVersion.objects.order_by("-number").first()
    for persona in ("handhaving", "triage"):
        CodeAcceptance.objects.get_or_create(
            user=persona_user(persona), version=version, defaults={"accepted_at": timezone.now()}
        )
    signal = make_signal(category="pand-kenmerken")
    for choice in ("relevant", "verder", "obh"):
        signal.refresh_from_db()
        item = WorkItem.objects.get(instance=signal.instance, status=WorkItem.Status.OPEN)
        from schakel.signals import services

        services.signal_task_complete(actor=persona_user("triage"), signal=signal, item_pk=item.pk, choice=choice)
    signal.refresh_from_db()
    assert signal.current_task == "Opvolging in het OBH"
    return signal


def _open_case(signal):
    from schakel.cases import services as case_services
    from schakel.legal.models import LegalGround

    return case_services.case_open_from_signal(
        actor=persona_user("handhaving"),
        signal=signal,
        case_type="obh",
        title="OBH-casus pand",
        legal_ground=LegalGround.objects.get(code="art-458ter-sw"),
    )


def test_member_sees_the_link_to_the_case_and_others_learn_nothing(client, obh_signal):
    url = reverse("signals:detail", args=[obh_signal.pk])
    client.force_login(persona_user("handhaving"))
    assert "Gekoppeld aan casus" not in client.get(url).content.decode()
    case = _open_case(obh_signal)
    html = client.get(url).content.decode()
    assert f'<a href="{reverse("cases:detail", args=[case.pk])}">Gekoppeld aan casus {case.reference}</a>' in html
    # The triage officer sees the signal in full but is no member of the case:
    # neither the link nor the case's reference.
    client.force_login(persona_user("triage"))
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Gekoppeld aan casus" not in html and case.reference not in html
    assert selectors.linked_cases_for(user=persona_user("triage"), signal=obh_signal) == []


def test_an_unlinked_case_is_no_longer_named(client, obh_signal):
    from schakel.cases import services as case_services

    case = _open_case(obh_signal)
    handhaving = persona_user("handhaving")
    assert selectors.linked_cases_for(user=handhaving, signal=obh_signal) == [case]
    case_services.case_signal_unlink(actor=handhaving, case=case, signal_id=obh_signal.pk, note="Vergissing")
    assert selectors.linked_cases_for(user=handhaving, signal=obh_signal) == []
