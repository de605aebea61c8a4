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
