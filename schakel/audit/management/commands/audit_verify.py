from django.core.management.base import BaseCommand, CommandError

from schakel.audit.models import AuditEvent
from schakel.audit.services import verify_chain
from schakel.core.scheduled import recorded


class Command(BaseCommand):
    help = (
        "Check the whole audit hash chain. Exits 0 when intact; otherwise exits 1 "
        "and names the first broken event (id, time, action) and the reason."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000, help="events read per query (default 2000)")

    @recorded
    def handle(self, *args, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        report = verify_chain(batch_size=batch_size)
        if report.ok:
            self.stdout.write(self.style.SUCCESS(f"audit chain intact: {report.checked} events checked"))
            return
        if report.first_broken_id is None:
            where = f"after the last event (event #{report.checked})"
        else:
            event = AuditEvent.objects.filter(pk=report.first_broken_id).only("id", "at", "action").first()
            if event is None:  # removed between the check and this lookup
                where = f"event id={report.first_broken_id}"
            else:
                where = f"event id={event.id} at={event.at.isoformat()} action={event.action}"
        raise CommandError(
            f"audit chain BROKEN: first broken link at {where}; reason: {report.reason}; "
            f"{report.checked} events verified before it"
        )
