from django.core.management.base import BaseCommand

from schakel.core.scheduled import recorded
from schakel.neighbourhoods import retention


class Command(BaseCommand):
    help = (
        "Erase personal data from neighbourhood records past their retention period "
        "(QRT notes and contact addresses, behangtafel reports, wijkschouw photos and withdrawal reasons, incident internal notes), "
        "keeping a proof of erasure."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be erased.")

    @recorded
    def handle(self, *args, dry_run=False, **options):
        result = retention.retention_run(dry_run=dry_run)
        verb = "would erase" if dry_run else "erased"
        for code, n in result.items():
            self.stdout.write(f"neighbourhoods_retention: {code}: {verb} {n} records")
