"""Work that runs after the response has been sent (ADR 0007).

Some work a request triggers must not shape that request's answer, not even
its timing: hit/no-hit (ADR 0401) writes a hit and a notification only when a
subject matches a case the user cannot see, so a search that raised a hit
would answer measurably later than one that did not. ``after_response``
queues such work for the end of the request: the WSGI server sends the whole
response first, then closes it, and Django's ``request_finished`` signal (sent
on that close) runs the queue. Outside a request (management commands, tests
calling services) the work runs at once.

The queued work runs in the same process and thread, outside the request's
transaction (which has committed or rolled back by then), with the request's
context (request id, client IP) restored for the audit trail. A failure is
logged and never reaches the user, whose answer is already sent. Work that
depends on rows the request wrote re-reads them, so a rolled-back request
raises nothing. The queue is not durable: work still queued when a worker
is killed is lost, as work in an ``on_commit`` hook would be.
"""

from __future__ import annotations

import contextvars
import logging
import threading
from collections.abc import Callable

from django.core.signals import request_finished
from django.dispatch import receiver

from . import request_context

log = logging.getLogger(__name__)

# The queue of the request being handled (None outside a request).
_queue: contextvars.ContextVar[list | None] = contextvars.ContextVar("schakel_after_response", default=None)
# Queues of requests whose response is built but not yet closed, per thread.
_finishing = threading.local()


def after_response(fn: Callable, /, *args, **kwargs) -> None:
    """Run ``fn(*args, **kwargs)`` once the current response has been sent;
    at once when no request is being handled."""
    queue = _queue.get()
    if queue is None:
        fn(*args, **kwargs)
        return
    queue.append((request_context.current(), fn, args, kwargs))


def open_queue() -> contextvars.Token:
    """Called by ``RequestContextMiddleware`` when a request starts."""
    return _queue.set([])


def close_queue(token: contextvars.Token) -> None:
    """Called by the middleware once the response is built: hands the queued
    work to ``request_finished`` of this thread."""
    queue = _queue.get()
    _queue.reset(token)
    if queue:
        pending = getattr(_finishing, "queues", None)
        if pending is None:
            pending = _finishing.queues = []
        pending.append(queue)


def run_pending() -> int:
    """Run the queued work of this thread's finished requests; returns how
    many jobs ran (failures included)."""
    queues = getattr(_finishing, "queues", None)
    if not queues:
        return 0
    _finishing.queues = []
    ran = 0
    for queue in queues:
        for ctx, fn, args, kwargs in queue:
            token = request_context.set_current(ctx)
            try:
                fn(*args, **kwargs)
            except Exception:  # the answer is sent: log, never raise
                log.exception("work after the response failed: %s", getattr(fn, "__qualname__", fn))
            finally:
                request_context.reset(token)
                ran += 1
    # A connection the work opened after Django closed the request's is
    # closed by close_old_connections at the next request_started.
    return ran


@receiver(request_finished, dispatch_uid="schakel.core.after_response")
def _on_request_finished(sender, **kwargs) -> None:
    run_pending()
