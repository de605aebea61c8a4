"""Demo data of the places app: the fictitious address register and areas."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.management import call_command

from . import demo, services
from .models import Address, Area


def load_demo(out) -> None:
    # Generated at load time (a few thousand rows, < 1 s) and imported through
    # the same command as the real register, so the demo exercises that path.
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo-best-mechelen.csv.gz"
        demo.write_demo_file(path)
        call_command("import_addresses", str(path), "--demo", verbosity=0)
    if not Area.objects.filter(code__startswith="demo-").exists():
        services.areas_import_geojson(actor=None, data=demo.demo_areas_geojson(), is_demo=True)
        services.areas_import_geojson(actor=None, data=demo.demo_zone_geojson(), kind=Area.Kind.ZONE, is_demo=True)
    out(f"places: {Address.objects.filter(is_demo=True).count()} demo addresses, {Area.objects.count()} areas")
