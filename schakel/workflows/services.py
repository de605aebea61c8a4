"""Writes of the workflows app: definitions, instances, work items, timers.

Every public function is keyword-only and runs in a transaction. Definition
and lane changes need ``workflows.manage_processes``. Starting an instance
has no permission of its own: the calling app's service decides who may
create its record and starts the process as part of that write.
"""

from __future__ import annotations

import contextvars
import json
from datetime import datetime
from uuid import UUID

import django.dispatch
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from SpiffWorkflow.bpmn.serializer.config import DEFAULT_CONFIG
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from schakel.accounts.models import Unit
from schakel.audit import services as audit

from .bpmn import DefinitionError, inspect, spec_for
from .engine import ENGINE
from .models import LaneTeam, ProcessDefinition, ProcessInstance, Reminder, WorkItem

# Sent after every step of an instance (start, completed work item, timer),
# inside the transaction: receivers get ``instance`` and ``event`` ("started",
# "advanced", "completed"). Client apps (signals) react to the process here.
process_advanced = django.dispatch.Signal()

# The spec a stored state is re-attached to while it is restored (see below).
_attach_spec: contextvars.ContextVar = contextvars.ContextVar("workflows_attach_spec", default=None)


class _SpeclessWorkflowConverter(BpmnWorkflowConverter):
    """Stores a workflow without its spec (ADR 0303): definition versions are
    never edited, so the spec is re-attached on load from the parsed, cached
    definition. Saves serialising the spec on every step and ~80 % of the
    stored JSON. States written before (with the spec inside) still load."""

    def to_dict(self, workflow):
        if workflow.subprocess_specs:  # not used by our diagrams; keep the full form
            return super().to_dict(workflow)
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["spec"] = None
        dct["subprocess_specs"] = {}
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct):
        if dct.get("spec") is not None:
            return super().from_dict(dct)
        spec = _attach_spec.get()
        if spec is None:
            raise ValueError("a state without its spec needs the definition's spec to load")
        dct.pop("spec")
        dct.pop("subprocess_specs", None)
        workflow = self.target_class(spec, {}, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_serializer = BpmnWorkflowSerializer(
    BpmnWorkflowSerializer.configure({**DEFAULT_CONFIG, BpmnWorkflow: _SpeclessWorkflowConverter})
)

PERM_MANAGE = "workflows.manage_processes"


# --- definitions ----------------------------------------------------------


def _store_definition(*, xml: str, actor) -> ProcessDefinition:
    inspected = inspect(xml)
    last = (
        ProcessDefinition.objects.select_for_update().filter(key=inspected.process_id).aggregate(v=Max("version"))["v"]
        or 0
    )
    definition = ProcessDefinition.objects.create(
        key=inspected.process_id,
        version=last + 1,
        name=inspected.name,
        xml=xml,
        meta=inspected.meta,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record_write(
        actor=actor,
        action="workflows.definition_created",
        obj=definition,
        summary=f"process {definition.key} version {definition.version}",
    )
    return definition


def _as_text(xml: bytes | str) -> str:
    if isinstance(xml, bytes):
        try:
            return xml.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DefinitionError(_("Het bestand is geen UTF-8-tekst.")) from exc
    return xml


@transaction.atomic
def definition_upload(*, actor, xml: bytes | str) -> ProcessDefinition:
    """Store ``xml`` as the next version of its process (key = the BPMN process id).

    Needs ``workflows.manage_processes``. Raises ``DefinitionError`` with a
    Dutch reason for XML that is not safe, not BPMN or not runnable; nothing is
    stored then. Running instances keep their version.
    """
    if not actor.has_perm(PERM_MANAGE):
        raise PermissionDenied
    return _store_definition(xml=_as_text(xml), actor=actor)


@transaction.atomic
def definition_install(*, xml: str) -> ProcessDefinition | None:
    """Seed a shipped definition: a new version only if the XML differs from the
    latest version of that process (idempotent). System action, no actor."""
    inspected = inspect(xml)
    latest = ProcessDefinition.objects.filter(key=inspected.process_id).order_by("-version").first()
    if latest and latest.xml == xml:
        return None
    if latest and latest.created_by_id is not None:
        # An administrator changed the process: a re-seed must not override it.
        return None
    return _store_definition(xml=xml, actor=None)


@transaction.atomic
def lane_team_set(*, actor, process_key: str, lane: str, team: Unit) -> LaneTeam:
    """Map a lane to a team (needs ``workflows.manage_processes``)."""
    if not actor.has_perm(PERM_MANAGE):
        raise PermissionDenied
    return _lane_team_set(process_key=process_key, lane=lane, team=team, actor=actor)


def _lane_team_set(*, process_key, lane, team, actor=None) -> LaneTeam:
    obj, _created = LaneTeam.objects.update_or_create(process_key=process_key, lane=lane, defaults={"team": team})
    audit.record_write(
        actor=actor, action="workflows.lane_team_set", obj=obj, summary=f"{process_key}: lane -> unit {team.pk}"
    )
    return obj


_definitions: dict[tuple, ProcessDefinition] = {}


def latest_definition(key: str) -> ProcessDefinition:
    """The latest active version of ``key``. Versions are never edited, so the
    row is cached per process; only its id is read each time (a new version
    or a deactivation is seen at once)."""
    row = (
        ProcessDefinition.objects.filter(key=key, is_active=True)
        .order_by("-version")
        .values_list("pk", "created_at")
        .first()
    )
    if row is None:
        raise DefinitionError(_("Er is geen actieve versie van proces %(key)s.") % {"key": key})
    definition = _definitions.get(row)
    if definition is None:
        if len(_definitions) > 100:
            _definitions.clear()
        # The XML (tens of kB) is only read when the spec is not cached yet.
        definition = _definitions[row] = ProcessDefinition.objects.defer("xml").get(pk=row[0])
    return definition


# --- running ------------------------------------------------------------


_specs: dict[tuple, object] = {}


def _spec(definition: ProcessDefinition):
    """The parsed spec of a definition version. Versions are never edited, so
    the parse is cached per process (a spec is read-only once built and
    SpiffWorkflow shares one spec between many workflows)."""
    # Keyed on (id, created_at): a test database that reuses an id after a
    # rollback must not get another definition's spec.
    cache_key = (definition.pk, definition.created_at)
    spec = _specs.get(cache_key)
    if spec is None:
        if len(_specs) > 100:
            _specs.clear()
        spec = _specs[cache_key] = spec_for(definition.xml, definition.key)
    return spec


def _load(instance: ProcessInstance) -> BpmnWorkflow:
    token = _attach_spec.set(_spec(instance.definition))
    try:
        wf = _serializer.deserialize_json(instance.state)
    finally:
        _attach_spec.reset(token)
    wf.script_engine = ENGINE
    return wf


def _parse_deadline(expr: str, start: datetime) -> datetime | None:
    from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

    try:
        value = ENGINE.environment.evaluate(expr, {})
        if isinstance(value, str) and value.startswith("P"):
            return start + TimerEventDefinition.get_timedelta_from_start(
                TimerEventDefinition.parse_iso_duration(value), start
            )
        if isinstance(value, str):
            return parse_datetime(value)
    except Exception:  # noqa: BLE001 - a deadline is informative; the timer itself still runs
        return None
    return None


def _team_id_for(instance: ProcessInstance, lane: str) -> int | None:
    override = instance.team_overrides.get(lane)
    if override:
        return int(override)
    return (
        LaneTeam.objects.filter(process_key=instance.definition.key, lane=lane)
        .values_list("team_id", flat=True)
        .first()
    )


def _sync(instance: ProcessInstance, wf: BpmnWorkflow, *, now: datetime, event: str) -> None:
    """Persist the workflow and bring work items, path, timers in line with it.

    A new instance (no pk yet) is inserted here, once, with its state."""
    created = instance.pk is None
    nodes = instance.definition.meta.get("nodes", {})
    completed = [t for t in wf.get_tasks(state=TaskState.COMPLETED) if t.task_spec.bpmn_id]
    completed.sort(key=lambda t: t.last_state_change)
    path = []
    for t in completed:
        if t.task_spec.bpmn_id not in path:
            path.append(t.task_spec.bpmn_id)
    ready = [t for t in wf.get_tasks(state=TaskState.READY) if t.task_spec.bpmn_id in nodes]
    waiting = wf.get_tasks(state=TaskState.WAITING)

    # Timers that fired since the last step become reminders (written once the
    # instance row exists).
    fired = []
    for t in completed:
        node = nodes.get(t.task_spec.bpmn_id, {})
        key = str(t.id)
        if node.get("timer") and key not in instance.fired_timers:
            instance.fired_timers.append(key)
            fired.append((t.task_spec.bpmn_id, node))

    next_timer = None
    for t in waiting:
        value = t.internal_data.get("event_value") if nodes.get(t.task_spec.bpmn_id, {}).get("timer") else None
        when = parse_datetime(value) if isinstance(value, str) else None
        if when and (next_timer is None or when < next_timer):
            next_timer = when

    instance.state = _serializer.serialize_json(wf)
    instance.path = path
    instance.current = [t.task_spec.bpmn_id for t in ready]
    # Task data flows from task to task; the workflow's own data is only filled
    # at the end. The variables so far are those of the last completed task.
    merged = dict(completed[-1].data) if completed else {}
    merged.update(wf.data)
    instance.data = {
        k: v for k, v in merged.items() if isinstance(v, (str, int, float, bool)) and not str(k).startswith("_")
    }
    instance.next_timer_at = next_timer
    if wf.is_completed():
        instance.status = ProcessInstance.Status.COMPLETED
        instance.completed_at = now
        event = "completed"
    instance.save()

    for bpmn_id, node in fired:
        item = None
        if node.get("attached_to") and not created:
            item = instance.work_items.filter(bpmn_id=node["attached_to"]).order_by("-pk").first()
        Reminder.objects.create(
            instance=instance, work_item=item, timer_id=bpmn_id, label=node.get("name", ""), fired_at=now
        )

    open_items = {} if created else {w.task_id: w for w in instance.work_items.filter(status=WorkItem.Status.OPEN)}
    ready_ids = {str(t.id) for t in ready}
    still_open = []
    for task_id, item in open_items.items():
        if task_id not in ready_ids:
            item.status = WorkItem.Status.CANCELLED
            item.save(update_fields=["status", "updated_at"])
        else:
            still_open.append(item)
    new_items = []
    for t in ready:
        if str(t.id) in open_items:
            continue
        node = nodes[t.task_spec.bpmn_id]
        if node["type"] not in ("userTask", "manualTask"):
            continue
        lane = node.get("lane", "")
        new_items.append(
            WorkItem(
                instance=instance,
                task_id=str(t.id),
                bpmn_id=t.task_spec.bpmn_id,
                name=node.get("name") or t.task_spec.bpmn_id,
                lane=lane,
                team_id=_team_id_for(instance, lane),
                due_at=_parse_deadline(node["deadline"], now) if node.get("deadline") else None,
            )
        )
    if len(new_items) == 1:
        new_items[0].save()
    elif new_items:
        # One INSERT; PostgreSQL and SQLite return the primary keys.
        WorkItem.objects.bulk_create(new_items)
    # Receivers get the open items of this instance after the step, so they
    # need not read them back.
    process_advanced.send(
        sender=ProcessInstance, instance=instance, event=event, open_items=sorted(still_open + new_items, key=_pk)
    )


def _pk(item) -> int:
    return item.pk or 0


def _run_engine(wf: BpmnWorkflow) -> None:
    try:
        wf.do_engine_steps()
    except Exception as exc:  # WorkflowTaskException and friends
        raise ValidationError(_("Het proces kon niet verder: %(err)s") % {"err": str(exc)[:300]}) from exc


@transaction.atomic(savepoint=False)  # part of the caller's write: no savepoint round trips
def instance_start(
    *,
    actor,
    key: str,
    subject_type: str,
    subject_id: str,
    data: dict | None = None,
    team_overrides: dict | None = None,
    record: bool = True,
) -> ProcessInstance:
    """Start the latest active version of process ``key`` for a record.

    No permission check: the caller's service has checked that ``actor`` may
    create the record. ``data`` seeds the process variables (keep it minimal,
    no personal data); ``team_overrides`` maps lane names to unit pks.
    ``record=False``: the caller writes the audit event of its own write and
    names the instance in it (one event instead of two for one action).
    """
    definition = latest_definition(key)
    wf = BpmnWorkflow(_spec(definition), script_engine=ENGINE)
    wf.data.update({k: v for k, v in (data or {}).items() if not str(k).startswith("_")})
    _run_engine(wf)
    instance = ProcessInstance(
        definition=definition,
        subject_type=subject_type,
        subject_id=str(subject_id),
        team_overrides={k: v for k, v in (team_overrides or {}).items() if v},
        state="",
    )
    _sync(instance, wf, now=timezone.now(), event="started")
    if record:
        audit.record_write(
            actor=actor,
            action="workflows.instance_started",
            obj=instance,
            summary=f"{definition.key} v{definition.version}",
        )
    return instance


def may_work_on(user, item: WorkItem) -> bool:
    """A work item is for members of its team (or, with no team, for process managers)."""
    if not user.is_authenticated or not user.has_perm("workflows.work_on_items"):
        return False
    if item.team_id is None:
        return user.has_perm(PERM_MANAGE)
    return user.units.filter(pk=item.team_id).exists()


@transaction.atomic
def work_item_complete(*, actor, item: WorkItem, choice: str = "") -> WorkItem:
    """Complete a user task, choosing one of the options the diagram offers.

    Needs ``workflows.work_on_items`` and membership of the item's team.
    Raises ValidationError for an unknown choice or an item no longer open.
    """
    item = WorkItem.objects.select_for_update().select_related("instance__definition").get(pk=item.pk)
    if not may_work_on(actor, item):
        raise PermissionDenied
    if item.status != WorkItem.Status.OPEN:
        raise ValidationError(_("Deze taak is al afgewerkt."))
    instance = ProcessInstance.objects.select_for_update().select_related("definition").get(pk=item.instance_id)
    node = instance.definition.meta["nodes"].get(item.bpmn_id, {})
    form = node.get("form")
    updates = {}
    if form:
        values = {o["value"] for o in form["options"]}
        if choice not in values:
            raise ValidationError(_("Kies een van de aangeboden mogelijkheden."))
        updates[form["variable"]] = choice
    wf = _load(instance)
    task = next((t for t in wf.get_tasks(state=TaskState.READY) if str(t.id) == item.task_id), None)
    if task is None:
        raise ValidationError(_("Deze taak is niet meer open."))
    task.data.update(updates)
    try:
        task.run()
    except Exception as exc:  # noqa: BLE001
        raise ValidationError(_("Het proces kon niet verder: %(err)s") % {"err": str(exc)[:300]}) from exc
    _run_engine(wf)
    now = timezone.now()
    item.status = WorkItem.Status.DONE
    item.choice = choice[:100]
    item.completed_by = actor
    item.completed_at = now
    item.save(update_fields=["status", "choice", "completed_by", "completed_at", "updated_at"])
    _sync(instance, wf, now=now, event="advanced")
    audit.record_write(
        actor=actor, action="workflows.work_item_completed", obj=item, summary=f"{item.bpmn_id}: {choice[:40]}"
    )
    return item


def timers_tick(*, now: datetime | None = None) -> int:
    """Fire due timers of every instance; returns how many instances advanced.

    Each instance advances in its own transaction, so one broken instance does
    not hold back the others. Run from cron: ``manage.py workflows_tick``.
    """
    now = now or timezone.now()
    advanced = 0
    due = list(
        ProcessInstance.objects.filter(status=ProcessInstance.Status.RUNNING, next_timer_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    for pk in due:
        with transaction.atomic():
            instance = ProcessInstance.objects.select_for_update().select_related("definition").get(pk=pk)
            wf = _load(instance)
            wf.refresh_timers()
            _run_engine(wf)
            before = len(instance.fired_timers)
            _sync(instance, wf, now=now, event="advanced")
            if len(instance.fired_timers) > before:
                advanced += 1
                audit.record_write(
                    actor=None, action="workflows.timer_fired", obj=instance, summary="deadline reminder"
                )
    return advanced


def state_json(instance: ProcessInstance) -> dict:
    return json.loads(instance.state)
