"""Loading reference data and the demo, app by app.

An app takes part by shipping, all optional:
- ``seed/roles.yaml``: ``roles: {role name: [app_label.codename, ...]}``;
  merged over all apps (permissions are only added).
- ``seeding.py`` with ``load_reference(out)`` and/or ``load_demo(out)``.

Apps load in INSTALLED_APPS order. Every loader must be idempotent: running
``manage.py seed --demo`` twice adds nothing the second time.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

import yaml
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction


def schakel_apps():
    return [cfg for cfg in apps.get_app_configs() if cfg.name.startswith("schakel.")]


def read_yaml(path: Path):
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=loader)  # noqa: S506 - a safe loader


def merged_roles() -> dict[str, set[str]]:
    roles: dict[str, set[str]] = {}
    for cfg in schakel_apps():
        path = Path(cfg.path) / "seed" / "roles.yaml"
        if path.exists():
            for name, perms in (read_yaml(path) or {}).get("roles", {}).items():
                roles.setdefault(name, set()).update(perms or [])
    return roles


def _permission(code: str) -> Permission:
    app_label, _, codename = code.partition(".")
    try:
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)
    except Permission.DoesNotExist as exc:
        raise ImproperlyConfigured(f"roles.yaml names unknown permission {code!r}") from exc


@transaction.atomic
def load_roles(out: Callable[[str], None] = print) -> None:
    """Create the roles and grant each seeded permission once (see SeedGrant)."""
    from .models import SeedGrant

    created = granted = 0
    for name, perms in merged_roles().items():
        group, was_created = Group.objects.get_or_create(name=name)
        created += was_created
        done = set(SeedGrant.objects.filter(group=group).values_list("permission_id", flat=True))
        new = [p for p in (_permission(code) for code in sorted(perms)) if p.pk not in done]
        group.permissions.add(*new)
        SeedGrant.objects.bulk_create([SeedGrant(group=group, permission=p) for p in new])
        granted += len(new)
    out(f"roles: {created} created, {granted} permissions granted")


def _app_hook(cfg, hook: str):
    try:
        module = importlib.import_module(f"{cfg.name}.seeding")
    except ModuleNotFoundError as exc:
        if exc.name == f"{cfg.name}.seeding":
            return None
        raise
    return getattr(module, hook, None)


def load_all(*, demo: bool, out: Callable[[str], None] = print) -> None:
    for cfg in schakel_apps():
        fn = _app_hook(cfg, "load_reference")
        if fn:
            with transaction.atomic():
                fn(out)
    load_roles(out)
    if demo:
        for cfg in schakel_apps():
            fn = _app_hook(cfg, "load_demo")
            if fn:
                with transaction.atomic():
                    fn(out)
