"""In a real browser: the coordinator adds a measurement and sees the chart change;
screenshots of the dashboard and an objective page at 1280 and 360 px.

Chromium missing: skipped, unless SCHAKEL_REQUIRE_BROWSER=1 (then it fails; see conftest).
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"

# The shared session-scoped ``browser`` fixture (tests/browser/conftest.py): two
# sync Playwright instances in one process collide when the suite runs in workers.


def _chart_points(page, indicator_pk: int) -> int:
    """Number of points Chart.js drew in the measurement dataset of the chart."""
    return page.evaluate(
        """(id) => {
            const canvas = document.querySelector(`canvas[data-chart="chart-data-${id}"]`);
            const chart = window.Chart.getChart(canvas);
            return chart.data.datasets[0].data.length;
        }""",
        indicator_pk,
    )


def test_coordinator_adds_measurement_and_sees_chart_change(live_server, transactional_db, browser):
    from playwright.sync_api import expect

    from schakel.core.seeding import load_all
    from schakel.plan.models import Indicator, OperationalObjective

    load_all(demo=True, out=lambda msg: None)
    SHOTS.mkdir(parents=True, exist_ok=True)
    vm1 = Indicator.objects.get(code="VM1")
    od = OperationalObjective.objects.get(code="OD1.1")
    csp_errors = []
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-BE")
    page = context.new_page()
    page.on("console", lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.goto(f"{live_server.url}/account/aanmelden/")
    page.get_by_label("E-mailadres").fill("coordinator@demo.schakel.test")
    page.get_by_label("Wachtwoord").fill("Schakel-demo-2026")
    page.get_by_role("button", name="Aanmelden").click()

    page.goto(f"{live_server.url}/plan/doelstelling/{od.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("OD1.1")
    page.wait_for_function("() => window.Chart && document.querySelector('canvas[data-chart]')")
    assert _chart_points(page, vm1.pk) == 1
    page.screenshot(path=str(SHOTS / "plan-objective-1280.png"), full_page=True)

    page.goto(f"{live_server.url}/plan/indicator/{vm1.pk}/")
    page.get_by_label("Periode van").fill("2024-01-01")
    page.get_by_label("Periode tot en met").fill("2024-12-31")
    page.get_by_role("textbox", name="Waarde").fill("66,2")
    page.get_by_role("button", name="Toevoegen").click()
    expect(page.get_by_text("De meting is toegevoegd.")).to_be_visible()
    page.wait_for_function("() => window.Chart && document.querySelector('canvas[data-chart]')")
    assert _chart_points(page, vm1.pk) == 2

    page.goto(f"{live_server.url}/plan/doelstelling/{od.pk}/")
    page.wait_for_function("() => window.Chart && document.querySelector('canvas[data-chart]')")
    assert _chart_points(page, vm1.pk) == 2

    page.goto(f"{live_server.url}/plan/opvolging/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Opvolging")
    page.screenshot(path=str(SHOTS / "plan-dashboard-1280.png"), full_page=True)

    page.set_viewport_size({"width": 360, "height": 800})
    for name, url in [
        ("plan-dashboard-360", "/plan/opvolging/"),
        ("plan-objective-360", f"/plan/doelstelling/{od.pk}/"),
    ]:
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        assert width <= 360, f"{url} is {width}px wide at 360 px"
    context.close()
    assert not csp_errors, csp_errors
