from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from schakel.audit.models import AuditEvent

IP_THROTTLE_FAILURES = 30
IP_THROTTLE_WINDOW = timedelta(minutes=15)


def recent_logins(*, user, limit: int = 10):
    """The user's own sign-in history (success and failure), newest first."""
    return list(
        AuditEvent.objects.filter(
            actor=user,
            kind=AuditEvent.Kind.AUTH,
            action__in=["auth.login_succeeded", "auth.login_failed", "auth.login_refused_locked"],
        ).only("at", "action", "ip")[:limit]
    )


def ip_is_throttled(*, ip: str | None) -> bool:
    """Many failed logins from one address, across accounts, slow that address down."""
    if not ip:
        return False
    since = timezone.now() - IP_THROTTLE_WINDOW
    failures = AuditEvent.objects.filter(
        kind=AuditEvent.Kind.AUTH, action="auth.login_failed", ip=ip, at__gte=since
    ).count()
    return failures >= IP_THROTTLE_FAILURES


def organisations_manageable_by(*, user):
    from .models import Organisation

    qs = Organisation.objects.filter(active=True)
    if not user.has_perm("accounts.manage_all_organisations"):
        qs = qs.filter(pk=user.organisation_id)
    return qs


def users_visible_to(*, user, query: str = ""):
    """Users the administrator may see: their own organisation's, or all with
    accounts.manage_all_organisations. Roles prefetched for the list."""
    from django.db.models import Q

    from .models import User

    qs = User.objects.select_related("organisation").prefetch_related("groups").order_by("last_name", "first_name")
    if not user.has_perm("accounts.manage_all_organisations"):
        qs = qs.filter(organisation_id=user.organisation_id)
    if query:
        qs = qs.filter(Q(first_name__icontains=query) | Q(last_name__icontains=query) | Q(email__icontains=query))
    return qs


def user_get_for(*, user, pk: int):
    """Fetch a user the actor may manage, or 404 (missing and not-yours alike)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(users_visible_to(user=user), pk=pk)


def roles_for_assignment(*, user, target=None) -> list[tuple]:
    """Every role with the reason why ``user`` may not grant it to ``target``
    (None: they may), ordered by name; permissions and release flag fetched
    here (ADR 0008)."""
    from django.contrib.auth.models import Group

    from .permissions import role_grant_refusal

    roles = Group.objects.order_by("name").select_related("setting").prefetch_related("permissions__content_type")
    return [(role, role_grant_refusal(user, role, target=target)) for role in roles]
