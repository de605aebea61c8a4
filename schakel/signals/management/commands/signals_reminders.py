from django.conf import settings
from django.core.management.base import BaseCommand

from schakel.core.scheduled import recorded
from schakel.signals import services


def _default_base_url() -> str:
    # In production SCHAKEL_CSRF_TRUSTED_ORIGINS holds the public origin.
    origins = getattr(settings, "CSRF_TRUSTED_ORIGINS", None) or []
    return origins[0] if origins else "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = (
        "Fire due BPMN timers and e-mail the team of every overdue step of a signal, once per deadline. "
        "Run every few minutes from cron or a systemd timer."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default="",
            help="Origin for the links in the e-mails (default: the first SCHAKEL_CSRF_TRUSTED_ORIGINS entry).",
        )

    @recorded
    def handle(self, *args, base_url="", **options):
        n = services.reminders_send(base_url=base_url or _default_base_url())
        self.stdout.write(f"signals_reminders: {n} reminders sent")
