"""Run the deferred jobs whose worker did not (ADR 0007, amendment 1).

Every few minutes from cron. Jobs normally run in the worker right after the
response; a row older than the grace period means that worker died, or the
job failed and waits for another attempt. Exits with status 1 when jobs are
left at the attempt limit, so cron's mail reaches the operators.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from schakel.core import deferred
from schakel.core.scheduled import recorded


class Command(BaseCommand):
    help = "Run deferred jobs (hit/no-hit notifications …) that did not run after their request."

    def add_arguments(self, parser):
        parser.add_argument("--grace", type=int, default=int(deferred.GRACE.total_seconds()), help="seconds")
        parser.add_argument("--max-attempts", type=int, default=deferred.MAX_ATTEMPTS)

    @recorded
    def handle(self, *args, grace: int, max_attempts: int, **options):
        counts = deferred.run_waiting(grace=timedelta(seconds=grace), max_attempts=max_attempts)
        self.stdout.write(
            f"ran {counts['ran']}, failed {counts['failed']}, already done {counts['gone']}, "
            f"given up {counts['given_up']}"
        )
        if counts["given_up"]:
            raise CommandError(
                f"{counts['given_up']} deferred job(s) failed {max_attempts} times; "
                "see core_deferredjob.last_error and the log"
            )
