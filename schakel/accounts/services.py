"""Writes for accounts: sign-in, lockout, MFA, and user administration.

Every service checks the actor's permission itself and writes an audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from schakel.audit import services as audit

from .models import User


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    error: str | None  # "invalid", "locked", "inactive"


def _lockout_delta() -> timedelta:
    return timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def login_attempt(*, request, email: str, password: str) -> LoginResult:
    """Check a password login and apply lockout.

    After LOGIN_MAX_FAILURES consecutive failures the account is locked for
    LOGIN_LOCKOUT_MINUTES; while locked even the right password is refused.
    Every outcome is an audit event. The caller logs the user in on success.
    """
    email = (email or "").strip().lower()[:254]
    now = timezone.now()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email__iexact=email).first()
        if user is not None and user.is_locked(now):
            audit.record_auth(action="auth.login_refused_locked", actor=user)
            return LoginResult(None, "locked")
        authed = authenticate(request, username=email, password=password)
        if authed is None:
            if user is None:
                audit.record_auth(action="auth.login_failed", attempted_login=email, summary="unknown account")
                return LoginResult(None, "invalid")
            if not user.is_active:
                audit.record_auth(action="auth.login_failed", actor=user, summary="inactive account")
                return LoginResult(None, "invalid")
            user.failed_login_count += 1
            summary = f"failure {user.failed_login_count}"
            if user.failed_login_count >= settings.LOGIN_MAX_FAILURES:
                user.locked_until = now + _lockout_delta()
                user.failed_login_count = 0
                summary += ", account locked"
            user.save(update_fields=["failed_login_count", "locked_until"])
            audit.record_auth(action="auth.login_failed", actor=user, summary=summary)
            return LoginResult(None, "locked" if user.locked_until and user.locked_until > now else "invalid")
        authed.failed_login_count = 0
        authed.locked_until = None
        authed.last_login = now
        authed.save(update_fields=["failed_login_count", "locked_until", "last_login"])
        audit.record_auth(action="auth.login_succeeded", actor=authed)
        return LoginResult(authed, None)


def logout_record(*, user) -> None:
    if user.is_authenticated:
        audit.record_auth(action="auth.logout", actor=user)


def session_expired(*, user) -> None:
    audit.record_auth(action="auth.session_expired", actor=user)


def mfa_device_for_enrolment(*, user) -> TOTPDevice:
    """The user's unconfirmed TOTP device, created on first call (its key shown as a QR code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator-app", confirmed=False)
    return device


def mfa_confirm_enrolment(*, user, device: TOTPDevice, token: str) -> bool:
    """Confirm enrolment with a first code; replaces any earlier confirmed device."""
    if device.user_id != user.pk or device.confirmed:
        raise PermissionDenied
    if not device.verify_token(token):
        audit.record_auth(action="auth.mfa_enrolment_failed", actor=user)
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record_auth(action="auth.mfa_enrolled", actor=user)
    return True


def mfa_verify(*, user, token: str) -> TOTPDevice | None:
    """Check a TOTP code against the user's confirmed devices. django-otp keeps
    the last used time step, so a replayed code is refused."""
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):
            audit.record_auth(action="auth.mfa_verified", actor=user)
            return device
    audit.record_auth(action="auth.mfa_failed", actor=user)
    return None


# --- user administration --------------------------------------------------


def can_manage_user(actor, organisation_id) -> bool:
    """A functional administrator manages users of their own organisation only,
    unless they hold accounts.manage_all_organisations."""
    if not actor.has_perm("accounts.change_user"):
        return False
    return actor.has_perm("accounts.manage_all_organisations") or organisation_id == actor.organisation_id


class RoleNotGrantable(PermissionDenied):
    """The actor may not grant or take away this role (``permissions.role_grant_refusal``).

    Carries the role and the Dutch reason so that a form can show
    "U kunt de rol X niet toekennen: <reason>" and keep the input."""

    def __init__(self, role, reason: str):
        super().__init__(reason)
        self.role = role
        self.reason = reason


