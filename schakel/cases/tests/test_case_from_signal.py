"""Opening a case from a signal's case-approach step (finding m13): the
button on the signal page, the prefilled form, the case and the link written
together, the refusals keeping what the user typed, and the youth identifier
never copied into the case."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from schakel.audit.models import AuditEvent
from schakel.cases import selectors, services
from schakel.cases.models import Case, CaseSignalLink
from schakel.core.testing import persona_user
from schakel.signals.testing import complete_open_step as _complete

pytestmark = pytest.mark.django_db

YOUTH_ID = "Kwinten V., 2010"


@pytest.fixture(autouse=True)
def _dutch():
    from django.utils import translation

    with translation.override("nl"):
        yield


@pytest.fixture
def seeded_min(db):
    from schakel.cases import seeding as case_seeding
    from schakel.legal import seeding as legal_seeding
    from schakel.legal.models import CodeAcceptance, CodeVersion
    from schakel.signals import seeding as signal_seeding
    from schakel.workflows.testing import seed_minimal

    quiet = lambda m: None  # noqa: E731
    seed_minimal()
    signal_seeding.load_reference(quiet)
    legal_seeding.load_reference(quiet)
    case_seeding.load_reference(quiet)
    version = CodeVersion.objects.order_by("-number").first()
    for persona in ("osp", "handhaving", "parket", "triage", "coordinator", "liec"):
        CodeAcceptance.objects.get_or_create(
            user=persona_user(persona), version=version, defaults={"accepted_at": timezone.now()}
        )


@pytest.fixture
def ground(seeded_min):
    from schakel.legal.models import LegalGround

    return LegalGround.objects.get(code="art-458ter-sw")


def _create(category="overlast", actor="frontlijn", **kw):
    from schakel.signals import services as signal_services
    from schakel.signals.models import Category

    return signal_services.signal_create(
        actor=persona_user(actor),
        category=Category.objects.get(code=category),
        description=kw.pop("description", "Vastgesteld in de straat."),
        observed_at=timezone.now() - timedelta(hours=2),
        **kw,
    )


@pytest.fixture
def youth_at_case_step(seeded_min):
    signal = _create(category="meerdere-gsms", actor="extern", youth_identifier=YOUTH_ID)
    for choice in ("relevant", "verder", "osp", "casus"):
        signal = _complete(signal, "osp", choice)
    assert signal.current_task == "Casusaanpak opstarten (SAMEN)"
    return signal


@pytest.fixture
def youth_before_case_step(seeded_min):
    signal = _create(category="meerdere-gsms", actor="extern", youth_identifier=YOUTH_ID)
    for choice in ("relevant", "verder", "osp"):
        signal = _complete(signal, "osp", choice)
    assert signal.current_task == "Bespreking in het OSP"
    return signal


def _url(signal):
    return reverse("cases:from_signal", args=[signal.pk])


def _login(client, persona):
    client.force_login(persona_user(persona))
    return client


BUTTON = "Casus openen vanuit dit signaal"


def test_signal_page_shows_the_button_at_the_case_step(client, youth_at_case_step):
    html = _login(client, "osp").get(reverse("signals:detail", args=[youth_at_case_step.pk])).content.decode()
    assert BUTTON in html
    assert _url(youth_at_case_step) in html


def test_no_button_before_the_case_step(client, youth_before_case_step):
    html = _login(client, "osp").get(reverse("signals:detail", args=[youth_before_case_step.pk])).content.decode()
    assert BUTTON not in html
    assert _login(client, "osp").get(_url(youth_before_case_step)).status_code == 404


def test_a_user_who_may_not_open_a_youth_case_sees_no_button(client, youth_at_case_step):
    """The OSP without participate_youth sees the signal but not the button,
    and the route answers 404."""
    from django.contrib.auth.models import Permission

    osp = persona_user("osp")
    # Take the youth participation away from this person only (roles are groups).
    osp.user_permissions.clear()
    for group in osp.groups.all():
        group.permissions.remove(Permission.objects.get(codename="participate_youth"))
    client.force_login(osp)
    html = client.get(reverse("signals:detail", args=[youth_at_case_step.pk])).content.decode()
    assert "Casusaanpak opstarten" in html  # the step itself is there
    assert BUTTON not in html
    assert client.get(_url(youth_at_case_step)).status_code == 404


def test_others_get_404_or_403(client, youth_at_case_step):
    # The police cannot see youth signals; the parket may open cases but not link signals.
    assert _login(client, "liec").get(_url(youth_at_case_step)).status_code == 404
    assert _login(client, "parket").get(_url(youth_at_case_step)).status_code == 403
    assert _login(client, "osp").get(reverse("cases:from_signal", args=[987654])).status_code == 404


def test_form_is_prefilled_without_the_youth_identifier(client, youth_at_case_step):
    response = _login(client, "osp").get(_url(youth_at_case_step))
    html = response.content.decode()
    assert response.status_code == 200
    title = response.context["form"]["title"].value()
    assert title == f"Casusaanpak jongere na signaal {youth_at_case_step.reference}"
    assert "Kwinten" not in html and YOUTH_ID not in html
    assert "Casusaanpak jongere" in html  # the type, fixed by the step
    assert 'name="case_type"' not in html


def test_saving_opens_the_case_and_links_the_signal(client, youth_at_case_step, ground):
    client = _login(client, "osp")
    title = client.get(_url(youth_at_case_step)).context["form"]["title"].value()
    response = client.post(
        _url(youth_at_case_step), {"title": title, "legal_ground": ground.pk, "link_note": "OSP koos casusaanpak"}
    )
    case = Case.objects.get(title=title)
    assert response.status_code == 302 and response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.case_type == "youth" and case.owner == persona_user("osp") and case.legal_ground == ground
    link = CaseSignalLink.objects.get(case=case)
    assert link.signal_id == youth_at_case_step.pk and link.action == "linked" and link.note == "OSP koos casusaanpak"
    assert selectors.linked_signal_ids(case=case) == {youth_at_case_step.pk}
    # Both writes are audited.
    assert AuditEvent.objects.filter(action="cases.case_opened", object_id=str(case.pk)).exists()
    assert AuditEvent.objects.filter(
        action="cases.signal_linked", object_id=str(case.pk), summary=f"signal {youth_at_case_step.pk}"
    ).exists()
    # Nothing of the youth identifier went into the case.
    assert "Kwinten" not in case.title and not case.case_subjects.exists()
    # The BPMN step is not completed for the user.
    youth_at_case_step.refresh_from_db()
    assert youth_at_case_step.current_task == "Casusaanpak opstarten (SAMEN)"
    # The case page does not show the identifier either.
    page = client.get(response["Location"]).content.decode()
    assert youth_at_case_step.reference in page and "Kwinten" not in page


def test_refusal_without_legal_ground_keeps_input_and_writes_nothing(client, youth_at_case_step):
    client = _login(client, "osp")
    response = client.post(
        _url(youth_at_case_step),
        {"title": "Mijn eigen neutrale titel", "legal_ground": "", "link_note": "mijn notitie"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kies de rechtsgrond die dit toelaat." in html
    assert 'value="Mijn eigen neutrale titel"' in html and "mijn notitie" in html
    assert not Case.objects.exists() and not CaseSignalLink.objects.exists()


def test_a_name_in_the_title_is_refused_and_nothing_is_written(client, youth_at_case_step, ground):
    """The neutral-title check of case_open still applies; the input stays."""
    client = _login(client, "osp")
    response = client.post(_url(youth_at_case_step), {"title": "x", "legal_ground": ground.pk})
    assert response.status_code == 200
    assert "Geef een neutrale titel van 3 tot 120 tekens." in response.content.decode()
    assert not Case.objects.exists() and not CaseSignalLink.objects.exists()


def test_already_linked_leads_to_that_case(client, youth_at_case_step, ground):
    osp = persona_user("osp")
    case = services.case_open_from_signal(
        actor=osp, signal=youth_at_case_step, case_type="youth", title="Casusaanpak jongere", legal_ground=ground
    )
    response = _login(client, "osp").get(_url(youth_at_case_step))
    assert response.status_code == 302 and response["Location"] == reverse("cases:detail", args=[case.pk])
    response = client.post(_url(youth_at_case_step), {"title": "Tweede casus", "legal_ground": ground.pk})
    assert response.status_code == 302 and Case.objects.count() == 1


def test_a_failed_link_leaves_no_case(youth_at_case_step, ground):
    """Case and link are one transaction: a youth signal cannot go to another type of case."""
    from django.contrib.auth.models import Permission
    from django.core.exceptions import ValidationError

    osp = persona_user("osp")
    osp.user_permissions.add(Permission.objects.get(codename="participate_other"))
    osp = persona_user("osp")  # fresh permission cache
    with pytest.raises(ValidationError):
        services.case_open_from_signal(
            actor=osp, signal=youth_at_case_step, case_type="other", title="Ander overleg", legal_ground=ground
        )
    assert not Case.objects.exists()


def test_service_refuses_without_link_permission(youth_at_case_step, ground):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.case_open_from_signal(
            actor=persona_user("parket"),
            signal=youth_at_case_step,
            case_type="youth",
            title="Casus",
            legal_ground=ground,
        )
    assert not Case.objects.exists()


def test_obh_step_of_the_triage_process(client, seeded_min, ground):
    from schakel.legal.models import LegalGround

    signal = _create(description="Afgeplakte ramen, nachtelijk licht.")
    signal = _complete(signal, "triage", "relevant")
    signal = _complete(signal, "triage", "verder")
    signal = _complete(signal, "triage", "obh", legal_ground=LegalGround.objects.get(code="protocol-obh-mechelen"))
    assert signal.current_task == "Opvolging in het OBH"
    client = _login(client, "handhaving")
    html = client.get(reverse("signals:detail", args=[signal.pk])).content.decode()
    assert BUTTON in html
    response = client.get(_url(signal))
    assert response.context["form"]["title"].value() == f"OBH-casus na signaal {signal.reference}"
    response = client.post(
        _url(signal), {"title": f"OBH-casus na signaal {signal.reference}", "legal_ground": ground.pk}
    )
    case = Case.objects.get()
    assert response.status_code == 302 and case.case_type == "obh"
    assert selectors.linked_signal_ids(case=case) == {signal.pk}
