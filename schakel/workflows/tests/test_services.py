from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from schakel.audit.models import AuditEvent
from schakel.core.testing import UserFactory, persona_user
from schakel.workflows import services
from schakel.workflows.bpmn import DefinitionError
from schakel.workflows.models import ProcessDefinition, ProcessInstance, Reminder, WorkItem

pytestmark = pytest.mark.django_db


def _start(key="signaal_triage", **kw):
    return services.instance_start(actor=None, key=key, subject_type="tests.thing", subject_id="1", **kw)


def test_seed_installs_both_processes_once(wf_seeded):
    assert set(ProcessDefinition.objects.values_list("key", "version")) == {
        ("signaal_triage", 1),
        ("jongeren_vroegdetectie", 1),
    }
    from schakel.workflows.seeding import load_reference

    load_reference(lambda m: None)
    assert ProcessDefinition.objects.count() == 2


def test_upload_creates_a_new_version_and_running_instances_keep_theirs(wf_seeded, triage_xml):
    instance = _start()
    admin = persona_user("beheerder")
    changed = triage_xml.replace('name="Routeren"', 'name="Routeren naar partner"')
    v2 = services.definition_upload(actor=admin, xml=changed.encode())
    assert v2.version == 2 and v2.created_by == admin
    assert AuditEvent.objects.filter(action="workflows.definition_created", object_id=str(v2.pk)).exists()
    instance.refresh_from_db()
    assert instance.definition.version == 1
    assert _start().definition.version == 2


def test_upload_forbidden_without_permission(wf_seeded, triage_xml):
    with pytest.raises(PermissionDenied):
        services.definition_upload(actor=persona_user("triage"), xml=triage_xml)


def test_upload_bad_xml_stores_nothing(wf_seeded):
    before = ProcessDefinition.objects.count()
    with pytest.raises(DefinitionError):
        services.definition_upload(actor=persona_user("beheerder"), xml=b"\xff\xfe not xml")
    with pytest.raises(DefinitionError):
        services.definition_upload(actor=persona_user("beheerder"), xml="<nope/>")
    assert ProcessDefinition.objects.count() == before


def test_start_puts_the_first_user_task_in_the_lane_team_queue(wf_seeded):
    instance = _start()
    item = instance.work_items.get()
    assert item.bpmn_id == "beoordelen"
    assert item.team.code == "preventie-veiligheid"
    assert item.due_at is not None and item.due_at > instance.created_at + timedelta(days=4)
    assert instance.current == ["beoordelen"]
    assert instance.path == ["start"]


def test_team_override_routes_the_lane_elsewhere(wf_seeded):
    from schakel.accounts.models import Unit

    outreach = Unit.objects.get(code="outreach")
    instance = _start(team_overrides={"Intake en triage": outreach.pk})
    assert instance.work_items.get().team == outreach


def test_full_route_to_obh_and_path(wf_seeded):
    instance = _start()
    triage = persona_user("triage")
    services.work_item_complete(actor=triage, item=instance.work_items.get(bpmn_id="beoordelen"), choice="relevant")
    services.work_item_complete(actor=triage, item=instance.work_items.get(bpmn_id="privacy"), choice="verder")
    services.work_item_complete(actor=triage, item=instance.work_items.get(bpmn_id="routeren"), choice="obh")
    instance.refresh_from_db()
    obh = instance.work_items.get(bpmn_id="obh", status=WorkItem.Status.OPEN)
    assert obh.team.code == "bestuurlijke-handhaving"
    # The triage officer is not in the OBH team.
    with pytest.raises(PermissionDenied):
        services.work_item_complete(actor=triage, item=obh)
    services.work_item_complete(actor=persona_user("handhaving"), item=obh)
    instance.refresh_from_db()
    assert instance.status == ProcessInstance.Status.COMPLETED
    assert instance.data["route"] == "obh" and instance.data["terugkoppeling"] == "verzonden"
    assert instance.path[:4] == ["start", "beoordelen", "gw_relevant", "privacy"]
    assert "obh" in instance.path and "einde" in instance.path and "politie" not in instance.path


