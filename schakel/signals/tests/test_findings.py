"""Findings of the hallway test of 06-12-2026 (B1, M2, M3, M4, m9, m10, m14, m15)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from schakel.core.testing import persona_user
from schakel.places.testing import make_address
from schakel.signals import services
from schakel.signals.forms import RoutingRuleForm
from schakel.signals.models import Category, Invitation, Signal
from schakel.workflows.models import WorkItem

pytestmark = pytest.mark.django_db


def _menu(client):
    html = client.get("/").content.decode()
    return html[html.index('id="main-menu"') : html.index("</nav>")]


# --- B1: every signals page can be reached from the UI -------------------------


def test_menu_offers_my_signals_and_invitation_links(client, sig_seeded):
    client.force_login(persona_user("frontlijn"))
    menu = _menu(client)
    assert f'href="{reverse("signals:mine")}"' in menu and "Mijn meldingen" in menu
    assert reverse("signals:invitations") not in menu
    for persona in ("triage", "beheerder"):
        client.force_login(persona_user(persona))
        menu = _menu(client)
        assert f'href="{reverse("signals:invitations")}"' in menu and "Uitnodigingslinks" in menu
    client.force_login(persona_user("coordinator"))
    assert f'href="{reverse("signals:map")}"' in _menu(client)


def test_queue_and_map_link_to_map_and_export_for_those_who_may(client, sig_seeded):
    client.force_login(persona_user("triage"))
    html = client.get(reverse("signals:queue")).content.decode()
    assert f'href="{reverse("signals:map")}"' in html
    assert f'href="{reverse("signals:export")}"' in html and "?format=xlsx" in html
    client.force_login(persona_user("liec"))  # triage without the export permission
    html = client.get(reverse("signals:queue")).content.decode()
    assert f'href="{reverse("signals:map")}"' in html
    assert reverse("signals:export") not in html
    client.force_login(persona_user("coordinator"))
    html = client.get(reverse("signals:map")).content.decode()
    assert f'href="{reverse("signals:export")}"' in html


# --- M4: the intake address has the suggestion list and forgives the form --------


def _intake_data(**kw):
    data = {
        "category": Category.objects.get(code="overlast").pk,
        "observed_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "description": "Luide muziek en samenscholing.",
        "confidentiality": "normal",
    }
    data.update(kw)
    return data


def test_intake_address_has_suggestions_and_accepts_ordinary_forms(client, sig_seeded):
    for n in ("5", "50", "51"):
        make_address(lat=51.03, lon=4.48, street="Kalverenstraat", number=n)
    client.force_login(persona_user("frontlijn"))
    html = client.get(reverse("signals:intake")).content.decode()
    search = reverse("signals:address_search")
    assert f'hx-get="{search}"' in html and 'list="address-options"' in html
    assert '<datalist id="address-options">' in html
    assert "Kalverenstraat 5" in html  # the help-text example exists in the demo register
    # The suggestion list answers a reporter without places.view_address.
    options = client.get(search, {"address": "kalverenstraat 5"}).content.decode()
    assert 'value="Kalverenstraat 5, 2800"' in options
    for typed in ("Kalverenstraat 5", "kalverenstraat 5 2800 Mechelen", "Kalverenstraat 5, 2800 Mechelen"):
        response = client.post(reverse("signals:intake"), _intake_data(address=typed))
        assert response.status_code == 302, typed
    assert Signal.objects.filter(address__house_number="5").count() == 3


def test_intake_unknown_address_suggests_and_keeps_the_input(client, sig_seeded):
    make_address(lat=51.03, lon=4.48, street="Kalverenstraat", number="7")
    client.force_login(persona_user("frontlijn"))
    response = client.post(reverse("signals:intake"), _intake_data(address="Kalverenstraat 700"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bedoelt u: Kalverenstraat 7, 2800?" in html
    assert 'value="Kalverenstraat 700"' in html and "Luide muziek en samenscholing." in html
    assert not Signal.objects.exists()


# --- M3: the partner form at the hourly limit of its link -------------------------


def test_partner_form_at_its_limit_keeps_the_report_and_gives_a_contact(client, sig_seeded):
    inv, token = services.invitation_create(
        actor=persona_user("osp"),
        label="School",
        organisation_name="Atheneum",
        max_per_hour=1,
        contact="preventie@demo.schakel.test",
    )
    url = reverse("signals:partner", args=[token])
    data = _intake_data(category=Category.objects.get(code="problemen-school").pk, reporter_function="leerkracht")
    data.pop("confidentiality")
    assert client.post(url, data).status_code == 200
    first = Signal.objects.get()
    data["description"] = "Tweede melding: leerling wordt na school opgewacht."
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 429
    assert "Uw melding is nog niet verstuurd." in html
    retry = timezone.localtime(first.created_at + timedelta(hours=1, minutes=1)).strftime("%H:%M")
    assert f"verstuur het opnieuw vanaf {retry}" in html
    assert "Tweede melding: leerling wordt na school opgewacht." in html  # the typed text is kept
    assert "preventie@demo.schakel.test" in html
    assert Signal.objects.count() == 1
    # A revoked link also names the contact.
    Invitation.objects.filter(pk=inv.pk).update(revoked=True)
    response = client.get(url)
    assert response.status_code == 410 and "preventie@demo.schakel.test" in response.content.decode()


def test_invitation_form_stores_the_contact(client, sig_seeded, settings):
    settings.SIGNALS_FALLBACK_CONTACT = "preventiedienst (fictief)"
    client.force_login(persona_user("triage"))
    html = client.get(reverse("signals:invitations")).content.decode()
    assert 'value="preventiedienst (fictief)"' in html
    client.post(
        reverse("signals:invitations"),
        {
            "label": "Jeugdhuis",
            "organisation_name": "Jeugdhuis (fictief)",
            "channel": "partner",
            "days_valid": 10,
            "max_per_hour": 3,
            "contact": "jeugd@demo.schakel.test",
        },
    )
    assert Invitation.objects.get(label="Jeugdhuis").contact == "jeugd@demo.schakel.test"


# --- M2 (signal part), m14: the step form ------------------------------------------


def test_step_refusal_keeps_choice_and_note_and_shows_the_error_at_the_field(client, make_signal):
    signal = make_signal()
    client.force_login(persona_user("triage"))
    item = WorkItem.objects.get(instance=signal.instance)
    url = reverse("signals:step", args=[signal.pk])
    response = client.post(url, {"item": item.pk, "choice": "afsluiten", "note": "  "})
    html = response.content.decode()
    assert response.status_code == 400
    assert f'value="afsluiten" id="choice-{item.pk}-' in html
    radio = html[html.index('value="afsluiten"') : html.index(">", html.index('value="afsluiten"'))]
    assert "checked" in radio
    other = html[html.index('value="relevant"') : html.index(">", html.index('value="relevant"'))]
    assert "checked" not in other
    note_field = html[html.index(f'for="note-{item.pk}"') : html.index("</textarea>")]
    assert "Geef de reden waarom het signaal zonder verdere opvolging wordt afgesloten." in note_field
    assert 'aria-invalid="true"' in note_field
    item.refresh_from_db()
    assert item.status == WorkItem.Status.OPEN
    # A typed reason is kept too when something else is refused (a forged ground).
    response = client.post(url, {"item": item.pk, "choice": "afsluiten", "note": "Dubbel", "legal_ground": "x"})
    html = response.content.decode()
    assert response.status_code == 400 and ">Dubbel</textarea>" in html and "Kies een geldige rechtsgrond." in html


def test_note_label_says_required_only_on_steps_that_can_close(client, make_signal):
    signal = make_signal()
    client.force_login(persona_user("triage"))
    html = client.get(reverse("signals:detail", args=[signal.pk])).content.decode()
    assert "Toelichting (verplicht bij afsluiten)" in html  # "beoordelen" offers "afsluiten"
    # Route to the police: the police step has no closing choice.
    url = reverse("signals:step", args=[signal.pk])
    from schakel.legal.models import LegalGround

    for choice in ("relevant", "verder"):
        item = WorkItem.objects.get(instance=signal.instance, status=WorkItem.Status.OPEN)
        assert client.post(url, {"item": item.pk, "choice": choice}).status_code == 302
    item = WorkItem.objects.get(instance=signal.instance, status=WorkItem.Status.OPEN)
    ground = LegalGround.objects.get(code="protocol-obh-mechelen")
    assert client.post(url, {"item": item.pk, "choice": "politie", "legal_ground": ground.pk}).status_code == 302
    client.force_login(persona_user("liec"))
    html = client.get(reverse("signals:detail", args=[signal.pk])).content.decode()
    assert "Opvolging door de politie" in html
    assert "verplicht bij afsluiten" not in html
    assert ">Toelichting</label>" in html


# --- m9: Mijn meldingen stacks into cards on a phone ---------------------------------


def test_mine_cells_carry_their_labels_for_the_phone_layout(client, make_signal):
    make_signal()
    client.force_login(persona_user("frontlijn"))
    html = client.get(reverse("signals:mine")).content.decode()
    assert '<table class="table-stack">' in html
    assert 'data-label="Status"' in html and 'data-label="Terugkoppeling"' in html


# --- m10: routing-rule categories in tree order --------------------------------------


def test_rule_form_lists_categories_in_tree_order(sig_seeded):
    labels = [label for value, label in RoutingRuleForm().fields["category"].choices if value]
    tree = []
    for root in Category.objects.filter(parent__isnull=True).order_by("order", "name"):
        tree.append(root.name)
        tree.extend(str(c) for c in Category.objects.filter(parent=root).order_by("order", "name"))
    assert labels == tree
    assert any("›" in label for label in labels)


# --- m15: revoking an invitation link asks for confirmation -------------------------


def test_revoking_a_link_asks_for_confirmation_first(client, sig_seeded):
    inv, _token = services.invitation_create(
        actor=persona_user("triage"), label="Makelaars", organisation_name="Vastgoedkantoor"
    )
    client.force_login(persona_user("triage"))
    url = reverse("signals:invitation_revoke", args=[inv.pk])
    listing = client.get(reverse("signals:invitations")).content.decode()
    assert f'href="{url}"' in listing
    response = client.get(url)
    assert response.status_code == 200 and "Definitief intrekken" in response.content.decode()
    inv.refresh_from_db()
    assert not inv.revoked
    response = client.post(url)
    assert response.status_code == 302
    inv.refresh_from_db()
    assert inv.revoked
    # Again: nothing to confirm.
    assert client.get(url).status_code == 302
    assert client.get(reverse("signals:invitation_revoke", args=[999999])).status_code == 404


# --- M10 (first half): a written feedback to the reporter on the closing step ---------


def test_handler_writes_feedback_on_the_closing_step_and_the_reporter_reads_it(client, make_signal):
    from schakel.signals.models import SignalEvent

    signal = make_signal()
    client.force_login(persona_user("triage"))
    item = WorkItem.objects.get(instance=signal.instance)
    html = client.get(reverse("signals:detail", args=[signal.pk])).content.decode()
    assert 'name="feedback"' in html and "Terugkoppeling aan de melder (optioneel)" in html
    url = reverse("signals:step", args=[signal.pk])
    text = "Bedankt. Dit valt niet onder onze aanpak; meld het via het meldpunt van de stad."
    # Not on a choice that keeps the signal open: refused, nothing lost.
    response = client.post(url, {"item": item.pk, "choice": "relevant", "feedback": text})
    html = response.content.decode()
    assert response.status_code == 400 and "kan alleen bij een beslissing die het signaal afsluit" in html
    assert f">{text}</textarea>" in html
    item.refresh_from_db()
    assert item.status == WorkItem.Status.OPEN
    response = client.post(url, {"item": item.pk, "choice": "afsluiten", "note": "Buiten scope.", "feedback": text})
    assert response.status_code == 302
    signal.refresh_from_db()
    assert signal.status == Signal.Status.CLOSED_NO_FOLLOWUP and signal.feedback_proposed == text
    assert SignalEvent.objects.filter(signal=signal, kind="feedback", text=text).exists()
    # The reporter reads it once a colleague with the triage role approved it (four eyes).
    assert signal.feedback != text and signal.feedback_review == "pending"
    from schakel.accounts.models import Unit
    from schakel.core.testing import UserFactory

    colleague = UserFactory(organisation=persona_user("triage").organisation, roles=["Intake- en triagemedewerker"])
    colleague.units.set(Unit.objects.filter(code="preventie-veiligheid"))
    services.feedback_approve(actor=colleague, signal=signal)
    client.force_login(persona_user("frontlijn"))
    assert text in client.get(reverse("signals:mine")).content.decode()
    assert text in client.get(reverse("signals:detail", args=[signal.pk])).content.decode()


def test_without_written_feedback_the_fixed_text_stays(client, make_signal):
    signal = make_signal()
    client.force_login(persona_user("triage"))
    item = WorkItem.objects.get(instance=signal.instance)
    url = reverse("signals:step", args=[signal.pk])
    client.post(url, {"item": item.pk, "choice": "afsluiten", "note": "Buiten scope.", "feedback": "  "})
    signal.refresh_from_db()
    assert signal.feedback == "Bedankt voor uw melding. Ze werd ontvangen en behandeld."


def test_no_written_feedback_for_youth_signals(client, make_signal):
    signal = make_signal(category="meerdere-gsms", youth_identifier="B., 2012")
    client.force_login(persona_user("osp"))
    html = client.get(reverse("signals:detail", args=[signal.pk])).content.decode()
    assert 'name="feedback"' not in html
    item = WorkItem.objects.get(instance=signal.instance, status=WorkItem.Status.OPEN)
    with pytest.raises(Exception) as exc:
        services.signal_task_complete(
            actor=persona_user("osp"), signal=signal, item_pk=item.pk, choice="afsluiten", note="x", feedback="Hallo"
        )
    assert "jongerensignaal" in str(exc.value)
