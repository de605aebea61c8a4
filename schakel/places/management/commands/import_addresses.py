"""manage.py import_addresses FILE [--municipality NIS] — import the BeST register."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from schakel.audit import services as audit
from schakel.places.importer import DEFAULT_MAX_REJECTED, ImportFailed, import_addresses


class Command(BaseCommand):
    help = "Import the Belgian BeST address register (BOSA flat CSV: plain, .gz or .zip)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--municipality", help="only this NIS code (e.g. 12025 for Mechelen)")
        parser.add_argument("--max-rejected", type=int, default=DEFAULT_MAX_REJECTED)
        parser.add_argument("--demo", action="store_true", help="mark the addresses as fictitious demo data")

    def handle(self, *args, file, municipality=None, max_rejected=DEFAULT_MAX_REJECTED, demo=False, **opts):
        verbosity = opts.get("verbosity", 1)
        started = time.monotonic()

        def progress(result, line):
            if verbosity >= 1:
                rate = result.read / max(time.monotonic() - started, 1e-6)
                self.stderr.write(
                    f"\r{result.read:,} rijen gelezen ({rate:,.0f}/s): {result.created:,} nieuw, "
                    f"{result.updated:,} gewijzigd, {result.unchanged:,} ongewijzigd",
                    ending="",
                )

        try:
            result = import_addresses(
                file, municipality=municipality, is_demo=demo, max_rejected=max_rejected, progress=progress
            )
        except ImportFailed as exc:
            if verbosity >= 1:
                self.stderr.write("")
            raise CommandError(str(exc)) from exc
        if verbosity >= 1:
            self.stderr.write("")
        audit.record_write(
            actor=None,
            action="places.addresses_imported",
            summary=f"read={result.read} created={result.created} updated={result.updated} "
            f"unchanged={result.unchanged} retired={result.retired} rejected={result.rejected_count}",
        )
        if verbosity < 1:
            return
        for line, reason in result.rejected:
            self.stdout.write(f"regel {line}: afgewezen: {reason}")
        if result.rejected_count > len(result.rejected):
            self.stdout.write(f"... en nog {result.rejected_count - len(result.rejected)} afgewezen rijen")
        self.stdout.write(
            f"Klaar in {time.monotonic() - started:.1f} s: {result.read} rijen gelezen, {result.created} nieuw, "
            f"{result.updated} gewijzigd, {result.unchanged} ongewijzigd, "
            f"{result.retired} gemarkeerd als opgeheven, "
            f"{result.skipped_status} overgeslagen (status niet 'current'), "
            f"{result.skipped_municipality} overgeslagen (andere gemeente), {result.rejected_count} afgewezen."
        )
