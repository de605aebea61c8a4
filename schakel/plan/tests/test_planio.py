"""Import/export of a plan: the Mechelen file, errors with path and line, round trip."""

import io
import textwrap
from datetime import date, timedelta
from decimal import Decimal

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schakel.audit.models import AuditEvent
from schakel.plan.models import (
    Action,
    ActionPlan,
    FundingLine,
    GroupMember,
    Indicator,
    Measurement,
    OperationalObjective,
    PlanGroup,
    StrategicObjective,
)
from schakel.plan.planio import PlanFileError, export_plan, export_plan_data, import_plan
from schakel.plan.seeding import MECHELEN

pytestmark = pytest.mark.django_db


def test_mechelen_plan_is_complete(mechelen):
    assert mechelen.code == MECHELEN
    assert list(StrategicObjective.objects.filter(plan=mechelen).values_list("code", flat=True)) == [
        "SD1",
        "SD2",
        "SD3",
    ]
    ods = OperationalObjective.objects.filter(strategic_objective__plan=mechelen)
    assert ods.count() == 16
    assert ods.filter(strategic_objective__code="SD3").count() == 7
    od23 = ods.get(code="OD2.3")
    assert od23.title.startswith("We ontwikkelen een intern werkproces")
    assert "overleg sociale preventie (OSP)" in od23.text
    assert all(len(od.text) > 200 for od in ods)
    assert sorted(o.code for o in mechelen.partners.all()) == [
        "parket-antwerpen-mechelen",
        "pz-rivierenland",
        "stad-mechelen",
    ]
    groups = PlanGroup.objects.filter(plan=mechelen)
    assert groups.filter(kind="kerngroep").count() == 1
    assert sorted(g.strategic_objective.code for g in groups.filter(kind="werkgroep")) == ["SD1", "SD2", "SD3"]
    core = groups.get(kind="kerngroep")
    assert core.members.count() == 13
    assert core.members.filter(function="Korpschef", organisation__code="pz-rivierenland").exists()
    assert not GroupMember.objects.filter(group__plan=mechelen, user__isnull=False).exists()
    assert FundingLine.objects.filter(plan=mechelen).count() == 3
    assert sorted(
        FundingLine.objects.filter(plan=mechelen).exclude(amount_eur=None).values_list("amount_eur", flat=True)
    ) == [
        Decimal("30000"),
        Decimal("100000"),
    ]
    baselines = dict(Indicator.objects.filter(plan=mechelen).values_list("code", "baseline_value"))
    assert baselines == {
        "VM1": Decimal("63.8"),
        "VM2": Decimal("28.7"),
        "VM3": Decimal("7.5"),
        "VM4": Decimal("26.4"),
        "VM5": Decimal("15.7"),
    }
    assert AuditEvent.objects.filter(action="plan.plan_imported", object_id=str(mechelen.pk)).exists()


def test_export_of_mechelen_reimports_to_the_same_plan(mechelen):
    first = export_plan_data(mechelen)
    text = export_plan(mechelen).replace(MECHELEN, "kopie-mechelen")
    copy = import_plan(actor=None, text=text)
    second = export_plan_data(copy)
    second["plan"]["code"] = MECHELEN
    assert second == first


def _minimal(**over) -> dict:
    doc = {
        "schema": "schakel-plan/1",
        "plan": {
            "code": "testplan",
            "title": "Testplan",
            "city": "Teststad",
            "start": date(2025, 1, 1),
            "end": date(2025, 12, 31),
            "backbone": "stad-mechelen",
            "partners": ["stad-mechelen"],
        },
        "strategic_objectives": [
            {
                "code": "SD1",
                "title": "Een",
                "text": "Tekst",
                "operational_objectives": [{"code": "OD1.1", "title": "T", "text": "X"}],
            }
        ],
    }
    doc.update(over)
    return doc


def _errors(text: str) -> list[str]:
    with pytest.raises(PlanFileError) as exc:
        import_plan(actor=None, text=text)
    return exc.value.errors


@pytest.fixture
def orgs(db):
    from schakel.accounts.seeding import load_reference

    load_reference(lambda msg: None)


