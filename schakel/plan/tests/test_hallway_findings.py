"""Findings of the hallway test on the plan app (m1-m4): the objective status
derived from its actions, future measurement periods and the time axis, local
times in the XLSX report, readable sources of computed indicators."""

import datetime as dt
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
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


# ---------------------------------------------------------------- m2: future periods, time axis


def _manual_indicator(plan):
    return Indicator.objects.filter(plan=plan, source="manueel", unit="%").first()


def test_measurement_for_a_period_after_today_is_refused(mechelen):
    ind = _manual_indicator(mechelen)
    coordinator = UserFactory(perms=["plan.manage_plan"])
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        services.measurement_add(
            actor=coordinator,
            indicator=ind,
            period_start=today + dt.timedelta(days=1),
            period_end=today + dt.timedelta(days=40),
            value=70,
        )
    assert "period_start" in exc.value.error_dict
    assert "controleer het jaartal" in exc.value.messages[0]
    assert not Measurement.objects.filter(indicator=ind).exists()
    # A period that has begun (and may end later) is fine.
    services.measurement_add(
        actor=coordinator,
        indicator=ind,
        period_start=today.replace(day=1),
        period_end=today.replace(day=1) + dt.timedelta(days=365),
        value=70,
    )
    assert Measurement.objects.filter(indicator=ind).count() == 1


def test_correcting_the_value_of_an_old_future_row_still_works(mechelen):
    """Rows typed before the check existed can still have their value corrected."""
    ind = _manual_indicator(mechelen)
    wrong = Measurement.objects.create(
        indicator=ind, period_start=date(2030, 1, 1), period_end=date(2030, 12, 31), value=Decimal("70")
    )
    fixed = services.measurement_correct(
        actor=UserFactory(perms=["plan.manage_plan"]), measurement=wrong, value="71", note="typfout"
    )
    assert fixed.corrects == wrong
    with pytest.raises(ValidationError):
        services.measurement_correct(
            actor=UserFactory(perms=["plan.manage_plan"]),
            measurement=fixed,
            value="71",
            note="andere periode",
            period_start=date(2031, 1, 1),
            period_end=date(2031, 12, 31),
        )


