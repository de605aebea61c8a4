"""The modeler's properties panel (ADR 0306, finding M9) and the wrapped
labels of the diagrams (finding m11): an administrator sets the condition of
a flow after a gateway and a timer's duration in the browser, saves a new
version, and the stored definition has them; a condition the restricted
engine refuses is shown with the engine's message and nothing is stored."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .helpers import log_in

pytestmark = pytest.mark.browser

ADMIN = "beheerder@demo.schakel.test"

# A point on the drawn line of a sequence flow, in page coordinates (where a user clicks).
POINT_ON_FLOW = """(id) => {
  const path = document.querySelector(`.djs-element[data-element-id='${id}'] path.djs-hit`);
  const p = path.getPointAtLength(path.getTotalLength() - 40);
  const m = path.getScreenCTM();
  return {x: p.x * m.a + p.y * m.c + m.e, y: p.x * m.b + p.y * m.d + m.f};
}"""


def _latest(key="signaal_triage"):
    from schakel.workflows.models import ProcessDefinition

    return ProcessDefinition.objects.filter(key=key).order_by("-version").first()


def _open_modeler(page, base_url, definition):
    from playwright.sync_api import expect

    log_in(page, base_url, ADMIN)
    page.goto(base_url + reverse("workflows:definition_edit", args=[definition.pk]))
    expect(page.locator("[data-bpmn-modeler][data-rendered='1']")).to_have_count(1)


def test_condition_and_timer_set_in_the_panel_are_stored(demo_server, page_at, screenshot):
    from playwright.sync_api import expect

    before = _latest()
    page = page_at(1280, 900)
    _open_modeler(page, demo_server.url, before)
    panel = page.locator("#modeler-props")
    expect(panel.get_by_text("Er is geen element geselecteerd.")).to_be_visible()

    # Click the flow "Stadsdienst (overlast)" after the gateway "Naar wie?" on the canvas.
    point = page.evaluate(POINT_ON_FLOW, "f_stad")
    page.mouse.click(point["x"], point["y"])
    expect(panel.get_by_label("ID")).to_have_value("f_stad")
    expect(page.locator("#props-type")).to_have_text("Stroom")
    condition = panel.get_by_label("Voorwaarde")
    expect(condition).to_have_value('route == "stad"')
    condition.fill('route == "stadsdienst"')
    panel.get_by_label("Naam").fill("Stadsdienst (overlast, netheid)")
    panel.get_by_label("Naam").press("Enter")
    screenshot(page, "modeler-properties-flow-1280")

    # A task shows its lane, read-only; it has no condition or timer field.
    page.locator("#props-element").select_option("routeren")
    expect(panel.get_by_label("ID")).to_have_value("routeren")
    expect(page.locator("#props-lane")).to_have_text("Intake en triage")
    expect(condition).to_be_hidden()
    expect(panel.get_by_label("Duur")).to_be_hidden()

    # The timer on the first task: a wrong duration is refused and kept; P3D is applied.
    page.locator("#props-element").select_option("timer_beoordelen")
    timer = panel.get_by_label("Duur")
    expect(timer).to_have_value("P5D")
    expect(page.locator("#props-lane-field")).to_be_hidden()
    timer.fill("5 dagen")
    timer.press("Enter")
    expect(panel.get_by_text("Dit is geen geldige duur.", exact=False)).to_be_visible()
    expect(timer).to_have_value("5 dagen")
    expect(timer).to_have_attribute("aria-invalid", "true")
    # Saving with a refused value in the panel does not post; the field gets the focus.
    page.get_by_role("button", name="Bewaren als nieuwe versie").click()
    expect(timer).to_be_focused()
    assert _latest().pk == before.pk
    timer.fill("p3d")
    timer.press("Tab")
    expect(timer).to_have_value("P3D")
    expect(panel.get_by_text("Dit is geen geldige duur.", exact=False)).to_be_hidden()
    screenshot(page, "modeler-properties-timer-1280")

    page.get_by_role("button", name="Bewaren als nieuwe versie").click()
    expect(page.get_by_text(f"Nieuwe versie {before.version + 1} bewaard.")).to_be_visible()
    after = _latest()
    assert page.url.endswith(reverse("workflows:definition_detail", args=[after.pk]))
    assert after.version == before.version + 1
    flow = after.meta["flows"]["f_stad"]
    assert flow["condition"] == 'route == "stadsdienst"'
    assert flow["name"] == "Stadsdienst (overlast, netheid)"
    assert after.meta["nodes"]["timer_beoordelen"]["timer"] == '"P3D"'
    assert after.meta["nodes"]["beoordelen"]["deadline"] == '"P3D"'
    # The choice offered after "Routeren" follows the new condition and name.
    options = after.meta["nodes"]["routeren"]["form"]["options"]
    assert {"value": "stadsdienst", "label": "Stadsdienst (overlast, netheid)", "flow": "f_stad"} in options
    assert page.csp_errors == [], page.csp_errors


def test_a_condition_the_engine_refuses_is_shown_and_nothing_is_stored(demo_server, page_at, screenshot):
    from playwright.sync_api import expect

    from schakel.workflows.models import ProcessDefinition

    before = _latest()
    count = ProcessDefinition.objects.count()
    page = page_at(1280, 900)
    _open_modeler(page, demo_server.url, before)
    panel = page.locator("#modeler-props")
    # Keyboard only: choose the flow in the list, type the condition, save.
    page.locator("#props-element").focus()
    page.locator("#props-element").select_option("f_politie")
    condition = panel.get_by_label("Voorwaarde")
    expect(condition).to_be_visible()
    bad = '__import__("os").system("id")'
    condition.fill(bad)
    condition.press("Enter")
    page.keyboard.press("Tab")
    page.get_by_role("button", name="Bewaren als nieuwe versie").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Expressie in f_politie wordt geweigerd")
    expect(alert).to_contain_text("alleen eenvoudige vergelijkingen zijn toegelaten")
    assert ProcessDefinition.objects.count() == count
    assert _latest().pk == before.pk
    # Nothing lost: the modeler shows the posted diagram with the refused flow selected.
    expect(page.locator("[data-bpmn-modeler][data-rendered='1']")).to_have_count(1)
    expect(panel.get_by_label("ID")).to_have_value("f_politie")
    expect(panel.get_by_label("Voorwaarde")).to_have_value(bad)
    screenshot(page, "modeler-properties-refused-1280")

    # Corrected in the same page, the save goes through.
    panel.get_by_label("Voorwaarde").fill('route == "politie"')
    panel.get_by_label("Voorwaarde").press("Enter")
    page.get_by_role("button", name="Bewaren als nieuwe versie").click()
    expect(page.get_by_text(f"Nieuwe versie {before.version + 1} bewaard.")).to_be_visible()
    assert _latest().version == before.version + 1
    assert _latest().meta["flows"]["f_politie"]["condition"] == 'route == "politie"'


def test_id_must_be_valid_and_unique(demo_server, page_at):
    from playwright.sync_api import expect

    page = page_at(1280, 900)
    _open_modeler(page, demo_server.url, _latest())
    panel = page.locator("#modeler-props")
    page.locator("#props-element").select_option("privacy")
    field = panel.get_by_label("ID")
    field.fill("beoordelen")
    field.press("Enter")
    expect(panel.get_by_text("Dit ID is al in gebruik door een ander element.")).to_be_visible()
    field.fill("1 fout")
    field.press("Enter")
    expect(panel.get_by_text("Dit ID is ongeldig", exact=False)).to_be_visible()
    expect(field).to_have_value("1 fout")
    field.fill("privacyscreening")
    field.press("Enter")
    expect(panel.get_by_text("Dit ID is ongeldig", exact=False)).to_be_hidden()
    assert page.locator(".djs-element[data-element-id='privacyscreening']").count() == 1
    assert page.locator("#props-element option[value='privacyscreening']").count() == 1
    # Panel changes go through bpmn-js's command stack: Ctrl+Z on the canvas undoes them,
    # and the panel follows.
    page.locator("[data-bpmn-modeler] svg[tabindex]").first.focus()
    page.keyboard.press("Control+z")
    expect(field).to_have_value("privacy")
    assert page.locator(".djs-element[data-element-id='privacy']").count() == 1


def test_modeler_says_it_needs_a_larger_screen_on_a_phone(demo_server, page_at, screenshot):
    from playwright.sync_api import expect

    page = page_at(360, 740)
    log_in(page, demo_server.url, ADMIN)
    page.goto(demo_server.url + reverse("workflows:definition_edit", args=[_latest().pk]))
    expect(page.get_by_text("De editor heeft een groter scherm nodig", exact=False)).to_be_visible()
    expect(page.locator("#modeler-props")).to_be_hidden()
    expect(page.get_by_role("button", name="Bewaren als nieuwe versie")).to_be_hidden()
    expect(page.get_by_role("link", name="de lijst van processen")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "modeler-properties-360")


def test_wrapped_labels_read_as_separate_words(demo_server, page_at):
    """m11: "Terugkoppeling aan de melder" is drawn on two lines; as text it
    must not read "Terugkoppeling aande melder"."""
    from playwright.sync_api import expect

    page = page_at(1280, 900)
    log_in(page, demo_server.url, ADMIN)
    page.goto(demo_server.url + reverse("workflows:definition_detail", args=[_latest().pk]))
    canvas = page.locator("[data-bpmn-viewer][data-rendered='1']")
    expect(canvas).to_have_count(1)
    text = " ".join(canvas.inner_text().split())
    assert "Terugkoppeling aan de melder" in text
    assert "Doorgeven aan het OSP (vroegdetectie jongeren)" in text
    assert "aande" not in text
