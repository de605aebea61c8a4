"""Who may hand out which role (ADR 0008, docs/permissions.md).

The rule, in order:

1. A superuser may grant every role.
2. Nobody changes their own roles (segregation of duties).
3. A *privileged* role (one that carries a permission of the apps in
   ``PRIVILEGED_APPS``: user and role administration, the audit log) is
   granted only by a holder of ``accounts.assign_privileged_role``.
4. Any other role may be granted by someone who holds every permission it
   gives (nobody grants more than they have), or by a holder of
   ``accounts.assign_role`` when the role is released for assignment
   (``RoleSetting.assignable``, default True).

Removing a role follows the same rule as granting it: an administrator
manages only the roles they could hand out, and a role they could not is
kept as it is.

The account of someone who holds a role is protected the same way
(``protected_change_refusal``): its e-mail address, organisation and active
flag are changed only by someone who could grant every role it holds.
Otherwise an administrator who may not appoint a DPO could take over the
DPO's account (new e-mail address, then "Wachtwoord vergeten") or switch it
off.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

# Permissions of these apps decide who may do what, or who sees who did what.
# A role that carries one of them is a "beheerrol" (administrative role).
PRIVILEGED_APPS = frozenset({"accounts", "auth", "audit"})


def perm_code(perm) -> str:
    return f"{perm.content_type.app_label}.{perm.codename}"


def is_privileged_permission(perm) -> bool:
    return perm.content_type.app_label in PRIVILEGED_APPS


def role_is_privileged(role) -> bool:
    """Whether the role carries an administrative permission. Uses the role's
    prefetched ``permissions__content_type`` when present."""
    return any(is_privileged_permission(p) for p in role.permissions.all())


def role_is_assignable(role) -> bool:
    """The release flag (``RoleSetting``); a role without a setting is released."""
    from .models import RoleSetting

    try:
        return role.setting.assignable
    except RoleSetting.DoesNotExist:
        return True


def role_grant_refusal(actor, role, *, target=None) -> str | None:
    """Why ``actor`` may not grant (or take away) ``role`` for ``target``, in
    Dutch, or None when they may. ``target`` is the user being edited (None
    for a new user)."""
    if actor.is_superuser:
        return None
    if target is not None and target.pk == actor.pk:
        return _("u kunt uw eigen rollen niet wijzigen. Vraag dit aan een andere beheerder.")
    perms = list(role.permissions.all())
    if any(is_privileged_permission(p) for p in perms):
        if actor.has_perm("accounts.assign_privileged_role"):
            return None
        return _(
            "dit is een beheerrol (gebruikers, rollen of auditlog). "
            "Alleen een beheerder met het recht om beheerrollen toe te kennen kan ze geven."
        )
    if all(actor.has_perm(perm_code(p)) for p in perms):
        return None
    if not actor.has_perm("accounts.assign_role"):
        return _("deze rol geeft rechten die u zelf niet hebt.")
    if not role_is_assignable(role):
        return _("deze rol is niet vrijgegeven voor toekenning door functioneel beheerders.")
    return None


# The fields of an account that decide who can sign in as it, and where.
PROTECTED_FIELDS = ("email", "organisation", "is_active")


def protected_change_refusal(actor, target, changed_fields) -> str | None:
    """Why ``actor`` may not change ``changed_fields`` of ``target``'s account,
    in Dutch, or None. A protected field (``PROTECTED_FIELDS``) of another
    user follows the rule of the user's roles: the actor changes it only when
    they could grant (and take away) every role the user holds
    (``role_grant_refusal``). So a beheerrol, or a role withheld from the
    functional administrators, also protects the account that holds it; and
    so do a superuser flag and permissions given to the user directly (how a
    platform administrator gets ``accounts.assign_privileged_role``), unless
    the actor could give those too."""
    if actor.is_superuser or target.pk == actor.pk:
        return None
    if not set(changed_fields) & set(PROTECTED_FIELDS):
        return None
    if target.is_superuser:
        return _(
            "deze gebruiker is een superuser. Het e-mailadres, de organisatie en het actief-zijn van dit account "
            "wijzigt alleen een andere superuser."
        )
    may_privileged = actor.has_perm("accounts.assign_privileged_role")
    # A list of accounts (the start page's access review) prefetches both
    # relations so that this check costs no query per account; see
    # ``selectors.protection_prefetch``.
    direct_perms = getattr(target, "protection_perms", None)
    if direct_perms is None:
        direct_perms = target.user_permissions.select_related("content_type")
    direct = [
        p
        for p in direct_perms
        if (is_privileged_permission(p) and not may_privileged) or not actor.has_perm(perm_code(p))
    ]
    if direct:
        return _(
            "deze gebruiker heeft eigen rechten die u niet kunt toekennen (%(perms)s). Het e-mailadres, de "
            "organisatie en het actief-zijn van dit account wijzigt een beheerder die die rechten wel kan toekennen."
        ) % {"perms": ", ".join(sorted(perm_code(p) for p in direct))}
    roles = getattr(target, "protection_roles", None)
    if roles is None:
        roles = target.groups.select_related("setting").prefetch_related("permissions__content_type").order_by("name")
    for role in roles:
        reason = role_grant_refusal(actor, role, target=target)
        if reason is not None:
            return _(
                "deze gebruiker heeft de rol %(role)s, die u niet kunt toekennen (%(reason)s). Het e-mailadres, "
                "de organisatie en het actief-zijn van dit account wijzigt een beheerder die die rol wel kan toekennen."
            ) % {"role": role.name, "reason": reason.rstrip(".")}
    return None