def test_invalid_yaml_names_the_line(orgs):
    errors = _errors("schema: schakel-plan/1\nplan:\n  code: [unclosed\n")
    assert len(errors) == 1
    assert "regel" in errors[0] and "geen geldige YAML" in errors[0]
    assert not ActionPlan.objects.exists()


def test_errors_name_path_and_line_and_nothing_is_saved(orgs):
    text = textwrap.dedent(
        """\
        schema: schakel-plan/1
        plan:
          code: testplan
          title: Testplan
          city: Teststad
          start: 2025-06-01
          end: 2025-01-01
          backbone: stad-mechelen
        strategic_objectives:
          - code: SD1
            title: Een
            text: Tekst
            operational_objectives:
              - code: OD1.1
                title: T
                text: X
              - code: OD1.1
                title: T2
                text: X2
                status: bezig
        indicators:
          - code: I1
            name: Percentage
            objective: SD1
            level: impact
            rba_question: beter_af
            kind: populatie
            unit: "%"
            direction: hoger
            frequency: jaarlijks
            baseline: {value: 120}
            measurements:
              - {period_start: 2025-01-01, period_end: 2025-03-31, value: veel}
              - {period_start: 2025-03-01, period_end: 2025-04-30, value: 5}
        """
    )
    errors = _errors(text)
    joined = "\n".join(errors)
    assert "plan.end (regel 7): het einde ligt vóór het begin" in joined
    assert "strategic_objectives[0].operational_objectives[1].code (regel 17): dubbele code 'OD1.1'" in joined
    assert "strategic_objectives[0].operational_objectives[1].status (regel 20): onbekende waarde 'bezig'" in joined
    assert "indicators[0].baseline.value (regel 31): een percentage ligt tussen 0 en 100" in joined
    assert "indicators[0].measurements[0].value (regel 33): geen getal: 'veel'" in joined
    assert "indicators[0].measurements[1] (regel 34): periode overlapt met measurements[0]" in joined
    assert ActionPlan.objects.count() == 0
    assert StrategicObjective.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.pop("schema"), "schema"),
        (lambda d: d["plan"].update(backbone="onbekend"), "plan.backbone"),
        (lambda d: d["plan"].update(partners=["stad-mechelen", "stad-mechelen"]), "dubbele partner"),
        (lambda d: d["plan"].update(code="Met Spaties"), "plan.code"),
        (lambda d: d["plan"].update(extra=1), "plan.extra"),
        (lambda d: d.update(groups=[{"kind": "werkgroep", "name": "W", "strategic_objective": "SD9"}]), "groups[0]"),
        (
            lambda d: d.update(
                funding_lines=[{"source": "X", "organisation": "stad-mechelen", "purpose": "p", "amount_eur": -5}]
            ),
            "amount_eur",
        ),
        (lambda d: d.update(indicators="geen lijst"), "indicators"),
    ],
)
def test_bad_files_are_refused(orgs, change, expected):
    doc = _minimal()
    change(doc)
    errors = _errors(yaml.safe_dump(doc, allow_unicode=True))
    assert any(expected in e for e in errors), errors
    assert not ActionPlan.objects.exists()


def test_existing_code_is_refused(orgs):
    text = yaml.safe_dump(_minimal())
    import_plan(actor=None, text=text)
    errors = _errors(text)
    assert any("bestaat al" in e for e in errors)
    assert ActionPlan.objects.count() == 1


def test_empty_file(orgs):
    assert _errors("")
    assert _errors("- a\n- b\n")


def test_import_requires_manage_permission(orgs):
    from django.core.exceptions import PermissionDenied

    from schakel.core.testing import UserFactory

    with pytest.raises(PermissionDenied):
        import_plan(actor=UserFactory(perms=["plan.view_actionplan"]), text=yaml.safe_dump(_minimal()))
    manager = UserFactory(perms=["plan.manage_plan"])
    assert import_plan(actor=manager, text=yaml.safe_dump(_minimal())).code == "testplan"


def test_commands(orgs, tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(_minimal()), encoding="utf-8")
    out = io.StringIO()
    call_command("plan_import", str(path), stdout=out)
    assert "imported plan testplan" in out.getvalue()
    export = tmp_path / "export.yaml"
    call_command("plan_export", "testplan", "--output", str(export), stdout=io.StringIO())
    assert yaml.safe_load(export.read_text())["plan"]["code"] == "testplan"
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema: schakel-plan/1\nplan: {}\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("plan_import", str(bad), stderr=err)
    assert "plan.code" in err.getvalue()
    with pytest.raises(CommandError):
        call_command("plan_export", "bestaat-niet")


