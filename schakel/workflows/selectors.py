"""Reads of the workflows app."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import LaneTeam, ProcessDefinition, ProcessInstance


def definitions_latest() -> list[ProcessDefinition]:
    """The latest version of every process, with the number of versions."""
    rows = list(ProcessDefinition.objects.defer("xml").order_by("key", "-version"))
    latest: dict[str, ProcessDefinition] = {}
    for d in rows:
        if d.key not in latest:
            d.version_count = 0
            latest[d.key] = d
        latest[d.key].version_count += 1
    return list(latest.values())


def definition_get(*, pk: int) -> ProcessDefinition:
    return get_object_or_404(ProcessDefinition.objects.select_related("created_by"), pk=pk)


def versions_of(key: str) -> QuerySet[ProcessDefinition]:
    return ProcessDefinition.objects.filter(key=key).select_related("created_by").defer("xml").order_by("-version")


def lanes_of(key: str) -> QuerySet[LaneTeam]:
    return LaneTeam.objects.filter(process_key=key).select_related("team__organisation")


def diagram_for(instance: ProcessInstance) -> dict:
    """What the bpmn-js viewer needs: the XML of the instance's own version and
    the markers for the path taken (nodes and the flows between them) and the
    current tasks. No process variables (they may hold case details)."""
    definition = instance.definition
    flows = definition.meta.get("flows", {})
    done = set(instance.path)
    taken = [
        fid
        for fid, f in flows.items()
        if f["source"] in done and (f["target"] in done or f["target"] in instance.current)
    ]
    return {
        "id": f"diagram-{instance.pk}",
        "data_id": f"diagram-{instance.pk}-data",
        "title": definition.name,
        "version": definition.version,
        "xml": definition.xml,
        "markers": {"done": sorted(done) + taken, "current": list(instance.current)},
        "completed": instance.status == ProcessInstance.Status.COMPLETED,
    }
