"""The core-group report as an A4 PDF, typeset with typst (ADR 0103)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

from . import selectors
from .models import ActionPlan

TEMPLATE = Path(__file__).resolve().parent / "report.typ"


def _pct(value) -> str:
    return "—" if value is None else f"{value}%"


def _money(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return "€ " + f"{value:,.0f}".replace(",", ".")


def _fte(value: Decimal | None) -> str:
    return "—" if value is None else f"{value.normalize():f}".replace(".", ",")


def _charts(indicators) -> list[dict]:
    return [
        {
            "title": f"{ind.code} {ind.name} ({ind.unit})",
            "svg": render_to_string("plan/report_chart.svg", {"svg": ind.svg}),
        }
        for ind in indicators
        if not ind.svg.get("empty")
    ]


def report_data(plan: ActionPlan) -> dict:
    ctx = selectors.report(plan)
    sds = []
    for sd in ctx["sds"]:
        sds.append(
            {
                "code": sd.code,
                "title": sd.title,
                "text": sd.text,
                "total": sd.stats.total,
                "done": sd.stats.done,
                "overdue": sd.stats.overdue,
                "progress": _pct(sd.stats.progress),
                "ods": [
                    {
                        "code": od.code,
                        "title": od.title,
                        "status": str(od.shown_status),
                        "status_label": str(od.shown_status_label) + (" *" if od.status_is_derived else ""),
                        "derived": od.status_is_derived,
                        "total": od.stats.total,
                        "progress": _pct(od.stats.progress),
                    }
                    for od in sd.operational_objectives.all()
                ],
                "charts": _charts(sd.report_indicators),
            }
        )
    return {
        "title": plan.title,
        "city": plan.city,
        "period": f"{plan.period_start:%d-%m-%Y} – {plan.period_end:%d-%m-%Y}",
        "generated": f"{timezone.localtime(ctx['generated_at']):%d-%m-%Y %H:%M}",
        "backbone": plan.backbone.name,
        "partners": ", ".join(p.name for p in plan.partners.all()),
        "sds": sds,
        "plan_charts": _charts(ctx["plan_indicators"]),
        "overdue": [
            {
                "title": a.title,
                "objective": a.objective.code,
                "owner": a.owner_organisation.name,
                "due": f"{a.due_date:%d-%m-%Y}",
            }
            for a in ctx["overdue"]
        ],
        "funding": [
            {
                "source": f.source,
                "decree": f.decree_reference or "—",
                "amount": _money(f.amount_eur),
                "fte": _fte(f.fte),
                "purpose": f.purpose,
            }
            for f in ctx["funding"]
        ],
    }


def report_pdf(plan: ActionPlan) -> bytes:
    import typst

    return typst.compile(
        str(TEMPLATE),
        root=str(TEMPLATE.parent),
        sys_inputs={"data": json.dumps(report_data(plan), ensure_ascii=False)},
    )
