"""Security review findings in signals (the signals app belongs to another
helper: these tests are marked xfail and describe the fix)."""

import pytest
from django.core.exceptions import ValidationError

from schakel.core.testing import persona_user
from schakel.signals import services
from schakel.signals.models import Signal
from schakel.signals.testing import complete_open_step as _complete
from schakel.workflows.models import WorkItem

pytestmark = pytest.mark.django_db


# Security review finding S1 (fixed): written feedback was refused only by
# category, not for a signal handled in the youth early-detection process.
def test_no_written_feedback_on_the_youth_process_of_an_ordinary_signal(make_signal):
    # An ordinary report that the triage sends to the OSP: from then on the
    # youth early-detection process handles it, about a young person.
    signal = make_signal(category="overlast")
    signal = _complete(signal, "triage", "relevant")
    signal = _complete(signal, "triage", "verder")
    signal = _complete(signal, "triage", "osp")
    assert signal.youth_instance is not None and signal.status == Signal.Status.FOLLOW_UP
    signal = _complete(signal, "osp", "opvolgen")
    text = "Uw melding leidde tot begeleiding van de jongere door onze preventiewerker."
    with pytest.raises(ValidationError):
        _complete(signal, "osp", feedback=text)
    signal.refresh_from_db()
    assert signal.feedback != text


# Security review finding S2 (fixed): the revoke page counted the youth reports
# made through an OSP link for users who may not see youth signals.
def test_the_revoke_page_does_not_count_youth_reports_for_others(client, sig_seeded):
    from django.urls import reverse
    from django.utils import timezone

    from schakel.signals.models import Category

    inv, token = services.invitation_create(
        actor=persona_user("osp"), label="Scholengroep", organisation_name="Atheneum", max_per_hour=5
    )
    category = Category.objects.get(code="problemen-school")
    assert category.youth
    for _n in range(2):
        services.partner_signal_submit(
            token=token,
            category=category,
            description="Leerling spijbelt sinds kort en heeft dure spullen.",
            observed_at=timezone.now(),
            reporter_function="leerkracht",
        )
    url = reverse("signals:invitation_revoke", args=[inv.pk])
    client.force_login(persona_user("osp"))
    assert client.get(url).context["recent"] == 2
    beheerder = persona_user("beheerder")  # manages invitation links, may not see youth signals
    assert beheerder.has_perm("signals.manage_invitation") and not beheerder.has_perm("signals.view_youth_signal")
    client.force_login(beheerder)
    response = client.get(url)
    assert response.status_code == 200
    assert not response.context.get("recent")
    assert "Meldingen (laatste 30 dagen, zonder jongerensignalen)" in response.content.decode()


# Security review finding S3 (fixed, ADR 0302 amendment 1): what the OSP wrote
# in the youth process of an ordinary signal was read by everyone who saw the
# signal. Such a signal is now a youth signal everywhere.
def test_the_youth_process_of_an_ordinary_signal_stays_with_the_osp(client, make_signal):
    from django.urls import reverse

    signal = make_signal(category="overlast")
    signal = _complete(signal, "triage", "relevant")
    signal = _complete(signal, "triage", "verder")
    signal = _complete(signal, "triage", "osp")
    assert signal.youth_instance is not None
    signal = _complete(signal, "osp", "opvolgen", note="Jongere K. (15) wordt begeleid; moeder werkt mee.")
    client.force_login(persona_user("osp"))
    assert "Jongere K. (15)" in client.get(reverse("signals:detail", args=[signal.pk])).content.decode()
    for persona in ("coordinator", "triage", "liec"):
        client.force_login(persona_user(persona))
        response = client.get(reverse("signals:detail", args=[signal.pk]))
        assert "Jongere K. (15)" not in response.content.decode(), persona


MECHELEN = (51.0280, 4.4800)


@pytest.fixture
def handed_to_osp(make_signal, ground):
    """An ordinary nuisance report (with a location and an address) that the
    triage sent into the youth early-detection process, and the OSP's note."""
    from schakel.places.models import Address

    address = Address.objects.first()
    signal = make_signal(category="overlast", lat=MECHELEN[0], lon=MECHELEN[1], address=address)
    signal = _complete(signal, "triage", "relevant")
    signal = _complete(signal, "triage", "verder")
    signal = _complete(signal, "triage", "osp")
    assert signal.youth_instance is not None and not signal.category.youth
    return _complete(signal, "osp", "opvolgen", note="Jongere K. (15) wordt begeleid; moeder werkt mee.")


