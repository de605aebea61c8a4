from django.core.management.base import BaseCommand

from schakel.core.seeding import load_all


class Command(BaseCommand):
    help = "Load reference data (organisations, roles, categories...) and, with --demo, the fictitious Mechelen demo. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="also load the fictitious demo data")

    def handle(self, *args, demo: bool, **options):
        load_all(demo=demo, out=lambda msg: self.stdout.write(f"  {msg}"))
        self.stdout.write(self.style.SUCCESS("seed complete"))
