"""Hallway-test findings on the plan and the audit trail, in a real browser:
the DPO reads Dutch labels (M12), an OD shows the status of its actions (m1),
a future measurement period is refused and the chart's time axis is
proportional (m2). Screenshots at 1280 and 360 px."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from .helpers import log_in

pytestmark = pytest.mark.browser


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_dpo_reads_labels_on_the_audit_trail(demo_server, page_at, screenshot):
    from schakel.audit import services as audit
    from schakel.core.testing import persona_user

    dpo = persona_user("dpo")
    audit.record_access(
        actor=dpo, obj=("cases.case", "4"), purpose="case meeting item", action="cases.meeting_item_viewed"
    )
    for width in (1280, 360):
        page = page_at(width)
        log_in(page, demo_server.url, "dpo@demo.schakel.test")
        page.goto(f"{demo_server.url}/audit/")
        row = page.locator("tbody tr").filter(has_text="Agendapunt casusoverleg ingezien").first
        assert row.is_visible()
        assert "Casus #4" in row.inner_text()
        assert "cases.meeting_item_viewed" in row.inner_text()  # the code stays, small
        assert "Agendapunt van een casusoverleg" in row.inner_text()
        assert "case meeting item" not in row.inner_text()
        screenshot(page, f"audit-labels-{width}")
        assert _page_width(page) <= width, f"/audit/ is {_page_width(page)} px wide at {width}"
        assert not page.csp_errors, page.csp_errors


def test_objective_status_future_period_and_time_axis(demo_server, page_at, screenshot):
    from schakel.plan.models import Indicator, Measurement, OperationalObjective

    od = OperationalObjective.objects.filter(actions__status__in=["lopend", "afgerond"], status="niet_gestart").first()
    assert od is not None
    vm1 = Indicator.objects.get(code="VM1")
    # The demo has VM1 for 2023 (append-only rows: add around it).
    assert [m.period_end for m in Measurement.objects.filter(indicator=vm1)] == [date(2023, 12, 31)]
    for end, value in [(date(2021, 12, 31), 60), (date(2025, 12, 31), 65)]:
        Measurement.objects.create(
            indicator=vm1, period_start=date(end.year, 1, 1), period_end=end, value=Decimal(value)
        )

    page = page_at(1280, 900)
    log_in(page, demo_server.url, "coordinator@demo.schakel.test")
    page.goto(f"{demo_server.url}/plan/")
    heading = page.locator("h3").filter(has_text=od.code).first
    assert "Niet gestart" not in heading.inner_text()
    assert "volgens de acties" in heading.inner_text()
    screenshot(page, "plan-overview-status-1280")
    page.goto(f"{demo_server.url}/plan/rapport/")
    row = page.locator("tr").filter(has=page.locator("th", has_text=od.code)).first
    assert "Niet gestart" not in row.inner_text()
    screenshot(page, "plan-report-status-1280")

    page.goto(f"{demo_server.url}/plan/indicator/{vm1.pk}/")
    page.get_by_label("Periode van").fill("2030-01-01")
    page.get_by_label("Periode tot en met").fill("2030-12-31")
    page.get_by_role("textbox", name="Waarde").fill("70")
    page.get_by_role("button", name="Toevoegen").click()
    error = page.locator(".errorlist").filter(has_text="controleer het jaartal").first
    assert error.is_visible()
    assert page.get_by_label("Periode van").input_value() == "2030-01-01"
    assert page.get_by_role("textbox", name="Waarde").input_value() == "70"
    assert Measurement.objects.filter(indicator=vm1).count() == 3

    page.wait_for_function("() => window.Chart && document.querySelector('canvas[data-chart]')")
    xs = page.evaluate(
        """(id) => {
            const chart = window.Chart.getChart(document.querySelector(`canvas[data-chart="chart-data-${id}"]`));
            return chart.getDatasetMeta(0).data.map(p => p.x);
        }""",
        vm1.pk,
    )
    assert len(xs) == 3
    # 2021 -> 2023 -> 2025: equal gaps; now add 2026 (one year) and compare.
    assert xs[2] - xs[1] == pytest.approx(xs[1] - xs[0], rel=0.02)
    screenshot(page, "plan-indicator-future-1280")

    Measurement.objects.create(
        indicator=vm1, period_start=date(2026, 1, 1), period_end=date(2026, 6, 30), value=Decimal(66)
    )
    page.goto(f"{demo_server.url}/plan/indicator/{vm1.pk}/")
    page.wait_for_function("() => window.Chart && document.querySelector('canvas[data-chart]')")
    xs = page.evaluate(
        """(id) => window.Chart.getChart(document.querySelector(`canvas[data-chart="chart-data-${id}"]`))
            .getDatasetMeta(0).data.map(p => p.x)""",
        vm1.pk,
    )
    two_years, half_year = xs[2] - xs[1], xs[3] - xs[2]
    assert half_year / two_years == pytest.approx(181 / 731, rel=0.05)
    screenshot(page, "plan-indicator-axis-1280")

    page = page_at(360)
    log_in(page, demo_server.url, "coordinator@demo.schakel.test")
    page.goto(f"{demo_server.url}/plan/")
    screenshot(page, "plan-overview-status-360")
    assert _page_width(page) <= 360
    page.goto(f"{demo_server.url}/plan/indicator/{vm1.pk}/")
    page.wait_for_function("() => window.Chart && document.querySelector('canvas[data-chart]')")
    screenshot(page, "plan-indicator-axis-360")
    assert _page_width(page) <= 360
    assert not page.csp_errors, page.csp_errors