def test_a_signal_in_the_youth_process_is_a_youth_signal_for_every_list(client, handed_to_osp, make_signal):
    from django.urls import reverse

    from schakel.signals import selectors

    signal = handed_to_osp
    assert signal.is_youth
    ref = signal.reference
    osp = persona_user("osp")
    assert selectors.signal_get_for(user=osp, pk=signal.pk)[1] == selectors.FULL
    assert selectors.queue_for(osp).filter(pk=signal.pk).exists()
    for persona in ("coordinator", "triage", "liec", "handhaving"):
        user = persona_user(persona)
        assert not selectors.signals_visible_to(user).filter(pk=signal.pk).exists(), persona
        assert not selectors.queue_for(user).filter(pk=signal.pk).exists(), persona
        assert all(p["pk"] != signal.pk for p in selectors.map_points(user)), persona
    # Youth signals are never mapped, not even for the OSP.
    assert all(p["pk"] != signal.pk for p in selectors.map_points(osp))
    # Related signals: a later report at the same address does not point to it.
    other = make_signal(category="overlast", lat=MECHELEN[0], lon=MECHELEN[1], address=signal.address)
    coordinator = persona_user("coordinator")
    assert signal.pk not in [s.pk for s in selectors.related_signals(user=coordinator, signal=other)]
    assert signal.pk in [s.pk for s in selectors.related_signals(user=osp, signal=other)]
    # Export and API list of the coordinator (view_all_signals, export_signal).
    client.force_login(coordinator)
    export = client.get(reverse("signals:export")).content.decode("utf-8-sig")
    assert other.reference in export and ref not in export
    api = client.get(reverse("api:signal_list")).json()
    rows = api["results"] if isinstance(api, dict) else api
    assert other.pk in [r["id"] for r in rows] and signal.pk not in [r["id"] for r in rows]
    assert client.get(reverse("signals:detail", args=[signal.pk])).status_code == 404
    # The OSP lists it in the API, and its page marks it as a youth signal.
    client.force_login(osp)
    api = client.get(reverse("api:signal_list")).json()
    assert signal.pk in [r["id"] for r in (api["results"] if isinstance(api, dict) else api)]
    assert "jongerensignaal" in client.get(reverse("signals:detail", args=[signal.pk])).content.decode()


def test_the_queue_of_a_team_mate_without_the_youth_permission_leaves_it_out(client, handed_to_osp):
    """The open step lies with the OSP team: a member of that team who triages
    but may not see youth signals does not get it in the queue or on the home page."""
    from django.urls import reverse

    from schakel.core.testing import UserFactory
    from schakel.signals import selectors

    signal = handed_to_osp
    osp = persona_user("osp")
    assert signal.team in osp.units.all()
    client.force_login(osp)
    page = client.get(reverse("signals:queue")).content.decode()
    assert signal.reference in page
    mate = UserFactory(organisation=osp.organisation, perms=["signals.triage_signal"])
    mate.units.add(signal.team)
    assert not selectors.queue_for(mate).filter(pk=signal.pk).exists()
    client.force_login(mate)
    assert signal.reference not in client.get(reverse("signals:queue")).content.decode()
    assert signal.reference not in client.get(reverse("core:home")).content.decode()


def test_the_triage_officer_who_hands_it_over_is_told_and_then_loses_sight(client, make_signal):
    from django.urls import reverse

    signal = make_signal(category="overlast")
    signal = _complete(signal, "triage", "relevant")
    signal = _complete(signal, "triage", "verder")
    signal.refresh_from_db()
    item = WorkItem.objects.get(instance_id=signal.instance_id, status=WorkItem.Status.OPEN)
    client.force_login(persona_user("triage"))
    response = client.post(reverse("signals:step", args=[signal.pk]), {"item": item.pk, "choice": "osp"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("signals:queue")
    assert f"Signaal {signal.reference} is overgedragen aan het OSP" in response.content.decode()
    assert client.get(reverse("signals:detail", args=[signal.pk])).status_code == 404
    # The reporter keeps the status page, without the handling.
    client.force_login(persona_user("frontlijn"))
    response = client.get(reverse("signals:detail", args=[signal.pk]))
    assert response.status_code == 200 and "Bespreking in het OSP" not in response.content.decode()


# Security review observation (invitation_revoke): any holder of
# manage_invitation could revoke the OSP's school links. Now only the team that
# issued a link, or the functional administrator (emergency stop).
def test_only_the_issuing_team_or_the_administrator_revokes_a_link(client, sig_seeded):
    from django.core.exceptions import PermissionDenied
    from django.urls import reverse

    from schakel.core.testing import UserFactory

    osp, triage = persona_user("osp"), persona_user("triage")
    assert not set(osp.units.all()) & set(triage.units.all())
    school, _t = services.invitation_create(actor=osp, label="Scholengroep", organisation_name="Atheneum")
    url = reverse("signals:invitation_revoke", args=[school.pk])
    client.force_login(triage)
    listing = client.get(reverse("signals:invitations")).content.decode()
    assert url not in listing
    # Nor is the link listed: which schools report to the OSP is not the triage team's to read.
    assert "Scholengroep" not in listing and "Atheneum" not in listing
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    with pytest.raises(PermissionDenied):
        services.invitation_revoke(actor=triage, invitation=school)
    school.refresh_from_db()
    assert not school.revoked
    # A colleague of the OSP's team who manages links may revoke it.
    mate = UserFactory(organisation=osp.organisation, perms=["signals.manage_invitation"])
    mate.units.add(*osp.units.all())
    client.force_login(mate)
    assert url in client.get(reverse("signals:invitations")).content.decode()
    assert client.get(url).status_code == 200
    # So does the functional administrator, for every link.
    beheerder = persona_user("beheerder")
    client.force_login(beheerder)
    assert "Scholengroep" in client.get(reverse("signals:invitations")).content.decode()
    assert client.post(url).status_code == 302
    school.refresh_from_db()
    assert school.revoked
