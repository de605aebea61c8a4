from django.core.management.base import BaseCommand, CommandError

from schakel.plan.planio import PlanFileError, import_plan


class Command(BaseCommand):
    help = "Import an action plan from a YAML file (docs/plan-yaml-schema.md). Saves nothing on any error."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            with open(file, encoding="utf-8") as fh:
                text = fh.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{file}: cannot read: {exc}") from exc
        try:
            plan = import_plan(actor=None, text=text)
        except PlanFileError as exc:
            for error in exc.errors:
                self.stderr.write(f"{file}: {error}")
            raise CommandError(f"{len(exc.errors)} error(s); nothing was saved") from exc
        self.stdout.write(f"imported plan {plan.code}")
