"""Test helpers of the signals app."""

from __future__ import annotations


def complete_open_step(signal, persona, choice="", **kw):
    """Complete the signal's open step (triage or youth process) as ``persona``
    (a persona code or a user), with ``choice``; returns the refreshed signal."""
    from schakel.core.testing import persona_user
    from schakel.workflows.models import WorkItem

    from . import services

    signal.refresh_from_db()
    item = WorkItem.objects.get(
        instance_id__in=[signal.instance_id, signal.youth_instance_id], status=WorkItem.Status.OPEN
    )
    actor = persona_user(persona) if isinstance(persona, str) else persona
    services.signal_task_complete(actor=actor, signal=signal, item_pk=item.pk, choice=choice, **kw)
    signal.refresh_from_db()
    return signal
