from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from schakel.audit.models import AuditEvent
from schakel.core.testing import UserFactory, persona_user
from schakel.signals import selectors, services
from schakel.signals.models import Category, Signal, SignalEvent
from schakel.signals.testing import complete_open_step as _complete
from schakel.workflows.models import WorkItem

pytestmark = pytest.mark.django_db

MECHELEN = (51.0280, 4.4800)


def test_create_starts_triage_in_the_routed_team(make_signal):
    signal = make_signal(lat=MECHELEN[0], lon=MECHELEN[1])
    assert signal.instance.definition.key == "signaal_triage"
    assert signal.team.code == "preventie-veiligheid"
    assert signal.current_task == "Volledigheid en relevantie beoordelen"
    assert signal.task_due_at is not None and signal.triage_due_at > timezone.now() + timedelta(days=6)
    assert signal.cell is not None and signal.x is not None
    assert signal.events.filter(kind=SignalEvent.Kind.STATUS, status="triage").exists()
    assert AuditEvent.objects.filter(action="signals.signal_created", object_id=str(signal.pk)).exists()


def test_youth_signal_is_routed_to_the_osp_team(make_signal):
    signal = make_signal(category="meerdere-gsms", youth_identifier="J., 2010")
    assert signal.team.code == "outreach"


def test_forbidden_without_permission(sig_seeded):
    with pytest.raises(PermissionDenied):
        services.signal_create(
            actor=UserFactory(),
            category=Category.objects.get(code="overlast"),
            description="x",
            observed_at=timezone.now(),
        )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"description": "  "}, "description"),
        ({"description": "x" * 5001}, "description"),
        ({"observed_at": timezone.now() + timedelta(days=2)}, "observed_at"),
        ({"lat": 48.85, "lon": 2.35}, "lat"),
        ({"lat": 51.0}, "lat"),
        ({"youth_identifier": "Jan"}, "youth_identifier"),
    ],
)
def test_bad_input_stores_nothing(make_signal, kwargs, field):
    before = Signal.objects.count()
    with pytest.raises(ValidationError) as exc:
        make_signal(**kwargs)
    assert field in exc.value.message_dict
    assert Signal.objects.count() == before
    assert not WorkItem.objects.exists()


def test_youth_signal_refuses_other_personal_details(make_signal):
    with pytest.raises(ValidationError) as exc:
        make_signal(category="meerdere-gsms", subjects_text="zijn oom Karel, Dorpsstraat 1")
    assert "subjects_text" in exc.value.message_dict


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("foto.jpg", b"MZ\x90\x00 this is an exe", "alleen PDF"),
        ("rapport.pdf", b"\x89PNG\r\n\x1a\n....", "vermomd"),
        ("groot.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), "5 MB"),
    ],
)
def test_bad_attachment_refused_and_nothing_stored(make_signal, name, content, message):
    with pytest.raises(ValidationError) as exc:
        make_signal(attachments=[SimpleUploadedFile(name, content)])
    assert message in str(exc.value)
    assert not Signal.objects.exists()


