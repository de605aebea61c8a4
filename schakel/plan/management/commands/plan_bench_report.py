"""Benchmark (not a test): how long the core-group PDF takes for a plan."""

import statistics
import time

from django.core.management.base import BaseCommand, CommandError

from schakel.plan.models import ActionPlan
from schakel.plan.pdf import report_pdf
from schakel.plan.seeding import MECHELEN


class Command(BaseCommand):
    help = "Print how long the core-group PDF takes (default: the Mechelen plan, 5 runs)."

    def add_arguments(self, parser):
        parser.add_argument("--plan", default=MECHELEN)
        parser.add_argument("--runs", type=int, default=5)

    def handle(self, *args, plan, runs, **options):
        plan_obj = ActionPlan.objects.filter(code=plan).first()
        if plan_obj is None:
            raise CommandError(f"no plan with code {plan!r} (run manage.py seed --demo)")
        timings = []
        size = 0
        for _ in range(max(1, runs)):
            start = time.perf_counter()
            size = len(report_pdf(plan_obj))
            timings.append(time.perf_counter() - start)
        self.stdout.write(
            f"core-group PDF for {plan}: {size / 1024:.0f} kB, median {statistics.median(timings):.2f} s, "
            f"max {max(timings):.2f} s over {len(timings)} runs (target <= 2 s)"
        )
