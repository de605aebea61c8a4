"""Reference data of the signals app: categories (brief §4) and routing rules."""

from __future__ import annotations

from pathlib import Path

from schakel.accounts.models import Unit
from schakel.core.seeding import read_yaml

from .models import Category, RoutingRule

HERE = Path(__file__).parent


def load_reference(out) -> None:
    data = read_yaml(HERE / "seed" / "categories.yaml")
    created = 0
    for i, row in enumerate(data["categories"]):
        parent, was = Category.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "is_youth": row.get("is_youth", False),
                "triage_days": row.get("triage_days"),
                "retention_months_no_followup": row.get("retention_months_no_followup"),
                "retention_months": row.get("retention_months"),
                "order": i * 10,
            },
        )
        created += was
        for j, child in enumerate(row.get("children", [])):
            _, was = Category.objects.get_or_create(
                code=child["code"], defaults={"name": child["name"], "parent": parent, "order": j * 10}
            )
            created += was
    rules = 0
    if not RoutingRule.objects.exists():
        for row in data["routing"]:
            org, unit = row["team"]
            team = Unit.objects.filter(organisation__code=org, code=unit).first()
            if team is None:
                continue
            category = Category.objects.get(code=row["category"]) if row.get("category") else None
            RoutingRule.objects.create(order=row["order"], category=category, team=team)
            rules += 1
    out(f"signals: {created} categories, {rules} routing rules")
