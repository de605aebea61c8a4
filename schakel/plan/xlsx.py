"""The plan as a spreadsheet: one sheet each for objectives, actions, indicators and measurements."""

from __future__ import annotations

from io import BytesIO
from zoneinfo import ZoneInfo

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from schakel.core.exports import safe_row

from . import computed
from .models import Action, ActionPlan, Indicator, Measurement, OperationalObjective
from .selectors import annotate_objective_status

BRUSSELS = ZoneInfo("Europe/Brussels")


def _sheet(wb, title: str, header: list[str], rows) -> None:
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(safe_row(row))
    ws.freeze_panes = "A2"
    for column, name in zip(ws.columns, header, strict=False):
        ws.column_dimensions[column[0].column_letter].width = min(60, max(12, len(name) + 2))


def plan_workbook(plan: ActionPlan) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    ods = (
        OperationalObjective.objects.filter(strategic_objective__plan=plan)
        .select_related("strategic_objective", "lead_organisation")
        .prefetch_related("actions")
    )
    today = timezone.localdate()
    for od in ods:
        # The same status as on screen and in the report (see docs/plan.md).
        annotate_objective_status(od, od.actions.all(), today)
    _sheet(
        wb,
        "Doelstellingen",
        [
            "SD",
            "Strategische doelstelling",
            "OD",
            "Operationele doelstelling",
            "Status",
            "Status afgeleid uit de acties",
            "Status volgens de acties",
            "Trekker",
            "Begin",
            "Einde",
        ],
        (
            (
                od.strategic_objective.code,
                od.strategic_objective.title,
                od.code,
                od.title,
                str(od.shown_status_label),
                "ja" if od.status_is_derived else "nee",
                str(od.derived_status_label),
                od.lead_organisation.name if od.lead_organisation else "",
                od.start,
                od.end,
            )
            for od in ods
        ),
    )
    actions = Action.objects.filter(objective__strategic_objective__plan=plan).select_related(
        "objective", "owner_organisation"
    )
    _sheet(
        wb,
        "Acties",
        ["OD", "Actie", "Eigenaar", "Functie", "Deadline", "Status", "Voortgang (%)", "Afgerond op", "Demo"],
        (
            (
                a.objective.code,
                a.title,
                a.owner_organisation.name,
                a.owner_function,
                a.due_date,
                a.get_status_display(),
                a.progress,
                a.completed_on,
                "ja" if a.is_demo else "",
            )
            for a in actions
        ),
    )
    indicators = Indicator.objects.filter(plan=plan).select_related("strategic_objective", "operational_objective")
    _sheet(
        wb,
        "Indicatoren",
        [
            "Code",
            "Naam",
            "Doelstelling",
            "Niveau",
            "RBA-vraag",
            "Soort",
            "Eenheid",
            "Richting",
            "Nulmeting",
            "Datum nulmeting",
            "Bron nulmeting",
            "Streefwaarde",
            "Streefdatum",
            "Frequentie",
            "Bron",
        ],
        (
            (
                i.code,
                i.name,
                (i.operational_objective or i.strategic_objective).code if i.objective else "",
                i.get_level_display(),
                i.get_rba_question_display(),
                i.get_kind_display(),
                i.unit,
                i.get_direction_display(),
                i.baseline_value,
                i.baseline_date,
                i.baseline_source,
                i.target_value,
                i.target_date,
                i.get_frequency_display(),
                computed.source_label(f"{computed.SOURCE_PREFIX}{i.computed_key}")
                if i.computed_key
                else i.get_source_display(),
            )
            for i in indicators
        ),
    )
    measurements = (
        Measurement.objects.filter(indicator__plan=plan)
        .select_related("indicator", "corrects", "corrected_by")
        .order_by("indicator__code", "period_start", "id")
    )
    _sheet(
        wb,
        "Metingen",
        [
            "Indicator",
            "Van",
            "Tot",
            "Waarde",
            "Toelichting",
            "Bron",
            "Ingevoerd op (Brusselse tijd)",
            "Geldig",
            "Corrigeert meting",
        ],
        (
            (
                m.indicator.code,
                m.period_start,
                m.period_end,
                m.value,
                m.note,
                computed.source_label(m.source),
                # Excel has no time zones: local time, as on screen, and said so in the header.
                m.entered_at.astimezone(BRUSSELS).replace(tzinfo=None),
                "nee" if hasattr(m, "corrected_by") and m.corrected_by else "ja",
                m.corrects_id or "",
            )
            for m in measurements
        ),
    )
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