def test_future_period_on_the_page_keeps_what_was_typed(client, mechelen):
    ind = _manual_indicator(mechelen)
    client.force_login(UserFactory(perms=["plan.view_actionplan", "plan.view_followup", "plan.manage_plan"]))
    response = client.post(
        reverse("plan:indicator", args=[ind.pk]),
        {"period_start": "2030-01-01", "period_end": "2030-12-31", "value": "70", "note": "Monitor"},
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "De periode begint op 01-01-2030, na vandaag" in html
    assert response.context["form"].errors["period_start"]  # next to the field, not only above the form
    assert 'value="2030-12-31"' in html and 'value="70"' in html and "Monitor" in html
    assert not Measurement.objects.filter(indicator=ind).exists()


def _with_series(plan, ends_and_values):
    from schakel.plan import selectors

    ind = _manual_indicator(plan)
    for end, value in ends_and_values:
        Measurement.objects.create(
            indicator=ind, period_start=end.replace(month=1, day=1), period_end=end, value=Decimal(value)
        )
    [ind] = selectors.indicators_with_series([ind])
    return ind


def test_page_chart_x_axis_is_proportional_to_time(mechelen):
    from schakel.plan import selectors

    ind = _with_series(mechelen, [(date(2021, 12, 31), 60), (date(2023, 12, 31), 65), (date(2030, 12, 31), 70)])
    data = selectors.chart_data(ind)
    x = data["x"]
    assert data["labels"] == ["31-12-2021", "31-12-2023", "31-12-2030"]
    assert x[0] == (date(2021, 12, 31) - date(1970, 1, 1)).days
    # 2 years versus 7 years: the gaps differ accordingly.
    assert (x[2] - x[1]) / (x[1] - x[0]) == pytest.approx(7 / 2, rel=0.01)


def test_report_svg_chart_is_proportional_to_time(mechelen):
    from schakel.plan import selectors

    ind = _with_series(mechelen, [(date(2021, 12, 31), 60), (date(2023, 12, 31), 65), (date(2030, 12, 31), 70)])
    svg = selectors.svg_chart(ind)
    xs = [p["x"] for p in svg["points"]]
    assert xs[0] == svg["left"] and xs[-1] == svg["right_x"]
    assert (xs[2] - xs[1]) / (xs[1] - xs[0]) == pytest.approx(7 / 2, rel=0.01)
    spark = selectors.sparkline(ind)
    spark_xs = [float(p.split(",")[0]) for p in spark["points"].split()]
    assert (spark_xs[2] - spark_xs[1]) / (spark_xs[1] - spark_xs[0]) == pytest.approx(7 / 2, rel=0.01)


def test_report_svg_hides_labels_that_would_overlap(mechelen):
    from schakel.plan import selectors

    ind = _with_series(mechelen, [(date(2021, 12, 31), 60), (date(2030, 10, 31), 69), (date(2030, 12, 31), 70)])
    labels = [p["show_label"] for p in selectors.svg_chart(ind)["points"]]
    assert labels == [True, False, True]


def test_time_positions():
    from schakel.plan.selectors import time_positions

    assert time_positions([], 0, 100) == []
    assert time_positions([date(2024, 1, 1)], 10, 100) == [60]
    assert time_positions([date(2024, 1, 1), date(2025, 1, 1), date(2028, 1, 1)], 0, 100) == pytest.approx(
        [0, 100 * 366 / 1461, 100]
    )


# ---------------------------------------------------------------- m1: status of an operational objective


def _A(status, progress=0, due=None):  # noqa: N802 - reads like a row of the table below
    return Action(status=status, progress=progress, due_date=due)


@pytest.mark.parametrize(
    ("actions", "expected"),
    [
        ([], None),
        ([_A("geschrapt")], None),
        ([_A("gepland"), _A("gepland")], "niet_gestart"),
        ([_A("gepland", progress=10)], "lopend"),
        ([_A("gepland"), _A("lopend", 40)], "lopend"),
        ([_A("afgerond", 100), _A("gepland")], "lopend"),
        ([_A("afgerond", 100), _A("afgerond", 100), _A("geschrapt")], "behaald"),
        ([_A("lopend", 50), _A("vertraagd", 20)], "risico"),
        ([_A("lopend", 50, due=date(2020, 1, 1)), _A("afgerond", 100)], "risico"),
    ],
)
def test_derived_objective_status(actions, expected):
    from schakel.plan.selectors import derived_objective_status

    assert derived_objective_status(actions, today=date(2026, 12, 6)) == expected


def _od_with_actions(plan, code, *statuses):
    od = OperationalObjective.objects.get(strategic_objective__plan=plan, code=code)
    od.actions.all().delete()
    for status in statuses:
        Action.objects.create(
            objective=od,
            title=f"actie {status}",
            owner_organisation=plan.backbone,
            status=status,
            progress=100 if status == "afgerond" else 30,
            due_date=date(2099, 1, 1),
        )
    return od


def test_overview_report_and_xlsx_show_the_status_of_the_actions(client, mechelen):
    od12 = _od_with_actions(mechelen, "OD1.2", "afgerond", "afgerond")  # stored: niet gestart
    od31 = _od_with_actions(mechelen, "OD3.1", "lopend", "afgerond")
    assert od12.status == od31.status == "niet_gestart"
    client.force_login(UserFactory(perms=["plan.view_actionplan", "plan.view_followup"]))
    html = client.get(reverse("plan:overview"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    block12 = html.split(f'href="{reverse("plan:objective", args=[od12.pk])}">OD1.2</a>')[1][:200]
    block31 = html.split(f'href="{reverse("plan:objective", args=[od31.pk])}">OD3.1</a>')[1][:200]
    assert "Behaald" in block12 and "volgens de acties" in block12 and "Niet gestart" not in block12
    assert "Lopend" in block31 and "Niet gestart" not in block31
    report = client.get(reverse("plan:report"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    row12 = report.split('<th scope="row">OD1.2</th>')[1].split("</tr>")[0]
    assert "Behaald" in row12 and "Niet gestart" not in row12
    assert "Afgeleid uit de acties" in report
    with translation.override("nl"):
        header, rows = _sheet_rows(mechelen, "Doelstellingen")
    by_code = {r[header.index("OD")]: r for r in rows}
    assert by_code["OD1.2"][header.index("Status")] == "Behaald"
    assert by_code["OD1.2"][header.index("Status afgeleid uit de acties")] == "ja"
    assert by_code["OD3.1"][header.index("Status")] == "Lopend"


def test_a_chosen_status_stays_and_the_coordinator_is_warned(client, mechelen):
    od = _od_with_actions(mechelen, "OD1.2", "afgerond", "afgerond")
    coordinator = UserFactory(perms=["plan.view_actionplan", "plan.view_followup", "plan.manage_plan"])
    services.objective_set_status(actor=coordinator, objective=od, status="lopend")
    client.force_login(coordinator)
    page = client.get(reverse("plan:objective", args=[od.pk]), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Gekozen status ‘Lopend’, maar de acties wijzen op ‘Behaald’." in page
    overview = client.get(reverse("plan:overview"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "maar de acties wijzen op ‘Behaald’" in overview
    # The core group reads the chosen status, without the coordinator's warning.
    report = client.get(reverse("plan:report"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    row = report.split('<th scope="row">OD1.2</th>')[1].split("</tr>")[0]
    assert "Lopend" in row and "*" not in row
    assert "wijzen op" not in report
    assert "Afgeleid uit de acties" not in report  # no derived status, no footnote
    # A reader who cannot change the status is not warned.
    client.force_login(UserFactory(perms=["plan.view_actionplan", "plan.view_followup"]))
    overview = client.get(reverse("plan:overview"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "wijzen op" not in overview
