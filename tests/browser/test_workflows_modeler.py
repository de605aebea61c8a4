"""The bpmn-js modeler's popups under the project's CSP (ADR 0304): opening the
align popup on a multi-selection inserts SVG icons with style attributes;
the modeler page allows exactly that (style-src-attr) and nothing more."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.browser

PASSWORD = "Schakel-demo-2026"


def test_modeler_popup_opens_without_csp_violation(demo_server, page_at, screenshot):
    from playwright.sync_api import expect

    from schakel.workflows.models import ProcessDefinition

    definition = ProcessDefinition.objects.filter(key="jongeren_vroegdetectie").order_by("-version").first()
    page = page_at(1280, 900)
    console = []
    page.on("console", lambda msg: console.append(msg.text))
    page.goto(f"{demo_server.url}/account/aanmelden/")
    page.get_by_label("E-mailadres").fill("beheerder@demo.schakel.test")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(re.compile(r"/$"))
    response = page.goto(demo_server.url + reverse("workflows:definition_edit", args=[definition.pk]))
    header = response.headers["content-security-policy"]
    assert "style-src-attr 'unsafe-inline'" in header and "style-src 'self'" in header
    expect(page.locator("[data-bpmn-modeler][data-rendered='1']")).to_have_count(1)

    # Select two tasks (click, shift+click) and open the align popup from the context pad.
    page.locator(".djs-element[data-element-id='opvolgen'] .djs-hit").first.click()
    page.keyboard.down("Shift")
    page.locator(".djs-element[data-element-id='casus'] .djs-hit").first.click()
    page.keyboard.up("Shift")
    expect(page.locator(".djs-context-pad.open .entry[data-action='align-elements']")).to_have_count(1)
    page.locator(".djs-context-pad.open .entry[data-action='align-elements']").click()
    popup = page.locator(".djs-popup")
    expect(popup).to_be_visible()
    # The popup's icons are SVG markup with style attributes: they are drawn.
    assert popup.locator("[style]").count() > 0
    screenshot(page, "workflows-modeler-align-popup")
    # Use the popup: align left.
    popup.locator(".entry").first.click()
    page.wait_for_timeout(300)
    assert page.csp_errors == [], page.csp_errors
    assert not [m for m in console if "Content Security Policy" in m or "violates" in m], console
