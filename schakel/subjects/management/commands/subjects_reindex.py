"""Recompute the matching keys of the registry (ADR 0402).

    manage.py subjects_reindex [--batch 2000]

The normal form, blocking keys and pair keys are derived from the names.
Run this after an upgrade that changes the matching rules (``matching.py``),
or to repair them; each batch is its own transaction, so the registry stays
usable while it runs. One audit event records the run.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from schakel.audit import services as audit
from schakel.subjects import services
from schakel.subjects.models import Subject


class Command(BaseCommand):
    help = "Recompute the name-matching keys of every live subject."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=2000)

    def handle(self, *args, batch: int, **options):
        if batch < 1:
            raise CommandError("--batch must be at least 1")
        started = time.monotonic()
        ids = list(Subject.objects.filter(merged_into__isnull=True).order_by("pk").values_list("pk", flat=True))
        written = 0
        for start in range(0, len(ids), batch):
            written += services.reindex(subject_ids=ids[start : start + batch])
        audit.record_write(
            actor=None, action="subjects.reindexed", obj=None, summary=f"{written} of {len(ids)} live subjects"
        )
        self.stdout.write(
            f"{written} subjects reindexed ({len(ids) - written} without a name key) "
            f"in {time.monotonic() - started:.1f} s"
        )
