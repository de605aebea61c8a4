"""Findings of the hallway test on the plan app (m1-m4): the objective status
derived from its actions, future measurement periods and the time axis, local
times in the XLSX report, readable sources of computed indicators."""

import datetime as dt
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from schakel.core.testing import UserFactory
from schakel.plan import computed, services
from schakel.plan.models import Action, Indicator, Measurement, OperationalObjective
from schakel.plan.xlsx import plan_workbook

pytestmark = pytest.mark.django_db


def _computed_indicator(plan, code="C1", key="plan.actions_on_schedule_share"):
    return Indicator.objects.create(
        plan=plan,
        code=code,
        name="Acties op schema",
        level="output",
        rba_question="hoe_goed",
        kind="prestatie",
        unit="%",
        direction="hoger",
        frequency="maandelijks",
        source="berekend",
        computed_key=key,
    )


def _one_action(plan, **fields):
    od = OperationalObjective.objects.get(strategic_objective__plan=plan, code="OD1.1")
    return Action.objects.create(
        objective=od, title="a", owner_organisation=plan.backbone, due_date=date(2025, 12, 31), **fields
    )


def _sheet_rows(plan, name):
    wb = load_workbook(BytesIO(plan_workbook(plan)))
    rows = list(wb[name].iter_rows(values_only=True))
    return rows[0], rows[1:]


# ---------------------------------------------------------------- m4: computed sources in words


def test_source_label_of_a_computed_measurement():
    with translation.override("nl"):
        assert computed.source_label("computed:plan.actions_on_schedule_share") == (
            "Berekend: aandeel acties op schema"
        )
        assert computed.source_label("computed:nobody.nothing") == "Berekend (nobody.nothing)"
    assert computed.source_label("Veiligheidsmonitor 2024") == "Veiligheidsmonitor 2024"
    assert computed.source_label("") == ""


def test_indicator_page_shows_no_internal_code(client, mechelen):
    ind = _computed_indicator(mechelen)
    _one_action(mechelen, status="lopend")
    services.indicators_compute(actor=None, year=2025, month=3)
    assert Measurement.objects.get(indicator=ind).source == "computed:plan.actions_on_schedule_share"
    client.force_login(UserFactory(perms=["plan.view_actionplan", "plan.view_followup"]))
    html = client.get(reverse("plan:indicator", args=[ind.pk]), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Berekend: Aandeel acties op schema" in html
    assert "Berekend: aandeel acties op schema" in html  # the measurement's source line
    assert "(plan.actions_on_schedule_share)" not in html
    assert "computed:plan" not in html
    # The key stays reachable for the administrator, as a tooltip.
    assert 'title="plan.actions_on_schedule_share"' in html


def test_xlsx_sources_in_words(mechelen):
    _computed_indicator(mechelen)
    _one_action(mechelen, status="lopend")
    services.indicators_compute(actor=None, year=2025, month=3)
    with translation.override("nl"):
        header, rows = _sheet_rows(mechelen, "Metingen")
        sources = {r[header.index("Bron")] for r in rows if r[0] == "C1"}
        assert sources == {"Berekend: aandeel acties op schema"}
        header, rows = _sheet_rows(mechelen, "Indicatoren")
        (c1,) = [r for r in rows if r[0] == "C1"]
        assert c1[header.index("Bron")] == "Berekend: aandeel acties op schema"


# ---------------------------------------------------------------- m3: local time in the XLSX report


def test_xlsx_entry_time_is_brussels_time(mechelen):
    ind = Indicator.objects.filter(plan=mechelen, source="manueel").first()
    Measurement.objects.create(
        indicator=ind,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        value=Decimal("70"),
        entered_at=dt.datetime(2026, 12, 6, 9, 17, 39, tzinfo=dt.UTC),
    )
    Measurement.objects.create(
        indicator=ind,
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        value=Decimal("60"),
        entered_at=dt.datetime(2026, 7, 1, 9, 0, 0, tzinfo=dt.UTC),  # summer time: +2
    )
    header, rows = _sheet_rows(mechelen, "Metingen")
    column = header.index("Ingevoerd op (Brusselse tijd)")
    times = {r[column] for r in rows if r[0] == ind.code}
    assert dt.datetime(2026, 12, 6, 10, 17, 39) in times
    assert dt.datetime(2026, 7, 1, 11, 0, 0) in times