def _check_roles_grantable(actor, groups, *, target=None) -> None:
    from .permissions import role_grant_refusal

    for group in groups:
        reason = role_grant_refusal(actor, group, target=target)
        if reason is not None:
            audit.record_admin(
                actor=actor,
                action="accounts.role_grant_refused",
                obj=target if target is not None else group,
                summary=f"role: {group.name}",
            )
            raise RoleNotGrantable(group, reason)


class AccountProtected(PermissionDenied):
    """The actor may not change the sign-in data (e-mail address,
    organisation, active flag) of a user who holds a role the actor could not
    grant (``permissions.protected_change_refusal``); carries the Dutch reason."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _check_account_changeable(actor, user, changed_fields) -> None:
    from .permissions import protected_change_refusal

    reason = protected_change_refusal(actor, user, changed_fields)
    if reason is not None:
        # Outside the transaction, so that the refusal stays recorded.
        audit.record_admin(
            actor=actor,
            action="accounts.user_change_refused",
            obj=user,
            summary=f"fields: {', '.join(sorted(changed_fields))}",
        )
        raise AccountProtected(reason)


def user_create(
    *,
    actor,
    email: str,
    first_name: str,
    last_name: str,
    organisation,
    units=(),
    groups=(),
    phone: str = "",
    function_title: str = "",
) -> User:
    """Create a user without a password (they choose one through the reset
    link). Roles are checked with ``permissions.role_grant_refusal``; a refused
    role raises RoleNotGrantable and nothing is saved."""
    if not actor.has_perm("accounts.add_user") or not can_manage_user(actor, organisation.pk):
        raise PermissionDenied
    # Outside the transaction, so that the audit event of a refusal stays.
    _check_roles_grantable(actor, groups)
    with transaction.atomic():
        user = User.objects.create_user(
            email=email,
            password=None,
            first_name=first_name,
            last_name=last_name,
            organisation=organisation,
            phone=phone,
            function_title=function_title,
        )
        user.units.set(units)
        user.groups.set(groups)
        audit.record_admin(
            actor=actor,
            action="accounts.user_created",
            obj=user,
            summary=f"roles: {', '.join(sorted(g.name for g in groups))}",
        )
    return user


def user_update(*, actor, user: User, **fields) -> User:
    """Change a user's data, units, roles or active flag.

    Every role added or taken away must pass ``permissions.role_grant_refusal``
    (RoleNotGrantable otherwise, nothing saved); roles left as they are need no
    check, so a caller passes the roles it may not touch unchanged. The
    e-mail address, organisation and active flag of another user change only
    when the actor could grant every role that user holds (AccountProtected
    otherwise, nothing saved)."""
    if not can_manage_user(actor, user.organisation_id):
        raise PermissionDenied
    new_org = fields.get("organisation")
    if new_org is not None and not can_manage_user(actor, new_org.pk):
        raise PermissionDenied
    groups = fields.pop("groups", None)
    units = fields.pop("units", None)
    _check_account_changeable(actor, user, [name for name, value in fields.items() if getattr(user, name) != value])
    if groups is not None:
        # Checked before anything is written (a refused role saves nothing) and
        # outside the transaction, so that the audit event of a refusal stays.
        held = set(user.groups.all())
        _check_roles_grantable(actor, set(groups) ^ held, target=user)
    with transaction.atomic():
        changed = []
        for name, value in fields.items():
            if getattr(user, name) != value:
                setattr(user, name, value)
                changed.append(name)
        if changed:
            user.full_clean(exclude=["password"])
            user.save()
        if units is not None:
            user.units.set(units)
        if groups is not None:
            before = set(user.groups.values_list("name", flat=True))
            after = {g.name for g in groups}
            if before != after:
                user.groups.set(groups)
                audit.record_admin(
                    actor=actor,
                    action="accounts.roles_changed",
                    obj=user,
                    summary=f"added: {', '.join(sorted(after - before)) or '-'}; removed: {', '.join(sorted(before - after)) or '-'}",
                )
        if changed:
            audit.record_admin(
                actor=actor, action="accounts.user_changed", obj=user, summary=f"fields: {', '.join(sorted(changed))}"
            )
    return user


# --- organisations and roles -------------------------------------------------


@transaction.atomic
def organisation_save(*, actor, organisation, **fields):
    """Create (organisation=None) or change an organisation. KBO is validated and
    stored in its canonical 0123.456.789 form."""
    from .models import Organisation

    perm = "accounts.add_organisation" if organisation is None else "accounts.change_organisation"
    if not actor.has_perm(perm):
        raise PermissionDenied
    creating = organisation is None
    organisation = organisation or Organisation()
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save()
    audit.record_admin(
        actor=actor,
        action="accounts.organisation_created" if creating else "accounts.organisation_changed",
        obj=organisation,
        summary=f"fields: {', '.join(sorted(fields))}",
    )
    return organisation


class PermissionsNotGrantable(PermissionDenied):
    """The actor may not add (or, for administrative ones, remove) these
    permissions on a role; nothing was saved."""

    def __init__(self, permissions):
        super().__init__("permissions not grantable")
        self.permissions = list(permissions)


class RoleNotEditable(PermissionDenied):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def role_set_permissions(*, actor, role, permissions) -> None:
    """See ``_role_set_permissions``; a refusal to edit a role the actor may
    not grant is audited outside the transaction, so that it stays recorded."""
    try:
        _role_set_permissions(actor=actor, role=role, permissions=permissions)
    except RoleNotEditable:
        audit.record_admin(actor=actor, action="accounts.role_change_refused", obj=role, summary=f"role: {role.name}")
        raise


@transaction.atomic
def _role_set_permissions(*, actor, role, permissions) -> None:
    """Replace a role's permissions. An administrator can only add what they
    hold themselves; adding or removing an administrative permission (user and
    role administration, audit log) needs ``accounts.assign_privileged_role``
    too, so that nobody turns an ordinary role into an administrator role.
    Every change is an audit event listing what changed."""
    from .permissions import is_privileged_permission, role_grant_refusal

    if not actor.has_perm("auth.change_group"):
        raise PermissionDenied
    before = set(role.permissions.select_related("content_type"))
    after = set(permissions)
    # A role the actor may not grant (a beheerrol such as the DPO's, or a role
    # withheld from functional administrators) is read-only for them: taking
    # its rights away would switch off the people who hold it.
    refusal = role_grant_refusal(actor, role)
    if refusal and before != after:
        raise RoleNotEditable(refusal)
    refused = [p for p in after - before if not actor.has_perm(f"{p.content_type.app_label}.{p.codename}")]
    if not actor.has_perm("accounts.assign_privileged_role"):
        refused += [p for p in after ^ before if is_privileged_permission(p) and p not in refused]
    if refused:
        raise PermissionsNotGrantable(refused)
    if before == after:
        return
    role.permissions.set(after)

    def code(p):
        return f"{p.content_type.app_label}.{p.codename}"

    audit.record_admin(
        actor=actor,
        action="accounts.role_permissions_changed",
        obj=role,
        summary=(
            f"added: {', '.join(sorted(code(p) for p in after - before)) or '-'}; "
            f"removed: {', '.join(sorted(code(p) for p in before - after)) or '-'}"
        )[:500],
    )


@transaction.atomic
def role_set_assignable(*, actor, role, assignable: bool) -> None:
    """Release a role for assignment by functional administrators (or withhold
    it). Only a holder of ``accounts.assign_privileged_role`` decides this; an
    audit event records every change."""
    from .models import RoleSetting

    if not actor.has_perm("accounts.assign_privileged_role"):
        raise PermissionDenied
    setting, _created = RoleSetting.objects.get_or_create(group=role)
    if setting.assignable == assignable:
        return
    setting.assignable = assignable
    setting.save(update_fields=["assignable"])
    audit.record_admin(
        actor=actor,
        action="accounts.role_assignability_changed",
        obj=role,
        summary=f"assignable: {'yes' if assignable else 'no'}",
    )
