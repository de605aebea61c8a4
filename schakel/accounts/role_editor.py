"""What the role editor shows: permissions grouped by module, in Dutch.

Django names its default permissions "Can add organisatie": English, and
meaningless to a functional administrator. Here a default permission gets a
label built from its verb and the model's (translated) plural name,
"Organisaties toevoegen"; a custom permission keeps its own Dutch name.

Technical permissions (Django's own permission and content-type tables,
sessions, admin, OTP devices, the platform core) are never shown: no screen
checks them. Of the rest, the editor shows by default the permissions that
mean something: custom ones, those a seeded role grants (the vocabulary the
modules use) and those some role holds now. "Alle rechten tonen" shows the
remaining default permissions too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .permissions import is_privileged_permission, perm_code

# Apps of the platform whose permissions no screen checks, except the ones
# listed below them.
HIDDEN_SCHAKEL_APPS = frozenset({"core", "api"})
SHOWN_HIDDEN_APP_PERMISSIONS = (("core", "view_scheduledrun"),)  # the scheduled tasks page (ADR 0010)
VERB_ORDER = {"view": 0, "add": 1, "change": 2, "delete": 3}


def _schakel_apps():
    from schakel.core.seeding import schakel_apps

    return [cfg for cfg in schakel_apps() if cfg.label not in HIDDEN_SCHAKEL_APPS]


def editable_permissions():
    """Every permission the editor may offer: the platform's modules and the
    role administration (auth.group), nothing of Django's internals."""
    labels = [cfg.label for cfg in _schakel_apps()]
    shown = Q(pk__in=[])
    for app_label, codename in SHOWN_HIDDEN_APP_PERMISSIONS:
        shown |= Q(content_type__app_label=app_label, codename=codename)
    return (
        Permission.objects.filter(
            Q(content_type__app_label__in=labels)
            | Q(content_type__app_label="auth", content_type__model="group")
            | shown
        )
        .select_related("content_type")
        .order_by("content_type__app_label", "content_type__model", "codename")
    )


def _verb(perm) -> str | None:
    verb, _sep, model = perm.codename.partition("_")
    return verb if verb in VERB_ORDER and model == perm.content_type.model else None


def _things(perm) -> str:
    if (perm.content_type.app_label, perm.content_type.model) == ("auth", "group"):
        return _("Rollen")
    model = perm.content_type.model_class()
    if model is None:
        return perm.content_type.model
    return capfirst(str(model._meta.verbose_name_plural))


def permission_label(perm) -> str:
    """A Dutch (translated) label: "Organisaties toevoegen", or the custom
    permission's own name."""
    verb = _verb(perm)
    if verb == "view":
        return _("%(things)s bekijken") % {"things": _things(perm)}
    if verb == "add":
        return _("%(things)s toevoegen") % {"things": _things(perm)}
    if verb == "change":
        return _("%(things)s wijzigen") % {"things": _things(perm)}
    if verb == "delete":
        return _("%(things)s verwijderen") % {"things": _things(perm)}
    return _(perm.name)


def permissions_in_use() -> set[int]:
    """Ids of permissions that mean something: custom, seeded to a role, or held by a role."""
    from django.contrib.auth.models import Group

    from schakel.core.seeding import merged_roles

    seeded = {code for perms in merged_roles().values() for code in perms}
    held = set(Group.permissions.through.objects.values_list("permission_id", flat=True))
    ids = set()
    for perm in editable_permissions():
        if _verb(perm) is None or perm_code(perm) in seeded or perm.pk in held:
            ids.add(perm.pk)
    return ids


@dataclass
class Item:
    perm: Permission
    label: str
    checked: bool
    locked: bool  # the actor may not tick or untick it
    privileged: bool


@dataclass
class Section:
    label: str
    items: list[Item] = field(default_factory=list)

    @property
    def checked_count(self) -> int:
        return sum(item.checked for item in self.items)

    @property
    def slug(self) -> str:
        return self.items[0].perm.content_type.app_label if self.items else ""


def permission_locked(actor, perm, *, held: bool) -> bool:
    """Whether the actor may not change this permission on a role: adding
    needs the permission itself; adding or removing an administrative one
    needs accounts.assign_privileged_role (see services.role_set_permissions)."""
    if is_privileged_permission(perm) and not actor.has_perm("accounts.assign_privileged_role"):
        return True
    return not held and not actor.has_perm(perm_code(perm))


def build_sections(*, actor, perms, held_ids: set[int], checked_ids: set[int], show_ids: set[int] | None):
    """The permissions in sections per module (in the platform's app order;
    role administration under "Organisaties en gebruikers"), sorted by label."""
    order = {cfg.label: (i, str(cfg.verbose_name)) for i, cfg in enumerate(_schakel_apps())}
    order["auth"] = order.get("accounts", (0, _("Organisaties en gebruikers")))
    order["core"] = (len(order) + 1, _("Werking van het platform"))  # SHOWN_HIDDEN_APP_PERMISSIONS
    sections: dict[int, Section] = {}
    for perm in perms:
        if show_ids is not None and perm.pk not in show_ids and perm.pk not in held_ids:
            continue
        index, label = order[perm.content_type.app_label]
        section = sections.setdefault(index, Section(label=label))
        section.items.append(
            Item(
                perm=perm,
                label=permission_label(perm),
                checked=perm.pk in checked_ids,
                locked=permission_locked(actor, perm, held=perm.pk in held_ids),
                privileged=is_privileged_permission(perm),
            )
        )
    result = [sections[i] for i in sorted(sections)]
    for section in result:
        section.items.sort(key=lambda item: item.label.casefold())
    return result


def role_summary(role) -> list[tuple[str, list[str]]]:
    """A role's permissions as (module, Dutch labels), for the role list.
    Uses the role's prefetched ``permissions__content_type``."""
    order = {cfg.label: (i, str(cfg.verbose_name)) for i, cfg in enumerate(_schakel_apps())}
    order["auth"] = order.get("accounts", (0, _("Organisaties en gebruikers")))
    groups: dict[tuple[int, str], list[str]] = {}
    for perm in role.permissions.all():
        key = order.get(perm.content_type.app_label, (len(order), _("Technisch")))
        groups.setdefault(key, []).append(permission_label(perm))
    return [(label, sorted(labels, key=str.casefold)) for (_i, label), labels in sorted(groups.items())]
