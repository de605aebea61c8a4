from datetime import UTC, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from schakel.audit.models import AuditEvent
from schakel.core.testing import assert_constant_queries, persona_user
from schakel.signals import services
from schakel.signals.models import Category, Signal
from schakel.workflows.models import WorkItem

pytestmark = pytest.mark.django_db


def _post_data(**kw):
    data = {
        "category": Category.objects.get(code="overlast").pk,
        "observed_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "description": "Luide muziek en samenscholing.",
        "confidentiality": "normal",
    }
    data.update(kw)
    return data


def test_intake_creates_a_signal(client, sig_seeded):
    client.force_login(persona_user("frontlijn"))
    response = client.post(reverse("signals:intake"), _post_data())
    assert response.status_code == 302
    assert Signal.objects.get().reporter == persona_user("frontlijn")


def test_intake_bad_input_shows_dutch_errors(client, sig_seeded):
    client.force_login(persona_user("frontlijn"))
    future = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("signals:intake"), _post_data(observed_at=future, address="Nergensstraat 999"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "staat niet in het adressenregister" in content
    assert not Signal.objects.exists()
    response = client.post(reverse("signals:intake"), _post_data(observed_at=future))
    assert "in de toekomst" in response.content.decode()
    assert not Signal.objects.exists()


def test_script_in_description_is_shown_as_text(client, make_signal):
    signal = make_signal(description="<script>alert('x')</script>")
    client.force_login(persona_user("triage"))
    response = client.get(reverse("signals:detail", args=[signal.pk]))
    content = response.content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in content


def test_detail_records_an_access_event_each_time(client, make_signal):
    signal = make_signal()
    client.force_login(persona_user("triage"))
    for _ in range(2):
        assert client.get(reverse("signals:detail", args=[signal.pk])).status_code == 200
    assert AuditEvent.objects.filter(kind="access", object_id=str(signal.pk)).count() == 2


def test_detail_shows_diagram_data_with_current_task(client, make_signal):
    signal = make_signal()
    client.force_login(persona_user("triage"))
    response = client.get(reverse("signals:detail", args=[signal.pk]))
    content = response.content.decode()
    assert f'id="diagram-{signal.instance_id}-data"' in content
    assert "data-bpmn-viewer" in content
    assert "\\u0022beoordelen\\u0022" in content or '"beoordelen"' in content


def test_step_form_advances_and_requires_reason_to_close(client, make_signal):
    signal = make_signal()
    client.force_login(persona_user("triage"))
    item = WorkItem.objects.get(instance=signal.instance)
    url = reverse("signals:step", args=[signal.pk])
    response = client.post(url, {"item": item.pk, "choice": "afsluiten"}, follow=True)
    assert "Geef de reden" in response.content.decode()
    client.post(url, {"item": item.pk, "choice": "relevant"})
    signal.refresh_from_db()
    assert signal.current_task == "Privacyscreening"
    response = client.post(url, {"item": "abc"})
    assert response.status_code == 404


def test_partner_form_token_flow(client, sig_seeded):
    _inv, token = services.invitation_create(
        actor=persona_user("osp"), label="School", organisation_name="Atheneum", max_per_hour=1
    )
    url = reverse("signals:partner", args=[token])
    assert client.get(url).status_code == 200
    data = _post_data(category=Category.objects.get(code="problemen-school").pk, reporter_function="leerkracht")
    data.pop("confidentiality")
    response = client.post(url, data)
    assert response.status_code == 200 and "Bedankt" in response.content.decode()
    response = client.post(url, data)
    assert response.status_code == 429
    assert Signal.objects.count() == 1
    assert client.get(reverse("signals:partner", args=["forged"])).status_code == 404


def test_queue_query_count_is_constant(client, make_signal):
    user = persona_user("triage")
    client.force_login(user)
    assert_constant_queries(
        lambda n: [make_signal() for _ in range(n)], lambda: client.get(reverse("signals:queue")), small=2, large=8
    )
    response = client.get(reverse("signals:queue") + "?overdue=on")
    assert response.status_code == 200


def test_mine_query_count_is_constant(client, make_signal):
    client.force_login(persona_user("frontlijn"))
    assert_constant_queries(
        lambda n: [make_signal() for _ in range(n)], lambda: client.get(reverse("signals:mine")), small=2, large=8
    )


def test_export_respects_permissions_and_neutralises_formulas(client, make_signal):
    make_signal(description='=HYPERLINK("http://evil")')
    make_signal(category="meerdere-gsms", youth_identifier="B., 2012", description="geheime jeugdinfo")
    client.force_login(persona_user("triage"))
    content = client.get(reverse("signals:export")).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in content
    assert "geheime jeugdinfo" not in content
    assert len(content.strip().splitlines()) == 2  # header + the one visible signal
    response = client.get(reverse("signals:export") + "?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(persona_user("frontlijn"))
    assert client.get(reverse("signals:export")).status_code == 403


def test_invitation_page_shows_link_once(client, sig_seeded):
    client.force_login(persona_user("triage"))
    response = client.post(
        reverse("signals:invitations"),
        {
            "label": "Makelaars",
            "organisation_name": "Vastgoedkantoor",
            "channel": "sector",
            "days_valid": 10,
            "max_per_hour": 3,
        },
    )
    prefix = reverse("signals:partner", args=["TOKEN"]).replace("TOKEN/", "")
    assert prefix in response.content.decode()
    assert prefix not in client.get(reverse("signals:invitations")).content.decode()


def test_detail_shows_fired_deadline_reminders(client, make_signal, monkeypatch):
    from datetime import datetime

    import SpiffWorkflow.bpmn.specs.event_definitions.timer as timer_mod

    from schakel.workflows import services as wf_services

    class Later(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + timedelta(days=8)

    signal = make_signal()
    monkeypatch.setattr(timer_mod, "datetime", Later)
    assert wf_services.timers_tick(now=datetime.now(UTC) + timedelta(days=8)) == 1
    client.force_login(persona_user("triage"))
    content = client.get(reverse("signals:detail", args=[signal.pk])).content.decode()
    assert "Termijn verstreken" in content and "Herinnering triage" in content


def test_routing_step_offers_legal_grounds_and_records_the_choice(client, make_signal):
    from schakel.legal.models import LegalGround

    signal = make_signal(category="pand-kenmerken")
    client.force_login(persona_user("triage"))
    url = reverse("signals:step", args=[signal.pk])
    for choice in ("relevant", "verder"):
        item = WorkItem.objects.get(instance=signal.instance, status=WorkItem.Status.OPEN)
        detail = client.get(reverse("signals:detail", args=[signal.pk])).content.decode()
        # Steps that stay inside the organisation ask for no legal ground.
        assert 'name="legal_ground"' not in detail
        client.post(url, {"item": item.pk, "choice": choice})
    item = WorkItem.objects.get(instance=signal.instance, status=WorkItem.Status.OPEN)
    assert item.bpmn_id == "routeren"
    content = client.get(reverse("signals:detail", args=[signal.pk])).content.decode()
    assert 'name="legal_ground"' in content
    protocol = LegalGround.objects.get(code="protocol-obh-mechelen")
    assert f'<option value="{protocol.pk}">' in content
    # The police option is marked as leaving the organisation; the city service is not.
    police = content.split('value="politie"')[1].split("</div>")[0]
    city = content.split('value="stad"')[1].split("</div>")[0]
    assert "andere organisatie" in police and "andere organisatie" not in city
    # Without a ground: refused with the reason, nothing moves.
    response = client.post(url, {"item": item.pk, "choice": "politie"}, follow=True)
    assert "kies de rechtsgrond" in response.content.decode()
    signal.refresh_from_db()
    assert signal.team.code == "preventie-veiligheid"
    # A forged ground id: refused too.
    response = client.post(url, {"item": item.pk, "choice": "politie", "legal_ground": "999999"}, follow=True)
    assert "Kies een geldige rechtsgrond." in response.content.decode()
    # With the ground: routed, and the disclosure records it.
    client.post(url, {"item": item.pk, "choice": "politie", "legal_ground": protocol.pk})
    signal.refresh_from_db()
    assert signal.team.code == "liec"
    assert AuditEvent.objects.get(kind="disclosure", object_id=str(signal.pk)).legal_ground == str(protocol)
    client.force_login(persona_user("liec"))
    content = client.get(reverse("signals:detail", args=[signal.pk])).content.decode()
    assert f"rechtsgrond: {protocol.name}" in content


def test_rule_delete_confirms_then_deletes(client, sig_seeded):
    from schakel.signals.models import RoutingRule

    rules = list(RoutingRule.objects.order_by("order", "pk"))
    url = reverse("signals:rule_delete", args=[rules[0].pk])
    client.force_login(persona_user("coordinator"))
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    client.force_login(persona_user("beheerder"))
    settings_page = client.get(reverse("signals:settings")).content.decode()
    assert url in settings_page
    response = client.get(url)
    assert response.status_code == 200 and "Definitief verwijderen" in response.content.decode()
    assert RoutingRule.objects.count() == len(rules)  # GET deletes nothing
    response = client.post(url)
    assert response.status_code == 302
    assert not RoutingRule.objects.filter(pk=rules[0].pk).exists()
    assert list(RoutingRule.objects.order_by("order").values_list("order", flat=True)) == [
        10 * i for i in range(1, len(rules))
    ]
    assert AuditEvent.objects.filter(action="signals.routingrule_deleted", object_id=str(rules[0].pk)).exists()
    assert client.post(url).status_code == 404


def test_queue_marks_reminded_signals(client, make_signal, mailoutbox):
    reminded = make_signal()
    other = make_signal()
    item = WorkItem.objects.get(instance=reminded.instance, status=WorkItem.Status.OPEN)
    WorkItem.objects.filter(pk=item.pk).update(due_at=timezone.now() - timedelta(hours=1))
    Signal.objects.filter(pk=reminded.pk).update(task_due_at=timezone.now() - timedelta(hours=1))
    assert services.reminders_send(fire_timers=False) == 1
    client.force_login(persona_user("triage"))
    content = client.get(reverse("signals:queue")).content.decode()
    row = content.split(f">{reminded.reference}</a>")[1].split("</tr>")[0]
    assert "herinnerd" in row
    row = content.split(f">{other.reference}</a>")[1].split("</tr>")[0]
    assert "herinnerd" not in row
