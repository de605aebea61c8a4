import pytest
from django.urls import reverse

from schakel.core.testing import persona_user
from schakel.workflows.models import ProcessDefinition

pytestmark = pytest.mark.django_db

XXE = (
    '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="p">'
    "<bpmn:startEvent id='s' name='&xxe;'/></bpmn:process></bpmn:definitions>"
)


def test_upload_page_refuses_xxe_with_reason(client, wf_seeded):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(persona_user("beheerder"))
    response = client.post(reverse("workflows:definition_list"), {"file": SimpleUploadedFile("x.bpmn", XXE.encode())})
    assert response.status_code == 200
    assert "XXE" in response.content.decode()
    assert ProcessDefinition.objects.count() == 2


def test_modeler_saves_a_new_version(client, wf_seeded, triage_xml):
    client.force_login(persona_user("beheerder"))
    v1 = ProcessDefinition.objects.get(key="signaal_triage")
    page = client.get(reverse("workflows:definition_edit", args=[v1.pk]))
    assert "data-bpmn-modeler" in page.content.decode()
    response = client.post(
        reverse("workflows:definition_edit", args=[v1.pk]), {"xml": triage_xml.replace("Routeren", "Doorsturen")}
    )
    v2 = ProcessDefinition.objects.get(key="signaal_triage", version=2)
    assert response.status_code == 302 and response["Location"].endswith(f"/{v2.pk}/")
    bad = client.post(reverse("workflows:definition_edit", args=[v1.pk]), {"xml": "<nope/>"})
    assert bad.status_code == 200 and "geen BPMN" in bad.content.decode()


def test_detail_page_embeds_the_diagram(client, wf_seeded):
    client.force_login(persona_user("beheerder"))
    d = ProcessDefinition.objects.get(key="jongeren_vroegdetectie")
    content = client.get(reverse("workflows:definition_detail", args=[d.pk])).content.decode()
    assert "data-bpmn-viewer" in content and "Casusregie (SAMEN)" in content


def test_lane_mapping_form(client, wf_seeded):
    from schakel.accounts.models import Unit
    from schakel.workflows.models import LaneTeam

    d = ProcessDefinition.objects.get(key="signaal_triage")
    liec = Unit.objects.get(code="liec")
    client.force_login(persona_user("beheerder"))
    response = client.post(
        reverse("workflows:definition_detail", args=[d.pk]), {"lane": "Stadsdienst", "team": liec.pk}
    )
    assert response.status_code == 302
    assert LaneTeam.objects.get(process_key="signaal_triage", lane="Stadsdienst").team == liec
    bad = client.post(reverse("workflows:definition_detail", args=[d.pk]), {"lane": "Bestaat niet", "team": liec.pk})
    assert bad.status_code == 200
    assert LaneTeam.objects.filter(lane="Bestaat niet").count() == 0


def test_only_the_modeler_page_allows_inline_style_attributes(client, wf_seeded):
    """ADR 0304: style-src-attr 'unsafe-inline' on the modeler only; style
    elements and scripts stay strict there, and other pages are unchanged."""
    from schakel.core.tests.test_csp import _directives, assert_strict_csp

    client.force_login(persona_user("beheerder"))
    v1 = ProcessDefinition.objects.get(key="jongeren_vroegdetectie")
    modeler = _directives(client.get(reverse("workflows:definition_edit", args=[v1.pk]))["Content-Security-Policy"])
    assert modeler["style-src-attr"] == ["'unsafe-inline'"]
    assert modeler["style-src"] == ["'self'"] and modeler["script-src"] == ["'self'"]
    assert "style-src-elem" not in modeler
    for url in (reverse("workflows:definition_detail", args=[v1.pk]), reverse("workflows:definition_list")):
        response = client.get(url)
        assert "style-src-attr" not in response["Content-Security-Policy"]
        assert_strict_csp(response)
    # A user without the permission gets no relaxed page either.
    client.force_login(persona_user("coordinator"))
    response = client.get(reverse("workflows:definition_edit", args=[v1.pk]))
    assert response.status_code == 403 and "style-src-attr" not in response.get("Content-Security-Policy", "")


def test_modeler_refusal_keeps_the_posted_diagram_and_names_the_element(client, wf_seeded, triage_xml):
    """M9: a condition the engine refuses is shown with its reason; nothing is
    stored, the posted XML comes back and the modeler selects the flow."""
    import json

    client.force_login(persona_user("beheerder"))
    v1 = ProcessDefinition.objects.get(key="signaal_triage")
    posted_xml = triage_xml.replace('route == "politie"', 'route == "politie" or _geheim')
    response = client.post(reverse("workflows:definition_edit", args=[v1.pk]), {"xml": posted_xml})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Expressie in f_politie wordt geweigerd (de naam _geheim is niet toegelaten)" in content
    assert ProcessDefinition.objects.filter(key="signaal_triage").count() == 1
    data = json.loads(content.split('id="modeler-data" type="application/json">')[1].split("</script>")[0])
    assert data["xml"] == posted_xml and data["select"] == "f_politie"
    assert data["types"]["bpmn:SequenceFlow"] == "Stroom"
