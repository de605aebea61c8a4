"""Reactions of the cases app to other apps' events, without touching their
code: a new signal's "subjects mentioned" text runs through hit/no-hit."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from schakel.core.deferred import defer
from schakel.signals.models import Signal


@receiver(post_save, sender=Signal, dispatch_uid="cases.signal_hits")
def signal_created(sender, instance: Signal, created: bool, raw: bool = False, **kwargs) -> None:
    """Match a new signal's subjects text against subjects in cases, as a
    deferred job (``services.signal_raise_hits``) written in the signal's own
    transaction: a rolled-back report raises nothing, and the matching (up
    to a second) runs after the reporter's response has been sent, so it
    neither slows nor shapes that answer. A failing match is logged and kept
    for another attempt; it never undoes the report."""
    if created and not raw and instance.subjects_text.strip():
        defer("cases.signal_hits", signal_id=instance.pk)
