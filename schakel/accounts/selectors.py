from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from schakel.audit.models import AuditEvent

IP_THROTTLE_FAILURES = 30
IP_THROTTLE_WINDOW = timedelta(minutes=15)

# The periodic review of access rights (ISO 27001, "review of user access
# rights"): an active account counts as unused when its holder has not signed
# in for more than DORMANT_AFTER, or when it was created more than
# NEVER_SIGNED_IN_AFTER ago and nobody ever signed in with it (onboarding
# that did not happen, an invitation gone astray). Kept as constants, not as
# editable reference data: they are a security policy of the platform, not a
# list an administrator maintains. Used by the start-page panel (home.py)
# and by the user list's filter ``?toegang=ongebruikt`` alike.
DORMANT_AFTER = timedelta(days=90)
NEVER_SIGNED_IN_AFTER = timedelta(days=14)
UNUSED = "ongebruikt"  # the value of the user list's ``toegang`` filter


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


def unused_accounts(users, *, now):
    """The active accounts of ``users`` (a queryset) that nobody uses: not
    signed in for more than ``DORMANT_AFTER``, or never signed in and created
    more than ``NEVER_SIGNED_IN_AFTER`` ago. Oldest first: the longest unused
    (by last sign-in, or by creation for those never signed in)."""
    from django.db.models import Q
    from django.db.models.functions import Coalesce

    return (
        users.filter(is_active=True)
        .filter(
            Q(last_login__lt=now - DORMANT_AFTER)
            | Q(last_login__isnull=True, date_joined__lt=now - NEVER_SIGNED_IN_AFTER)
        )
        .order_by(Coalesce("last_login", "date_joined"), "pk")
    )


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


def protection_prefetch():
    """The prefetches that let ``permissions.protected_change_refusal`` judge
    a list of accounts without a query per account: the roles ordered by name
    with their release flag and permissions (``protection_roles``), and the
    direct permissions (``protection_perms``). Separate attributes, so a plain
    ``groups`` prefetch elsewhere never stands in for them."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Prefetch

    return [
        Prefetch(
            "groups",
            queryset=Group.objects.select_related("setting")
            .prefetch_related("permissions__content_type")
            .order_by("name"),
            to_attr="protection_roles",
        ),
        Prefetch(
            "user_permissions",
            queryset=Permission.objects.select_related("content_type"),
            to_attr="protection_perms",
        ),
    ]
