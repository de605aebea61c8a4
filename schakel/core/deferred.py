"""Durable work after the response (ADR 0007, amendment 1).

``after_response`` runs work once the answer is sent, but keeps it in the
worker's memory: a worker killed in between loses it. For work that must not
be lost — a hit/no-hit notification is how another partner learns that a
person of theirs came up — ``defer`` also writes the job as a row, in the
request's own transaction:

- the request commits: the row exists, and the same worker runs it right
  after the response; if that worker dies first, ``manage.py
  run_deferred_jobs`` (cron, every few minutes) runs it later;
- the request rolls back: the row is gone with it, and nothing runs.

A row is deleted in the same transaction as its work, so work that committed
never runs twice and work that failed stays, with its error and attempt
count, for the next run of the command. Two runners that reach the same row
meet at the delete: the second waits for the first's commit and then finds
nothing to do.

Jobs are plain functions registered under a stable name (``@job("…")``)
that take JSON-serialisable keyword arguments: ids and codes, never names or
other personal data, so the table holds nothing the audit trail does not.
Whether a job was written never depends on what it will find (the caller
writes it unconditionally), so writing it shows nothing in the timing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import request_context
from .after_response import after_response

log = logging.getLogger(__name__)

_registry: dict[str, Callable] = {}

# How long a row may wait before the command takes it: a job whose request
# is still finishing, or whose worker is running it, is younger than this.
GRACE = timedelta(seconds=60)
MAX_ATTEMPTS = 5


def job(name: str) -> Callable[[Callable], Callable]:
    """Register ``fn`` as the deferred job ``name`` (stable: rows in the
    database refer to it)."""

    def register(fn: Callable) -> Callable:
        if _registry.get(name, fn) is not fn:
            raise ValueError(f"deferred job {name!r} is registered twice")
        _registry[name] = fn
        return fn

    return register


_discovered = False


def _discover() -> None:
    """Jobs are registered where they are written, in the apps' services
    modules. A process that has not imported one yet (``run_deferred_jobs``
    from cron) imports them all once before it looks a name up."""
    global _discovered
    if not _discovered:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("services")
        _discovered = True


def registered(name: str) -> Callable:
    if name not in _registry:
        _discover()
    try:
        return _registry[name]
    except KeyError:
        raise LookupError(f"no deferred job named {name!r}") from None


def defer(name: str, /, **payload) -> None:
    """Write the job ``name`` with ``payload`` in the current transaction and
    run it after the response (at once outside a request)."""
    from .models import DeferredJob

    registered(name)  # a typo fails in the request, not silently later
    ctx = request_context.current()
    row = DeferredJob.objects.create(
        name=name, payload=payload, request_id=ctx.request_id if ctx else "", ip=ctx.ip if ctx else None
    )
    after_response(run, row.pk)


def run(job_id: int) -> str:
    """Run one job and delete its row, in one transaction. Answers "ran",
    "gone" (rolled back with its request, or run by another runner) or
    "failed" (the error and the attempt are kept on the row for the next
    run of the command; never raised: the answer is already sent)."""
    from .models import DeferredJob

    row = DeferredJob.objects.filter(pk=job_id).first()
    if row is None:
        return "gone"
    if row.name not in _registry:
        _discover()
    fn = _registry.get(row.name)
    # The request's context for the audit trail; none for work written outside a request.
    ctx = request_context.RequestContext(row.request_id, row.ip) if row.request_id else None
    token = request_context.set_current(ctx)
    try:
        with transaction.atomic():
            # The delete is the claim: a second runner waits here for this
            # transaction and then deletes nothing.
            claimed, _ = DeferredJob.objects.filter(pk=job_id).delete()
            if not claimed:
                return "gone"
            if fn is None:
                raise LookupError(f"no deferred job named {row.name!r}")
            fn(**row.payload)
    except Exception as exc:
        log.exception("deferred job %s #%s failed", row.name, job_id)
        DeferredJob.objects.filter(pk=job_id).update(attempts=F("attempts") + 1, last_error=_error_summary(exc))
        return "failed"
    finally:
        request_context.reset(token)
    return "ran"


def _error_summary(exc: BaseException) -> str:
    """What the table keeps of a failure: the exception's type and where it
    was raised in our code, never its message. A message can carry data
    (PostgreSQL's IntegrityError quotes the key values), and the table holds
    ids and codes only. The whole exception is in the log."""
    where = ""
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if "/schakel/" in code.co_filename.replace("\\", "/"):
            module = code.co_filename.replace("\\", "/").rsplit("/schakel/", 1)[1]
            where = f" in schakel/{module}:{tb.tb_lineno} ({code.co_name})"
        tb = tb.tb_next
    return f"{type(exc).__name__}{where}"[:500]


def run_waiting(*, grace: timedelta = GRACE, max_attempts: int = MAX_ATTEMPTS, limit: int = 1000) -> dict:
    """Run the jobs older than ``grace`` that have failed fewer than
    ``max_attempts`` times, oldest first (``manage.py run_deferred_jobs``).
    Returns counts per outcome of ``run``, and given_up: rows left at the
    attempt limit, for the operators to look at."""
    from .models import DeferredJob

    before = timezone.now() - grace
    waiting = DeferredJob.objects.filter(created_at__lt=before, attempts__lt=max_attempts)
    ids = list(waiting.order_by("created_at", "id").values_list("pk", flat=True)[:limit])
    counts = {"ran": 0, "gone": 0, "failed": 0}
    for job_id in ids:
        counts[run(job_id)] += 1
    counts["given_up"] = DeferredJob.objects.filter(attempts__gte=max_attempts).count()
    return counts
