"""Seed the Mechelen plan (reference) and demo actions, measurements and progress (demo)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from schakel.accounts.models import Organisation, User

from .models import Action, ActionPlan, ActionUpdate, GroupMember, Indicator, Measurement, Meeting, PlanGroup
from .planio import import_plan

SEED = Path(__file__).resolve().parent / "seed" / "mechelen.yaml"
MECHELEN = "mechelen-georganiseerde-drugscriminaliteit"
DEMO_NOTE = "Demo: fictieve gegevens."


def load_reference(out) -> None:
    if ActionPlan.objects.filter(code=MECHELEN).exists():
        out("plan: Mechelen plan already present")
        return
    import_plan(actor=None, text=SEED.read_text(encoding="utf-8"))
    out("plan: Mechelen plan imported")


# (OD code, title, owner organisation, owner function, due in days from today, status, progress)
DEMO_ACTIONS = [
    (
        "OD1.1",
        "Demo: wekelijkse aanwezigheidsrondes QRT in de geconfronteerde wijken",
        "stad-mechelen",
        "Quick Response team",
        60,
        "lopend",
        50,
    ),
    (
        "OD1.1",
        "Demo: eerste wijkschouwing met scores per straat",
        "stad-mechelen",
        "Consulent preventie en veiligheid",
        -20,
        "lopend",
        70,
    ),
    ("OD1.2", "Demo: behangtafelsessie in de wijk", "stad-mechelen", "Quick Response team", -45, "afgerond", 100),
    (
        "OD1.3",
        "Demo: informatiemoment voor bewoners na een incident",
        "stad-mechelen",
        "Quick Response team",
        30,
        "gepland",
        0,
    ),
    (
        "OD1.4",
        "Demo: eerste versie sociaal nood- en interventieplan",
        "stad-mechelen",
        "Projectmanager preventie en veiligheid",
        -10,
        "vertraagd",
        40,
    ),
    (
        "OD2.1",
        "Demo: studiedag over rekrutering van jongeren",
        "parket-antwerpen-mechelen",
        "Parketcriminoloog",
        -60,
        "afgerond",
        100,
    ),
    (
        "OD2.2",
        "Demo: infosessie voor leerkrachten secundair onderwijs",
        "stad-mechelen",
        "Diensthoofd sociale preventie",
        45,
        "lopend",
        30,
    ),
    (
        "OD2.3",
        "Demo: werkproces signalen jongeren in BPMN uittekenen",
        "stad-mechelen",
        "Projectmanager preventie en veiligheid",
        -5,
        "lopend",
        60,
    ),
    (
        "OD3.1",
        "Demo: parket sluit aan bij het overleg bestuurlijke handhaving",
        "parket-antwerpen-mechelen",
        "Afdelingsprocureur Mechelen",
        -90,
        "afgerond",
        100,
    ),
    (
        "OD3.2",
        "Demo: protocolakkoord informatie-uitwisseling ter ondertekening",
        "stad-mechelen",
        "Diensthoofd bestuurlijke handhaving",
        20,
        "lopend",
        80,
    ),
    (
        "OD3.3",
        "Demo: eerste flexactie in de horeca",
        "pz-rivierenland",
        "Diensthoofd Lokaal Informatie- en Expertisecentrum",
        -15,
        "vertraagd",
        20,
    ),
    (
        "OD3.5",
        "Demo: participatief traject deontologische code",
        "stad-mechelen",
        "Stafmedewerker bestuurlijke handhaving",
        90,
        "gepland",
        0,
    ),
]

# (code, objective, name, computed key, params, target, unit, direction)
DEMO_COMPUTED = [
    (
        "DEMO-OS1",
        "SD1",
        "Demo: aandeel acties op schema SD1",
        "plan.actions_on_schedule_share",
        {"objective": "SD1"},
        80,
        "%",
        "hoger",
    ),
    (
        "DEMO-OS2",
        "SD2",
        "Demo: aandeel acties op schema SD2",
        "plan.actions_on_schedule_share",
        {"objective": "SD2"},
        80,
        "%",
        "hoger",
    ),
    (
        "DEMO-OS3",
        "SD3",
        "Demo: aandeel acties op schema SD3",
        "plan.actions_on_schedule_share",
        {"objective": "SD3"},
        80,
        "%",
        "hoger",
    ),
    ("DEMO-AD", None, "Demo: afgeronde acties", "plan.actions_done", {}, 10, "acties", "hoger"),
    ("DEMO-AO", None, "Demo: acties over tijd", "plan.actions_overdue", {}, 0, "acties", "lager"),
]

# Fictitious follow-up values of the Veiligheidsmonitor indicators, marked as demo.
DEMO_VM = {
    "VM1": Decimal("62.9"),
    "VM3": Decimal("8.4"),
    "VM5": Decimal("14.2"),
}


def load_demo(out) -> None:
    plan = ActionPlan.objects.filter(code=MECHELEN).first()
    if plan is None or Action.objects.filter(objective__strategic_objective__plan=plan, is_demo=True).exists():
        out("plan: demo already present")
        return
    today = timezone.localdate()
    orgs = {o.code: o for o in Organisation.objects.all()}
    from .models import OperationalObjective

    ods = {od.code: od for od in OperationalObjective.objects.filter(strategic_objective__plan=plan)}
    coordinator = User.objects.filter(email="coordinator@demo.schakel.test").first()
    for code, title, org, function, due, status, progress in DEMO_ACTIONS:
        action = Action.objects.create(
            objective=ods[code],
            title=title,
            owner_organisation=orgs[org],
            owner_function=function,
            due_date=today + timedelta(days=due),
            status=status,
            progress=progress,
            completed_on=today + timedelta(days=due - 3) if status == "afgerond" else None,
            is_demo=True,
        )
        ActionUpdate.objects.create(
            action=action, author=coordinator, status=status, progress=progress, note=DEMO_NOTE, at=timezone.now()
        )
    for code, objective, name, key, params, target, unit, direction in DEMO_COMPUTED:
        Indicator.objects.create(
            plan=plan,
            code=code,
            name=name,
            definition="Demo-indicator berekend uit de acties van het plan.",
            strategic_objective=plan.strategic_objectives.filter(code=objective).first() if objective else None,
            level="output",
            rba_question="hoe_goed",
            kind="prestatie",
            unit=unit,
            direction=direction,
            target_value=target,
            frequency="maandelijks",
            source="berekend",
            computed_key=key,
            computed_params=params,
            is_demo=True,
        )
    for code, value in DEMO_VM.items():
        indicator = plan.indicators.get(code=code)
        Measurement.objects.create(
            indicator=indicator,
            period_start=date(2023, 1, 1),
            period_end=date(2023, 12, 31),
            value=value,
            note=f"{DEMO_NOTE} Fictieve tussenmeting.",
            source="Demo",
            entered_by=coordinator,
            is_demo=True,
        )
    # Demo monthly history for the computed indicators (fictitious), so the
    # dashboard shows a trend; the current month is computed for real below.
    from .services import indicators_compute

    history = {
        "DEMO-OS1": [100, 90, 75],
        "DEMO-OS2": [100, 100, 80],
        "DEMO-OS3": [90, 70, 60],
        "DEMO-AD": [1, 2, 3],
        "DEMO-AO": [0, 1, 2],
    }
    first_of_month = today.replace(day=1)
    for code, values in history.items():
        indicator = plan.indicators.get(code=code)
        for back, value in zip((3, 2, 1), values, strict=True):
            start = _months_back(first_of_month, back)
            end = _months_back(first_of_month, back - 1) - timedelta(days=1)
            Measurement.objects.create(
                indicator=indicator,
                period_start=start,
                period_end=end,
                value=value,
                note=DEMO_NOTE,
                source="Demo",
                is_demo=True,
            )
    indicators_compute(actor=None, year=today.year, month=today.month, plan=plan)
    # The demo working-group member belongs to the working group of SD1.
    werkgroep = User.objects.filter(email="werkgroep@demo.schakel.test").first()
    group = PlanGroup.objects.filter(plan=plan, strategic_objective__code="SD1").first()
    if werkgroep and group:
        GroupMember.objects.get_or_create(
            group=group,
            user=werkgroep,
            defaults={
                "function": "Demo-werkgroeplid",
                "organisation": werkgroep.organisation,
                "order": 99,
                "is_demo": True,
            },
        )
    if coordinator:
        for g in PlanGroup.objects.filter(plan=plan, kind="werkgroep"):
            GroupMember.objects.get_or_create(
                group=g,
                user=coordinator,
                defaults={
                    "function": "Demo: projectmanager preventie en veiligheid (account)",
                    "organisation": coordinator.organisation,
                    "order": 98,
                    "is_demo": True,
                },
            )
    core = PlanGroup.objects.filter(plan=plan, kind="kerngroep").first()
    if core:
        Meeting.objects.create(
            group=core,
            date=today - timedelta(days=40),
            location="Stadhuis Mechelen",
            attendees="Burgemeester, Korpschef, Afdelingsprocureur Mechelen, Projectmanager preventie en veiligheid",
            decisions="Demo: stand van zaken per strategische doelstelling besproken; flexacties krijgen voorrang.",
            report_discussed="Demo: voortgangsrapport kerngroep",
            is_demo=True,
        )
        Meeting.objects.create(
            group=core,
            date=today + timedelta(days=50),
            location="Stadhuis Mechelen",
            attendees="",
            decisions="",
            report_discussed="",
            is_demo=True,
        )
    for g in PlanGroup.objects.filter(plan=plan, kind="werkgroep"):
        Meeting.objects.create(
            group=g,
            date=today + timedelta(days=14 + 7 * (g.strategic_objective.order if g.strategic_objective else 0)),
            location="Demo: vergaderzaal Preventie en Veiligheid",
            is_demo=True,
        )
    out("plan: demo actions, measurements and meetings added")


def _months_back(first_of_month: date, n: int) -> date:
    year, month = first_of_month.year, first_of_month.month - n
    while month < 1:
        month += 12
        year -= 1
    return date(year, month, 1)
