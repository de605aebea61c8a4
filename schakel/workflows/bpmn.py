"""Safe parsing and checking of BPMN 2.0 XML.

``inspect(xml)`` parses with defusedxml (no DTD, no entities, no external
references), checks that the process is one we can run, and returns a small
description (``meta``) that the rest of the app uses without re-parsing:
tasks with their lanes, the choices offered after each user task, timers,
and the sequence flows (for drawing the path taken).

``spec_for(xml, process_id)`` builds the SpiffWorkflow spec from XML that
``inspect`` already accepted, with an lxml parser that resolves nothing.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _
from lxml import etree

from .engine import UnsafeExpression, check

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
MAX_BYTES = 512 * 1024

# Elements inside <process> that we know how to run. Anything else is refused
# with its name, so an administrator learns what to change.
SUPPORTED = {
    "laneSet",
    "lane",
    "flowNodeRef",
    "childLaneSet",
    "startEvent",
    "endEvent",
    "userTask",
    "manualTask",
    "task",
    "scriptTask",
    "script",
    "exclusiveGateway",
    "parallelGateway",
    "sequenceFlow",
    "conditionExpression",
    "boundaryEvent",
    "intermediateCatchEvent",
    "timerEventDefinition",
    "timeDuration",
    "timeDate",
    "incoming",
    "outgoing",
    "documentation",
    "textAnnotation",
    "text",
    "association",
    "extensionElements",
}
FLOW_NODES = {
    "startEvent",
    "endEvent",
    "userTask",
    "manualTask",
    "task",
    "scriptTask",
    "exclusiveGateway",
    "parallelGateway",
    "boundaryEvent",
    "intermediateCatchEvent",
}


class DefinitionError(ValueError):
    """The XML cannot become a process definition; ``str(exc)`` is a Dutch reason.

    ``element_id`` names the BPMN element at fault when there is one (the
    modeler selects it so the administrator sees the refused value)."""

    def __init__(self, message, element_id: str = ""):
        super().__init__(message)
        self.element_id = element_id or ""


@dataclass
class Inspected:
    process_id: str
    name: str
    meta: dict


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _choice_of(condition: str) -> tuple[str, str] | None:
    """``decision == "x"`` -> ("decision", "x"); anything else -> None."""
    try:
        tree = ast.parse(condition.strip(), mode="eval").body
    except SyntaxError:
        return None
    if (
        isinstance(tree, ast.Compare)
        and isinstance(tree.left, ast.Name)
        and len(tree.ops) == 1
        and isinstance(tree.ops[0], ast.Eq)
        and isinstance(tree.comparators[0], ast.Constant)
        and isinstance(tree.comparators[0].value, str)
    ):
        return tree.left.id, tree.comparators[0].value
    return None


# An ISO 8601 duration as SpiffWorkflow reads it: P3D, P2W, PT4H, P1DT12H, ...
_DURATION = re.compile(r"P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?")


def _check_duration(nid: str, source: str) -> None:
    """A timer duration written as a literal must be a valid ISO 8601 duration,
    quoted (the engine evaluates it: an unquoted P3D is an unknown name)."""
    try:
        tree = ast.parse(source, mode="eval").body
    except SyntaxError:
        return  # the expression check refuses it with the engine's reason
    if isinstance(tree, ast.Name) and _DURATION.fullmatch(tree.id):
        raise DefinitionError(
            _('Timer %(id)s: zet de duur tussen aanhalingstekens, bijvoorbeeld "%(value)s".')
            % {"id": nid, "value": tree.id},
            element_id=nid,
        )
    if isinstance(tree, ast.Constant) and isinstance(tree.value, str) and not _DURATION.fullmatch(tree.value):
        raise DefinitionError(
            _('Timer %(id)s: "%(value)s" is geen geldige duur; gebruik ISO 8601, bijvoorbeeld P3D (3 dagen).')
            % {"id": nid, "value": tree.value},
            element_id=nid,
        )


def inspect(xml: bytes | str) -> Inspected:
    if isinstance(xml, str):
        xml = xml.encode("utf-8")
    if not xml or not xml.strip():
        raise DefinitionError(_("Het bestand is leeg."))
    if len(xml) > MAX_BYTES:
        raise DefinitionError(_("Het bestand is groter dan 512 kB."))
    try:
        root = DET.fromstring(xml, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise DefinitionError(
            _("Het bestand bevat een DTD of entiteiten (mogelijke XXE-aanval) en wordt geweigerd.")
        ) from exc
    except DET.ParseError as exc:
        raise DefinitionError(_("Het bestand is geen geldige XML: %(err)s") % {"err": exc}) from exc
    if root.tag != f"{{{BPMN_NS}}}definitions":
        raise DefinitionError(_("Dit is geen BPMN 2.0-bestand (het hoofdelement is geen bpmn:definitions)."))
    processes = root.findall(f"{{{BPMN_NS}}}process")
    if len(processes) != 1:
        raise DefinitionError(
            _("Het bestand moet precies één proces bevatten (gevonden: %(n)s).") % {"n": len(processes)}
        )
    process = processes[0]
    pid = process.get("id") or ""
    if not pid:
        raise DefinitionError(_("Het proces heeft geen id."))

    nodes: dict[str, dict] = {}
    flows: dict[str, dict] = {}
    lanes: dict[str, str] = {}
    expressions: list[tuple[str, str, str]] = []  # (element id, source, mode)
    for el in process.iter():
        tag = _local(el.tag)
        if el is process:
            continue
        if tag not in SUPPORTED:
            raise DefinitionError(
                _("Het element %(tag)s (id %(id)s) wordt niet ondersteund.") % {"tag": tag, "id": el.get("id", "?")}
            )
        if tag == "lane":
            for ref in el.findall(f"{{{BPMN_NS}}}flowNodeRef"):
                lanes[(ref.text or "").strip()] = el.get("name") or el.get("id")
        elif tag in FLOW_NODES:
            nid = el.get("id")
            if not nid:
                raise DefinitionError(_("Een %(tag)s heeft geen id.") % {"tag": tag})
            node = {"type": tag, "name": (el.get("name") or "").strip()}
            timer = el.find(f"{{{BPMN_NS}}}timerEventDefinition")
            if tag in ("boundaryEvent", "intermediateCatchEvent"):
                if timer is None:
                    raise DefinitionError(
                        _("Gebeurtenis %(id)s: alleen timergebeurtenissen worden ondersteund.") % {"id": nid}
                    )
                expr_el = timer.find(f"{{{BPMN_NS}}}timeDuration")
                if expr_el is None:
                    expr_el = timer.find(f"{{{BPMN_NS}}}timeDate")
                if expr_el is None or not (expr_el.text or "").strip():
                    raise DefinitionError(_("Timer %(id)s heeft geen duur of datum.") % {"id": nid})
                node["timer"] = expr_el.text.strip()
                expressions.append((nid, node["timer"], "eval"))
                if _local(expr_el.tag) == "timeDuration":
                    _check_duration(nid, node["timer"])
                if tag == "boundaryEvent":
                    node["attached_to"] = el.get("attachedToRef")
                    node["interrupting"] = el.get("cancelActivity", "true") != "false"
            elif timer is not None:
                raise DefinitionError(_("Timer %(id)s staat op een niet-ondersteunde plaats.") % {"id": nid})
            if tag == "scriptTask":
                script = el.find(f"{{{BPMN_NS}}}script")
                node["script"] = (script.text or "").strip() if script is not None else ""
                if node["script"]:
                    expressions.append((nid, node["script"], "exec"))
            if tag == "exclusiveGateway":
                node["default"] = el.get("default")
            nodes[nid] = node
        elif tag == "sequenceFlow":
            fid = el.get("id")
            cond = el.find(f"{{{BPMN_NS}}}conditionExpression")
            flow = {
                "source": el.get("sourceRef"),
                "target": el.get("targetRef"),
                "name": (el.get("name") or "").strip(),
                "condition": (cond.text or "").strip() if cond is not None else "",
            }
            if flow["condition"]:
                expressions.append((fid, flow["condition"], "eval"))
            flows[fid] = flow

    if not any(n["type"] == "startEvent" for n in nodes.values()):
        raise DefinitionError(_("Het proces heeft geen startgebeurtenis."))
    if not any(n["type"] == "endEvent" for n in nodes.values()):
        raise DefinitionError(_("Het proces heeft geen eindgebeurtenis."))
    for fid, flow in flows.items():
        if flow["source"] not in nodes or flow["target"] not in nodes:
            raise DefinitionError(_("Stroom %(id)s verwijst naar een onbekend element.") % {"id": fid})
    for eid, source, mode in expressions:
        try:
            check(source, mode=mode)
        except UnsafeExpression as exc:
            raise DefinitionError(
                _("Expressie in %(id)s wordt geweigerd (%(reason)s): alleen eenvoudige vergelijkingen zijn toegelaten.")
                % {"id": eid, "reason": exc},
                element_id=eid,
            ) from exc
    for nid, node in nodes.items():
        node["lane"] = lanes.get(nid, "")
        if node["type"] == "boundaryEvent" and node.get("attached_to") not in nodes:
            raise DefinitionError(_("Timer %(id)s hangt aan een onbekende taak.") % {"id": nid})

    # The choices offered when a user task completes: the named, conditioned
    # flows out of the exclusive gateway that directly follows it.
    for nid, node in nodes.items():
        if node["type"] not in ("userTask", "manualTask"):
            continue
        outs = [f for f in flows.values() if f["source"] == nid]
        node["deadline"] = next(
            (n["timer"] for n in nodes.values() if n["type"] == "boundaryEvent" and n.get("attached_to") == nid), ""
        )
        if len(outs) != 1 or nodes.get(outs[0]["target"], {}).get("type") != "exclusiveGateway":
            continue
        gw_id = outs[0]["target"]
        options, variable = [], None
        for fid, f in flows.items():
            if f["source"] != gw_id:
                continue
            parsed = _choice_of(f["condition"]) if f["condition"] else None
            if parsed:
                variable = variable or parsed[0]
                options.append({"value": parsed[1], "label": f["name"] or parsed[1], "flow": fid})
            elif fid == nodes[gw_id].get("default"):
                options.append({"value": "", "label": f["name"] or _("Anders"), "flow": fid})
        if variable:
            node["form"] = {"variable": variable, "options": options}

    # Build the spec once now: it catches what our checks do not (e.g. a
    # gateway without outgoing flows).
    try:
        spec_for(xml, pid)
    except DefinitionError:
        raise
    except Exception as exc:  # SpiffWorkflow raises several exception types
        raise DefinitionError(_("Het proces kan niet worden uitgevoerd: %(err)s") % {"err": str(exc)[:300]}) from exc
    return Inspected(process_id=pid, name=(process.get("name") or pid)[:200], meta={"nodes": nodes, "flows": flows})


_SAFE_LXML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def spec_for(xml: bytes | str, process_id: str):
    from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser

    if isinstance(xml, str):
        xml = xml.encode("utf-8")
    parser = BpmnParser()
    parser.add_bpmn_xml(etree.fromstring(xml, parser=_SAFE_LXML), filename=f"{process_id}.bpmn")
    return parser.get_spec(process_id)
