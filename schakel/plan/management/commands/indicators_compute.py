import re

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from schakel.core.scheduled import recorded
from schakel.plan.models import ActionPlan
from schakel.plan.services import indicators_compute


class Command(BaseCommand):
    help = "Store a measurement per computed indicator for a month (default: the current month)."

    def add_arguments(self, parser):
        parser.add_argument("--period", help="YYYY-MM")
        parser.add_argument("--plan", help="plan code (default: all plans)")

    @recorded
    def handle(self, *args, period=None, plan=None, **options):
        if period:
            match = re.fullmatch(r"(\d{4})-(\d{2})", period)
            if not match or not 1 <= int(match.group(2)) <= 12:
                raise CommandError("--period must look like YYYY-MM")
            year, month = int(match.group(1)), int(match.group(2))
        else:
            today = timezone.localdate()
            year, month = today.year, today.month
        plan_obj = None
        if plan:
            plan_obj = ActionPlan.objects.filter(code=plan).first()
            if plan_obj is None:
                raise CommandError(f"no plan with code {plan!r}")
        report = indicators_compute(actor=None, year=year, month=month, plan=plan_obj)
        for error in report.errors:
            self.stderr.write(error)
        self.stdout.write(
            f"{year:04d}-{month:02d}: {report.added} added, {report.corrected} corrected, "
            f"{report.unchanged} unchanged, {report.empty} without data, {len(report.errors)} errors"
        )
