from django.core.management.base import BaseCommand, CommandError

from schakel.plan.models import ActionPlan
from schakel.plan.planio import export_plan


class Command(BaseCommand):
    help = "Export an action plan as YAML (the import schema). Writes to stdout or --output."

    def add_arguments(self, parser):
        parser.add_argument("code", help="plan code")
        parser.add_argument("--output", "-o")

    def handle(self, *args, code, output=None, **options):
        plan = ActionPlan.objects.filter(code=code).first()
        if plan is None:
            raise CommandError(f"no plan with code {code!r}")
        text = export_plan(plan)
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text)
            self.stdout.write(f"exported plan {code} to {output}")
        else:
            self.stdout.write(text, ending="")