def test_good_attachment_is_stored(make_signal, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    signal = make_signal(attachments=[SimpleUploadedFile("foto.png", b"\x89PNG\r\n\x1a\nrest")])
    att = signal.attachments.get()
    assert att.content_type == "image/png" and att.size == 12
    assert "foto" not in att.file.name  # stored under its hash, not the uploaded name


def test_triage_routes_to_police_with_disclosure(make_signal, ground):
    signal = make_signal(category="pand-kenmerken")
    signal = _complete(signal, "triage", "relevant")
    signal = _complete(signal, "triage", "verder")
    protocol = ground("protocol-obh-mechelen")
    signal = _complete(signal, "triage", "politie", legal_ground=protocol)
    assert signal.status == Signal.Status.ROUTED and signal.triaged_at is not None
    assert signal.team.code == "liec"
    # The disclosure event names the chosen legal ground, the recipient and who did it.
    disclosure = AuditEvent.objects.get(kind="disclosure", object_id=str(signal.pk))
    assert disclosure.legal_ground == str(protocol)
    assert disclosure.recipient_organisation == signal.team.organisation
    assert disclosure.actor == persona_user("triage")
    assert "protocol-obh-mechelen" in disclosure.summary
    assignment = signal.events.get(kind=SignalEvent.Kind.ASSIGNMENT, team=signal.team)
    assert assignment.legal_ground == protocol
    # The police officer now sees it; the frontline reporter only its status.
    assert selectors.signal_get_for(user=persona_user("liec"), pk=signal.pk)[1] == selectors.FULL
    assert selectors.signal_get_for(user=persona_user("frontlijn"), pk=signal.pk)[1] == selectors.STATUS_ONLY
    signal = _complete(signal, "liec")
    assert signal.status == Signal.Status.CLOSED
    assert signal.feedback and "politie" not in signal.feedback.lower()


def test_closing_needs_a_reason(make_signal):
    signal = make_signal()
    with pytest.raises(ValidationError):
        _complete(signal, "triage", "afsluiten")
    signal = _complete(signal, "triage", "afsluiten", note="Geen concrete feiten.")
    assert signal.status == Signal.Status.CLOSED_NO_FOLLOWUP
    assert signal.events.filter(kind="note", text="Geen concrete feiten.").exists()


def test_other_team_cannot_complete_the_step(make_signal):
    signal = make_signal()
    with pytest.raises((PermissionDenied, Exception)):
        _complete(signal, "liec", "relevant")
    signal.refresh_from_db()
    assert signal.current_task == "Volledigheid en relevantie beoordelen"


def test_youth_flow_to_osp_decision(make_signal):
    signal = make_signal(category="meerdere-gsms", actor="extern", youth_identifier="J., 2010")
    # Triage of a youth signal happens in the OSP team; nobody else sees it.
    with pytest.raises(Exception):
        selectors.signal_get_for(user=persona_user("triage"), pk=signal.pk)
    signal = _complete(signal, "osp", "relevant")
    signal = _complete(signal, "osp", "verder")
    signal = _complete(signal, "osp", "osp")
    assert signal.youth_instance is not None
    assert signal.status == Signal.Status.FOLLOW_UP
    assert signal.current_task == "Bespreking in het OSP"
    assert signal.feedback  # the triage process ended with feedback
    signal = _complete(signal, "osp", "opvolgen")
    assert signal.current_task == "Opvolgen door preventiewerker"
    signal = _complete(signal, "osp")
    assert signal.status == Signal.Status.CLOSED
    assert selectors.signal_get_for(user=persona_user("extern"), pk=signal.pk)[1] == selectors.STATUS_ONLY
    coordinator = persona_user("coordinator")
    assert not selectors.signals_visible_to(coordinator).filter(pk=signal.pk).exists()


def test_note_add(make_signal):
    signal = make_signal()
    services.signal_note_add(actor=persona_user("triage"), signal=signal, text="<script>alert(1)</script>")
    assert signal.events.filter(kind="note").get().text == "<script>alert(1)</script>"
    with pytest.raises(ValidationError):
        services.signal_note_add(actor=persona_user("triage"), signal=signal, text=" ")
    with pytest.raises(PermissionDenied):
        services.signal_note_add(actor=persona_user("frontlijn"), signal=signal, text="x")


def test_related_signals_same_category_within_250m(make_signal):
    from schakel.places import geo

    base = make_signal(lat=51.0280, lon=4.4800)
    lat2, lon2 = geo.to_wgs84(base.x + 200, base.y)
    near = make_signal(lat=lat2, lon=lon2)
    lat3, lon3 = geo.to_wgs84(base.x + 400, base.y)
    far = make_signal(lat=lat3, lon=lon3)
    other_cat = make_signal(category="graffiti", lat=lat2, lon=lon2)
    related = selectors.related_signals(user=persona_user("triage"), signal=base)
    assert [s.pk for s in related] == [near.pk]
    assert far.pk and other_cat.pk


def test_invitation_flow_expiry_and_rate_limit(sig_seeded):
    inv, token = services.invitation_create(
        actor=persona_user("osp"), label="Scholengroep", organisation_name="Atheneum", max_per_hour=2
    )
    fields = {
        "category": Category.objects.get(code="problemen-school"),
        "description": "Leerling spijbelt sinds kort en heeft dure spullen.",
        "observed_at": timezone.now(),
        "reporter_function": "leerkracht",
    }
    s1 = services.partner_signal_submit(token=token, **fields)
    assert s1.channel == Signal.Channel.PARTNER and s1.reporter is None and s1.reporter_organisation == "Atheneum"
    services.partner_signal_submit(token=token, **fields)
    with pytest.raises(services.InvitationError) as exc:
        services.partner_signal_submit(token=token, **fields)
    assert exc.value.status == 429
    with pytest.raises(services.InvitationError):
        services.partner_signal_submit(token=token + "x", **fields)
    inv.expires_at = timezone.now() - timedelta(seconds=1)
    inv.save()
    with pytest.raises(services.InvitationError) as exc:
        services.partner_signal_submit(token=token, **fields)
    assert exc.value.status == 410
    assert Signal.objects.count() == 2


def test_invitation_create_forbidden_and_bad_input(sig_seeded):
    with pytest.raises(PermissionDenied):
        services.invitation_create(actor=persona_user("frontlijn"), label="x", organisation_name="y")
    with pytest.raises(ValidationError):
        services.invitation_create(actor=persona_user("osp"), label="x", organisation_name="y", days_valid=0)


def test_retention_deletes_with_proof(make_signal):
    from schakel.signals.models import DeletionProof

    old = make_signal()
    old = _complete(old, "triage", "afsluiten", note="Geen feiten.")
    keep = make_signal()
    later = timezone.now() + timedelta(days=7 * 31)
    assert services.retention_run(now=later) == 1
    assert not Signal.objects.filter(pk=old.pk).exists()
    assert Signal.objects.filter(pk=keep.pk).exists()
    proof = DeletionProof.objects.get()
    assert proof.signal_reference == old.reference and proof.rule == "retention_months_no_followup=6"
    assert services.retention_run(now=later) == 0


def test_routing_to_another_organisation_needs_a_legal_ground(make_signal, ground):
    signal = make_signal(category="pand-kenmerken")
    signal = _complete(signal, "triage", "relevant")
    signal = _complete(signal, "triage", "verder")
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        _complete(signal, "triage", "politie")
    assert "legal_ground" in exc.value.message_dict and "rechtsgrond" in str(exc.value)
    # Nothing moved, nothing was disclosed, the step is still open.
    signal.refresh_from_db()
    assert signal.team.code == "preventie-veiligheid" and signal.current_task == "Routeren"
    assert AuditEvent.objects.count() == before
    assert not AuditEvent.objects.filter(kind="disclosure").exists()
    # An inactive ground is refused too.
    stale = ground("toestemming")
    stale.active = False
    stale.save()
    with pytest.raises(ValidationError):
        _complete(signal, "triage", "politie", legal_ground=stale)
    assert not AuditEvent.objects.filter(kind="disclosure").exists()


def test_routing_inside_the_organisation_needs_no_legal_ground(make_signal):
    signal = make_signal(category="overlast")
    signal = _complete(signal, "triage", "relevant")
    signal = _complete(signal, "triage", "verder")
    signal = _complete(signal, "triage", "stad")
    assert signal.status == Signal.Status.ROUTED
    assert signal.team.organisation.code == "stad-mechelen"
    assert not AuditEvent.objects.filter(kind="disclosure", object_id=str(signal.pk)).exists()


# --- routing rules ----------------------------------------------------------


def test_routing_rule_delete_renumbers_and_is_audited(sig_seeded):
    from schakel.signals.models import RoutingRule

    rules = list(RoutingRule.objects.order_by("order", "pk"))
    assert len(rules) >= 3
    with pytest.raises(PermissionDenied):
        services.routing_rule_delete(actor=persona_user("triage"), rule=rules[1])
    assert RoutingRule.objects.count() == len(rules)
    services.routing_rule_delete(actor=persona_user("beheerder"), rule=rules[1])
    left = list(RoutingRule.objects.order_by("order", "pk"))
    assert [r.pk for r in left] == [r.pk for r in rules if r.pk != rules[1].pk]
    assert [r.order for r in left] == [10 * i for i in range(1, len(left) + 1)]
    event = AuditEvent.objects.get(action="signals.routingrule_deleted")
    assert event.object_id == str(rules[1].pk) and event.actor == persona_user("beheerder")
    assert f"unit {rules[1].team_id}" in event.summary


def test_routing_rule_save_keeps_orders_unique(sig_seeded):
    from schakel.signals.forms import RoutingRuleForm
    from schakel.signals.models import RoutingRule

    first = RoutingRule.objects.order_by("order", "pk").first()
    team = first.team
    form = RoutingRuleForm({"order": first.order, "team": team.pk, "active": "on", "category": "", "area": ""})
    assert form.is_valid(), form.errors
    new = services.settings_save(actor=persona_user("beheerder"), form=form)
    orders = list(RoutingRule.objects.order_by("order", "pk").values_list("pk", "order"))
    # The new rule took the place it was given (first), the rest moved down by one.
    assert orders[0] == (new.pk, 10)
    assert [o for _pk, o in orders] == [10 * i for i in range(1, len(orders) + 1)]


# --- deadline reminders ---------------------------------------------------------


def _forge_engine_clock(monkeypatch, at):
    """SpiffWorkflow's timers read datetime.now(): move that clock to ``at``."""
    from datetime import datetime

    import SpiffWorkflow.bpmn.specs.event_definitions.timer as timer_mod

    shift = at - timezone.now()

    class Forged(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + shift

    monkeypatch.setattr(timer_mod, "datetime", Forged)


def test_reminders_mail_the_team_once_per_deadline(make_signal, mailoutbox, monkeypatch):
    from schakel.signals.models import DeadlineReminder

    signal = make_signal(category="overlast")
    youth = make_signal(category="meerdere-gsms", actor="extern", youth_identifier="J., 2010")
    item = WorkItem.objects.get(instance=signal.instance, status=WorkItem.Status.OPEN)
    # Before the deadline: nothing.
    assert services.reminders_send(now=item.due_at - timedelta(minutes=1), base_url="https://schakel.test") == 0
    assert mailoutbox == []
    later = item.due_at + timedelta(hours=1)
    _forge_engine_clock(monkeypatch, later)
    assert services.reminders_send(now=later, base_url="https://schakel.test") == 2
    by_to = {m.to[0]: m for m in mailoutbox}
    # The triage team gets the city signal; the OSP the youth signal; nobody else.
    assert "triage@demo.schakel.test" in by_to and "osp@demo.schakel.test" in by_to
    assert "liec@demo.schakel.test" not in by_to and "coordinator@demo.schakel.test" not in by_to
    msg = by_to["triage@demo.schakel.test"]
    assert signal.reference in msg.subject
    assert f"https://schakel.test/signalen/{signal.pk}/" in msg.body
    assert "Volledigheid en relevantie beoordelen" in msg.body
    # Only reference, step and deadline leave by e-mail: never the content.
    assert signal.description not in msg.body and "J., 2010" not in by_to["osp@demo.schakel.test"].body
    assert youth.reference in by_to["osp@demo.schakel.test"].subject
    reminder = DeadlineReminder.objects.get(signal=signal)
    assert reminder.due_at == item.due_at and reminder.recipients >= 1 and reminder.team == item.team
    events = AuditEvent.objects.filter(action="signals.deadline_reminder_sent")
    assert events.count() == 2 and events.filter(object_id=str(signal.pk)).exists()
    signal.refresh_from_db()
    assert signal.reminded_at == later
    # The timer of the BPMN fired too (workflows Reminder).
    assert signal.instance.reminders.exists()
    # A second and third run send nothing: one reminder per deadline.
    sent = len(mailoutbox)
    assert services.reminders_send(now=later + timedelta(minutes=5)) == 0
    assert services.reminders_send(now=later + timedelta(days=3)) == 0
    assert len(mailoutbox) == sent
    assert DeadlineReminder.objects.count() == 2
    assert AuditEvent.objects.filter(action="signals.deadline_reminder_sent").count() == 2


def test_reminder_for_a_new_step_after_the_next_deadline(make_signal, mailoutbox):
    signal = make_signal(category="overlast")
    first = WorkItem.objects.get(instance=signal.instance, status=WorkItem.Status.OPEN)
    assert services.reminders_send(now=first.due_at + timedelta(minutes=1)) == 1
    signal = _complete(signal, "triage", "relevant")
    # The next step ("Privacyscreening") has no deadline in the diagram: no reminder.
    assert services.reminders_send(now=first.due_at + timedelta(days=30)) == 0
    assert len(mailoutbox) == len({m.to[0] for m in mailoutbox})


def test_reminder_mail_failure_records_nothing_and_retries(make_signal, mailoutbox, monkeypatch):
    import smtplib

    from django.core.mail.backends.locmem import EmailBackend

    from schakel.signals.models import DeadlineReminder

    signal = make_signal(category="overlast")
    item = WorkItem.objects.get(instance=signal.instance, status=WorkItem.Status.OPEN)
    later = item.due_at + timedelta(hours=1)

    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("down")

    with monkeypatch.context() as m:
        m.setattr(EmailBackend, "send_messages", refuse)
        assert services.reminders_send(now=later) == 0
    assert not DeadlineReminder.objects.exists()
    assert not AuditEvent.objects.filter(action="signals.deadline_reminder_sent").exists()
    assert services.reminders_send(now=later) == 1
    assert mailoutbox


def test_reminders_command(make_signal, mailoutbox, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.CSRF_TRUSTED_ORIGINS = ["https://schakel.example.be"]
    signal = make_signal(category="overlast")
    item = WorkItem.objects.get(instance=signal.instance, status=WorkItem.Status.OPEN)
    WorkItem.objects.filter(pk=item.pk).update(due_at=timezone.now() - timedelta(hours=1))
    out = StringIO()
    call_command("signals_reminders", stdout=out)
    assert "1 reminders sent" in out.getvalue()
    assert f"https://schakel.example.be/signalen/{signal.pk}/" in mailoutbox[0].body
    out = StringIO()
    call_command("signals_reminders", stdout=out)
    assert "0 reminders sent" in out.getvalue()


def test_intake_writes_one_audit_event_naming_the_process(make_signal, django_assert_max_num_queries):
    make_signal()  # warm the definition and spec caches
    actor = persona_user("frontlijn")
    actor.has_perm("signals.add_signal")  # the permission cache, as in a request
    category = Category.objects.select_related("parent").get(code="overlast")
    before = AuditEvent.objects.count()
    # Measured at 1 M signals (docs/bench-signals.md): every round trip counts.
    # Rule, signal, history, definition id, instance, work item, access,
    # signal update, the audit chain (5 with its savepoint) and the
    # transaction's own savepoint (BEGIN outside a test). Was 43 per request.
    with django_assert_max_num_queries(15):
        signal = services.signal_create(
            actor=actor, category=category, description="Tags.", observed_at=timezone.now() - timedelta(hours=1)
        )
    events = AuditEvent.objects.order_by("pk")[before:]
    assert [e.action for e in events] == ["signals.signal_created"]
    assert f"instance {signal.instance_id} started" in events[0].summary
    assert "signaal_triage v1" in events[0].summary
    assert signal.access.filter(team=signal.team).exists()


def test_retention_deletes_a_signal_that_had_a_deadline_reminder(make_signal, mailoutbox, monkeypatch):
    """Reminder rows are append-only history but go with their signal."""
    from schakel.signals.models import DeadlineReminder, DeletionProof

    signal = make_signal(category="overlast")
    item = WorkItem.objects.get(instance=signal.instance, status=WorkItem.Status.OPEN)
    later = item.due_at + timedelta(hours=1)
    _forge_engine_clock(monkeypatch, later)
    assert services.reminders_send(now=later, base_url="https://schakel.test") == 1
    assert DeadlineReminder.objects.filter(signal=signal).exists()
    signal = _complete(signal, "triage", "afsluiten", note="Geen feiten.")
    assert services.retention_run(now=timezone.now() + timedelta(days=7 * 31)) == 1
    assert not Signal.objects.filter(pk=signal.pk).exists()
    assert not DeadlineReminder.objects.filter(signal_id=signal.pk).exists()
    assert DeletionProof.objects.filter(signal_reference=signal.reference).exists()
