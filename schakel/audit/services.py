"""Writing to the audit trail. Other apps call only these helpers.

- ``record_write``: something was created, changed or deleted.
- ``record_access``: personal data was read; ``purpose`` is required.
- ``record_disclosure``: data went to another organisation; the recipient and
  the legal ground are required.
- ``record_auth`` / ``record_admin``: sign-in events and administration.

Summaries must not contain personal data (names, addresses, birth dates):
describe the object by type and id, the action by its code. Each helper
joins the caller's transaction, so an event exists only if the change does.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from schakel.core import request_context

from .models import GENESIS_HASH, AuditEvent, ChainHead

Kind = AuditEvent.Kind


def _object_ref(obj) -> tuple[str, str]:
    if obj is None:
        return "", ""
    if isinstance(obj, tuple):
        return str(obj[0]), str(obj[1])
    if isinstance(obj, models.Model):
        return obj._meta.label_lower, str(obj.pk)
    raise TypeError("obj must be a model instance or a (type, id) tuple")


def _normalise_ip(raw: str | None) -> str | None:
    """The address exactly as the database will store it, so the hash computed
    before saving matches the row read back (Django and PostgreSQL's inet both
    rewrite IPv6 spellings). Anything that is not an address is dropped rather
    than failing the write."""
    if not raw:
        return None
    try:
        addr = ipaddress.ip_address(str(raw).strip().split("%", 1)[0])
    except ValueError:
        return None
    return clean_ipv6_address(str(addr)) if addr.version == 6 else str(addr)


def _actor_fields(actor) -> dict:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor": None, "actor_label": "", "organisation_id": None}
    return {"actor": actor, "actor_label": actor.email, "organisation_id": actor.organisation_id}


@transaction.atomic
def _append(*, kind: str, action: str, actor=None, obj=None, summary: str = "", **extra) -> AuditEvent:
    # Lock the chain head: the next writer waits until we commit.
    head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": GENESIS_HASH})
    ctx = request_context.current()
    object_type, object_id = _object_ref(obj)
    fields = _actor_fields(actor)
    actor_label = extra.pop("actor_label", None)
    if actor_label is not None:
        fields["actor_label"] = actor_label[:254]
    event = AuditEvent(
        at=timezone.now(),
        kind=kind,
        action=action[:80],
        object_type=object_type[:80],
        object_id=object_id[:64],
        summary=summary[:500],
        ip=_normalise_ip(ctx.ip) if ctx else None,
        request_id=ctx.request_id if ctx else "",
        prev_hash=head.last_hash,
        **fields,
        **extra,
    )
    event.hash = event.compute_hash()
    event.save()
    head.last_hash = event.hash
    head.count += 1
    head.save(update_fields=["last_hash", "count"])
    return event


def record_write(*, actor, action: str, obj=None, summary: str = "") -> AuditEvent:
    """Record a create/change/delete by ``actor`` (e.g. action="plan.action_created")."""
    return _append(kind=Kind.WRITE, action=action, actor=actor, obj=obj, summary=summary)


def record_access(*, actor, obj, purpose: str, action: str = "", summary: str = "") -> AuditEvent:
    """Record that ``actor`` read personal data in ``obj`` for ``purpose``."""
    if not purpose:
        raise ValueError("an access event needs a purpose")
    object_type, _ = _object_ref(obj)
    return _append(
        kind=Kind.ACCESS,
        action=action or f"{object_type}.viewed",
        actor=actor,
        obj=obj,
        summary=summary,
        purpose=purpose[:300],
    )


def record_disclosure(
    *, actor, obj, recipient_organisation, legal_ground: str, purpose: str = "", summary: str = ""
) -> AuditEvent:
    """Record that data in ``obj`` went to ``recipient_organisation`` on ``legal_ground``."""
    if recipient_organisation is None:
        raise ValueError("a disclosure needs a recipient organisation")
    if not legal_ground:
        raise ValueError("a disclosure needs a legal ground")
    object_type, _ = _object_ref(obj)
    return _append(
        kind=Kind.DISCLOSURE,
        action=f"{object_type}.disclosed",
        actor=actor,
        obj=obj,
        summary=summary,
        purpose=purpose[:300],
        legal_ground=str(legal_ground)[:300],
        recipient_organisation=recipient_organisation,
    )


def record_auth(*, action: str, actor=None, attempted_login: str = "", summary: str = "") -> AuditEvent:
    """Sign-in events. For a failed login with no matching user, ``attempted_login``
    keeps the typed identifier (truncated) so brute force stays visible."""
    extra = {}
    if actor is None and attempted_login:
        extra["actor_label"] = attempted_login[:254]
    return _append(kind=Kind.AUTH, action=action, actor=actor, obj=actor, summary=summary, **extra)


def record_admin(*, actor, action: str, obj=None, summary: str = "") -> AuditEvent:
    """User, role and reference-data administration."""
    return _append(kind=Kind.ADMIN, action=action, actor=actor, obj=obj, summary=summary)


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken_id: int | None = None
    reason: str = ""


def verify_chain(*, batch_size: int = 2000) -> ChainReport:
    """Walk the whole log in id order and check every link. Streams in batches."""
    expected_prev = GENESIS_HASH
    checked = 0
    last_id = 0
    while True:
        batch = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            break
        for event in batch:
            if event.prev_hash != expected_prev:
                return ChainReport(False, checked, event.id, "prev_hash does not match the previous event")
            if event.compute_hash() != event.hash:
                return ChainReport(False, checked, event.id, "content does not match its hash")
            expected_prev = event.hash
            checked += 1
            last_id = event.id
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != expected_prev:
        return ChainReport(False, checked, None, "the last event is missing (chain head points elsewhere)")
    return ChainReport(True, checked)
