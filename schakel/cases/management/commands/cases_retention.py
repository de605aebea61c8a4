from django.core.management.base import BaseCommand

from schakel.cases import retention
from schakel.core.scheduled import recorded


class Command(BaseCommand):
    help = "Delete closed cases past their type's retention period, keeping a proof of deletion (never audit events)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be deleted.")

    @recorded
    def handle(self, *args, dry_run=False, **options):
        n = retention.retention_run(dry_run=dry_run)
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(f"cases_retention: {verb} {n} cases")
