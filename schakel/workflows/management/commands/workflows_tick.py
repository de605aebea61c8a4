from django.core.management.base import BaseCommand

from schakel.workflows import services


class Command(BaseCommand):
    help = "Fire due BPMN timer events (deadline reminders). Run every few minutes from cron or a systemd timer."

    def handle(self, *args, **options):
        n = services.timers_tick()
        self.stdout.write(f"workflows_tick: {n} instances advanced")
