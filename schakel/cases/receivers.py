"""Reactions of the cases app to other apps' events, without touching their
code: a new signal's "subjects mentioned" text runs through hit/no-hit."""

from __future__ import annotations

import logging
from functools import partial

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from schakel.core.after_response import after_response
from schakel.signals.models import Signal

log = logging.getLogger(__name__)


def _run_signal_hits(signal_id: int) -> None:
    from . import services

    try:
        services.signal_raise_hits(signal_id=signal_id)
    except Exception:  # a failed match must never undo or disturb the report
        log.exception("hit/no-hit for signal %s failed", signal_id)


@receiver(post_save, sender=Signal, dispatch_uid="cases.signal_hits")
def signal_created(sender, instance: Signal, created: bool, raw: bool = False, **kwargs) -> None:
    """After the signal's transaction commits (so a rolled-back report raises
    nothing) and after the reporter's response has been sent (the matching
    may take a second, and must not show in the reporter's answer), match
    its subjects text against subjects in cases."""
    if created and not raw and instance.subjects_text.strip():
        transaction.on_commit(partial(after_response, _run_signal_hits, instance.pk))