# ---------------------------------------------------------------- round trip

text_st = (
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=40)
    .map(str.strip)
    .filter(bool)
)
day_st = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))
value_st = st.decimals(min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False)


@st.composite
def plan_docs(draw):
    start = draw(day_st)
    end = start + timedelta(days=draw(st.integers(0, 2000)))
    orgs = ["stad-mechelen", "pz-rivierenland", "parket-antwerpen-mechelen"]
    sds = []
    od_codes = []
    for i in range(draw(st.integers(1, 3))):
        ods = []
        for j in range(draw(st.integers(0, 3))):
            code = f"OD{i + 1}.{j + 1}"
            od_codes.append(code)
            actions = [
                {
                    "title": draw(text_st),
                    "owner_organisation": draw(st.sampled_from(orgs)),
                    "status": draw(st.sampled_from(["gepland", "lopend", "vertraagd", "geschrapt"])),
                    "progress": draw(st.integers(0, 99)),
                    "due_date": draw(day_st),
                }
                for _ in range(draw(st.integers(0, 2)))
            ]
            od = {
                "code": code,
                "title": draw(text_st),
                "text": draw(text_st),
                "status": draw(st.sampled_from(["niet_gestart", "lopend", "risico"])),
            }
            if actions:
                od["actions"] = actions
            ods.append(od)
        sd = {"code": f"SD{i + 1}", "title": draw(text_st), "text": draw(text_st)}
        if ods:
            sd["operational_objectives"] = ods
        sds.append(sd)
    indicators = []
    for k in range(draw(st.integers(0, 2))):
        first = draw(day_st)
        measurements = []
        cursor = first
        for _ in range(draw(st.integers(0, 3))):
            measurements.append(
                {"period_start": cursor, "period_end": cursor + timedelta(days=27), "value": float(draw(value_st))}
            )
            cursor += timedelta(days=31)
        ind = {
            "code": f"I{k}",
            "name": draw(text_st),
            "objective": draw(st.sampled_from([s["code"] for s in sds] + od_codes)),
            "level": "outcome",
            "rba_question": "hoe_goed",
            "kind": "prestatie",
            "unit": "%",
            "direction": draw(st.sampled_from(["hoger", "lager"])),
            "frequency": "maandelijks",
            "source": "manueel",
            "baseline": {"value": float(draw(value_st)), "date": first},
        }
        if measurements:
            ind["measurements"] = measurements
        indicators.append(ind)
    doc = {
        "schema": "schakel-plan/1",
        "plan": {
            "code": "rondgang",
            "title": draw(text_st),
            "city": draw(text_st),
            "start": start,
            "end": end,
            "status": "actief",
            "backbone": "stad-mechelen",
            "partners": sorted(set(draw(st.lists(st.sampled_from(orgs), min_size=1)))),
        },
        "strategic_objectives": sds,
    }
    if indicators:
        doc["indicators"] = indicators
    return doc


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=plan_docs())
def test_round_trip(orgs, doc):
    with transaction.atomic():
        plan = import_plan(actor=None, text=yaml.safe_dump(doc, allow_unicode=True))
        exported = export_plan_data(plan)
        # The export repeats the document (plus the organisations it names, and defaults made explicit).
        exported.pop("organisations")
        expected = yaml.safe_load(yaml.safe_dump(doc, allow_unicode=True))
        assert exported == expected
        # Import of the export gives the same plan again.
        text = export_plan(plan).replace("code: rondgang", "code: rondgang-2")
        again = import_plan(actor=None, text=text)
        second = export_plan_data(again)
        second["plan"]["code"] = "rondgang"
        second.pop("organisations")
        assert second == exported
        assert (
            Action.objects.filter(objective__strategic_objective__plan=again).count()
            == Action.objects.filter(objective__strategic_objective__plan=plan).count()
        )
        assert (
            Measurement.objects.filter(indicator__plan=again).count()
            == Measurement.objects.filter(indicator__plan=plan).count()
        )
        transaction.set_rollback(True)
