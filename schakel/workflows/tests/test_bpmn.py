import pytest

from schakel.workflows.bpmn import DefinitionError, inspect

MINIMAL = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
  <bpmn:process id="p" name="P" isExecutable="true">
    {body}
  </bpmn:process>
</bpmn:definitions>"""

OK_BODY = """<bpmn:startEvent id="s"/><bpmn:userTask id="t" name="Doe"/><bpmn:endEvent id="e"/>
<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t"/><bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e"/>"""


def test_minimal_process_is_accepted():
    result = inspect(MINIMAL.format(body=OK_BODY))
    assert result.process_id == "p"
    assert result.meta["nodes"]["t"]["type"] == "userTask"


def test_shipped_processes_describe_their_choices(triage_xml, youth_xml):
    triage = inspect(triage_xml).meta["nodes"]
    assert [o["value"] for o in triage["routeren"]["form"]["options"]] == ["obh", "politie", "stad", "osp", "afsluiten"]
    assert triage["beoordelen"]["lane"] == "Intake en triage"
    assert triage["beoordelen"]["deadline"] == '"P5D"'
    youth = inspect(youth_xml).meta["nodes"]
    assert youth["bespreken"]["form"]["variable"] == "beslissing"
    assert {o["value"] for o in youth["bespreken"]["form"]["options"]} == {"geen_zorg", "opvolgen", "casus", "zorg"}


@pytest.mark.parametrize(
    ("xml", "reason"),
    [
        ("", "leeg"),
        ("this is not xml <<", "geen geldige XML"),
        ("<html><body>hi</body></html>", "geen BPMN"),
        (
            '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="p">'
            "<bpmn:startEvent id='s' name='&xxe;'/></bpmn:process></bpmn:definitions>",
            "XXE",
        ),
        ('<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><x>&b;</x>', "XXE"),
        (MINIMAL.format(body='<bpmn:userTask id="t"/><bpmn:endEvent id="e"/>'), "geen startgebeurtenis"),
        (MINIMAL.format(body=OK_BODY + '<bpmn:serviceTask id="svc"/>'), "serviceTask"),
        (MINIMAL.format(body=OK_BODY + '<bpmn:callActivity id="ca"/>'), "callActivity"),
    ],
)
def test_bad_definitions_are_refused_with_a_reason(xml, reason):
    with pytest.raises(DefinitionError) as exc:
        inspect(xml)
    assert reason in str(exc.value)


def test_injected_condition_is_refused_at_upload():
    body = """<bpmn:startEvent id="s"/><bpmn:exclusiveGateway id="g"/><bpmn:endEvent id="e"/><bpmn:endEvent id="e2"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="g"/>
    <bpmn:sequenceFlow id="f2" sourceRef="g" targetRef="e"><bpmn:conditionExpression>__import__('os').system('id')</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f3" sourceRef="g" targetRef="e2"/>"""
    with pytest.raises(DefinitionError) as exc:
        inspect(MINIMAL.format(body=body))
    assert "f2" in str(exc.value)


def test_injected_script_is_refused():
    body = OK_BODY.replace(
        '<bpmn:userTask id="t" name="Doe"/>',
        '<bpmn:scriptTask id="t"><bpmn:script>import os</bpmn:script></bpmn:scriptTask>',
    )
    with pytest.raises(DefinitionError):
        inspect(MINIMAL.format(body=body))


def test_flow_to_unknown_element_is_refused():
    with pytest.raises(DefinitionError):
        inspect(MINIMAL.format(body=OK_BODY + '<bpmn:sequenceFlow id="f9" sourceRef="s" targetRef="nowhere"/>'))


TIMER_BODY = """<bpmn:startEvent id="s"/><bpmn:userTask id="t" name="Doe"/><bpmn:endEvent id="e"/>
<bpmn:boundaryEvent id="tm" attachedToRef="t" cancelActivity="false">
  <bpmn:timerEventDefinition><bpmn:timeDuration>{duration}</bpmn:timeDuration></bpmn:timerEventDefinition>
</bpmn:boundaryEvent>
<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t"/><bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e"/>"""


@pytest.mark.parametrize("duration", ['"P3D"', '"PT4H"', '"P2W"', '"P1DT12H"'])
def test_timer_durations_in_iso_8601_are_accepted(duration):
    assert inspect(MINIMAL.format(body=TIMER_BODY.format(duration=duration))).meta["nodes"]["t"]["deadline"] == duration


@pytest.mark.parametrize(
    ("duration", "reason"),
    [
        ("P3D", 'zet de duur tussen aanhalingstekens, bijvoorbeeld "P3D"'),
        ('"3 dagen"', '"3 dagen" is geen geldige duur'),
        ('"P"', '"P" is geen geldige duur'),
    ],
)
def test_timer_durations_that_would_not_run_are_refused_with_the_timer(duration, reason):
    with pytest.raises(DefinitionError) as exc:
        inspect(MINIMAL.format(body=TIMER_BODY.format(duration=duration)))
    assert reason in str(exc.value)
    assert exc.value.element_id == "tm"


def test_a_refused_condition_names_its_flow_and_the_reason_in_dutch(triage_xml):
    xml = triage_xml.replace('route == "politie"', '__import__("os").system("id")')
    with pytest.raises(DefinitionError) as exc:
        inspect(xml)
    assert exc.value.element_id == "f_politie"
    assert str(exc.value) == (
        "Expressie in f_politie wordt geweigerd (alleen deze functies mogen worden aangeroepen: abs, all, any, "
        "bool, int, len, max, min, round, str, sum): alleen eenvoudige vergelijkingen zijn toegelaten."
    )


def test_shipped_labels_have_no_glued_words(triage_xml, youth_xml):
    """m11: the task names are right in the files (the glued "aande" came from
    the drawing's line breaks, see bpmn-labels.js)."""
    names = [n["name"] for xml in (triage_xml, youth_xml) for n in inspect(xml).meta["nodes"].values()]
    assert "Terugkoppeling aan de melder" in names
    assert not [n for n in names if "aande" in n or "  " in n]