def test_unknown_choice_is_refused_and_nothing_changes(wf_seeded):
    instance = _start()
    item = instance.work_items.get()
    with pytest.raises(ValidationError):
        services.work_item_complete(actor=persona_user("triage"), item=item, choice="__import__('os')")
    item.refresh_from_db()
    assert item.status == WorkItem.Status.OPEN


def test_completing_twice_is_refused(wf_seeded):
    instance = _start()
    item = instance.work_items.get()
    services.work_item_complete(actor=persona_user("triage"), item=item, choice="afsluiten")
    with pytest.raises(ValidationError):
        services.work_item_complete(actor=persona_user("triage"), item=item, choice="afsluiten")


def test_user_of_another_organisation_cannot_complete(wf_seeded):
    instance = _start()
    outsider = UserFactory(perms=["workflows.work_on_items"])
    with pytest.raises(PermissionDenied):
        services.work_item_complete(actor=outsider, item=instance.work_items.get(), choice="relevant")


class _Later(datetime):
    shift = timedelta(days=6)

    @classmethod
    def now(cls, tz=None):
        return datetime.now(tz) + cls.shift


def test_tick_fires_due_timer_as_a_reminder(wf_seeded, monkeypatch):
    instance = _start()
    assert instance.next_timer_at is not None
    assert services.timers_tick() == 0  # nothing due yet
    import SpiffWorkflow.bpmn.specs.event_definitions.timer as timer_mod

    monkeypatch.setattr(timer_mod, "datetime", _Later)
    assert services.timers_tick(now=datetime.now(UTC) + _Later.shift) == 1
    instance.refresh_from_db()
    reminder = Reminder.objects.get(instance=instance)
    assert reminder.timer_id == "timer_beoordelen"
    assert reminder.work_item.bpmn_id == "beoordelen"
    # The timer is non-interrupting: the task is still open.
    assert instance.work_items.get(bpmn_id="beoordelen").status == WorkItem.Status.OPEN
    assert services.timers_tick(now=datetime.now(UTC) + timedelta(days=7)) == 0
    assert Reminder.objects.count() == 1


def test_youth_process_decision_with_deadline(wf_seeded):
    instance = _start(key="jongeren_vroegdetectie")
    osp = persona_user("osp")
    item = instance.work_items.get()
    assert item.team.code == "outreach"
    services.work_item_complete(actor=osp, item=item, choice="opvolgen")
    follow = instance.work_items.get(bpmn_id="opvolgen")
    assert follow.due_at is not None


def test_tick_command_reports(wf_seeded):
    from io import StringIO

    _start()
    out = StringIO()
    call_command("workflows_tick", stdout=out)
    assert "0 instances advanced" in out.getvalue()


def test_state_is_stored_without_the_spec_and_reattached_on_load(wf_seeded):
    import json

    instance = _start()
    state = json.loads(instance.state)
    assert state["spec"] is None and state["subprocess_specs"] == {}
    assert len(instance.state) < 8000  # the spec alone is larger than that
    item = instance.work_items.get()
    services.work_item_complete(actor=persona_user("triage"), item=item, choice="relevant")
    instance.refresh_from_db()
    assert instance.current == ["privacy"] and json.loads(instance.state)["spec"] is None


def test_state_written_with_the_spec_still_loads(wf_seeded):
    """Instances stored before the spec was stripped (full SpiffWorkflow JSON)."""
    from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer

    instance = _start()
    wf = services._load(instance)
    instance.state = BpmnWorkflowSerializer().serialize_json(wf)  # the stock format, spec included
    instance.save(update_fields=["state"])
    assert '"spec": {' in instance.state
    item = instance.work_items.get()
    services.work_item_complete(actor=persona_user("triage"), item=item, choice="relevant")
    instance.refresh_from_db()
    assert instance.current == ["privacy"]


def test_start_without_record_leaves_the_audit_to_the_caller(wf_seeded):
    before = AuditEvent.objects.count()
    instance = _start(record=False)
    assert AuditEvent.objects.count() == before
    assert instance.work_items.get().team is not None
    _start()
    assert AuditEvent.objects.filter(action="workflows.instance_started").count() == 1
