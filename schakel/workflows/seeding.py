"""Reference data of the workflows app: the two shipped processes and their lane → team mapping."""

from __future__ import annotations

from pathlib import Path

from schakel.accounts.models import Unit
from schakel.core.seeding import read_yaml

from . import services
from .models import LaneTeam

HERE = Path(__file__).parent
SHIPPED = ["signaal_triage.bpmn", "jongeren_vroegdetectie.bpmn"]


def load_reference(out) -> None:
    installed = 0
    for name in SHIPPED:
        installed += (
            services.definition_install(xml=(HERE / "bpmn_files" / name).read_text(encoding="utf-8")) is not None
        )
    mapped = 0
    for key, lanes in read_yaml(HERE / "seed" / "lanes.yaml")["lanes"].items():
        for lane, (org, unit) in lanes.items():
            if LaneTeam.objects.filter(process_key=key, lane=lane).exists():
                continue
            team = Unit.objects.filter(organisation__code=org, code=unit).first()
            if team is not None:
                services._lane_team_set(process_key=key, lane=lane, team=team)
                mapped += 1
    out(f"workflows: {installed} process versions installed, {mapped} lanes mapped")
