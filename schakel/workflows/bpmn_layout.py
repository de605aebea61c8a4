"""Developer tool: write the shipped .bpmn files with a readable diagram (DI).

The processes are described below as lanes, nodes on a grid and flows; this
module lays them out so bpmn-js can draw them. Run it after changing a
description and commit the regenerated files:

    .venv/bin/python -m schakel.workflows.bpmn_layout

The .bpmn files are the source of truth once shipped; an administrator may
change them in the modeler (which stores a new version in the database).
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

HERE = Path(__file__).parent / "bpmn_files"
LANE_H = 190
COL_W = 170
LEFT = 190  # pool label + lane label
TOP = 60
SIZES = {
    "startEvent": (36, 36),
    "endEvent": (36, 36),
    "exclusiveGateway": (50, 50),
    "userTask": (120, 80),
    "scriptTask": (120, 80),
}


def _box(node, lanes):
    w, h = SIZES[node["type"]]
    lane_i = lanes.index(node["lane"])
    cx = LEFT + node["col"] * COL_W + COL_W // 2
    cy = TOP + lane_i * LANE_H + LANE_H // 2 + 5
    return cx - w // 2, cy - h // 2, w, h


def build(proc: dict) -> str:
    lanes = proc["lanes"]
    nodes = proc["nodes"]
    boxes = {nid: _box(n, lanes) for nid, n in nodes.items()}
    ncols = max(n["col"] for n in nodes.values()) + 1
    pool_w = LEFT - 40 + ncols * COL_W + 40
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
        'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
        'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" '
        f'id="defs_{proc["id"]}" targetNamespace="https://schakel.example/bpmn" exporter="schakel" exporterVersion="1">',
        f'  <bpmn:collaboration id="collab_{proc["id"]}">',
        f'    <bpmn:participant id="pool_{proc["id"]}" name={quoteattr(proc["pool"])} processRef="{proc["id"]}" />',
        "  </bpmn:collaboration>",
        f'  <bpmn:process id="{proc["id"]}" name={quoteattr(proc["name"])} isExecutable="true">',
        f"    <bpmn:documentation>{escape(proc['doc'])}</bpmn:documentation>",
        f'    <bpmn:laneSet id="lanes_{proc["id"]}">',
    ]
    for i, lane in enumerate(lanes):
        out.append(f'      <bpmn:lane id="lane_{proc["id"]}_{i}" name={quoteattr(lane)}>')
        for nid, n in nodes.items():
            if n["lane"] == lane:
                out.append(f"        <bpmn:flowNodeRef>{nid}</bpmn:flowNodeRef>")
        for bid, b in proc.get("timers", {}).items():
            if nodes[b["on"]]["lane"] == lane:
                out.append(f"        <bpmn:flowNodeRef>{bid}</bpmn:flowNodeRef>")
                out.append(f"        <bpmn:flowNodeRef>{b['end']}</bpmn:flowNodeRef>")
        out.append("      </bpmn:lane>")
    out.append("    </bpmn:laneSet>")
    flows = proc["flows"]
    for nid, n in nodes.items():
        attrs = f' id="{nid}" name={quoteattr(n.get("name", ""))}'
        if n["type"] == "exclusiveGateway" and n.get("default"):
            attrs += f' default="{n["default"]}"'
        out.append(f"    <bpmn:{n['type']}{attrs}>")
        if n.get("doc"):
            out.append(f"      <bpmn:documentation>{escape(n['doc'])}</bpmn:documentation>")
        for fid, f in flows.items():
            if f[1] == nid:
                out.append(f"      <bpmn:incoming>{fid}</bpmn:incoming>")
        for bid, b in proc.get("timers", {}).items():
            if b["end"] == nid:
                out.append(f"      <bpmn:incoming>flow_{bid}</bpmn:incoming>")
        for fid, f in flows.items():
            if f[0] == nid:
                out.append(f"      <bpmn:outgoing>{fid}</bpmn:outgoing>")
        if n["type"] == "scriptTask":
            out.append(f"      <bpmn:script>{escape(n['script'])}</bpmn:script>")
        out.append(f"    </bpmn:{n['type']}>")
    for bid, b in proc.get("timers", {}).items():
        out += [
            f'    <bpmn:boundaryEvent id="{bid}" name={quoteattr(b["name"])} attachedToRef="{b["on"]}" cancelActivity="false">',
            f"      <bpmn:outgoing>flow_{bid}</bpmn:outgoing>",
            f'      <bpmn:timerEventDefinition id="def_{bid}"><bpmn:timeDuration>"{b["duration"]}"</bpmn:timeDuration></bpmn:timerEventDefinition>',
            "    </bpmn:boundaryEvent>",
            f'    <bpmn:endEvent id="{b["end"]}" name={quoteattr(b["end_name"])}><bpmn:incoming>flow_{bid}</bpmn:incoming></bpmn:endEvent>',
            f'    <bpmn:sequenceFlow id="flow_{bid}" sourceRef="{bid}" targetRef="{b["end"]}" />',
        ]
    for fid, f in flows.items():
        src, tgt = f[0], f[1]
        name = f[2] if len(f) > 2 else ""
        cond = f[3] if len(f) > 3 else ""
        if cond:
            out.append(f'    <bpmn:sequenceFlow id="{fid}" name={quoteattr(name)} sourceRef="{src}" targetRef="{tgt}">')
            out.append(f"      <bpmn:conditionExpression>{escape(cond)}</bpmn:conditionExpression>")
            out.append("    </bpmn:sequenceFlow>")
        else:
            out.append(
                f'    <bpmn:sequenceFlow id="{fid}" name={quoteattr(name)} sourceRef="{src}" targetRef="{tgt}" />'
            )
    out.append("  </bpmn:process>")

    # --- diagram interchange ---
    out.append(f'  <bpmndi:BPMNDiagram id="diagram_{proc["id"]}">')
    out.append(f'    <bpmndi:BPMNPlane id="plane_{proc["id"]}" bpmnElement="collab_{proc["id"]}">')
    out.append(
        f'      <bpmndi:BPMNShape id="pool_{proc["id"]}_di" bpmnElement="pool_{proc["id"]}" isHorizontal="true">'
    )
    out.append(f'        <dc:Bounds x="40" y="{TOP}" width="{pool_w}" height="{len(lanes) * LANE_H}" />')
    out.append("      </bpmndi:BPMNShape>")
    for i, _lane in enumerate(lanes):
        out.append(
            f'      <bpmndi:BPMNShape id="lane_{proc["id"]}_{i}_di" bpmnElement="lane_{proc["id"]}_{i}" isHorizontal="true">'
        )
        out.append(f'        <dc:Bounds x="70" y="{TOP + i * LANE_H}" width="{pool_w - 30}" height="{LANE_H}" />')
        out.append("      </bpmndi:BPMNShape>")

    def shape(nid, x, y, w, h, label_below=False):
        extra = ' isMarkerVisible="true"' if nodes.get(nid, {}).get("type") == "exclusiveGateway" else ""
        out.append(f'      <bpmndi:BPMNShape id="{nid}_di" bpmnElement="{nid}"{extra}>')
        out.append(f'        <dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}" />')
        if label_below:
            out.append(
                f'        <bpmndi:BPMNLabel><dc:Bounds x="{x - 32}" y="{y + h + 4}" width="{w + 64}" height="27" /></bpmndi:BPMNLabel>'
            )
        out.append("      </bpmndi:BPMNShape>")

    for nid, n in nodes.items():
        x, y, w, h = boxes[nid]
        shape(nid, x, y, w, h, label_below=n["type"] != "userTask" and n["type"] != "scriptTask")
    for bid, b in proc.get("timers", {}).items():
        tx, ty, tw, th = boxes[b["on"]]
        bx, by = tx + tw - 28, ty + th - 18
        boxes[bid] = (bx, by, 36, 36)
        shape(bid, bx, by, 36, 36, label_below=False)
        ex, ey = bx + 60, by + 44
        boxes[b["end"]] = (ex, ey, 36, 36)
        shape(b["end"], ex, ey, 36, 36, label_below=True)

    skip = {"n": 0}

    def edge(fid, src, tgt, name=""):
        sx, sy, sw, sh = boxes[src]
        tx, ty, tw, th = boxes[tgt]
        if src in proc.get("timers", {}):
            pts = [(sx + sh // 2, sy + sh), (sx + sh // 2, ty + th // 2), (tx, ty + th // 2)]
        else:
            a = (sx + sw, sy + sh // 2)
            b_ = (tx, ty + th // 2)
            if tx < sx:  # backwards: go below
                low = max(sy + sh, ty + th) + 30
                pts = [(sx + sw // 2, sy + sh), (sx + sw // 2, low), (tx + tw // 2, low), (tx + tw // 2, ty + th)]
            elif a[1] == b_[1] and nodes[src]["type"] == "exclusiveGateway" and tx - (sx + sw) > COL_W:
                # A branch that skips steps on the same row: draw it above the row.
                skip["n"] += 1
                top = min(sy, ty) - 18 - 14 * skip["n"]
                pts = [(sx + sw // 2, sy), (sx + sw // 2, top), (tx + tw // 2, top), (tx + tw // 2, ty)]
            elif a[1] == b_[1]:
                pts = [a, b_]
            elif nodes[src]["type"] == "exclusiveGateway":
                # leave the gateway from top/bottom, then go right
                start = (sx + sw // 2, sy if b_[1] < a[1] else sy + sh)
                pts = [start, (start[0], b_[1]), b_]
            else:
                mid = (a[0] + b_[0]) // 2
                pts = [a, (mid, a[1]), (mid, b_[1]), b_]
        out.append(f'      <bpmndi:BPMNEdge id="{fid}_di" bpmnElement="{fid}">')
        for px, py in pts:
            out.append(f'        <di:waypoint x="{px}" y="{py}" />')
        if name:
            lx, ly = pts[1] if len(pts) == 4 and pts[1][1] < pts[0][1] else (pts[-2] if len(pts) > 2 else pts[0])
            out.append(
                f'        <bpmndi:BPMNLabel><dc:Bounds x="{lx + 6}" y="{ly - 22}" width="110" height="27" /></bpmndi:BPMNLabel>'
            )
        out.append("      </bpmndi:BPMNEdge>")

    for fid, f in flows.items():
        edge(fid, f[0], f[1], f[2] if len(f) > 2 else "")
    for bid, b in proc.get("timers", {}).items():
        edge(f"flow_{bid}", bid, b["end"])
    out += ["    </bpmndi:BPMNPlane>", "  </bpmndi:BPMNDiagram>", "</bpmn:definitions>", ""]
    return "\n".join(out)


TRIAGE_LANES = ["Intake en triage", "Bestuurlijke handhaving (OBH)", "Politie (LIEC)", "Stadsdienst", "OSP"]
INTAKE, OBH, POL, STAD, OSP = TRIAGE_LANES

SIGNAL_TRIAGE = {
    "id": "signaal_triage",
    "name": "Triage van signalen",
    "pool": "Triage van signalen",
    "doc": "Intake, beoordeling, privacyscreening en routering van een signaal (OD1.1, OD2.2, OD3.6, OD3.7). "
    "De melder krijgt een terugkoppeling die niet vertelt wat er verder gebeurt.",
    "lanes": TRIAGE_LANES,
    "nodes": {
        "start": {"type": "startEvent", "name": "Signaal ontvangen", "lane": INTAKE, "col": 0},
        "beoordelen": {
            "type": "userTask",
            "name": "Volledigheid en relevantie beoordelen",
            "lane": INTAKE,
            "col": 1,
            "doc": "Is het signaal volledig genoeg en gaat het over ondermijning, jongeren in risico of overlast?",
        },
        "gw_relevant": {"type": "exclusiveGateway", "name": "Relevant?", "lane": INTAKE, "col": 2},
        "privacy": {
            "type": "userTask",
            "name": "Privacyscreening",
            "lane": INTAKE,
            "col": 3,
            "doc": "Zijn persoonsgegevens nodig? Is er een risico dat iemand onterecht gestigmatiseerd wordt?",
        },
        "gw_privacy": {"type": "exclusiveGateway", "name": "Verantwoord?", "lane": INTAKE, "col": 4},
        "routeren": {"type": "userTask", "name": "Routeren", "lane": INTAKE, "col": 5},
        "gw_route": {"type": "exclusiveGateway", "name": "Naar wie?", "lane": INTAKE, "col": 6},
        "obh": {"type": "userTask", "name": "Opvolging in het OBH", "lane": OBH, "col": 7},
        "politie": {"type": "userTask", "name": "Opvolging door de politie", "lane": POL, "col": 7},
        "stad": {"type": "userTask", "name": "Opvolging door stadsdienst", "lane": STAD, "col": 7},
        "naar_osp": {
            "type": "scriptTask",
            "name": "Doorgeven aan het OSP (vroegdetectie jongeren)",
            "lane": OSP,
            "col": 7,
            "script": 'jeugdproces = "start"',
        },
        "gw_join": {"type": "exclusiveGateway", "name": "", "lane": INTAKE, "col": 8},
        "terugkoppeling": {
            "type": "scriptTask",
            "name": "Terugkoppeling aan de melder",
            "lane": INTAKE,
            "col": 9,
            "script": 'terugkoppeling = "verzonden"',
        },
        "einde": {"type": "endEvent", "name": "Afgehandeld", "lane": INTAKE, "col": 10},
    },
    "timers": {
        "timer_beoordelen": {
            "on": "beoordelen",
            "name": "5 dagen",
            "duration": "P5D",
            "end": "herinnering_triage",
            "end_name": "Herinnering triage",
        },
    },
    "flows": {
        "f_start": ("start", "beoordelen"),
        "f_beoordeeld": ("beoordelen", "gw_relevant"),
        "f_relevant": ("gw_relevant", "privacy", "Relevant", 'beoordeling == "relevant"'),
        "f_niet_relevant": (
            "gw_relevant",
            "gw_join",
            "Onvolledig of niet relevant: afsluiten",
            'beoordeling == "afsluiten"',
        ),
        "f_gescreend": ("privacy", "gw_privacy"),
        "f_privacy_ok": ("gw_privacy", "routeren", "Verantwoord: verder", 'privacy == "verder"'),
        "f_privacy_stop": ("gw_privacy", "gw_join", "Risico op stigmatisering: afsluiten", 'privacy == "afsluiten"'),
        "f_gerouteerd": ("routeren", "gw_route"),
        "f_obh": ("gw_route", "obh", "OBH (panden, ondernemingen)", 'route == "obh"'),
        "f_politie": ("gw_route", "politie", "Politie (strafbare feiten)", 'route == "politie"'),
        "f_stad": ("gw_route", "stad", "Stadsdienst (overlast)", 'route == "stad"'),
        "f_osp": ("gw_route", "naar_osp", "OSP (jongeren)", 'route == "osp"'),
        "f_sluiten": ("gw_route", "gw_join", "Afsluiten zonder opvolging", 'route == "afsluiten"'),
        "f_obh_klaar": ("obh", "gw_join"),
        "f_politie_klaar": ("politie", "gw_join"),
        "f_stad_klaar": ("stad", "gw_join"),
        "f_osp_klaar": ("naar_osp", "gw_join"),
        "f_join": ("gw_join", "terugkoppeling"),
        "f_einde": ("terugkoppeling", "einde"),
    },
}

Y_OSP, Y_CASE, Y_CARE = "OSP", "Casusregie (SAMEN)", "Doorverwijzing naar zorg"
YOUTH = {
    "id": "jongeren_vroegdetectie",
    "name": "Vroegdetectie jongeren (OD2.3)",
    "pool": "Vroegdetectie jongeren (OD2.3)",
    "doc": "Werkproces voor signalen van jongeren in risico, met een centrale rol voor het OSP en een link naar "
    "project SAMEN. Alleen het OSP ziet de inhoud; elke beslissing heeft een termijn.",
    "lanes": [Y_OSP, Y_CASE, Y_CARE],
    "nodes": {
        "start": {"type": "startEvent", "name": "Signaal van een professional", "lane": Y_OSP, "col": 0},
        "bespreken": {
            "type": "userTask",
            "name": "Bespreking in het OSP",
            "lane": Y_OSP,
            "col": 1,
            "doc": "Minimale gegevens; bespreek het risico op stigmatisering expliciet.",
        },
        "gw_beslissing": {"type": "exclusiveGateway", "name": "Beslissing", "lane": Y_OSP, "col": 2},
        "geen_zorg": {"type": "endEvent", "name": "Geen zorgen: afgesloten", "lane": Y_OSP, "col": 3},
        "opvolgen": {"type": "userTask", "name": "Opvolgen door preventiewerker", "lane": Y_OSP, "col": 4},
        "casus": {"type": "userTask", "name": "Casusaanpak opstarten (SAMEN)", "lane": Y_CASE, "col": 3},
        "zorg": {"type": "userTask", "name": "Doorverwijzen naar zorg", "lane": Y_CARE, "col": 3},
        "einde": {"type": "endEvent", "name": "Afgerond", "lane": Y_OSP, "col": 6},
        "gw_join": {"type": "exclusiveGateway", "name": "", "lane": Y_OSP, "col": 5},
    },
    "timers": {
        "timer_bespreken": {
            "on": "bespreken",
            "name": "14 dagen",
            "duration": "P14D",
            "end": "herinnering_bespreken",
            "end_name": "Herinnering OSP",
        },
        "timer_opvolgen": {
            "on": "opvolgen",
            "name": "30 dagen",
            "duration": "P30D",
            "end": "herinnering_opvolgen",
            "end_name": "Herinnering opvolging",
        },
        "timer_casus": {
            "on": "casus",
            "name": "10 dagen",
            "duration": "P10D",
            "end": "herinnering_casus",
            "end_name": "Herinnering casus",
        },
        "timer_zorg": {
            "on": "zorg",
            "name": "7 dagen",
            "duration": "P7D",
            "end": "herinnering_zorg",
            "end_name": "Herinnering zorg",
        },
    },
    "flows": {
        "f_start": ("start", "bespreken"),
        "f_besproken": ("bespreken", "gw_beslissing"),
        "f_geen_zorg": ("gw_beslissing", "geen_zorg", "Geen zorgen", 'beslissing == "geen_zorg"'),
        "f_opvolgen": ("gw_beslissing", "opvolgen", "Opvolgen", 'beslissing == "opvolgen"'),
        "f_casus": ("gw_beslissing", "casus", "Casusaanpak", 'beslissing == "casus"'),
        "f_zorg": ("gw_beslissing", "zorg", "Doorverwijzen naar zorg", 'beslissing == "zorg"'),
        "f_opgevolgd": ("opvolgen", "gw_join"),
        "f_casus_klaar": ("casus", "gw_join"),
        "f_zorg_klaar": ("zorg", "gw_join"),
        "f_einde": ("gw_join", "einde"),
    },
}


def main() -> None:
    for proc in (SIGNAL_TRIAGE, YOUTH):
        (HERE / f"{proc['id']}.bpmn").write_text(build(proc), encoding="utf-8")
        print("wrote", proc["id"])


if __name__ == "__main__":
    main()
