from django.core.management.base import BaseCommand

from schakel.core.scheduled import recorded
from schakel.signals import services


class Command(BaseCommand):
    help = "Delete closed signals past their category's retention period, keeping a proof of deletion."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be deleted.")

    @recorded
    def handle(self, *args, dry_run=False, **options):
        n = services.retention_run(dry_run=dry_run)
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(f"signals_retention: {verb} {n} signals")
